export { agents } from './agents/table';
export { runs } from './runs/table';
export { results } from './results/table';
export { latestResults } from './leaderboard/table';
export { apiTokens } from './tokens/table';
export { acceptedBaselines, judgements } from './judgements/table';
export { controlResults } from './controls/table';
