import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import { lexicographicSortSchema, printSchema } from 'graphql';
import { buildSchemas } from './schema.js';

/** The SDL of both endpoints, sorted, as committed under docs/api/. */
export async function printSchemas(): Promise<{ staff: string; portal: string }> {
  const { staff, portal } = await buildSchemas();
  return {
    staff: `${printSchema(lexicographicSortSchema(staff))}\n`,
    portal: `${printSchema(lexicographicSortSchema(portal))}\n`,
  };
}

// `pnpm schema` (from packages/server) rewrites docs/api/*.graphql.
if (process.argv[1]?.endsWith('print-schema.js')) {
  const { staff, portal } = await printSchemas();
  const dir = new URL('../../../../docs/api/', import.meta.url);
  writeFileSync(new URL('staff.graphql', dir), staff);
  writeFileSync(new URL('portal.graphql', dir), portal);
  console.log('wrote docs/api/staff.graphql and docs/api/portal.graphql');
}
