import {
  GraphQLError,
  Kind,
  getNamedType,
  getVariableValues,
  getNullableType,
  isInterfaceType,
  isListType,
  isObjectType,
  type ASTVisitor,
  type FieldNode,
  type OperationDefinitionNode,
  type FragmentDefinitionNode,
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLSchema,
  type DocumentNode,
  type SelectionSetNode,
  type ValidationContext,
  type ValidationRule,
} from 'graphql';
import { badInput, reasoned } from './errors.js';

export interface QueryLimits {
  /** Levels of nested fields. */
  maxDepth: number;
  maxAliases: number;
  /** Fields selected in one operation, fragments expanded. */
  maxFields: number;
  /** Fields weighted by how many times they run: see `cost` below. */
  maxCost: number;
  /** Fragment spreads written in the document (each fragment's own are counted once). */
  maxSpreads: number;
  /** Root fields of one operation (`__typename` aside); the public endpoint allows few, so that aliases cannot multiply lookups. */
  maxRootFields: number;
}

/** A list field's `first` beyond this counts as this (no list serves more per page). */
export const FIRST_CEILING = 200;
/** A page size as the lists serve it: 1 to FIRST_CEILING, else BAD_USER_INPUT. */
export function checkFirst(first: number): void {
  if (!Number.isInteger(first) || first < 1 || first > FIRST_CEILING) throw badInput(`first must be between 1 and ${FIRST_CEILING}`);
}
/** What a list without a `first` argument (a complaint's timeline, a user's departments) is assumed to hold. */
export const LIST_SIZE = 10;

export const DEFAULT_LIMITS: QueryLimits = {
  maxDepth: 10,
  maxAliases: 30,
  maxFields: 400,
  maxCost: 10_000,
  maxSpreads: 100,
  maxRootFields: 30,
};

/** The public endpoint: three root fields per request, so that thirty aliased guesses of a tracking number are not one request. */
export const PORTAL_LIMITS: Partial<QueryLimits> = { maxRootFields: 3 };

const refuse = (message: string) => new GraphQLError(message, { extensions: reasoned('QUERY_LIMIT') });

/** What a selection set asks for, fragments expanded: the figures the limits bound. */
interface Measure {
  fields: number;
  aliases: number;
  /** Levels of nested fields (0 for an empty selection). */
  depth: number;
  /** Every field costs 1, plus its selection times the field's multiplier (`first`, or LIST_SIZE for other lists). */
  cost: number;
  /** Fields at the top of the selection other than `__typename`. */
  roots: number;
}

const EMPTY: Measure = { fields: 0, aliases: 0, depth: 0, cost: 0, roots: 0 };

/**
 * Measures operations against `limits`. Each fragment is measured once per
 * document and its figures are reused at every spread, so that a document
 * whose fragments spread each other many times costs time in proportion to
 * its length, not to its expansion; every running figure is checked as it
 * grows, so that the walk stops at the first one past its limit.
 *
 * A `first` given by a variable counts at FIRST_CEILING: the document is
 * checked once, before its variables are known, and cached by the server.
 */
export class OperationMeter {
  private readonly fragments = new Map<string, Measure | 'measuring'>();
  private spreads = 0;
  private readonly pages: ReadonlySet<string>;

  constructor(
    private readonly schema: GraphQLSchema,
    private readonly fragment: (name: string) => FragmentDefinitionNode | null | undefined,
    private readonly limits: QueryLimits,
    /** The request's variables, when known: a `first` given by a variable then counts at its value. */
    private readonly variables?: Readonly<Record<string, unknown>>,
  ) {
    this.pages = pagesOf(schema);
  }

  /** The figures of an operation on `rootType`; throws a QUERY_LIMIT error past a limit. */
  measure(selectionSet: SelectionSetNode, rootType: GraphQLNamedType | null | undefined): Measure {
    const m = this.selection(selectionSet, rootType ?? null);
    if (m.roots > this.limits.maxRootFields) throw refuse(`at most ${this.limits.maxRootFields} root fields per request`);
    return m;
  }

  private selection(set: SelectionSetNode, parent: GraphQLNamedType | null): Measure {
    const total = { ...EMPTY };
    for (const s of set.selections) {
      let part: Measure;
      if (s.kind === Kind.FIELD) part = this.field(s, parent);
      else if (s.kind === Kind.INLINE_FRAGMENT) {
        part = this.selection(s.selectionSet, s.typeCondition ? (this.schema.getType(s.typeCondition.name.value) ?? null) : parent);
      } else {
        if (++this.spreads > this.limits.maxSpreads) throw refuse(`more than ${this.limits.maxSpreads} fragment spreads`);
        part = this.named(s.name.value);
      }
      this.add(total, part);
    }
    return total;
  }

  /** A named fragment's figures, measured on first use. A cycle (refused by graphql-js's own rule) adds nothing. */
  private named(name: string): Measure {
    const known = this.fragments.get(name);
    if (known === 'measuring') return EMPTY;
    if (known) return known;
    const definition = this.fragment(name);
    if (!definition) return EMPTY;
    this.fragments.set(name, 'measuring');
    const m = this.selection(definition.selectionSet, this.schema.getType(definition.typeCondition.name.value) ?? null);
    this.fragments.set(name, m);
    return m;
  }

  private field(node: FieldNode, parent: GraphQLNamedType | null): Measure {
    const definition = isObjectType(parent) || isInterfaceType(parent) ? parent.getFields()[node.name.value] : undefined;
    const own: Measure = { fields: 1, aliases: node.alias ? 1 : 0, depth: 1, cost: 1, roots: node.name.value === '__typename' ? 0 : 1 };
    if (!node.selectionSet) return this.check(own);
    const inner = this.selection(node.selectionSet, definition ? getNamedType(definition.type) : null);
    const times = definition ? multiplier(definition, node, parent!, this.pages, this.variables) : 1;
    return this.check({
      fields: own.fields + inner.fields,
      aliases: own.aliases + inner.aliases,
      depth: 1 + inner.depth,
      cost: own.cost + times * inner.cost,
      roots: own.roots,
    });
  }

  /** Adds `part` to `total` in place and checks the running figures. */
  private add(total: Measure, part: Measure): void {
    total.fields += part.fields;
    total.aliases += part.aliases;
    total.depth = Math.max(total.depth, part.depth);
    total.cost += part.cost;
    total.roots += part.roots;
    this.check(total);
  }

  private check(m: Measure): Measure {
    const l = this.limits;
    if (m.depth > l.maxDepth) throw refuse(`query is deeper than ${l.maxDepth} levels`);
    if (m.aliases > l.maxAliases) throw refuse(`more than ${l.maxAliases} aliases`);
    if (m.fields > l.maxFields) throw refuse(`more than ${l.maxFields} fields`);
    if (m.cost > l.maxCost)
      throw refuse(`the query would cost more than ${l.maxCost} (each list counts as many times as it may hold items)`);
    return m;
  }
}

/**
 * The types that hold one page of a list: returned, not as a list, by a
 * field with `first` (a connection with its `edges`, the mail log with its
 * `mails`). Their lists hold that page, already counted at `first`.
 */
const pageTypes = new WeakMap<GraphQLSchema, Set<string>>();
function pagesOf(schema: GraphQLSchema): ReadonlySet<string> {
  let pages = pageTypes.get(schema);
  if (!pages) {
    pages = new Set();
    for (const type of Object.values(schema.getTypeMap())) {
      if (!isObjectType(type)) continue;
      for (const field of Object.values(type.getFields())) {
        if (field.args.some((a) => a.name === 'first') && !isListType(getNullableType(field.type)))
          pages.add(getNamedType(field.type).name);
      }
    }
    pageTypes.set(schema, pages);
  }
  return pages;
}

/**
 * How many times a field's selection runs: its `first` (a literal, else
 * the argument's default; a variable counts at the ceiling), LIST_SIZE for
 * other lists except those of a page (its `first` counted already), else once.
 */
function multiplier(
  definition: GraphQLField<unknown, unknown>,
  node: FieldNode,
  parent: GraphQLNamedType,
  pages: ReadonlySet<string>,
  variables?: Readonly<Record<string, unknown>>,
): number {
  const first = definition.args.find((a) => a.name === 'first');
  if (first) {
    const given = node.arguments?.find((a) => a.name.value === 'first')?.value;
    const known = given?.kind === Kind.VARIABLE && variables ? variables[given.name.value] : undefined;
    const value = !given
      ? Number(first.defaultValue ?? LIST_SIZE)
      : given.kind === Kind.INT
        ? Number(given.value)
        : typeof known === 'number'
          ? known
          : known === null
            ? Number(first.defaultValue ?? LIST_SIZE)
            : FIRST_CEILING;
    return Math.min(Math.max(Number.isFinite(value) ? value : FIRST_CEILING, 1), FIRST_CEILING);
  }
  if (!isListType(getNullableType(definition.type))) return 1;
  return pages.has(parent.name) ? 1 : LIST_SIZE;
}

/**
 * Refuses operations that are too deep, costly or wide, alias too many
 * fields, spread fragments too often, or run more than one mutation (each
 * request is one transaction; one mutation per request keeps "a failed
 * mutation changes nothing" true without partial results). Fragments are
 * measured once per document, shared by its operations.
 */
export function queryLimits(overrides: Partial<QueryLimits> = {}): ValidationRule {
  const limits = { ...DEFAULT_LIMITS, ...overrides };
  return (context: ValidationContext): ASTVisitor => {
    const schema = context.getSchema();
    const meter = new OperationMeter(schema, (name) => context.getFragment(name), limits);
    return {
      OperationDefinition(op) {
        try {
          const { roots } = meter.measure(op.selectionSet, schema.getRootType(op.operation));
          if (op.operation === 'mutation' && roots > 1) throw refuse('one mutation per request');
        } catch (err) {
          if (err instanceof GraphQLError) context.reportError(err);
          else throw err;
        }
        return false;
      },
    };
  };
}

const UNBOUNDED: QueryLimits = {
  maxDepth: Infinity,
  maxAliases: Infinity,
  maxFields: Infinity,
  maxCost: Infinity,
  maxSpreads: Infinity,
  maxRootFields: Infinity,
};

/**
 * The cost (as the limits count it) of the operation a request runs, with
 * its variables (a `first` given by a variable counts at its value, or at
 * the variable's default when the request leaves it out), for the
 * connection shares (db/connection-shares.ts): a company's requests may
 * hold only so much cost at once. A walk of the document, without limits.
 */
export function operationCost(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables?: Readonly<Record<string, unknown>>,
): number {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
  // With defaults filled in; values that do not coerce fail the request anyway, and then count at the ceiling.
  const values = getVariableValues(schema, operation.variableDefinitions ?? [], { ...variables }).coerced;
  const meter = new OperationMeter(schema, (name) => fragments.get(name), UNBOUNDED, values);
  return meter.measure(operation.selectionSet, schema.getRootType(operation.operation)).cost;
}
