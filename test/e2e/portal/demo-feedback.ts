import { expect } from 'vitest';
import { gql as request, type ServerProcess } from '../server-process.js';

/**
 * A complaint of the demo company `tenant` filed through the portal by
 * `email` and moved by its staff to FEEDBACK (the customer's rating step):
 * its number and tracking token.
 */
export async function demoComplaintAtFeedback(
  server: ServerProcess,
  tenant: string,
  email: string,
): Promise<{ number: string; accessToken: string }> {
  const staff = async (query: string, variables?: object, token?: string) => {
    const res = await request(server.base, '/graphql', query, variables, token);
    expect(res.errors, JSON.stringify(res.errors)).toBeUndefined();
    return res.data;
  };
  const login = async (who: string) =>
    (
      await staff('mutation($i: LoginInput!) { login(input: $i) { token } }', {
        i: { tenantSlug: tenant, email: `${who}@${tenant}.demo`, password: 'demo-password' },
      })
    ).login.token as string;
  const filed = await request(
    server.base,
    '/portal/graphql',
    `mutation($s: String!, $i: SubmitComplaintInput!) { submitComplaint(tenantSlug: $s, input: $i) { number accessToken } }`,
    {
      s: tenant,
      i: {
        kind: 'COMPLAINT',
        subject: 'Toaster burns one side',
        description: 'The left slot stays pale.',
        customer: { name: 'Ana Costa', email },
      },
    },
  );
  expect(filed.errors).toBeUndefined();
  const { number, accessToken } = filed.data.submitComplaint as { number: string; accessToken: string };
  const head = await login('head.service');
  const operator = await login('operator');
  const reference = await staff('{ departments { id name } categories { id name } users { id email } causes { id } }', {}, operator);
  const service = reference.departments.find((d: { name: string }) => d.name === 'Service Centre').id;
  const specialist = reference.users.find((u: { email: string }) => u.email === `specialist.service@${tenant}.demo`).id;
  const moves: [string, string, object][] = [
    ['REGISTERED', operator, { departmentId: service, categoryId: reference.categories[0].id, demand: 'REPAIR' }],
    ['ANALYSIS', head, { assigneeId: specialist }],
    ['DECISION', head, { validity: 'SUBJECTIVE', causeId: reference.causes[0].id, rootCause: 'Bread placed off-centre.' }],
    ['IMPLEMENTATION', head, { remedy: 'EXPLANATION' }],
    ['FEEDBACK', head, {}],
  ];
  for (const [to, token, fields] of moves) {
    const { id, version } = (await staff('query($n: String!) { complaint(number: $n) { id version } }', { n: number }, head)).complaint;
    await staff(
      'mutation($i: TransitionComplaintInput!) { transitionComplaint(input: $i) { version } }',
      { i: { id, to, expectedVersion: version, ...fields } },
      token,
    );
  }
  return { number, accessToken };
}
