export {
  checkModelStore,
  downloadModel,
  fileStream,
  uploadModel,
  type ModelStoreTarget,
  type RemoteStore,
} from './client';
export { hashFile, placeHashed, type PlaceChecks, type PlacedModel } from './hashing';
export { modelPath, modelsDir, tmpDir } from './layout';
export { MODEL_FILES_ROUTE, modelFileUrl } from './routes';
export { ModelRejected, storeModel } from './store';
