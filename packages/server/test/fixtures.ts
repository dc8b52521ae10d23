import { randomBytes } from 'node:crypto';
import type { Role } from '../src/auth/roles.js';
import { ok, type TestServer } from './harness.js';

export const PASSWORD = 'correct horse battery';

export interface TenantFixture {
  slug: string;
  tenantId: string;
  adminToken: string;
  adminId: string;
}

export interface StaffFixture {
  id: string;
  email: string;
  token: string;
}

/** Builders over the real API, so that fixtures go through the same checks as users do. */
export class Fixtures {
  constructor(readonly server: TestServer) {}

  async tenant(slug = `t-${randomBytes(4).toString('hex')}`, name = 'Test Company'): Promise<TenantFixture> {
    const data = ok(await this.server.staff(
      `mutation($input: SignUpTenantInput!) { signUpTenant(input: $input) { token user { id } tenant { id } } }`,
      { input: { slug, name, adminEmail: `admin@${slug}.test`, adminPassword: PASSWORD, adminName: 'Admin' } }));
    return { slug, tenantId: data.signUpTenant.tenant.id, adminToken: data.signUpTenant.token, adminId: data.signUpTenant.user.id };
  }

  async department(t: TenantFixture, name = `Dept ${randomBytes(3).toString('hex')}`): Promise<string> {
    const data = ok(await this.server.staff(
      `mutation($input: CreateDepartmentInput!) { createDepartment(input: $input) { id } }`, { input: { name } }, t.adminToken));
    return data.createDepartment.id;
  }

  async category(t: TenantFixture, name = `Cat ${randomBytes(3).toString('hex')}`): Promise<string> {
    const data = ok(await this.server.staff(
      `mutation($input: CreateCategoryInput!) { createCategory(input: $input) { id } }`, { input: { name } }, t.adminToken));
    return data.createCategory.id;
  }

  async staff(t: TenantFixture, roles: Role[], departmentIds: string[] = [], email?: string): Promise<StaffFixture> {
    const address = email ?? `${roles.join('-').toLowerCase()}-${randomBytes(3).toString('hex')}@${t.slug}.test`;
    const created = ok(await this.server.staff(
      `mutation($input: CreateUserInput!) { createUser(input: $input) { id } }`,
      { input: { email: address, name: `Staff ${roles.join(' ')}`, password: PASSWORD, roles, departmentIds } }, t.adminToken));
    const login = ok(await this.server.staff(
      `mutation($input: LoginInput!) { login(input: $input) { token } }`,
      { input: { tenantSlug: t.slug, email: address, password: PASSWORD } }));
    return { id: created.createUser.id, email: address, token: login.login.token };
  }
}
