import 'reflect-metadata';
import type { DataSource } from 'typeorm';
import { admit, allowances, PUBLIC, type Allowance } from '../../src/auth/allow.js';
import { UnitOfWork } from '../../src/db/unit-of-work.js';
import { enterAsStaff, RequestContext } from '../../src/graphql/context.js';
import { AppError } from '../../src/graphql/errors.js';
import { buildStaffSchema } from '../../src/graphql/schema.js';
import { TEST_HASH_COST, testDatabase, type GqlResult, type TestDatabase } from '../harness.js';
import { hashPassword } from '../../src/auth/password.js';
import { expectNoWritesIn } from '../fixtures.js';
import { Builders, type Member } from '../builders.js';
import { MailLinks } from '../../src/modules/mail/mail-links.js';

const hashAtTestCost = (password: string) => hashPassword(password, TEST_HASH_COST);

/** The tracking links of the mail that operations write, as a node signs them. */
const MAIL_LINKS = new MailLinks('a service-tier secret of at least 32 characters', 'http://localhost:4000');

export { Builders, timelineOf, type ComplaintRow, type Member, type ServiceWorld, type TenantRow } from '../builders.js';

/**
 * The service tier: service functions called directly, with the
 * RequestContext of a given staff member, over a real database (a copy of
 * the migrated template on PostgreSQL, PGlite otherwise), without HTTP,
 * GraphQL or tokens. Rows the tests start from are inserted directly by the
 * builders (test/builders.ts), as the application's role inside the
 * company's unit of work (row-level security applies).
 */
export interface ServiceTier {
  db: TestDatabase;
  dataSource: DataSource;
  build: Builders;
  /** Runs `work` as `user` under operation `operation`'s declaration; see `asStaff`. */
  as<T>(user: Member, operation: string, work: (ctx: RequestContext) => Promise<T>): Promise<T>;
  /** `as` as an API caller would see it: its value as `data`, or the AppError it threw as `errors` (anything else is thrown). */
  attempt<T>(user: Member, operation: string, work: (ctx: RequestContext) => Promise<T>): Promise<GqlResult<T>>;
  /** Runs `attempt` and checks that it inserted, updated or deleted no row of any table. */
  expectNoWrites<T>(attempt: () => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export async function startServiceTier(): Promise<ServiceTier> {
  const db = await testDatabase({ dbPoolSize: 4 });
  const { dataSource } = db;
  return {
    db,
    dataSource,
    build: new Builders(dataSource),
    as: (user, operation, work) => asStaff(dataSource, user, operation, work),
    attempt: async (user, operation, work) => {
      try {
        return { status: 200, data: await asStaff(dataSource, user, operation, work) };
      } catch (err) {
        if (!(err instanceof AppError)) throw err;
        return { status: 200, errors: [{ message: err.message, extensions: err.extensions as { code?: string } }] };
      }
    },
    expectNoWrites: (attempt) => expectNoWritesIn(dataSource, attempt),
    close: () => db.drop(),
  };
}

let declared: Promise<Record<string, Allowance>> | undefined;
/** What each staff operation declares with @Allow, read from the built schema (as the guard reads it). */
export function declaredAllowances(): Promise<Record<string, Allowance>> {
  declared ??= buildStaffSchema().then(allowances);
  return declared;
}

/**
 * Runs `work` in one unit of work as the staff endpoint runs operation
 * `operation` for `user`: the actor loaded with the request's own statement
 * (roles, departments, active), the operation's declared @Allow applied by
 * the guard's rule (FORBIDDEN before `work` runs), then `work` with the
 * request's RequestContext; committed if it returns, rolled back if it throws.
 */
export async function asStaff<T>(
  dataSource: DataSource,
  user: Member,
  operation: string,
  work: (ctx: RequestContext) => Promise<T>,
): Promise<T> {
  const allowance = (await declaredAllowances())[operation];
  if (!allowance) throw new Error(`the staff schema has no operation ${operation}`);
  const uow = new UnitOfWork(dataSource);
  try {
    const actor = await enterAsStaff(uow, { tenantId: user.tenantId, userId: user.id });
    if (allowance !== PUBLIC) admit(allowance, actor);
    const result = await work(new RequestContext(user.tenantId, actor, await uow.manager(), uow, hashAtTestCost, MAIL_LINKS));
    await uow.finish(true);
    return result;
  } catch (err) {
    await uow.finish(false).catch(() => undefined);
    throw err;
  }
}
