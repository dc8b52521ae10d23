import { randomUUID } from 'node:crypto';
import type { RequestContext } from '../../graphql/context.js';
import { Customer } from './customer.entity.js';
import type { CustomerInput } from './dto/customer.input.js';

/** The customer's contacts as a complaint gives them: trimmed, the e-mail in lower case, empty as null. */
export function statedContact(input: CustomerInput): { name: string; email: string | null; phone: string | null } {
  return { name: input.name.trim(), email: input.email?.trim().toLowerCase() || null, phone: input.phone?.trim() || null };
}

/**
 * A returning customer (same e-mail within the tenant) keeps one record.
 * The record is never changed here: whoever files a complaint with someone's
 * e-mail is not known to be them, so what they typed (another name, another
 * phone) is kept on their complaint only (see statedContact).
 */
export async function findOrCreateCustomer(ctx: RequestContext, input: CustomerInput): Promise<Customer> {
  const { name, email, phone } = statedContact(input);
  if (email) {
    const existing = await ctx.manager.findOneBy(Customer, { email });
    if (existing) return existing;
  }
  const customer = ctx.manager.create(Customer, { tenantId: ctx.tenantId, id: randomUUID(), name, email, phone, createdAt: new Date() });
  await ctx.manager.insert(Customer, customer);
  return customer;
}
