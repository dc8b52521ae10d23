import type { MigrationInterface, QueryRunner } from 'typeorm';
import { createRole, grantRole } from './roles.js';

/**
 * Tenants, staff, departments, categories, customers, complaints and their
 * timeline, with row-level security on every tenant table.
 *
 * Every tenant table carries `tenant_id` in its primary key and in every
 * foreign key, so that rows can never point across tenants and the schema
 * can be distributed by tenant. Policies are FORCEd so that they hold for
 * the table owner too; the application additionally switches to the
 * unprivileged role `reclaim_app` in every transaction (superusers, such as
 * PGlite's only user, bypass RLS otherwise).
 */
export class Foundation1763900000000 implements MigrationInterface {
  name = 'Foundation1763900000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(createRole('reclaim_app'));
    // The user that runs the server must be able to SET ROLE reclaim_app.
    await q.query(grantRole('reclaim_app', 'current_user'));
    await q.query(`
      CREATE FUNCTION app_tenant_id() RETURNS uuid LANGUAGE sql STABLE PARALLEL SAFE AS
        $$ SELECT nullif(current_setting('app.tenant_id', true), '')::uuid $$;

      CREATE TABLE tenants (
        id uuid PRIMARY KEY,
        slug text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$'),
        number_prefix text NOT NULL UNIQUE,
        name text NOT NULL,
        locale text NOT NULL DEFAULT 'ru' CHECK (locale IN ('ru', 'en')),
        time_zone text NOT NULL DEFAULT 'Europe/Moscow',
        branding jsonb NOT NULL DEFAULT '{}',
        created_at timestamptz NOT NULL DEFAULT now()
      );

      CREATE TABLE departments (
        tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
        id uuid NOT NULL,
        name text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (tenant_id, id)
      );
      CREATE UNIQUE INDEX departments_name_key ON departments (tenant_id, lower(name));

      CREATE TABLE users (
        tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
        id uuid NOT NULL,
        email text NOT NULL CHECK (email = lower(email)),
        name text NOT NULL,
        password_hash text NOT NULL,
        roles text[] NOT NULL CHECK (cardinality(roles) > 0
          AND roles <@ ARRAY['OPERATOR', 'SPECIALIST', 'QUALITY_MANAGER', 'HEAD', 'ADMIN']),
        active boolean NOT NULL DEFAULT true,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (tenant_id, id),
        UNIQUE (tenant_id, email)
      );

      CREATE TABLE user_departments (
        tenant_id uuid NOT NULL,
        user_id uuid NOT NULL,
        department_id uuid NOT NULL,
        PRIMARY KEY (tenant_id, user_id, department_id),
        FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id) ON DELETE CASCADE,
        FOREIGN KEY (tenant_id, department_id) REFERENCES departments (tenant_id, id) ON DELETE CASCADE
      );
      CREATE INDEX user_departments_department ON user_departments (tenant_id, department_id);

      CREATE TABLE categories (
        tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
        id uuid NOT NULL,
        name text NOT NULL,
        active boolean NOT NULL DEFAULT true,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (tenant_id, id)
      );
      CREATE UNIQUE INDEX categories_name_key ON categories (tenant_id, lower(name));

      CREATE TABLE customers (
        tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
        id uuid NOT NULL,
        name text NOT NULL,
        email text,
        phone text,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (tenant_id, id)
      );
      CREATE INDEX customers_email ON customers (tenant_id, email) WHERE email IS NOT NULL;

      CREATE TABLE complaint_counters (
        tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
        year int NOT NULL,
        last_value int NOT NULL,
        PRIMARY KEY (tenant_id, year)
      );

      CREATE TABLE complaints (
        tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
        id uuid NOT NULL,
        number text NOT NULL,
        kind text NOT NULL CHECK (kind IN ('CLAIM', 'COMPLAINT')),
        channel text NOT NULL CHECK (channel IN ('WEB', 'EMAIL', 'PHONE', 'IN_PERSON', 'API', 'CHAT')),
        stage text NOT NULL CHECK (stage IN ('RECEIVED', 'REGISTERED', 'ANALYSIS', 'DECISION',
          'IMPLEMENTATION', 'FEEDBACK', 'CLOSED', 'REJECTED')),
        priority text NOT NULL DEFAULT 'NORMAL' CHECK (priority IN ('LOW', 'NORMAL', 'HIGH', 'URGENT')),
        demand text CHECK (demand IN ('REPLACEMENT', 'REFUND', 'REPAIR', 'PRICE_REDUCTION', 'COMPENSATION', 'OTHER')),
        subject text NOT NULL,
        description text NOT NULL,
        product text,
        order_ref text,
        purchase_date date,
        customer_id uuid NOT NULL,
        customer_name text NOT NULL,
        category_id uuid,
        department_id uuid,
        assignee_id uuid,
        validity text CHECK (validity IN ('OBJECTIVE', 'SUBJECTIVE', 'UNFOUNDED')),
        root_cause text,
        remedy text CHECK (remedy IN ('REPLACE', 'REFUND', 'REPAIR', 'DISCOUNT', 'COMPENSATION', 'EXPLANATION')),
        remedy_amount numeric(14, 2) CHECK (remedy_amount >= 0),
        decision_note text,
        rejection_reason text,
        satisfaction smallint CHECK (satisfaction BETWEEN 1 AND 5),
        satisfaction_comment text,
        idempotency_key text,
        access_token_hash bytea,
        sla_due_at timestamptz,
        sla_state text NOT NULL DEFAULT 'NONE' CHECK (sla_state IN ('ON_TRACK', 'AT_RISK', 'BREACHED', 'PAUSED', 'NONE')),
        legal_due_at timestamptz,
        -- The queue order: the operational deadline, else the legal one; finished complaints last.
        due_at timestamptz GENERATED ALWAYS AS (CASE WHEN stage IN ('CLOSED', 'REJECTED') THEN 'infinity'::timestamptz
          ELSE coalesce(sla_due_at, legal_due_at, 'infinity'::timestamptz) END) STORED,
        version int NOT NULL DEFAULT 1,
        received_at timestamptz NOT NULL DEFAULT now(),
        stage_entered_at timestamptz NOT NULL DEFAULT now(),
        closed_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        search tsvector GENERATED ALWAYS AS (to_tsvector('simple'::regconfig,
          number || ' ' || subject || ' ' || customer_name || ' ' || coalesce(product, '') || ' '
          || coalesce(order_ref, '') || ' ' || description)) STORED,
        PRIMARY KEY (tenant_id, id),
        UNIQUE (tenant_id, number),
        UNIQUE (tenant_id, idempotency_key),
        FOREIGN KEY (tenant_id, customer_id) REFERENCES customers (tenant_id, id),
        FOREIGN KEY (tenant_id, category_id) REFERENCES categories (tenant_id, id),
        FOREIGN KEY (tenant_id, department_id) REFERENCES departments (tenant_id, id),
        FOREIGN KEY (tenant_id, assignee_id) REFERENCES users (tenant_id, id)
      );
      -- The staff queue: open complaints of one department by deadline (keyset on due_at, id).
      CREATE INDEX complaints_queue ON complaints (tenant_id, department_id, due_at, id)
        WHERE stage NOT IN ('CLOSED', 'REJECTED');
      CREATE INDEX complaints_by_due ON complaints (tenant_id, due_at, id);
      CREATE INDEX complaints_by_assignee ON complaints (tenant_id, assignee_id, due_at, id)
        WHERE assignee_id IS NOT NULL;
      CREATE INDEX complaints_by_created ON complaints (tenant_id, created_at DESC, id DESC);
      CREATE INDEX complaints_search ON complaints USING gin (search);

      CREATE TABLE corrective_actions (
        tenant_id uuid NOT NULL,
        id uuid NOT NULL,
        complaint_id uuid NOT NULL,
        description text NOT NULL,
        owner_department_id uuid NOT NULL,
        due_date date NOT NULL,
        done_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (tenant_id, id),
        FOREIGN KEY (tenant_id, complaint_id) REFERENCES complaints (tenant_id, id) ON DELETE CASCADE,
        FOREIGN KEY (tenant_id, owner_department_id) REFERENCES departments (tenant_id, id)
      );
      CREATE INDEX corrective_actions_complaint ON corrective_actions (tenant_id, complaint_id);

      CREATE TABLE messages (
        tenant_id uuid NOT NULL,
        id uuid NOT NULL,
        complaint_id uuid NOT NULL,
        visibility text NOT NULL CHECK (visibility IN ('PUBLIC', 'INTERNAL')),
        author_kind text NOT NULL CHECK (author_kind IN ('STAFF', 'CUSTOMER', 'SYSTEM')),
        author_user_id uuid,
        body text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (tenant_id, id),
        FOREIGN KEY (tenant_id, complaint_id) REFERENCES complaints (tenant_id, id) ON DELETE CASCADE,
        FOREIGN KEY (tenant_id, author_user_id) REFERENCES users (tenant_id, id),
        CHECK (visibility = 'PUBLIC' OR author_kind <> 'CUSTOMER')
      );
      CREATE INDEX messages_complaint ON messages (tenant_id, complaint_id, created_at);

      CREATE TABLE timeline_events (
        tenant_id uuid NOT NULL,
        id bigint GENERATED ALWAYS AS IDENTITY,
        complaint_id uuid NOT NULL,
        type text NOT NULL,
        from_stage text,
        to_stage text,
        actor_kind text NOT NULL CHECK (actor_kind IN ('STAFF', 'CUSTOMER', 'SYSTEM')),
        actor_user_id uuid,
        data jsonb NOT NULL DEFAULT '{}',
        at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (tenant_id, id),
        FOREIGN KEY (tenant_id, complaint_id) REFERENCES complaints (tenant_id, id) ON DELETE CASCADE,
        FOREIGN KEY (tenant_id, actor_user_id) REFERENCES users (tenant_id, id)
      );
      CREATE INDEX timeline_events_complaint ON timeline_events (tenant_id, complaint_id, id);
    `);

    const tenantTables = [
      'departments',
      'users',
      'user_departments',
      'categories',
      'customers',
      'complaint_counters',
      'complaints',
      'corrective_actions',
      'messages',
      'timeline_events',
    ];
    for (const table of tenantTables) {
      await q.query(`
        ALTER TABLE ${table} ENABLE ROW LEVEL SECURITY;
        ALTER TABLE ${table} FORCE ROW LEVEL SECURITY;
        CREATE POLICY tenant_isolation ON ${table}
          USING (tenant_id = app_tenant_id()) WITH CHECK (tenant_id = app_tenant_id());
      `);
    }
    await q.query(`
      GRANT USAGE ON SCHEMA public TO reclaim_app;
      GRANT SELECT, INSERT, UPDATE, DELETE ON departments, users, user_departments, categories,
        customers, complaint_counters, complaints, corrective_actions, messages TO reclaim_app;
      -- The timeline is append-only for the application.
      GRANT SELECT, INSERT ON timeline_events TO reclaim_app;

      -- Tenants: the application sees only the row of its current tenant. RLS is
      -- enabled but not forced, so that the lookup functions below (owned by the
      -- migrating role) can resolve a public slug or number prefix to an id.
      ALTER TABLE tenants ENABLE ROW LEVEL SECURITY;
      CREATE POLICY tenant_self ON tenants USING (id = app_tenant_id()) WITH CHECK (id = app_tenant_id());
      GRANT SELECT, INSERT, UPDATE ON tenants TO reclaim_app;

      CREATE FUNCTION tenant_id_by_slug(p_slug text) RETURNS uuid
        LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS
        $$ SELECT id FROM tenants WHERE slug = p_slug $$;
      CREATE FUNCTION tenant_id_by_number_prefix(p_prefix text) RETURNS uuid
        LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS
        $$ SELECT id FROM tenants WHERE number_prefix = p_prefix $$;
      REVOKE ALL ON FUNCTION tenant_id_by_slug(text), tenant_id_by_number_prefix(text) FROM PUBLIC;
      GRANT EXECUTE ON FUNCTION app_tenant_id(), tenant_id_by_slug(text), tenant_id_by_number_prefix(text) TO reclaim_app;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP FUNCTION tenant_id_by_number_prefix(text);
      DROP FUNCTION tenant_id_by_slug(text);
      DROP TABLE timeline_events, messages, corrective_actions, complaints, complaint_counters,
        customers, categories, user_departments, users, departments, tenants;
      DROP FUNCTION app_tenant_id();
    `);
  }
}
