import {
  GraphQLError,
  astFromValue,
  getNamedType,
  getVariableValues,
  isInputObjectType,
  parse,
  print,
  type GraphQLArgument,
  type GraphQLSchema,
  type VariableDefinitionNode,
} from 'graphql';
import { validate } from 'class-validator';
import { badInput, formatError } from '../../graphql/errors.js';
import { hiddenTextIn } from '../../graphql/validation.js';
import { ComplaintFilter } from '../complaint/dto/complaint-filter.input.js';
import { DEFAULT_ORDER, type ComplaintOrdering } from '../complaint/complaint.order.js';

export type ExportLanguage = 'ru' | 'en';

/**
 * The arguments of one staff query that an export takes, read by the staff
 * schema's own types: the same enums, scalars, input types and defaults, so
 * an argument the query accepts is one the export accepts, and nothing else.
 */
export interface ExportArguments {
  /** The query's name in the staff schema (whose `@Allow` authorises the export). */
  query: string;
  names: readonly string[];
  definitions: readonly VariableDefinitionNode[];
  document: ReturnType<typeof parse>;
  /** Types that `validate` an input object argument (type-graphql applies them to the query's arguments). */
  inputs: Record<string, new () => object>;
}

/**
 * The arguments of `query` in `schema` (`only` those named, when given), as
 * variable definitions with the query's types and defaults.
 */
export function exportArguments(
  schema: GraphQLSchema,
  query: string,
  inputs: Record<string, new () => object> = {},
  only?: readonly string[],
): ExportArguments {
  const field = schema.getQueryType()?.getFields()[query];
  if (!field) throw new Error(`the staff schema has no query ${query}`);
  const args = field.args.filter((a) => !only || only.includes(a.name));
  const variable = (a: GraphQLArgument) => {
    const fallback = a.defaultValue === undefined ? null : astFromValue(a.defaultValue, a.type);
    return `$${a.name}: ${String(a.type)}${fallback ? ` = ${print(fallback)}` : ''}`;
  };
  const document = parse(`query Export${args.length ? `(${args.map(variable).join(', ')})` : ''} { __typename }`);
  const definitions = (document.definitions[0] as { variableDefinitions?: readonly VariableDefinitionNode[] }).variableDefinitions ?? [];
  return { query, names: args.map((a) => a.name), definitions, document, inputs };
}

/** What an export asks for: the query's arguments (coerced, defaults applied, input objects validated) and the headers' language. */
export interface ExportRequest {
  values: Record<string, unknown>;
  /** null: the company's language. */
  lang: ExportLanguage | null;
}

/**
 * Reads the query string of an export: each argument by its name (an input
 * object JSON-encoded, `filter={"from":…}`; an enum, a number or a text as
 * it is, `by=CAUSE`, `withinDays=90`) and `lang=ru|en`, each optional
 * where the query's argument is. Every refusal is BAD_USER_INPUT, with
 * `fields` where a field is to blame, as the GraphQL endpoint words it.
 */
export async function readExportRequest(schema: GraphQLSchema, spec: ExportArguments, params: URLSearchParams): Promise<ExportRequest> {
  for (const key of params.keys()) {
    if (key !== 'lang' && !spec.names.includes(key))
      throw badInput(`unknown parameter ${key}; the export takes ${[...spec.names, 'lang'].join(', ')}`);
  }
  const lang = params.get('lang');
  if (lang !== null && lang !== 'ru' && lang !== 'en')
    throw badInput('lang must be ru or en', { fields: [{ field: 'lang', messages: ['must be ru or en'] }] });
  const variables: Record<string, unknown> = {};
  for (const d of spec.definitions) {
    const name = d.variable.name.value;
    const text = params.get(name);
    if (text === null || text === '') continue;
    const type = getNamedType(schema.getType(namedTypeOf(d)) ?? undefined);
    variables[name] = isInputObjectType(type) ? json(text, name) : type?.name === 'Int' || type?.name === 'Float' ? number(text) : text;
  }

  const hidden = hiddenTextIn(variables, spec.document);
  if (hidden) {
    throw badInput(`${hidden} contains control or invisible characters (zero-width, bidi controls); remove them`, {
      reason: 'INVISIBLE_CHARACTERS',
      fields: [{ field: hidden.slice(1), reason: 'INVISIBLE_CHARACTERS' }],
    });
  }
  const coerced = getVariableValues(schema, spec.definitions, variables, { maxErrors: 1 });
  if (coerced.errors) throw badInput(coerced.errors[0]!.message.replace(/^Variable "\$/, '"'));
  const values: Record<string, unknown> = { ...coerced.coerced };
  for (const [name, Input] of Object.entries(spec.inputs)) {
    const plain = values[name] as Record<string, unknown> | null | undefined;
    if (!plain) continue;
    const input = Object.assign(new Input(), plain);
    // The rules type-graphql applies to the query's arguments (ids, texts' length and plain-text rule, …).
    const errors = await validate(input, { forbidUnknownValues: false });
    if (errors.length) {
      const nested = errors.map((e) => ({ ...e, property: `${name}.${e.property}` }));
      const formatted = formatError(
        new GraphQLError('Argument Validation Error', { extensions: { code: 'BAD_USER_INPUT', validationErrors: nested } }).toJSON(),
        null,
      );
      throw badInput(formatted.message, { fields: formatted.extensions?.fields as never });
    }
    values[name] = input;
  }
  return { values, lang };
}

const namedTypeOf = (d: VariableDefinitionNode): string => {
  let type = d.type;
  while (type.kind !== 'NamedType') type = type.type;
  return type.name.value;
};

function json(text: string, name: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw badInput(`${name} is not valid JSON`, { fields: [{ field: name, messages: ['is not valid JSON'] }] });
  }
}

/** A whole or decimal number as written; anything else is left as text, for the schema's own refusal. */
const number = (text: string): number | string => (/^-?\d+(\.\d+)?$/.test(text) ? Number(text) : text);

/** The complaint list's export: the `complaints` query's filter and order. */
export interface ComplaintExportRequest {
  filter: ComplaintFilter | null;
  order: ComplaintOrdering;
  lang: ExportLanguage | null;
}

/** Reads `?filter=<JSON>&orderBy=<JSON>&lang=ru|en` (each optional): the `complaints` query's variables. */
export async function parseComplaintExport(schema: GraphQLSchema, params: URLSearchParams): Promise<ComplaintExportRequest> {
  const spec = exportArguments(schema, 'complaints', { filter: ComplaintFilter }, ['filter', 'orderBy']);
  const { values, lang } = await readExportRequest(schema, spec, params);
  const orderBy = values.orderBy as Partial<ComplaintOrdering> | null | undefined;
  return { filter: (values.filter as ComplaintFilter | null | undefined) ?? null, order: { ...DEFAULT_ORDER, ...orderBy }, lang };
}
