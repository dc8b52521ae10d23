import { randomBytes } from 'node:crypto';
import { hashSecret } from '../../auth/secret.js';
import { Field, ObjectType } from 'type-graphql';
import type { RequestContext } from '../../graphql/context.js';
import { notFound } from '../../graphql/errors.js';
import { Complaint } from './complaint.entity.js';
import { appendTimeline } from './timeline.js';
import { requireReachable } from '../integration/integration.service.js';

/**
 * A complaint's tracking token: with the number it opens the complaint on the
 * portal. Every complaint gets one, from any channel; only its SHA-256 is
 * stored, so the database cannot give it back. Whoever issues one shows it
 * once (the portal after a submission, the console after a registration or
 * after `issueTrackingLink`, which replaces the old token).
 */
export interface TrackingToken {
  token: string;
  hash: Buffer;
}

export const hashTrackingToken = hashSecret;

/** 256 random bits, URL-safe. */
export function newTrackingToken(): TrackingToken {
  const token = randomBytes(32).toString('base64url');
  return { token, hash: hashTrackingToken(token) };
}

/** The portal's address of a complaint, relative to the server; the token rides in the fragment, which never reaches logs or a Referer. */
export function trackingPath(slug: string, number: string, token: string): string {
  return `/p/${encodeURIComponent(slug)}/track/${encodeURIComponent(number)}#${encodeURIComponent(token)}`;
}

@ObjectType({ simpleResolvers: true, description: 'A tracking link for the customer, shown once: only a hash of its token is stored' })
export class TrackingLink {
  @Field()
  number!: string;

  @Field({ description: 'With the number it opens the complaint on the portal (complaintStatus)' })
  accessToken!: string;

  @Field({ description: 'The portal page, relative to the server: /p/<company>/track/<number>#<token>' })
  path!: string;
}

/** A complaint as a mutation that issued its token returns it: with the link, this once. */
export type WithTrackingLink = Complaint & { trackingLink?: TrackingLink | null };

/** The link of a token just issued for `complaint`, in the company of the context. */
export async function trackingLink(ctx: RequestContext, complaint: Pick<Complaint, 'number'>, token: string): Promise<TrackingLink> {
  const [tenant] = await ctx.query<{ slug: string }>('SELECT slug FROM tenants WHERE id = app_tenant_id()');
  return { number: complaint.number, accessToken: token, path: trackingPath(tenant!.slug, complaint.number, token) };
}

/**
 * A new token for a complaint (one registered before every complaint got one,
 * or whose customer lost the link): the old token stops working at once.
 * Recorded on the timeline; the token itself is not.
 */
export async function issueTrackingLink(ctx: RequestContext, id: string): Promise<WithTrackingLink> {
  const complaint = await ctx.manager.findOne(Complaint, { where: { id }, lock: { mode: 'pessimistic_write' } });
  if (!complaint) throw notFound('complaint');
  requireReachable(ctx, complaint.departmentId);
  const { token, hash } = newTrackingToken();
  const replaced = complaint.accessTokenHash !== null;
  const updatedAt = new Date();
  await ctx.manager.update(Complaint, { id }, { accessTokenHash: hash, updatedAt });
  await appendTimeline(ctx, { complaintId: id, type: 'TRACKING_LINK_ISSUED', data: { replaced } });
  return Object.assign(complaint, { accessTokenHash: hash, updatedAt, trackingLink: await trackingLink(ctx, complaint, token) });
}
