export * from './errors';
export * from './hash';
export * from './matrix';
export * from './ranking';
export * from './spec';
export * from './stats';
export * from './types';
export * from './queues';
