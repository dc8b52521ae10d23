import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Stage } from '../../src/modules/complaint/complaint.enums.js';
import { transitionComplaint } from '../../src/modules/complaint/complaint.service.js';
import { Cause, CauseGroup, RejectionReason } from '../../src/modules/cause/cause.entity.js';
import {
  createCause,
  createRejectionReason,
  listCauses,
  listRejectionReasons,
  renameEntry,
  setArchived,
} from '../../src/modules/cause/cause.service.js';
import { ok } from '../harness.js';
import { expectError, stageFields } from '../fixtures.js';
import { startServiceTier, type ComplaintRow, type ServiceTier, type ServiceWorld } from './tier.js';

/** Coded causes and rejection reasons: the company's lists, and the transitions that need them. */
let tier: ServiceTier;
let w: ServiceWorld;
let other: ServiceWorld;
beforeAll(async () => {
  tier = await startServiceTier();
  [w, other] = await Promise.all([tier.build.world(), tier.build.world()]);
});
afterAll(() => tier?.close());

const qm = () => w.staff.QUALITY_MANAGER;
const transition = (c: ComplaintRow, to: Stage, fields: Record<string, unknown>) =>
  tier.attempt(w.staff.HEAD, 'transitionComplaint', (ctx) =>
    transitionComplaint(ctx, { id: c.id, expectedVersion: c.version, to, ...fields } as never),
  );

describe('the lists', () => {
  it('a new company starts with causes under all six groups and rejection reasons, named in Russian and English', async () => {
    const causes = await tier.as(qm(), 'causes', (ctx) => listCauses(ctx, false));
    expect(new Set(causes.map((c) => c.group))).toEqual(new Set(Object.values(CauseGroup)));
    expect(causes.length).toBe(12);
    for (const c of causes) expect(c.nameRu).toMatch(/[а-яё]/i);
    for (const c of causes) expect(c.nameEn).toMatch(/^[A-Za-z ]+$/);
    const reasons = await tier.as(qm(), 'rejectionReasons', (ctx) => listRejectionReasons(ctx, false));
    expect(reasons.map((r) => r.code)).toEqual(expect.arrayContaining(['MISUSE', 'WARRANTY_EXPIRED', 'OTHER']));
  });

  it('a code is stored in upper case and unique in the company (CONFLICT, nothing written); another company may use it', async () => {
    const made = ok(
      await tier.attempt(qm(), 'createCause', (ctx) =>
        createCause(ctx, { group: CauseGroup.EQUIPMENT, code: 'press-wear', nameRu: 'Износ пресса', nameEn: 'Press wear' }),
      ),
    );
    expect(made.code).toBe('PRESS-WEAR');
    const again = await tier.expectNoWrites(() =>
      tier.attempt(qm(), 'createCause', (ctx) =>
        createCause(ctx, { group: CauseGroup.METHOD, code: 'Press-Wear', nameRu: 'Другое', nameEn: 'Other' }),
      ),
    );
    expect(expectError(again, 'CONFLICT', 'DUPLICATE').extensions?.fields).toEqual([expect.objectContaining({ field: 'input.code' })]);
    const reasonTaken = await tier.expectNoWrites(() =>
      tier.attempt(qm(), 'createRejectionReason', (ctx) =>
        createRejectionReason(ctx, { code: 'misuse', nameRu: 'Другое', nameEn: 'Other' }),
      ),
    );
    expectError(reasonTaken, 'CONFLICT', 'DUPLICATE');
    ok(
      await tier.attempt(other.staff.QUALITY_MANAGER, 'createCause', (ctx) =>
        createCause(ctx, { group: CauseGroup.EQUIPMENT, code: 'PRESS-WEAR', nameRu: 'Износ', nameEn: 'Wear' }),
      ),
    );
  });

  it("renaming keeps the code and group; another company's entry is NOT_FOUND and unchanged", async () => {
    const renamed = ok(
      await tier.attempt(w.staff.ADMIN, 'updateCause', (ctx) => renameEntry(ctx, Cause, { id: w.cause, nameEn: 'Faulty supplier batch' })),
    );
    expect(renamed).toMatchObject({
      code: 'SUPPLIER_DEFECT',
      group: CauseGroup.MATERIAL,
      nameEn: 'Faulty supplier batch',
      nameRu: 'Дефект материала поставщика',
    });
    await tier.expectNoWrites(async () => {
      expectError(
        await tier.attempt(other.staff.ADMIN, 'updateCause', (ctx) => renameEntry(ctx, Cause, { id: w.cause, nameEn: 'Mine' })),
        'NOT_FOUND',
      );
      expectError(
        await tier.attempt(other.staff.ADMIN, 'archiveRejectionReason', (ctx) =>
          setArchived(ctx, RejectionReason, w.rejectionReason, true),
        ),
        'NOT_FOUND',
      );
    });
  });
});

describe('transitions', () => {
  it('DECISION stores the coded cause beside the explanation; REJECTED the coded reason', async () => {
    const c = await tier.build.newComplaint(w, Stage.ANALYSIS);
    const decided = ok(await transition(c, Stage.DECISION, stageFields(w, c, Stage.DECISION)));
    expect({ causeId: decided.causeId, rootCause: decided.rootCause }).toEqual({ causeId: w.cause, rootCause: 'a faulty seal batch' });
    const r = await tier.build.newComplaint(w, Stage.RECEIVED);
    const rejected = ok(await transition(r, Stage.REJECTED, { rejectionReasonId: w.rejectionReason }));
    expect({ stage: rejected.stage, reason: rejected.rejectionReasonId, text: rejected.rejectionReason }).toEqual({
      stage: 'REJECTED',
      reason: w.rejectionReason,
      text: null,
    });
  });

  it("an archived cause or reason is refused (CODE_ARCHIVED on the field), another company's is NOT_FOUND; nothing changes", async () => {
    const cause = ok(
      await tier.attempt(qm(), 'createCause', (ctx) =>
        createCause(ctx, { group: CauseGroup.PEOPLE, code: 'OLD', nameRu: 'Старое', nameEn: 'Old' }),
      ),
    );
    ok(await tier.attempt(qm(), 'archiveCause', (ctx) => setArchived(ctx, Cause, cause.id, true)));
    expect((await tier.as(qm(), 'causes', (ctx) => listCauses(ctx, false))).map((x) => x.id)).not.toContain(cause.id);
    expect((await tier.as(qm(), 'causes', (ctx) => listCauses(ctx, true))).map((x) => x.id)).toContain(cause.id);
    const c = await tier.build.newComplaint(w, Stage.ANALYSIS);
    const r = await tier.build.newComplaint(w, Stage.RECEIVED);
    await tier.expectNoWrites(async () => {
      const archived = await transition(c, Stage.DECISION, { ...stageFields(w, c, Stage.DECISION), causeId: cause.id });
      expect(expectError(archived, 'BAD_USER_INPUT', 'CODE_ARCHIVED').extensions?.fields).toEqual([
        expect.objectContaining({ field: 'input.causeId' }),
      ]);
      expectError(await transition(c, Stage.DECISION, { ...stageFields(w, c, Stage.DECISION), causeId: other.cause }), 'NOT_FOUND');
      expectError(await transition(c, Stage.DECISION, { ...stageFields(w, c, Stage.DECISION), causeId: randomUUID() }), 'NOT_FOUND');
      expectError(await transition(r, Stage.REJECTED, { rejectionReasonId: other.rejectionReason }), 'NOT_FOUND');
    });
    ok(await tier.attempt(qm(), 'restoreCause', (ctx) => setArchived(ctx, Cause, cause.id, false)));
    ok(await transition(c, Stage.DECISION, { ...stageFields(w, c, Stage.DECISION), causeId: cause.id }));
  });
});
