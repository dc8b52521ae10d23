import { Foundation1763900000000 } from './1763900000000-foundation.js';
import { Outbox1764000000000 } from './1764000000000-outbox.js';
import { Sla1764100000000 } from './1764100000000-sla.js';

/** Every migration, oldest first. */
export const migrations = [Foundation1763900000000, Outbox1764000000000, Sla1764100000000];
