import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, ok, type TestServer } from './harness.js';
import { Fixtures } from './fixtures.js';
import { Role } from '../src/auth/roles.js';

let server: TestServer;
let fx: Fixtures;
beforeAll(async () => {
  server = await startTestServer();
  fx = new Fixtures(server);
});
afterAll(() => server?.close());

describe('smoke', () => {
  it('signs up, registers a complaint by phone and lists it', async () => {
    const t = await fx.tenant('acme');
    const dept = await fx.department(t, 'Quality');
    const cat = await fx.category(t, 'Packaging');
    const op = await fx.staff(t, [Role.OPERATOR]);
    const reg = ok(
      await server.staff(
        `mutation($input: RegisterComplaintInput!) { registerComplaint(input: $input) { id number stage version legalDueAt department { name } customer { name } timeline { type toStage } } }`,
        {
          input: {
            kind: 'CLAIM',
            channel: 'PHONE',
            subject: 'Разбитая упаковка',
            description: 'Коробка пришла смятой',
            customer: { name: 'Иван Петров', phone: '+7 900 000-00-00' },
            departmentId: dept,
            categoryId: cat,
            demand: 'REFUND',
          },
        },
        op.token,
      ),
    );
    expect(reg.registerComplaint.number).toMatch(/^ACME-\d{4}-000001$/);
    expect(reg.registerComplaint.stage).toBe('REGISTERED');
    const list = ok(
      await server.staff(
        `{ complaints(filter: { departmentId: "${dept}" }) { totalCount edges { node { number subject } } } }`,
        {},
        op.token,
      ),
    );
    expect(list.complaints.totalCount).toBe(1);
  });
});
