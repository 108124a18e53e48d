export { freeDimensionNames, overrideFreeDimensions, unknownFreeDimensions } from './free-dimensions';
export { readModelFacts, type ModelFacts } from './model-facts';
export { notOnnxReason } from './file-head';
export { encodeModel, tinyAddModel, type Initializer, type NodeDef, type ValueInfo } from './model-writer';
