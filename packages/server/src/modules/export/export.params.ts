import { GraphQLError, getVariableValues, parse, type GraphQLSchema, type VariableDefinitionNode } from 'graphql';
import { validate } from 'class-validator';
import { badInput, formatError } from '../../graphql/errors.js';
import { hiddenTextIn } from '../../graphql/validation.js';
import { ComplaintFilter } from '../complaint/dto/complaint-filter.input.js';
import { DEFAULT_ORDER, type ComplaintOrdering } from '../complaint/complaint.order.js';
import type { TableFormat } from './table-writer.js';

export type ExportLanguage = 'ru' | 'en';

/** What `GET /exports/complaints.<format>` asks for: the list's own filter and order, and the headers' language. */
export interface ComplaintExportRequest {
  format: TableFormat;
  filter: ComplaintFilter | null;
  order: ComplaintOrdering;
  /** null: the company's language. */
  lang: ExportLanguage | null;
}

const PARAMS = new Set(['filter', 'orderBy', 'lang']);

/**
 * The variables of the `complaints` query, as the staff schema reads them:
 * the same enums, scalars and types, so a filter the list accepts is the
 * filter the export accepts, and nothing else.
 */
const DOCUMENT = parse('query Export($filter: ComplaintFilter, $orderBy: ComplaintOrder) { __typename }');
const DEFINITIONS = (DOCUMENT.definitions[0] as { variableDefinitions: readonly VariableDefinitionNode[] }).variableDefinitions;

/**
 * Reads `?filter=<JSON>&orderBy=<JSON>&lang=ru|en` (each optional; `filter`
 * and `orderBy` are the `complaints` query's variables, JSON-encoded).
 * Every refusal is BAD_USER_INPUT, with `fields` where a field is to blame,
 * as the GraphQL endpoint words it.
 */
export async function parseComplaintExport(schema: GraphQLSchema, format: TableFormat, params: URLSearchParams): Promise<ComplaintExportRequest> {
  for (const key of params.keys()) {
    if (!PARAMS.has(key)) throw badInput(`unknown parameter ${key}; the export takes filter, orderBy and lang`);
  }
  const lang = params.get('lang');
  if (lang !== null && lang !== 'ru' && lang !== 'en') throw badInput('lang must be ru or en', { fields: [{ field: 'lang', messages: ['must be ru or en'] }] });
  const variables = { filter: json(params, 'filter'), orderBy: json(params, 'orderBy') };

  const hidden = hiddenTextIn(variables, DOCUMENT);
  if (hidden) {
    throw badInput(`${hidden} contains control or invisible characters (zero-width, bidi controls); remove them`, {
      reason: 'INVISIBLE_CHARACTERS', fields: [{ field: hidden.slice(1), reason: 'INVISIBLE_CHARACTERS' }],
    });
  }
  const coerced = getVariableValues(schema, DEFINITIONS, variables, { maxErrors: 1 });
  if (coerced.errors) throw badInput(coerced.errors[0]!.message.replace(/^Variable "\$/, '"'));
  const filterValues = coerced.coerced.filter as Record<string, unknown> | null | undefined;
  const filter = filterValues ? Object.assign(new ComplaintFilter(), filterValues) : null;
  if (filter) {
    // The rules type-graphql applies to the query's arguments (ids, the search text's length and plain-text rule, at most 8 stages).
    const errors = await validate(filter, { forbidUnknownValues: false });
    if (errors.length) {
      const nested = errors.map((e) => ({ ...e, property: `filter.${e.property}` }));
      const formatted = formatError(new GraphQLError('Argument Validation Error', { extensions: { code: 'BAD_USER_INPUT', validationErrors: nested } }).toJSON(), null);
      throw badInput(formatted.message, { fields: formatted.extensions?.fields as never });
    }
  }
  const orderBy = coerced.coerced.orderBy as Partial<ComplaintOrdering> | null | undefined;
  return { format, filter, order: { ...DEFAULT_ORDER, ...orderBy }, lang };
}

function json(params: URLSearchParams, name: string): unknown {
  const text = params.get(name);
  if (text === null || text === '') return null;
  try {
    return JSON.parse(text);
  } catch {
    throw badInput(`${name} is not valid JSON`, { fields: [{ field: name, messages: ['is not valid JSON'] }] });
  }
}
