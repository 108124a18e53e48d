export { freeDimensionNames, overrideFreeDimensions } from './free-dimensions';
export { readModelFacts } from './model-facts';
