import { defaultFieldResolver, type GraphQLSchema } from 'graphql';
import { Extensions } from 'type-graphql';
import type { GraphQLContext } from './context.js';

/**
 * Declares that a staff query's answer depends only on the company's
 * complaints, what the caller may see (roles, departments, key) and the
 * arguments: the analysis queries, which every open Analysis page of a
 * company asks again, all together, when a complaint moves
 * (docs/architecture.md, "Shared answers").
 */
export const Shared = () => Extensions({ shared: true });

/**
 * Answers shared on one node: asked again within `ttlMs` by a caller who
 * sees the same, the answer computed first (or being computed: one
 * computation however many ask at once). A failure is not kept. The oldest
 * entries go beyond `maxEntries`.
 */
export class SharedResults {
  private readonly entries = new Map<string, { at: number; value: Promise<unknown> }>();
  computed = 0;
  shared = 0;

  constructor(
    readonly ttlMs: number,
    private readonly maxEntries = 1000,
    private readonly now: () => number = Date.now,
  ) {}

  get(key: string, compute: () => Promise<unknown>): Promise<unknown> {
    const hit = this.entries.get(key);
    if (hit && this.now() - hit.at < this.ttlMs) {
      this.shared += 1;
      return hit.value;
    }
    this.entries.delete(key);
    this.computed += 1;
    const value = compute();
    this.entries.set(key, { at: this.now(), value });
    value.catch(() => {
      if (this.entries.get(key)?.value === value) this.entries.delete(key);
    });
    for (const oldest of this.entries.keys()) {
      if (this.entries.size <= this.maxEntries) break;
      this.entries.delete(oldest);
    }
    return value;
  }
}

/**
 * Shares the answers of the staff schema's `@Shared` queries through the
 * node's `SharedResults` (`ServerDeps.sharedResults`; none, or a time of 0:
 * every query computes its own) between callers whose
 * transactions see the same company history: the key holds the company's
 * last timeline event (every change of a complaint writes one), so a caller
 * who sees a change never gets an answer computed before it. Applied before
 * the guard wraps the resolvers, so that a caller is admitted before any
 * answer is shared with them.
 */
export function shareResults(schema: GraphQLSchema): GraphQLSchema {
  for (const [name, field] of Object.entries(schema.getQueryType()?.getFields() ?? {})) {
    if (!field.extensions?.shared) continue;
    const resolve = field.resolve ?? defaultFieldResolver;
    field.resolve = async (root, args, gql: GraphQLContext, info) => {
      const results = gql.deps.sharedResults;
      if (!results?.ttlMs) return resolve(root, args, gql, info);
      const ctx = await gql.staff();
      const actor = ctx.staff;
      const sees = [actor.integration?.id ?? null, [...actor.roles].sort(), [...actor.departmentIds].sort()];
      const [history] = await ctx.query<{ last: string | null }>('SELECT max(id)::text AS last FROM timeline_events');
      return results.get(JSON.stringify([ctx.tenantId, history?.last ?? null, sees, name, args]), async () =>
        resolve(root, args, gql, info),
      );
    };
  }
  return schema;
}
