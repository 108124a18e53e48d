export { freeDimensionNames, overrideFreeDimensions, unknownFreeDimensions } from './free-dimensions';
export { readModelFacts } from './model-facts';
export { notOnnxReason } from './file-head';
