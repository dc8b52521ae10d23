import { randomBytes, randomUUID } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import { hashPassword } from '../src/auth/password.js';
import { Role } from '../src/auth/roles.js';
import { inTenant } from '../src/db/unit-of-work.js';
import { RequestContext } from '../src/graphql/context.js';
import { Complaint } from '../src/modules/complaint/complaint.entity.js';
import { Stage } from '../src/modules/complaint/complaint.enums.js';
import { nextComplaintNumber } from '../src/modules/complaint/numbering.js';
import { PASSWORD, complaintInput, pathTo } from './fixtures.js';
import { TEST_HASH_COST } from './harness.js';

/** A staff member: whom the service tier acts for, and whom the HTTP tier's fixtures sign tokens for. */
export interface Member {
  tenantId: string;
  id: string;
  email: string;
}

export interface TenantRow {
  tenantId: string;
  slug: string;
  /** The first admin (ADMIN and HEAD), as sign-up creates them. */
  admin: Member;
}

/** A tenant with two departments, a category and one single-role member of each role (SPECIALIST and HEAD in `dept`). */
export interface ServiceWorld {
  t: TenantRow;
  dept: string;
  otherDept: string;
  cat: string;
  /** The default cause SUPPLIER_DEFECT (MATERIAL) and rejection reason MISUSE, as sign-up installs them. */
  cause: string;
  rejectionReason: string;
  staff: Record<Role, Member>;
}

/** A complaint as the builders and the service tier's reads return it. */
export type ComplaintRow = Complaint & { correctiveActions: Array<{ id: string; doneAt: Date | null }> };

let passwordHash: Promise<string> | undefined;

/** Rows inserted directly, as the application's role inside the company's unit of work; no service, no API. */
export class Builders {
  constructor(readonly dataSource: DataSource) {}

  /** Runs `work` in a unit of work of `tenantId` (role reclaim_app, app.tenant_id set), committed. */
  inTenant<T>(tenantId: string, work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return inTenant(this.dataSource, tenantId, work);
  }

  /** A company as sign-up leaves it: its row, the default SLA settings and its first admin (ADMIN and HEAD). */
  async newTenant(slug = `t-${randomBytes(4).toString('hex')}`, name = 'Test Company'): Promise<TenantRow> {
    const tenantId = randomUUID();
    await this.inTenant(tenantId, async (m) => {
      await m.query(
        `INSERT INTO tenants (id, slug, number_prefix, name, locale, time_zone, country, currency, branding, created_at, address_confirmed_at)
                     VALUES ($1, $2, upper($2), $3, 'ru', 'Europe/Moscow', 'RU', 'RUB', '{}', now(), now())`,
        [tenantId, slug, name],
      );
      await m.query('SELECT install_sla_defaults()');
      await m.query('SELECT install_cause_defaults()');
    });
    const admin = await this.newUser(tenantId, slug, [Role.ADMIN, Role.HEAD], [], `admin@${slug}.test`);
    return { tenantId, slug, admin };
  }

  /**
   * Confirms a company's admin address as following the link of its
   * ADDRESS_CONFIRMATION mail does (the mail stays in the outbox): for
   * tests that start from a company as sign-up makes it.
   */
  async confirmAddress(tenantId: string): Promise<void> {
    await this.inTenant(tenantId, async (m) => {
      await m.query('UPDATE tenants SET address_confirmed_at = now() WHERE id = app_tenant_id() AND address_confirmed_at IS NULL');
      await m.query("UPDATE account_links SET used_at = now() WHERE purpose = 'ADDRESS_CONFIRMATION' AND used_at IS NULL");
    });
  }

  async newDepartment(tenantId: string, name = `Dept ${randomBytes(3).toString('hex')}`): Promise<string> {
    const id = randomUUID();
    await this.inTenant(tenantId, (m) =>
      m.query('INSERT INTO departments (tenant_id, id, name, created_at) VALUES (app_tenant_id(), $1, $2, now())', [id, name]),
    );
    return id;
  }

  async newCategory(tenantId: string, name = `Cat ${randomBytes(3).toString('hex')}`): Promise<string> {
    const id = randomUUID();
    await this.inTenant(tenantId, (m) =>
      m.query('INSERT INTO categories (tenant_id, id, name, active, created_at) VALUES (app_tenant_id(), $1, $2, true, now())', [id, name]),
    );
    return id;
  }

  /** The ids of a cause and a rejection reason of the company, by code (the defaults: SUPPLIER_DEFECT, MISUSE). */
  async codes(
    tenantId: string,
    cause = 'SUPPLIER_DEFECT',
    rejectionReason = 'MISUSE',
  ): Promise<{ cause: string; rejectionReason: string }> {
    const [row] = await this.inTenant(tenantId, (m) =>
      m.query(
        'SELECT (SELECT id FROM causes WHERE code = $1) AS cause, (SELECT id FROM rejection_reasons WHERE code = $2) AS "rejectionReason"',
        [cause, rejectionReason],
      ),
    );
    return row;
  }

  /** An active staff member with `roles` in `departmentIds`; their password is PASSWORD (hashed once per run). */
  async newUser(tenantId: string, slug: string, roles: Role[], departmentIds: string[] = [], email?: string): Promise<Member> {
    const id = randomUUID();
    const address = email ?? `${roles.join('-').toLowerCase()}-${randomBytes(3).toString('hex')}@${slug}.test`;
    passwordHash ??= hashPassword(PASSWORD, TEST_HASH_COST);
    const hash = await passwordHash;
    await this.inTenant(tenantId, async (m) => {
      await m.query(
        `INSERT INTO users (tenant_id, id, email, name, password_hash, roles, active, credentials_version, created_at)
                     VALUES (app_tenant_id(), $1, $2, $3, $4, $5, true, 0, now())`,
        [id, address, `Staff ${roles.join(' ')}`, hash, roles],
      );
      if (departmentIds.length) {
        await m.query('INSERT INTO user_departments (tenant_id, user_id, department_id) SELECT app_tenant_id(), $1, unnest($2::uuid[])', [
          id,
          departmentIds,
        ]);
      }
    });
    return { tenantId, id, email: address };
  }

  /** A tenant with departments, a category and one single-role member of each role. */
  async world(): Promise<ServiceWorld> {
    const t = await this.newTenant();
    const [dept, otherDept, cat] = await Promise.all([
      this.newDepartment(t.tenantId),
      this.newDepartment(t.tenantId),
      this.newCategory(t.tenantId),
    ]);
    const member = (role: Role) => (role === Role.SPECIALIST || role === Role.HEAD ? [dept] : []);
    const roles = Object.values(Role);
    const staff = await Promise.all(roles.map((r) => this.newUser(t.tenantId, t.slug, [r], member(r))));
    return {
      t,
      dept,
      otherDept,
      cat,
      ...(await this.codes(t.tenantId)),
      staff: Object.fromEntries(roles.map((r, i) => [r, staff[i]])) as Record<Role, Member>,
    };
  }

  /**
   * A complaint of `w` at `stage`, inserted as the API's path to it would
   * leave it (received over the API, then moved along EDGES by w's HEAD with
   * the fields each step needs, as Fixtures.stageFields gives them): its
   * customer, its number, what every stage on the way requires, a corrective
   * action from IMPLEMENTATION on (done from FEEDBACK on) and one timeline
   * entry per step. `departmentId` is the department it was received with.
   */
  async newComplaint(w: ServiceWorld, stage: Stage, { departmentId }: { departmentId?: string } = {}): Promise<ComplaintRow> {
    const path = pathTo(stage);
    const reached = (s: Stage) => path.includes(s);
    const input = complaintInput() as {
      kind: string;
      channel: string;
      subject: string;
      description: string;
      customer: { name: string; email: string };
    };
    const id = randomUUID();
    const actionId = randomUUID();
    return this.inTenant(w.t.tenantId, async (m) => {
      const ctx = new RequestContext(w.t.tenantId, null, m);
      const customerId = randomUUID();
      await m.query(
        'INSERT INTO customers (tenant_id, id, name, email, phone, created_at) VALUES (app_tenant_id(), $1, $2, $3, NULL, now())',
        [customerId, input.customer.name, input.customer.email],
      );
      const closed = stage === Stage.CLOSED || stage === Stage.REJECTED;
      await m.query(
        `INSERT INTO complaints (tenant_id, id, number, kind, channel, stage, priority, demand, subject, description, customer_id,
           customer_name, customer_email, category_id, department_id, assignee_id, validity, root_cause, remedy, remedy_amount,
           decision_note, rejection_reason, satisfaction, satisfaction_comment, sla_state, version, received_at, stage_entered_at,
           closed_at, created_at, updated_at, cause_id, rejection_reason_id)
         VALUES (app_tenant_id(), $1, $2, $3, $4, $5, 'NORMAL', $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22,
           'NONE', $23, now(), now(), $24, now(), now(), $25, $26)`,
        [
          id,
          await nextComplaintNumber(ctx),
          input.kind,
          input.channel,
          stage,
          reached(Stage.REGISTERED) ? 'REFUND' : null,
          input.subject,
          input.description,
          customerId,
          input.customer.name,
          input.customer.email,
          reached(Stage.REGISTERED) ? w.cat : null,
          reached(Stage.REGISTERED) ? (departmentId ?? w.dept) : (departmentId ?? null),
          reached(Stage.ANALYSIS) ? w.staff.SPECIALIST.id : null,
          reached(Stage.DECISION) ? 'OBJECTIVE' : null,
          reached(Stage.DECISION) ? 'a faulty seal batch' : null,
          reached(Stage.IMPLEMENTATION) ? 'REFUND' : null,
          reached(Stage.IMPLEMENTATION) ? 1500 : null,
          reached(Stage.IMPLEMENTATION) ? 'full refund' : null,
          stage === Stage.REJECTED ? 'the product was used against its manual' : null,
          stage === Stage.CLOSED ? 4 : null,
          stage === Stage.CLOSED ? 'fine' : null,
          1 + path.length,
          closed ? new Date() : null,
          reached(Stage.DECISION) ? w.cause : null,
          stage === Stage.REJECTED ? w.rejectionReason : null,
        ],
      );
      if (reached(Stage.IMPLEMENTATION)) {
        await m.query(
          `INSERT INTO corrective_actions (tenant_id, id, complaint_id, kind, description, owner_department_id, due_date, done_at, done_by_user_id, created_at)
                       VALUES (app_tenant_id(), $1, $2, 'CORRECTION', 'replace the seal supplier', $3, '2030-01-31', $4, $5, now())`,
          [actionId, id, w.dept, reached(Stage.FEEDBACK) ? new Date() : null, reached(Stage.FEEDBACK) ? w.staff.SPECIALIST.id : null],
        );
      }
      const steps = [Stage.RECEIVED, ...path];
      await m.query(
        `INSERT INTO timeline_events (tenant_id, complaint_id, type, from_stage, to_stage, actor_kind, actor_user_id, data, at)
         SELECT app_tenant_id(), $1, CASE WHEN s.i = 1 THEN 'RECEIVED' ELSE 'TRANSITIONED' END, ($2::text[])[s.i - 1], s.stage,
                'STAFF', CASE WHEN s.i = 1 THEN $3::uuid ELSE $4::uuid END, '{}', now() - (cardinality($2::text[]) - s.i) * interval '1 ms'
           FROM unnest($2::text[]) WITH ORDINALITY AS s (stage, i) ORDER BY s.i`,
        [id, steps, w.staff.OPERATOR.id, w.staff.HEAD.id],
      );
      // One stage visit per step, as the transitions write them (each step 1 ms, as the timeline's entries).
      await m.query(
        `INSERT INTO stage_visits (tenant_id, complaint_id, seq, stage, entered_at, left_at, next_stage, working_ms, calendar_ms)
         SELECT app_tenant_id(), $1, s.i, s.stage, now() - (cardinality($2::text[]) - s.i) * interval '1 ms',
                CASE WHEN s.i < cardinality($2::text[]) THEN now() - (cardinality($2::text[]) - s.i - 1) * interval '1 ms' END,
                ($2::text[])[s.i + 1], CASE WHEN s.i < cardinality($2::text[]) THEN 0 END, CASE WHEN s.i < cardinality($2::text[]) THEN 1 END
           FROM unnest($2::text[]) WITH ORDINALITY AS s (stage, i)`,
        [id, steps],
      );
      return this.complaint(m, id);
    });
  }

  /** A complaint with its corrective actions, as `manager` sees it. */
  async complaint(manager: EntityManager, id: string): Promise<ComplaintRow> {
    const c = await manager.findOneByOrFail(Complaint, { id });
    const actions = await manager.query(
      'SELECT id, done_at AS "doneAt" FROM corrective_actions WHERE complaint_id = $1 ORDER BY created_at, id',
      [id],
    );
    return Object.assign(c, { correctiveActions: actions });
  }
}

/** A complaint's timeline entries in order (type, stages, actor), as `manager` sees them. */
export function timelineOf(
  manager: EntityManager,
  complaintId: string,
): Promise<Array<{ type: string; fromStage: Stage | null; toStage: Stage | null; actor: { id: string } | null }>> {
  return manager.query(
    `SELECT type, from_stage AS "fromStage", to_stage AS "toStage",
            CASE WHEN actor_user_id IS NULL THEN NULL ELSE json_build_object('id', actor_user_id) END AS actor
       FROM timeline_events WHERE complaint_id = $1 ORDER BY id`,
    [complaintId],
  );
}
