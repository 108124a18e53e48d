export { agents } from './agents/table';
export { runs } from './runs/table';
export { results } from './results/table';
