/**
 * A UUID as PostgreSQL writes it (lowercase): ids the service wrote itself
 * and reads back (its tokens, its events on pub/sub), and the company and
 * user a unit of work puts into its own statements.
 */
export const CANONICAL_UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * A UUID as a client may write it (either case): ids in requests and links
 * (`@IsEntityId`, `entityId`, signed file links).
 */
export const UUID_PATTERN = new RegExp(CANONICAL_UUID.source, 'i');
