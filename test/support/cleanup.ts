import { afterAll } from 'vitest';
import { removeTempHomes } from './env';

// Every test file, in both lanes: the directories it made with tempHome go when it ends (its own afterAll hooks,
// which stop the servers using them, run first).
afterAll(removeTempHomes);
