import { Foundation1763900000000 } from './1763900000000-foundation.js';
import { Outbox1764000000000 } from './1764000000000-outbox.js';
import { Sla1764100000000 } from './1764100000000-sla.js';
import { Attachments1764200000000 } from './1764200000000-attachments.js';
import { Templates1764300000000 } from './1764300000000-templates.js';
import { CredentialsVersion1764420000000 } from './1764420000000-credentials-version.js';

/** Every migration, oldest first. */
export const migrations = [Foundation1763900000000, Outbox1764000000000, Sla1764100000000, Attachments1764200000000, Templates1764300000000, CredentialsVersion1764420000000];
