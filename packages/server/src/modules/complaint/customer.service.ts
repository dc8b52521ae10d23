import { randomUUID } from 'node:crypto';
import type { RequestContext } from '../../graphql/context.js';
import { Customer } from './customer.entity.js';
import type { CustomerInput } from './dto/customer.input.js';

/** A returning customer (same e-mail within the tenant) keeps one record; contacts are refreshed. */
export async function findOrCreateCustomer(ctx: RequestContext, input: CustomerInput): Promise<Customer> {
  const email = input.email?.trim().toLowerCase() || null;
  const phone = input.phone?.trim() || null;
  const name = input.name.trim();
  if (email) {
    const existing = await ctx.manager.findOneBy(Customer, { email });
    if (existing) {
      if (existing.name !== name || (phone && existing.phone !== phone)) {
        await ctx.manager.update(Customer, { id: existing.id }, { name, phone: phone ?? existing.phone });
      }
      return { ...existing, name, phone: phone ?? existing.phone };
    }
  }
  const customer = ctx.manager.create(Customer, { tenantId: ctx.tenantId, id: randomUUID(), name, email, phone, createdAt: new Date() });
  await ctx.manager.insert(Customer, customer);
  return customer;
}
