import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RequestContext } from '../../src/graphql/context.js';
import { inTenant } from '../../src/db/unit-of-work.js';
import { registerComplaint } from '../../src/modules/complaint/complaint.service.js';
import { fireDueClocks, syncSla } from '../../src/modules/sla/sla.service.js';
import { updateTenant } from '../../src/modules/tenant/tenant.service.js';
import { complaintInput } from '../fixtures.js';
import { startServiceTier, type ServiceTier, type ServiceWorld } from './tier.js';

/**
 * A Russian company's legal deadline whose last day is a day off ends on the
 * next working day (art. 193 of the Civil Code; the rule itself is tested in
 * sla-clock.test.ts). Here: a deadline stored under other rules (before the
 * rule, or before the company's country or time zone changed) is not fired as
 * it was stored, and a change of country or time zone moves the open ones.
 */
let tier: ServiceTier;
let w: ServiceWorld;
beforeAll(async () => {
  tier = await startServiceTier();
  w = await tier.build.world();
  // Policies without targets: the legal clock is a complaint's only one, so no other clock's breach (and the
  // escalation that recomputes every clock) comes first.
  await tier.build.inTenant(w.t.tenantId, (m) =>
    m.query(`UPDATE sla_policies SET first_response_seconds = NULL, resolution_seconds = NULL, stage_seconds = '{}'`),
  );
});
afterAll(() => tier?.close());

/** Received on Wednesday 25 November 2026 at 12:00 in Moscow with a 10-day refund: the last day is Saturday 5 December. */
const RECEIVED = new Date('2026-11-25T09:00:00Z');
/** The last day moved to Monday 7 December: due at the start of Tuesday, Moscow time. */
const DUE = new Date('2026-12-07T21:00:00Z');
/** The last day counted as it falls: the start of Sunday 6 December. */
const AS_IT_FALLS = new Date('2026-12-05T21:00:00Z');

/** Runs `work` in w's company as a job does (no member), with its unit of work. */
const asJob = <T>(work: (ctx: RequestContext) => Promise<T>) =>
  inTenant(tier.dataSource, w.t.tenantId, (m, uow) => work(new RequestContext(w.t.tenantId, null, m, uow)));

async function refundReceived(): Promise<string> {
  const c = await tier.as(w.staff.OPERATOR, 'registerComplaint', (ctx) =>
    registerComplaint(
      ctx,
      complaintInput({ channel: 'PHONE', departmentId: w.dept, categoryId: w.cat, demand: 'REFUND', productPrice: 10000 }) as never,
    ),
  );
  await asJob(async (ctx) => {
    await ctx.query('UPDATE complaints SET received_at = $2 WHERE id = $1', [c.id, RECEIVED]);
    await syncSla(ctx, [c.id], { now: RECEIVED });
  });
  return c.id;
}

const legalOf = (id: string) =>
  asJob(async (ctx) => {
    const [row] = await ctx.query<{ due_at: Date; breached_at: Date | null; legal_due_at: Date }>(
      `SELECT d.due_at, d.breached_at, c.legal_due_at FROM sla_deadlines d JOIN complaints c ON c.id = d.complaint_id
        WHERE d.complaint_id = $1 AND d.clock = 'LEGAL'`,
      [id],
    );
    const breaches = await ctx.query(
      `SELECT 1 FROM timeline_events WHERE complaint_id = $1 AND type = 'SLA_BREACHED' AND data->>'clock' = 'LEGAL'`,
      [id],
    );
    return { ...row, breaches: breaches.length };
  });

/** The legal clock of `id` as a node stored it before the rule: due when the last day ends as it falls. */
const storedAsItFalls = (id: string) =>
  asJob((ctx) =>
    ctx.query(
      `UPDATE sla_deadlines SET due_at = $2::timestamptz, warn_at = $2::timestamptz - interval '1 day' WHERE complaint_id = $1 AND clock = 'LEGAL'`,
      [id, AS_IT_FALLS],
    ),
  );

describe('a legal deadline stored under other rules', () => {
  it('is recomputed by the scheduler instead of fired, and fires once when it is due under the rules', async () => {
    const id = await refundReceived();
    expect((await legalOf(id)).due_at).toEqual(DUE);
    await storedAsItFalls(id);

    // Sunday morning: past the stored deadline, before the law's.
    await asJob((ctx) => fireDueClocks(ctx, 100, { asOf: new Date('2026-12-06T07:00:00Z') }));
    expect(await legalOf(id)).toMatchObject({ due_at: DUE, breached_at: null, breaches: 0 });

    // Tuesday morning: late under the rules too.
    const tuesday = new Date('2026-12-08T07:00:00Z');
    await asJob((ctx) => fireDueClocks(ctx, 100, { asOf: tuesday }));
    expect(await legalOf(id)).toMatchObject({ due_at: DUE, breached_at: tuesday, breaches: 1 });
  });
});

describe("a change of the company's country or time zone", () => {
  it('moves the legal deadlines of its open complaints at once', async () => {
    const id = await refundReceived();
    const set = (input: { country?: string; timeZone?: string }) =>
      tier.as(w.staff.ADMIN, 'updateTenant', (ctx) => updateTenant(ctx, input));
    try {
      await set({ country: 'BY' });
      expect(await legalOf(id)).toMatchObject({ due_at: AS_IT_FALLS, legal_due_at: AS_IT_FALLS });
      await set({ timeZone: 'Asia/Vladivostok' });
      // The start of Sunday 6 December in Vladivostok (UTC+10).
      const vladivostok = new Date('2026-12-05T14:00:00Z');
      expect(await legalOf(id)).toMatchObject({ due_at: vladivostok, legal_due_at: vladivostok });
    } finally {
      await set({ country: 'RU', timeZone: 'Europe/Moscow' });
    }
    expect(await legalOf(id)).toMatchObject({ due_at: DUE, legal_due_at: DUE });
  });
});
