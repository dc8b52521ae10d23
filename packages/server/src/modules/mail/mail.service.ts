import type { RequestContext } from '../../graphql/context.js';
import { checkFirst } from '../../graphql/limits.js';
import { OutboundMail, type OutboundMailStatus } from './mail.entity.js';

/** The company's outbound mail, newest first: the mail log, and without SMTP_URL the development mailbox. */
export async function listOutboundMails(ctx: RequestContext, first: number, status?: OutboundMailStatus | null): Promise<OutboundMail[]> {
  checkFirst(first);
  const rows = await ctx.manager
    .createQueryBuilder(OutboundMail, 'm')
    .leftJoin('complaints', 'c', 'c.tenant_id = m.tenant_id AND c.id = m.complaint_id')
    .addSelect('c.number', 'complaint_number')
    .where(status ? 'm.status = :status' : 'true', { status })
    .orderBy('m.created_at', 'DESC')
    .addOrderBy('m.id', 'ASC')
    .limit(first)
    .getRawAndEntities<{ complaint_number: string | null }>();
  return rows.entities.map((mail, i) => Object.assign(mail, { complaintNumber: rows.raw[i]?.complaint_number ?? null }));
}
