import { randomUUID } from 'node:crypto';
import { IsNull, type EntityTarget } from 'typeorm';
import type { RequestContext } from '../../graphql/context.js';
import { badInput, notFound, unlessTaken } from '../../graphql/errors.js';
import { Cause, CodedEntry, RejectionReason } from './cause.entity.js';
import type { CodedEntryInput, CreateCauseInput, UpdateCodedEntryInput } from './cause.inputs.js';

type Coded = typeof Cause | typeof RejectionReason;
const what = (entity: Coded) => (entity === Cause ? 'cause' : 'rejection reason');

/** The company's causes by group and code (archived ones only when asked for: pickers leave them out). */
export function listCauses(ctx: RequestContext, includeArchived: boolean): Promise<Cause[]> {
  return ctx.manager.find(Cause, { where: includeArchived ? {} : { archivedAt: IsNull() }, order: { group: 'ASC', code: 'ASC' } });
}

export function listRejectionReasons(ctx: RequestContext, includeArchived: boolean): Promise<RejectionReason[]> {
  return ctx.manager.find(RejectionReason, { where: includeArchived ? {} : { archivedAt: IsNull() }, order: { code: 'ASC' } });
}

async function createEntry<T extends CodedEntry>(
  ctx: RequestContext,
  entity: EntityTarget<T> & Coded,
  input: CodedEntryInput,
  extra: Partial<T>,
): Promise<T> {
  const row = ctx.manager.create(
    entity as EntityTarget<T>,
    {
      tenantId: ctx.tenantId,
      id: randomUUID(),
      code: input.code.trim().toUpperCase(),
      nameRu: input.nameRu.trim(),
      nameEn: input.nameEn.trim(),
      archivedAt: null,
      createdAt: new Date(),
      ...extra,
    } as never,
  );
  await unlessTaken('input.code', `a ${what(entity)} with this code exists`, () =>
    ctx.manager.insert(entity as EntityTarget<T>, row as never),
  );
  return row;
}

export function createCause(ctx: RequestContext, input: CreateCauseInput): Promise<Cause> {
  return createEntry<Cause>(ctx, Cause, input, { group: input.group });
}

export function createRejectionReason(ctx: RequestContext, input: CodedEntryInput): Promise<RejectionReason> {
  return createEntry<RejectionReason>(ctx, RejectionReason, input, {});
}

/** Renames an entry (its code and group stay: they are what reports have counted under). */
export async function renameEntry<T extends CodedEntry>(
  ctx: RequestContext,
  entity: EntityTarget<T> & Coded,
  input: UpdateCodedEntryInput,
): Promise<T> {
  const row = await ctx.manager.findOneBy(entity as EntityTarget<T>, { id: input.id } as never);
  if (!row) throw notFound(what(entity));
  const changes = { ...(input.nameRu && { nameRu: input.nameRu.trim() }), ...(input.nameEn && { nameEn: input.nameEn.trim() }) };
  if (Object.keys(changes).length) await ctx.manager.update(entity as EntityTarget<T>, { id: input.id } as never, changes as never);
  return Object.assign(row, changes);
}

/** Archives (or restores) an entry; doing it twice changes nothing. */
export async function setArchived<T extends CodedEntry>(
  ctx: RequestContext,
  entity: EntityTarget<T> & Coded,
  id: string,
  archived: boolean,
): Promise<T> {
  const row = await ctx.manager.findOneBy(entity as EntityTarget<T>, { id } as never);
  if (!row) throw notFound(what(entity));
  if ((row.archivedAt !== null) !== archived) {
    row.archivedAt = archived ? new Date() : null;
    await ctx.manager.update(entity as EntityTarget<T>, { id } as never, { archivedAt: row.archivedAt } as never);
  }
  return row;
}

/**
 * A code offered for new work: one of the company's, not archived. Another
 * company's id is NOT_FOUND; an archived one BAD_USER_INPUT on `field`.
 */
export async function requireActiveEntry(ctx: RequestContext, entity: Coded, id: string, field: string): Promise<void> {
  const row = await ctx.manager.findOneBy(entity, { id });
  if (!row) throw notFound(what(entity));
  if (row.archivedAt) {
    throw badInput(`this ${what(entity)} is archived: choose another`, {
      reason: 'CODE_ARCHIVED',
      fields: [{ field, messages: ['is archived'], reason: 'CODE_ARCHIVED' }],
    });
  }
}
