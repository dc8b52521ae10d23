import type { DataSource } from 'typeorm';
import type { GraphQLSchema } from 'graphql';
import { RequestContext, enterAsStaff } from '../../graphql/context.js';
import type { TokenClaims } from '../../auth/token.js';
import type { Actor } from '../../auth/actor.js';
import { PUBLIC, admit, allowances, type Allowance } from '../../auth/allow.js';
import { inUnit } from '../../db/unit-of-work.js';
import { enterAsIntegration } from '../integration/integration.service.js';
import type { ExportLanguage } from './export.params.js';
import type { TableColumn } from './table-writer.js';

export interface CompanySettings {
  locale: ExportLanguage;
  timeZone: string;
}

/**
 * Who asks for an export: a staff member (their verified token's claims) or
 * an integration (its API key, with the company and the integration, its
 * user, that `verifyApiKey` found; checked again in every unit of work as the
 * GraphQL endpoint checks it in every request: revoked, expired, address).
 */
export type ExportCaller =
  | { staff: Pick<TokenClaims, 'tenantId' | 'userId' | 'credentialsVersion'> }
  | { apiKey: string; integration: Pick<Actor, 'tenantId' | 'userId'> };

/** Who reads an export, and under which declaration: the staff query's own `@Allow`. */
export interface ExportReader {
  dataSource: DataSource;
  caller: ExportCaller;
  clientAddress: string;
  allowance: Exclude<Allowance, typeof PUBLIC>;
}

/** A table ready to be written: its first rows already read (so that a refusal is answered before the file begins). */
export interface ExportedTable<R = unknown> {
  company: CompanySettings;
  /** The file's name before its date: `complaints`, `analysis-funnel`. */
  name: string;
  sheetName: string;
  columns: ReadonlyArray<TableColumn<R>>;
  batches: AsyncIterable<readonly R[]>;
}

/** One downloadable table: the staff query it is, and how its file is read. */
export interface ExportSource<A = unknown> {
  /** The staff query whose declaration (`@Allow`) authorises the export. */
  query: string;
  /** Reads the query string: BAD_USER_INPUT for anything the query would refuse. */
  parse(schema: GraphQLSchema, params: URLSearchParams): Promise<A>;
  read(reader: ExportReader, ask: A): Promise<ExportedTable>;
}

/** The declaration of `query` in the staff schema, for the guard's rule (`admit`). */
export function allowanceOf(schema: GraphQLSchema, query: string): Exclude<Allowance, typeof PUBLIC> {
  const allowance = allowances(schema)[query];
  if (!allowance || allowance === PUBLIC) throw new Error(`an export needs a signed-in query; ${query} is ${allowance ?? 'undeclared'}`);
  return allowance;
}

/**
 * Runs `work` in one short unit of work of the reader's company, as the
 * staff endpoint runs the query: the member (or the integration's key)
 * loaded again (a member deactivated or signed out, a key revoked or
 * expired, is UNAUTHENTICATED), the query's declaration applied by the
 * guard's own rule (roles for staff, scopes for a key: FORBIDDEN), row-level
 * security through the company's role; committed when it succeeds.
 */
export function inStaffUnit<T>(reader: ExportReader, work: (ctx: RequestContext) => Promise<T>): Promise<T> {
  return inUnit(
    reader.dataSource,
    async (uow) => {
      const actor =
        'apiKey' in reader.caller
          ? await enterAsIntegration(uow, reader.caller.apiKey, reader.clientAddress, reader.caller.integration)
          : await enterAsStaff(uow, reader.caller.staff);
      admit(reader.allowance, actor);
      return work(new RequestContext(actor.tenantId, actor, await uow.manager(), uow));
    },
    { clientAddress: reader.clientAddress },
  );
}

/** The company's language and time zone, which the headers and times follow. */
export async function companySettings(ctx: RequestContext): Promise<CompanySettings> {
  const [row] = await ctx.query<{ locale: string; time_zone: string }>('SELECT locale, time_zone FROM tenants WHERE id = $1', [
    ctx.tenantId,
  ]);
  return { locale: row?.locale === 'en' ? 'en' : 'ru', timeZone: row?.time_zone ?? 'UTC' };
}
