import 'reflect-metadata';
import { readFileSync } from 'node:fs';
import { buildSchema } from 'graphql';
import { describe, expect, it } from 'vitest';
import { buildStaffSchema } from '../../graphql/schema.js';
import { allowances, guardOperations } from '../allow.js';

describe('declared authorization', () => {
  it('every staff operation declares who may run it, and docs/roles.md lists exactly those declarations', async () => {
    const declared = allowances(await buildStaffSchema());
    const doc = readFileSync(new URL('../../../../../docs/roles.md', import.meta.url), 'utf8');
    const table = doc.slice(doc.indexOf('<!-- operations:start -->'), doc.indexOf('<!-- operations:end -->'));
    const documented = Object.fromEntries([...table.matchAll(/^\| `(\w+)` \| `(\w+)` \|$/gm)].map((m) => [m[1], m[2]]));
    expect(documented).toEqual(declared);
  });

  it('a schema with an operation that declares nothing does not start', () => {
    expect(() => guardOperations(buildSchema('type Query { secret: Int }'))).toThrow('Query.secret declares no @Allow');
  });
});
