import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ok, startTestServer, type TestServer } from '../../../test/harness.js';
import { inTenant } from '../../db/unit-of-work.js';
import { DEMO_PASSWORD, DEMO_TENANTS, seedDemoData } from '../seed.js';

/**
 * The demo data goes through the same clocks, breaches and escalations as
 * live work: the SLA scheduler's pass runs over the seeded past.
 */

type Row = Record<string, any>;

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
  await seedDemoData(server.dataSource);
}, 120_000);
afterAll(() => server?.close());

async function read(slug: string, sql: string, params: unknown[] = []): Promise<Row[]> {
  const [{ id }] = await server.dataSource.query('SELECT tenant_id_by_slug($1) AS id', [slug]);
  return inTenant(server.dataSource, id, (m) => m.query(sql, params));
}

async function login(slug: string, login: string): Promise<string> {
  return ok(
    await server.staff(`mutation($input: LoginInput!) { login(input: $input) { token } }`, {
      input: { tenantSlug: slug, email: `${login}@${slug}.demo`, password: DEMO_PASSWORD },
    }),
  ).login.token;
}

const ESCALATIONS = `query($d: ID) { escalations(departmentId: $d, first: 200) {
  id clock kind dueAt firedAt complaint { number } department { id } notifiedHeads { email } } }`;

describe('demo data through the SLA scheduler', () => {
  for (const { texts } of DEMO_TENANTS) {
    describe(texts.slug, () => {
      let overdue: Row[];
      beforeAll(async () => {
        // Open complaints with a department past an operational deadline: their heads must have been told.
        overdue = await read(
          texts.slug,
          `SELECT c.number, c.department_id FROM complaints c
          WHERE c.stage NOT IN ('CLOSED', 'REJECTED') AND c.department_id IS NOT NULL AND c.awaiting_customer_since IS NULL
            AND EXISTS (SELECT 1 FROM sla_deadlines d WHERE d.complaint_id = c.id AND d.clock <> 'LEGAL' AND d.due_at <= now())`,
        );
      });

      it('has overdue complaints, each marked as breached', async () => {
        expect(overdue.length).toBeGreaterThan(10);
        const states = await read(texts.slug, `SELECT number, sla_state FROM complaints WHERE number = ANY($1)`, [
          overdue.map((c) => c.number),
        ]);
        for (const c of states) expect(c.sla_state, c.number).toBe('BREACHED');
      });

      it('shows the quality manager an escalation for every overdue complaint', async () => {
        const token = await login(texts.slug, 'quality.manager');
        const escalations: Row[] = ok(await server.staff(ESCALATIONS, {}, token)).escalations;
        const escalated = new Set(escalations.map((e) => e.complaint.number));
        for (const c of overdue) expect(escalated.has(c.number), c.number).toBe(true);
        for (const e of escalations) {
          expect(e.kind).toBe('BREACHED');
          expect(e.notifiedHeads.length, e.complaint.number).toBeGreaterThan(0);
          expect(Date.parse(e.firedAt)).toBeGreaterThanOrEqual(Date.parse(e.dueAt));
          expect(Date.parse(e.firedAt)).toBeLessThan(Date.now());
        }
      });

      it("shows each department's head the overdue complaints of their department", async () => {
        const heads = texts.staff.filter((u) => u.roles.includes('HEAD' as never));
        let seen = 0;
        for (const head of heads) {
          const token = await login(texts.slug, head.login);
          const me = ok(await server.staff('{ me { email departments { id } } }', {}, token)).me;
          const mine = new Set<string>(me.departments.map((d: { id: string }) => d.id));
          const escalations: Row[] = ok(await server.staff(ESCALATIONS, {}, token)).escalations;
          const escalated = new Set(escalations.map((e) => e.complaint.number));
          for (const e of escalations) {
            expect(mine.has(e.department.id)).toBe(true);
            expect(e.notifiedHeads.map((h: { email: string }) => h.email)).toContain(me.email);
          }
          // A complaint may have moved since it breached; those still in this head's departments were escalated to them.
          const theirs = overdue.filter((c) => mine.has(c.department_id));
          for (const c of theirs) expect(escalated.has(c.number), `${head.login}: ${c.number}`).toBe(true);
          seen += theirs.length;
        }
        expect(seen).toBe(overdue.length);
      });

      it("records each breach at its clock's own instant, before now", async () => {
        const clocks = await read(
          texts.slug,
          `SELECT c.number, d.clock, d.due_at, d.breached_at, d.warn_at, d.warned_at,
            (SELECT max(b.fired_at) FROM sla_breaches b WHERE b.complaint_id = d.complaint_id AND b.clock = d.clock AND b.kind = 'BREACHED') AS fired_at
          FROM sla_deadlines d JOIN complaints c ON c.id = d.complaint_id WHERE d.breached_at IS NOT NULL`,
        );
        expect(clocks.length).toBeGreaterThan(10);
        const now = Date.now();
        for (const d of clocks) {
          const what = `${d.number} ${d.clock}`;
          expect(d.breached_at.getTime(), what).toBeLessThan(now);
          // An escalation that raised the priority may have moved the deadline earlier since; never later.
          expect(d.breached_at.getTime(), what).toBeGreaterThanOrEqual(d.due_at.getTime());
          expect(d.fired_at?.getTime(), what).toBe(d.breached_at.getTime());
          if (d.warned_at) expect(d.warned_at.getTime(), what).toBeLessThanOrEqual(d.breached_at.getTime());
        }
        // The history says what the deadline was when each breach fired: as a running scheduler would, at that
        // very instant (or, for a deadline an escalation moved into the past, when the escalation happened),
        // not all at the moment of seeding.
        const history = await read(texts.slug, `SELECT due_at, fired_at FROM sla_breaches WHERE kind = 'BREACHED'`);
        for (const b of history) {
          expect(b.fired_at.getTime()).toBeGreaterThanOrEqual(b.due_at.getTime());
          expect(b.fired_at.getTime()).toBeLessThan(now);
        }
        expect(history.filter((b) => b.fired_at.getTime() === b.due_at.getTime()).length).toBeGreaterThan(history.length / 2);
        // Deadlines in working time gather where working days begin and end (a clock started overnight runs
        // out at the same hour as its neighbours'), so many breaches share an instant, as they would live;
        // none holds a quarter of them, as the one instant of seeding would.
        const perInstant = history.reduce(
          (m, b) => m.set(b.fired_at.getTime(), (m.get(b.fired_at.getTime()) ?? 0) + 1),
          new Map<number, number>(),
        );
        expect(Math.max(...perInstant.values())).toBeLessThan(history.length / 4);
        expect(perInstant.size).toBeGreaterThan(history.length / 3);
      });

      it('writes the breaches and escalations on the timeline, in time order', async () => {
        const events = await read(texts.slug, `SELECT complaint_id, type, at FROM timeline_events ORDER BY id`);
        const types = new Set(events.map((e) => e.type));
        for (const t of ['SLA_AT_RISK', 'SLA_BREACHED', 'ESCALATED']) expect(types.has(t), t).toBe(true);
        const last = new Map<string, number>();
        for (const e of events) {
          expect(e.at.getTime()).toBeGreaterThanOrEqual(last.get(e.complaint_id) ?? 0);
          last.set(e.complaint_id, e.at.getTime());
        }
      });
    });
  }
});
