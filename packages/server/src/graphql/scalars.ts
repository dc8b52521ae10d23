import { GraphQLScalarType, Kind } from 'graphql';
import { DateTimeResolver } from 'graphql-scalars';

const LOCAL_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

function parseLocalDate(value: unknown): string {
  if (typeof value !== 'string') throw new TypeError('Date must be a string YYYY-MM-DD');
  const m = LOCAL_DATE.exec(value);
  const d = m ? new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))) : null;
  if (!d || d.toISOString().slice(0, 10) !== value) throw new TypeError(`not a calendar date: ${JSON.stringify(value).slice(0, 40)}`);
  return value;
}

/** A calendar date without time or zone, 'YYYY-MM-DD' (a purchase date, a due date). */
export const LocalDate = new GraphQLScalarType<string, string>({
  name: 'Date',
  description: 'A calendar date, YYYY-MM-DD',
  serialize: (v) => (v instanceof Date ? v.toISOString().slice(0, 10) : parseLocalDate(v)),
  parseValue: parseLocalDate,
  parseLiteral: (ast) => {
    if (ast.kind !== Kind.STRING) throw new TypeError('Date must be a string YYYY-MM-DD');
    return parseLocalDate(ast.value);
  },
});

/** ISO-8601 instants, named DateTime as the contract says. */
export const DateTime = DateTimeResolver;
