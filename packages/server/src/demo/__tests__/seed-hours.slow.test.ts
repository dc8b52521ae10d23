import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabase, type TestDatabase } from '../../../test/harness.js';
import { inTenant } from '../../db/unit-of-work.js';
import { DEMO_TENANTS, seedDemoData } from '../seed.js';

/**
 * The demo shows open complaints on track, at risk and breached whenever it
 * is seeded: at-risk is the last fifth of a target in working time, which a
 * plan in calendar hours missed at some hours (none at 10:11 UTC on a
 * Thursday for the English company). Seeded at fixed instants, so the
 * outcome does not depend on when the suite runs.
 */
const INSTANTS = [
  '2026-12-03T10:11:00Z', // a Thursday morning, an hour into the working day
  '2026-12-05T23:00:00Z', // a Saturday night
  '2027-01-05T09:00:00Z', // the Russian New Year holidays
  '2027-01-11T07:00:00Z', // the Monday morning after them
];

type Row = Record<string, any>;

describe.each(INSTANTS)('demo data seeded at %s', (instant) => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await testDatabase();
    await seedDemoData(db.dataSource, Date.parse(instant));
  });
  afterAll(() => db?.drop());

  async function read(slug: string, sql: string): Promise<Row[]> {
    const [{ id }] = await db.dataSource.query('SELECT tenant_id_by_slug($1) AS id', [slug]);
    return inTenant(db.dataSource, id, (m) => m.query(sql));
  }

  for (const { texts } of DEMO_TENANTS) {
    it(`has ${texts.slug}'s open complaints on track, at risk and breached`, async () => {
      const rows = await read(texts.slug, `SELECT sla_state, count(*)::int AS n FROM complaints
        WHERE stage NOT IN ('CLOSED', 'REJECTED') AND sla_due_at IS NOT NULL GROUP BY 1 ORDER BY 1`);
      expect(rows.map((r) => r.sla_state)).toEqual(['AT_RISK', 'BREACHED', 'ON_TRACK']);
    });
  }
});
