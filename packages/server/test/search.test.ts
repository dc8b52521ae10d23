import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ok, startTestServer, type TestServer } from './harness.js';
import { Fixtures, complaintInput, type World } from './fixtures.js';

const SEARCH = `query($s: String) { complaints(filter: { search: $s }, first: 50) { edges { node { number } } } }`;

describe('search finds what people type (issue 14, item 4)', () => {
  let server: TestServer;
  let w: World;
  let target: string;
  let other: string;
  const find = async (s: string) =>
    ok(await server.staff(SEARCH, { s }, w.staff.OPERATOR.token)).complaints.edges.map((e: any) => e.node.number);

  beforeAll(async () => {
    server = await startTestServer();
    w = await new Fixtures(server).world();
    const fx = new Fixtures(server);
    target = (
      await fx.register(
        w.staff.OPERATOR.token,
        complaintInput({
          subject: 'Чайник протекает',
          orderRef: 'ORD-777',
          product: 'Чайник VX-200',
          customer: { name: 'Пётр Иванов', email: 'petr.ivanov@example.com', phone: '+7 (916) 555-12-34' },
        }),
      )
    ).number;
    other = (
      await fx.register(
        w.staff.OPERATOR.token,
        complaintInput({
          subject: 'Другой чайник',
          orderRef: 'ORD-778',
          product: 'Чайник VX-300',
          customer: { name: 'Анна Смирнова', email: 'anna@example.com', phone: '+7 (903) 111-22-33' },
        }),
      )
    ).number;
  });
  afterAll(() => server?.close());

  it.each([
    ['the order number as written', 'ORD-777'],
    ['the product code', 'VX-200'],
    ['the tail of the complaint number', () => target.slice(-6)],
    ['the whole complaint number', () => target],
    ['the phone as written', '+7 (916) 555-12-34'],
    ['the phone as ten digits', '9165551234'],
    ['the phone with the country code', '89165551234'],
    ['the name with е for ё', 'Петр'],
    ['the name with ё', 'Пётр Иванов'],
    ['the e-mail', 'petr.ivanov@example.com'],
  ])('%s', async (_label, query) => {
    const found = await find(typeof query === 'function' ? query() : query);
    expect(found).toContain(target);
    expect(found).not.toContain(other);
  });
});
