import DataLoader from 'dataloader';
import type { EntityManager, EntityTarget, ObjectLiteral } from 'typeorm';
import { In } from 'typeorm';
import { Department } from '../modules/department/department.entity.js';
import { User } from '../modules/user/user.entity.js';
import { Customer } from '../modules/complaint/customer.entity.js';
import { Category } from '../modules/category/category.entity.js';

/**
 * Batches the lookups of related rows within one request (a page of 50
 * complaints asks for their departments in one query, not 50). Rows are read
 * in the request's transaction, so row-level security applies.
 */
export class Loaders {
  readonly department: DataLoader<string, Department | null>;
  readonly user: DataLoader<string, User | null>;
  readonly customer: DataLoader<string, Customer | null>;
  readonly category: DataLoader<string, Category | null>;

  constructor(manager: EntityManager) {
    this.department = byId(manager, Department);
    this.user = byId(manager, User);
    this.customer = byId(manager, Customer);
    this.category = byId(manager, Category);
  }
}

function byId<T extends ObjectLiteral & { id: string }>(manager: EntityManager, entity: EntityTarget<T>) {
  return new DataLoader<string, T | null>(async (ids) => {
    const rows = await manager.find(entity, { where: { id: In([...ids]) } as never });
    const found = new Map(rows.map((r) => [r.id, r]));
    return ids.map((id) => found.get(id) ?? null);
  });
}
