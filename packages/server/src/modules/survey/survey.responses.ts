import { randomBytes, randomUUID } from 'node:crypto';
import type { RequestContext } from '../../graphql/context.js';
import { AppError, badInput, notFound } from '../../graphql/errors.js';
import { hashSecret } from '../../auth/secret.js';
import { Complaint } from '../complaint/complaint.entity.js';
import { ActorKind, Stage } from '../complaint/complaint.enums.js';
import { findComplaint } from '../complaint/complaint.queries.js';
import { appendTimeline } from '../complaint/timeline.js';
import { portalTenant } from '../complaint/complaint.portal-service.js';
import { ResponseChannel, SCALES, Survey, SurveyAnswer, SurveyInvitation, SurveyResponse, SurveyVersion } from './survey.entity.js';
import { questionsOf } from './survey.service.js';
import { checkAnswers, detractorReasons, satisfactionOf, type GivenAnswer } from './survey.rules.js';
import type { PortalSurvey, SurveyAnswered } from './survey.portal-types.js';
import type { EnterPhoneSurveyResponseInput } from './survey.inputs.js';

/** The portal's survey page of an invitation, relative to the server; the token rides in the fragment, as tracking tokens do. */
export function surveyPath(slug: string, token: string): string {
  return `/p/${encodeURIComponent(slug)}/survey#${encodeURIComponent(token)}`;
}

/**
 * When a complaint reaches FEEDBACK: an invitation to the company's
 * after-resolution survey, in the caller's transaction, and its one-time
 * token (256 random bits; only its SHA-256 is stored). Null when the
 * company sends no survey after resolution.
 */
export async function inviteAfterResolution(ctx: RequestContext, complaintId: string): Promise<string | null> {
  const survey = await ctx.manager.findOneBy(Survey, { afterResolution: true });
  const version = survey && (await ctx.manager.findOneBy(SurveyVersion, { surveyId: survey.id, number: survey.currentVersion }));
  if (!survey || !version) return null;
  const token = randomBytes(32).toString('base64url');
  const now = new Date();
  // A reopened complaint asked again: the earlier, unanswered link ends, so one cycle is answered once.
  await ctx.query('UPDATE survey_invitations SET expires_at = $2 WHERE complaint_id = $1 AND answered_at IS NULL AND expires_at > $2', [
    complaintId,
    now,
  ]);
  await ctx.manager.insert(SurveyInvitation, {
    tenantId: ctx.tenantId,
    id: randomUUID(),
    surveyId: survey.id,
    versionId: version.id,
    complaintId,
    tokenHash: hashSecret(token),
    expiresAt: new Date(now.getTime() + survey.answerDays * 86_400_000),
    answeredAt: null,
    createdAt: now,
  });
  return token;
}

/**
 * Answering locks the complaint, then its invitation, in the order a
 * FEEDBACK transition takes them (it updates the complaint, then ends the
 * earlier invitations), so that two answers at once, or an answer and a
 * re-resolution, wait for each other instead of deadlocking. NO KEY: the
 * timeline's and messages' inserts referring to the complaint are not held up.
 */
const lockComplaint = (ctx: RequestContext, complaintId: string) =>
  ctx.query('SELECT 1 FROM complaints WHERE id = $1 FOR NO KEY UPDATE', [complaintId]);

/**
 * The invitation behind a token, locked for answering when `lock` (after its
 * complaint). A wrong token, one answered and one expired are each refused
 * with their reason; none of them reads anything of the survey or the complaint.
 */
async function invitationByToken(ctx: RequestContext, token: string, lock: boolean): Promise<SurveyInvitation> {
  const byToken = { tokenHash: hashSecret(token) };
  let invitation = token.length >= 20 && token.length <= 200 ? await ctx.manager.findOneBy(SurveyInvitation, byToken) : null;
  if (invitation && lock) {
    await lockComplaint(ctx, invitation.complaintId);
    invitation = await ctx.manager.findOne(SurveyInvitation, { where: byToken, lock: { mode: 'pessimistic_write' } });
  }
  if (!invitation) throw new AppError('NOT_FOUND', 'this survey link is not valid', { reason: 'SURVEY_LINK_INVALID' });
  if (invitation.answeredAt) throw new AppError('CONFLICT', 'this survey was answered already; thank you', { reason: 'SURVEY_ANSWERED' });
  if (invitation.expiresAt.getTime() <= Date.now())
    throw new AppError('NOT_FOUND', 'this survey link has expired', { reason: 'SURVEY_LINK_EXPIRED' });
  return invitation;
}

/** The survey behind an invitation, in `locale` (the company's language when absent), with the company's branding. */
export async function readInvitation(ctx: RequestContext, token: string, locale: string | null): Promise<PortalSurvey> {
  const invitation = await invitationByToken(ctx, token, false);
  const survey = await ctx.manager.findOneByOrFail(Survey, { id: invitation.surveyId });
  const complaint = await ctx.manager.findOneByOrFail(Complaint, { id: invitation.complaintId });
  return portalSurvey(ctx, survey, invitation.versionId, complaint, locale, { expiresAt: invitation.expiresAt, answered: false });
}

async function portalSurvey(
  ctx: RequestContext,
  survey: Survey,
  versionId: string,
  complaint: Complaint,
  locale: string | null,
  state: { expiresAt: Date | null; answered: boolean },
): Promise<PortalSurvey> {
  const tenant = await portalTenant(ctx);
  const lang = locale === 'en' || locale === 'ru' ? locale : tenant.locale === 'en' ? 'en' : 'ru';
  const ru = lang === 'ru';
  return {
    tenant,
    locale: lang,
    title: ru ? survey.nameRu : survey.nameEn,
    complaintNumber: complaint.number,
    complaintSubject: complaint.subject,
    ...state,
    questions: (await questionsOf(ctx, versionId)).map((q) => ({
      id: q.id,
      type: q.type,
      parameter: q.parameter,
      text: ru ? q.textRu : q.textEn,
      required: q.required,
      multiple: q.multiple,
      min: SCALES[q.type]?.min ?? null,
      max: SCALES[q.type]?.max ?? null,
      options: q.options.map((o) => ({ code: o.code, label: ru ? o.labelRu : o.labelEn })),
    })),
  };
}

/** The customer's answers through the invitation's link: recorded once, then the link refuses. */
export async function answerInvitation(ctx: RequestContext, token: string, answers: GivenAnswer[]): Promise<SurveyAnswered> {
  const invitation = await invitationByToken(ctx, token, true);
  const response = await recordResponse(ctx, {
    invitation,
    surveyId: invitation.surveyId,
    versionId: invitation.versionId,
    complaintId: invitation.complaintId,
    channel: ResponseChannel.MAIL_LINK,
    answers,
  });
  return { answeredAt: response.createdAt };
}

/** What a complaint's answers go to: its latest invitation's survey and version, else the after-resolution survey as it is now. */
interface Target {
  survey: Survey;
  versionId: string;
  /** The invitation the answers use up (its link then refuses); null when there is none still answerable. */
  invitation: SurveyInvitation | null;
  answered: boolean;
}

async function targetOf(ctx: RequestContext, complaintId: string, lock: boolean): Promise<Target | null> {
  // Answering: the complaint, then its invitation, locked before asking whether it was answered, so that two answers at
  // once without an invitation (by phone, on the page) are stored once: the second waits for the first and then sees it.
  if (lock) await lockComplaint(ctx, complaintId);
  const [latest] = await ctx.manager.find(SurveyInvitation, {
    where: { complaintId },
    order: { createdAt: 'DESC' },
    take: 1,
    ...(lock && { lock: { mode: 'pessimistic_write' as const } }),
  });
  const survey = latest
    ? await ctx.manager.findOneByOrFail(Survey, { id: latest.surveyId })
    : await ctx.manager.findOneBy(Survey, { afterResolution: true });
  if (!survey || survey.currentVersion === 0) return null;
  const answered =
    Boolean(latest?.answeredAt) ||
    (await ctx.manager.existsBy(SurveyResponse, { complaintId, surveyId: survey.id, ...(latest && { invitationId: latest.id }) }));
  const invitation = latest && !latest.answeredAt && latest.expiresAt.getTime() > Date.now() ? latest : null;
  const versionId =
    latest?.versionId ?? (await ctx.manager.findOneByOrFail(SurveyVersion, { surveyId: survey.id, number: survey.currentVersion })).id;
  return { survey, versionId, invitation, answered };
}

const alreadyAnswered = () => new AppError('CONFLICT', "this complaint's survey was answered already", { reason: 'SURVEY_ANSWERED' });

/**
 * Answers a customer gave by phone, entered by staff: to the complaint's
 * invitation (which then refuses its link), else to the company's
 * after-resolution survey as it is now. Once per complaint and survey.
 */
export async function enterPhoneResponse(ctx: RequestContext, input: EnterPhoneSurveyResponseInput): Promise<SurveyResponse> {
  const complaint = await findComplaint(ctx, { id: input.complaintId });
  if (!complaint) throw notFound('complaint');
  const target = await targetOf(ctx, complaint.id, true);
  if (!target) throw badInput('the company sends no survey after resolution; activate one first', { reason: 'NO_SURVEY' });
  if (target.answered) throw alreadyAnswered();
  return recordResponse(ctx, {
    invitation: target.invitation,
    surveyId: target.survey.id,
    versionId: target.versionId,
    complaintId: complaint.id,
    channel: ResponseChannel.PHONE,
    answers: input.answers,
  });
}

/**
 * The survey on the complaint's portal page, in place of the single rating:
 * while the complaint awaits feedback and the company has a survey for it
 * (null otherwise: the page asks for the rating as before).
 */
export async function complaintSurvey(ctx: RequestContext, complaint: Complaint, locale: string | null): Promise<PortalSurvey | null> {
  if (complaint.stage !== Stage.FEEDBACK) return null;
  const target = await targetOf(ctx, complaint.id, false);
  if (!target) return null;
  return portalSurvey(ctx, target.survey, target.versionId, complaint, locale, {
    expiresAt: target.invitation?.expiresAt ?? null,
    answered: target.answered,
  });
}

/** The customer's answers on the complaint's page (PORTAL): once, and only while the complaint awaits feedback. */
export async function answerComplaintSurvey(ctx: RequestContext, complaint: Complaint, answers: GivenAnswer[]): Promise<SurveyAnswered> {
  if (complaint.stage !== Stage.FEEDBACK) throw badInput('the survey can be answered once the complaint awaits your feedback');
  const target = await targetOf(ctx, complaint.id, true);
  if (!target) throw badInput('the company asks for no survey; rate the outcome instead', { reason: 'NO_SURVEY' });
  if (target.answered) throw alreadyAnswered();
  const response = await recordResponse(ctx, {
    invitation: target.invitation,
    surveyId: target.survey.id,
    versionId: target.versionId,
    complaintId: complaint.id,
    channel: ResponseChannel.PORTAL,
    answers,
  });
  return { answeredAt: response.createdAt };
}

interface NewResponse {
  invitation: SurveyInvitation | null;
  surveyId: string;
  versionId: string;
  complaintId: string;
  channel: ResponseChannel;
  answers: GivenAnswer[];
}

/**
 * Stores a response and its answers (each with its question's parameter),
 * marks the invitation answered, fills the complaint's `satisfaction` from
 * the CSAT item, and writes the timeline entry whose outbox event carries
 * the detractor alert (surveyDetractorAnswered), all in one transaction.
 */
async function recordResponse(ctx: RequestContext, r: NewResponse): Promise<SurveyResponse> {
  const questions = await questionsOf(ctx, r.versionId);
  const { answers, problems } = checkAnswers(questions, r.answers);
  if (problems.length) throw badInput(problems.map((p) => `${p.field}: ${p.messages?.join(', ')}`).join('; '), { fields: problems });
  const reasons = detractorReasons(answers);
  const now = new Date();
  const response = ctx.manager.create(SurveyResponse, {
    tenantId: ctx.tenantId,
    id: randomUUID(),
    surveyId: r.surveyId,
    versionId: r.versionId,
    complaintId: r.complaintId,
    invitationId: r.invitation?.id ?? null,
    channel: r.channel,
    enteredByUserId: r.channel === ResponseChannel.PHONE ? ctx.staff.userId : null,
    detractor: reasons.length > 0,
    createdAt: now,
  });
  await ctx.manager.insert(SurveyResponse, response);
  if (answers.length) {
    await ctx.manager.insert(
      SurveyAnswer,
      answers.map((a) => ({
        tenantId: ctx.tenantId,
        id: randomUUID(),
        responseId: response.id,
        questionId: a.question.id,
        type: a.question.type,
        parameter: a.question.parameter,
        score: a.score,
        optionCodes: a.optionCodes,
        text: a.text,
      })),
    );
  }
  if (r.invitation) await ctx.manager.update(SurveyInvitation, { id: r.invitation.id }, { answeredAt: now });
  const satisfaction = satisfactionOf(answers);
  if (satisfaction !== null) {
    await ctx.query('UPDATE complaints SET satisfaction = $2, version = version + 1, updated_at = $3 WHERE id = $1', [
      r.complaintId,
      satisfaction,
      now,
    ]);
  }
  await appendTimeline(
    ctx,
    {
      complaintId: r.complaintId,
      type: 'SURVEY_ANSWERED',
      data: { channel: r.channel, satisfaction, detractor: reasons.length > 0 },
      detail: { surveyResponseId: response.id, detractor: reasons.length > 0, reasons },
    },
    r.channel === ResponseChannel.PHONE ? ActorKind.STAFF : ActorKind.CUSTOMER,
  );
  return response;
}

/** A complaint's survey responses, newest first; NOT_FOUND for a complaint the caller cannot read. */
export async function complaintSurveyResponses(ctx: RequestContext, complaintId: string): Promise<SurveyResponse[]> {
  if (!(await findComplaint(ctx, { id: complaintId }))) throw notFound('complaint');
  return ctx.manager.find(SurveyResponse, { where: { complaintId }, order: { createdAt: 'DESC', id: 'ASC' } });
}
