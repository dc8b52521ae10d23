import { readFileSync, readdirSync } from 'node:fs';
import { buildSchema, parse, separateOperations, specifiedRules, validate, type GraphQLError } from 'graphql';
import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS, FIRST_CEILING, LIST_SIZE, PORTAL_LIMITS, operationCost, queryLimits, type QueryLimits } from '../limits.js';

const repo = new URL('../../../../../', import.meta.url);
const read = (path: string) => readFileSync(new URL(path, repo), 'utf8');
const staff = buildSchema(read('docs/api/staff.graphql'));
const portal = buildSchema(read('docs/api/portal.graphql'));

const errorsOf = (query: string, limits: Partial<QueryLimits> = {}, schema = staff): readonly GraphQLError[] =>
  validate(schema, parse(query), [queryLimits(limits)]);
const refusal = (query: string, limits: Partial<QueryLimits> = {}, schema = staff) => {
  const errors = errorsOf(query, limits, schema);
  expect(errors, 'expected a refusal').toHaveLength(1);
  expect(errors[0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'QUERY_LIMIT' });
  return errors[0]!.message;
};

/** `fragment F1 on Query { ...F0 ...F0 }` … `Fn`, used once: 2^n fields when expanded. */
export const doubling = (n: number) =>
  [
    'query Q { ...F' + n + ' }',
    'fragment F0 on Query { __typename }',
    ...Array.from({ length: n }, (_, i) => `fragment F${i + 1} on Query { ...F${i} ...F${i} }`),
  ].join('\n');

/** The largest cost a document may have: the limit itself is exact, one more is refused. */
const costOf = (query: string) => {
  let low = 1;
  let high = 10_000_000;
  while (low < high) {
    const mid = Math.floor((low + high) / 2);
    if (errorsOf(query, { maxCost: mid, maxFields: 1e9, maxAliases: 1e9 }).length) low = mid + 1;
    else high = mid;
  }
  return low;
};

describe('the cost model', () => {
  it("counts each field once, and a list field's selection as many times as its `first`", () => {
    expect(costOf('{ me { id name } }')).toBe(3);
    expect(costOf('{ complaints(first: 20) { totalCount } }')).toBe(1 + 20 * 1);
    // edges are the connection's page: counted by `first`, not again as a list.
    expect(costOf('{ complaints(first: 20) { edges { node { id } } } }')).toBe(1 + 20 * (1 + 1 + 1));
  });

  it("takes the argument's default when `first` is absent, and the ceiling for a variable or a larger number", () => {
    expect(costOf('{ complaints { totalCount } }')).toBe(1 + 50);
    expect(costOf('query($n: Int!) { complaints(first: $n) { totalCount } }')).toBe(1 + FIRST_CEILING);
    expect(costOf('{ complaints(first: 100000) { totalCount } }')).toBe(1 + FIRST_CEILING);
  });

  it('counts lists without `first` as LIST_SIZE items, nested lists multiplied', () => {
    expect(costOf('{ users { id } }')).toBe(1 + LIST_SIZE);
    expect(costOf('{ users { departments { id } } }')).toBe(1 + LIST_SIZE * (1 + LIST_SIZE));
  });

  it('refuses 26 aliased pages of 200 complaints with their timelines, which one page of the console passes', () => {
    const page = (alias: string) => `${alias}: complaints(first: 200) { edges { node { id
      timeline { actor { departments { id name } } } messages { id body } slaClocks { dueAt } allowedTransitions penaltyExposure { accrued } } } }`;
    const attack = `{ ${Array.from({ length: 26 }, (_, i) => page(`a${i}`)).join('\n')} }`;
    expect(refusal(attack)).toMatch(/cost/);
    expect(
      errorsOf('query($f: ComplaintFilter) { complaints(filter: $f, first: 200) { edges { node { id number subject stage } } } }'),
    ).toEqual([]);
  });
});

describe('structural limits', () => {
  it('refuses depth, aliases, fields and spreads past their limits', () => {
    expect(refusal('{ me { departments { id } } }', { maxDepth: 2 })).toMatch(/deeper/);
    expect(refusal('{ a: me { id } b: me { id } }', { maxAliases: 1 })).toMatch(/aliases/);
    expect(refusal('{ me { id name email } }', { maxFields: 3 })).toMatch(/fields/);
    expect(refusal('{ ...A ...A ...A } fragment A on Query { me { id } }', { maxSpreads: 2 })).toMatch(/spreads/);
    expect(refusal('mutation { a: logout b: logout }'.replace(/logout/g, 'createCategory(input: { name: "x" }) { id }'))).toMatch(
      /one mutation/,
    );
  });

  it("counts a fragment's fields at every spread, measuring it once", () => {
    expect(errorsOf(doubling(8), { maxFields: 2 ** 8 })).toEqual([]);
    expect(refusal(doubling(9), { maxFields: 2 ** 8 })).toMatch(/fields/);
  });

  it('refuses the doubling-fragment document at n = 30 and 400 in well under a second', () => {
    for (const n of [30, 400]) {
      const started = performance.now();
      expect(refusal(doubling(n))).toMatch(/fields|spreads/);
      expect(performance.now() - started).toBeLessThan(300);
    }
  });

  it('survives fragment cycles (graphql-js refuses them)', () => {
    const errors = validate(staff, parse('{ ...A } fragment A on Query { ...B } fragment B on Query { ...A me { id } }'), [
      ...specifiedRules,
      queryLimits(),
    ]);
    expect(errors.map((e) => e.message).join()).toMatch(/Cannot spread fragment "A" within itself/);
  });

  it('allows the portal at most three root fields, so that aliases cannot multiply lookups', () => {
    const status = (i: number) => `s${i}: complaintStatus(number: "A-1", accessToken: "x") { stage }`;
    expect(errorsOf(`{ ${[1, 2, 3].map(status).join(' ')} }`, PORTAL_LIMITS, portal)).toEqual([]);
    expect(refusal(`{ ${[1, 2, 3, 4].map(status).join(' ')} }`, PORTAL_LIMITS, portal)).toMatch(/root fields/);
  });
});

describe('the documents the clients ship', () => {
  const documents = (dir: string) =>
    readdirSync(new URL(dir, repo))
      .filter((f) => f.endsWith('.graphql'))
      .map((f) => read(`${dir}/${f}`))
      .join('\n');
  const cases = [
    ['staff', documents('packages/client/src/staff'), staff, {}],
    ['portal', documents('packages/client/src/portal'), portal, PORTAL_LIMITS],
  ] as const;

  it.each(cases)("all pass the %s endpoint's limits, each with room to spare", (_name, source, schema, limits) => {
    const operations = Object.entries(separateOperations(parse(source)));
    expect(operations.length).toBeGreaterThan(3);
    for (const [name, document] of operations) {
      expect(validate(schema, document, [...specifiedRules, queryLimits(limits)]), name).toEqual([]);
      // The heaviest (a page of 200 complaints) is within two thirds of the cost limit.
      const halfRoom = { ...limits, maxCost: Math.floor((DEFAULT_LIMITS.maxCost * 2) / 3) };
      expect(validate(schema, document, [queryLimits(halfRoom)]), name).toEqual([]);
    }
  });
});

describe("operationCost: what a request weighs against its company's cost share", () => {
  const doc = parse('query List($first: Int = 50) { complaints(first: $first) { edges { node { id number } } } }');
  const operation = doc.definitions[0] as Parameters<typeof operationCost>[2];
  const cost = (variables?: Record<string, unknown>) => operationCost(staff, doc, operation, variables);

  it('counts a variable first at its value, at its default when left out, at the ceiling only when it cannot tell', () => {
    expect(cost({ first: 20 })).toBeLessThan(cost({ first: 50 }));
    expect(cost({})).toBe(cost({ first: 50 }));
    expect(cost(undefined)).toBe(cost({ first: 50 }));
    expect(cost({ first: 'many' })).toBe(cost({ first: FIRST_CEILING }));
  });

  it("counts the list of a page (a connection's, the mail log's) at the page's `first`, not again at the list size", () => {
    const of = (source: string) => {
      const d = parse(source);
      return operationCost(staff, d, d.definitions[0] as Parameters<typeof operationCost>[2], {});
    };
    // 1 for outboundMails, then 100 times its selection: 1 for mails and 1 for each of its two fields, once per item.
    expect(of('query { outboundMails(first: 100) { mails { id subject } } }')).toBe(1 + 100 * (1 + 2));
    expect(of('query { complaints(first: 100) { edges { node { id } } } }')).toBe(1 + 100 * (1 + 1 + 1));
  });
});
