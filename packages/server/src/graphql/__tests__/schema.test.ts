import 'reflect-metadata';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { printSchemas } from '../print-schema.js';

const docs = (name: string) => readFileSync(new URL(`../../../../../docs/api/${name}`, import.meta.url), 'utf8');

describe('GraphQL schemas', () => {
  it('match the SDL committed under docs/api (run `pnpm --filter @reclaim/server schema` after changing the API)', async () => {
    const { staff, portal } = await printSchemas();
    expect(staff).toBe(docs('staff.graphql'));
    expect(portal).toBe(docs('portal.graphql'));
  });

  it('keeps staff-only types out of the portal schema', async () => {
    const { portal } = await printSchemas();
    for (const staffOnly of [
      'type User',
      'type Department',
      'type TimelineEvent',
      'INTERNAL',
      'passwordHash',
      'type Complaint ',
      'rootCause',
      'decisionNote',
      'Validity',
      'CorrectiveAction',
      'OBJECTIVE',
    ]) {
      expect(portal).not.toContain(staffOnly);
    }
    expect(portal).toContain('type PortalComplaint');
  });

  it('has every operation of the contract', async () => {
    const { staff, portal } = await printSchemas();
    for (const op of [
      'signUpTenant(',
      'login(',
      'createDepartment(',
      'createUser(',
      'registerComplaint(',
      'transitionComplaint(',
      'assignComplaint(',
      'addMessage(',
      'me:',
      'complaint(',
      'complaints(',
      'departments:',
    ]) {
      expect(staff).toContain(op);
    }
    for (const op of ['submitComplaint(', 'replyToComplaint(', 'rateComplaint(', 'complaintStatus(']) expect(portal).toContain(op);
  });
});
