import { randomUUID } from 'node:crypto';
import { In } from 'typeorm';
import type { RequestContext } from '../../graphql/context.js';
import { badInput, notFound, type FieldProblem } from '../../graphql/errors.js';
import { Cause } from '../cause/cause.entity.js';
import { QuestionType, Survey, SurveyQuestion, SurveyVersion, type ChoiceOption } from './survey.entity.js';
import type { CreateSurveyInput, PublishSurveyVersionInput, SurveyQuestionInput } from './survey.inputs.js';

/** The company's surveys, newest first. */
export function listSurveys(ctx: RequestContext): Promise<Survey[]> {
  return ctx.manager.find(Survey, { order: { createdAt: 'DESC', id: 'ASC' } });
}

export function findSurvey(ctx: RequestContext, id: string): Promise<Survey | null> {
  return ctx.manager.findOneBy(Survey, { id });
}

/** The questions new invitations get: the current version's. */
export async function currentQuestionsOf(ctx: RequestContext, survey: Survey): Promise<SurveyQuestion[]> {
  const version = await ctx.manager.findOneBy(SurveyVersion, { surveyId: survey.id, number: survey.currentVersion });
  return version ? questionsOf(ctx, version.id) : [];
}

export function versionsOf(ctx: RequestContext, surveyId: string): Promise<SurveyVersion[]> {
  return ctx.manager.find(SurveyVersion, { where: { surveyId }, order: { number: 'ASC' } });
}

export function questionsOf(ctx: RequestContext, versionId: string): Promise<SurveyQuestion[]> {
  return ctx.manager.find(SurveyQuestion, { where: { versionId }, order: { position: 'ASC' } });
}

/** A new survey with its questions as version 1; not sent to anyone until activated. */
export async function createSurvey(ctx: RequestContext, input: CreateSurveyInput): Promise<Survey> {
  await checkQuestions(ctx, input.questions);
  const now = new Date();
  const survey = ctx.manager.create(Survey, {
    tenantId: ctx.tenantId,
    id: randomUUID(),
    nameRu: input.nameRu.trim(),
    nameEn: input.nameEn.trim(),
    currentVersion: 0,
    afterResolution: false,
    answerDays: input.answerDays,
    createdAt: now,
    updatedAt: now,
  });
  await ctx.manager.insert(Survey, survey);
  return publish(ctx, survey, input.questions);
}

/** Publishes new questions as the survey's next version: invitations from now on get it; earlier answers keep theirs. */
export async function publishSurveyVersion(ctx: RequestContext, input: PublishSurveyVersionInput): Promise<Survey> {
  const survey = await ctx.manager.findOne(Survey, { where: { id: input.surveyId }, lock: { mode: 'pessimistic_write' } });
  if (!survey) throw notFound('survey');
  await checkQuestions(ctx, input.questions);
  return publish(ctx, survey, input.questions);
}

async function publish(ctx: RequestContext, survey: Survey, questions: SurveyQuestionInput[]): Promise<Survey> {
  const now = new Date();
  const version = ctx.manager.create(SurveyVersion, {
    tenantId: ctx.tenantId,
    id: randomUUID(),
    surveyId: survey.id,
    number: survey.currentVersion + 1,
    publishedAt: now,
    publishedByUserId: ctx.staff.userId,
  });
  await ctx.manager.insert(SurveyVersion, version);
  await ctx.manager.insert(
    SurveyQuestion,
    questions.map((q, i) =>
      ctx.manager.create(SurveyQuestion, {
        tenantId: ctx.tenantId,
        id: randomUUID(),
        versionId: version.id,
        position: i + 1,
        type: q.type,
        parameter: q.parameter,
        textRu: q.textRu.trim(),
        textEn: q.textEn.trim(),
        required: q.required,
        multiple: q.type === QuestionType.CHOICE && q.multiple,
        options: (q.options ?? []).map((o): ChoiceOption => ({
          code: o.code.toUpperCase(),
          labelRu: o.labelRu.trim(),
          labelEn: o.labelEn.trim(),
          causeId: o.causeId?.toLowerCase() ?? null,
          alerting: o.alerting,
        })),
      }),
    ),
  );
  const update = { currentVersion: version.number, updatedAt: now };
  await ctx.manager.update(Survey, { id: survey.id }, update);
  return Object.assign(survey, update);
}

/** Options only on CHOICE (2 or more, codes unique), causes of the company's tree. */
async function checkQuestions(ctx: RequestContext, questions: SurveyQuestionInput[]): Promise<void> {
  const problems: FieldProblem[] = [];
  const causeIds = new Set<string>();
  questions.forEach((q, i) => {
    const options = q.options ?? [];
    const field = `input.questions.${i}.options`;
    if (q.type === QuestionType.CHOICE && options.length < 2) problems.push({ field, messages: ['a choice needs at least 2 options'] });
    if (q.type !== QuestionType.CHOICE && options.length) problems.push({ field, messages: ['only a CHOICE question has options'] });
    const codes = options.map((o) => o.code.toUpperCase());
    if (new Set(codes).size !== codes.length) problems.push({ field, messages: ['option codes must be unique in the question'] });
    for (const o of options) if (o.causeId) causeIds.add(o.causeId.toLowerCase());
  });
  if (causeIds.size) {
    const found = await ctx.manager.findBy(Cause, { id: In([...causeIds]) });
    if (found.length !== causeIds.size)
      problems.push({ field: 'input.questions', messages: ['an option names a cause the company does not have'], reason: 'REFERENCE' });
  }
  if (problems.length) throw badInput(problems.map((p) => `${p.field}: ${p.messages?.join(', ')}`).join('; '), { fields: problems });
}

/**
 * Makes the survey the one sent after resolution (or stops sending it):
 * at most one survey of the company is; activating one deactivates the other.
 */
export async function setAfterResolution(ctx: RequestContext, surveyId: string, active: boolean): Promise<Survey> {
  const survey = await ctx.manager.findOne(Survey, { where: { id: surveyId }, lock: { mode: 'pessimistic_write' } });
  if (!survey) throw notFound('survey');
  const now = new Date();
  if (active)
    await ctx.query('UPDATE surveys SET after_resolution = false, updated_at = $2 WHERE after_resolution AND id <> $1', [surveyId, now]);
  await ctx.manager.update(Survey, { id: surveyId }, { afterResolution: active, updatedAt: now });
  return Object.assign(survey, { afterResolution: active, updatedAt: now });
}
