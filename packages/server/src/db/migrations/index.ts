import { Foundation1763900000000 } from './1763900000000-foundation.js';

/** Every migration, oldest first. */
export const migrations = [Foundation1763900000000];
