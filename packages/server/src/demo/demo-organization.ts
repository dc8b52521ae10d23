/** A demo tenant's departments, categories and staff, as rows and as a lookup for the complaint generator. */
import { Role } from '../auth/roles.js';
import type { Rng } from './demo-random.js';
import type { DemoTexts, DepartmentKey } from './demo-texts.js';

export type Row = Record<string, unknown>;

export interface DemoUser {
  id: string;
  email: string;
  name: string;
  roles: Role[];
  departments: DepartmentKey[];
}

export interface Organization {
  departmentIds: Record<DepartmentKey, string>;
  categoryIds: Record<string, string>;
  users: DemoUser[];
  rows: { departments: Row[]; categories: Row[]; users: Row[]; user_departments: Row[] };
}

/** The organization of a demo tenant; every user gets `passwordHash` (hashed once by the caller). */
export function buildOrganization(texts: DemoTexts, passwordHash: string, createdAt: number, rng: Rng): Organization {
  const at = new Date(createdAt).toISOString();
  const departmentIds = {} as Record<DepartmentKey, string>;
  const departments = Object.entries(texts.departments).map(([key, name]) => {
    departmentIds[key as DepartmentKey] = rng.uuid();
    return { id: departmentIds[key as DepartmentKey], name, created_at: at };
  });
  const categoryIds: Record<string, string> = {};
  const categories = Object.entries(texts.categories).map(([key, name]) => {
    categoryIds[key] = rng.uuid();
    return { id: categoryIds[key], name, active: true, created_at: at };
  });
  const users: DemoUser[] = texts.staff.map((s) => ({
    id: rng.uuid(),
    email: `${s.login}@${texts.slug}.demo`,
    name: s.name,
    roles: s.roles,
    departments: s.departments,
  }));
  return {
    departmentIds,
    categoryIds,
    users,
    rows: {
      departments,
      categories,
      users: users.map((u) => ({
        id: u.id,
        email: u.email,
        name: u.name,
        password_hash: passwordHash,
        roles: u.roles,
        active: true,
        created_at: at,
      })),
      user_departments: users.flatMap((u) => u.departments.map((d) => ({ user_id: u.id, department_id: departmentIds[d] }))),
    },
  };
}

/** Who may act where: the staff of a role, optionally only members of one department. */
export function staffWith(org: Organization, role: Role, department?: DepartmentKey): DemoUser[] {
  const found = org.users.filter((u) => u.roles.includes(role) && (!department || u.departments.includes(department)));
  if (found.length === 0) throw new Error(`the demo organization has no ${role}${department ? ` in ${department}` : ''}`);
  return found;
}
