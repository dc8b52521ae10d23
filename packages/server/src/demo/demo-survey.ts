import { randomBytes } from 'node:crypto';
import { hashSecret } from '../auth/secret.js';
import type { CreateSurveyInput } from '../modules/survey/survey.inputs.js';
import { QuestionType, ResponseChannel, SurveyParameter, type SurveyQuestion } from '../modules/survey/survey.entity.js';
import { checkAnswers, detractorReasons, satisfactionOf, type GivenAnswer } from '../modules/survey/survey.rules.js';
import { ActorKind, Stage } from '../modules/complaint/complaint.enums.js';
import { DAY, MINUTE, Rng, toOfficeHours } from './demo-random.js';
import type { Row } from './demo-organization.js';

/**
 * The demo companies' satisfaction survey, as their quality managers would
 * write it: the outcome (CSAT, which fills the complaint's satisfaction), the
 * recommendation (NPS), the effort (CES), the staff and the updates (CSAT),
 * what could be better (CHOICE; "the decision itself" alerts) and a comment.
 */
export const DEMO_SURVEY: CreateSurveyInput = {
  nameRu: 'Как мы решили ваш вопрос?',
  nameEn: 'How did we handle your case?',
  answerDays: 14,
  questions: [
    {
      type: QuestionType.CSAT,
      parameter: SurveyParameter.OVERALL,
      required: true,
      multiple: false,
      textRu: 'Насколько вы довольны решением по обращению?',
      textEn: 'How satisfied are you with the outcome of your case?',
    },
    {
      type: QuestionType.NPS,
      parameter: SurveyParameter.OVERALL,
      required: true,
      multiple: false,
      textRu: 'Насколько вероятно, что вы порекомендуете нас друзьям?',
      textEn: 'How likely are you to recommend us to a friend?',
    },
    {
      type: QuestionType.CES,
      parameter: SurveyParameter.RESOLUTION_SPEED,
      required: false,
      multiple: false,
      textRu: 'Насколько легко было добиться решения?',
      textEn: 'How easy was it to get your case resolved?',
    },
    {
      type: QuestionType.CSAT,
      parameter: SurveyParameter.STAFF,
      required: false,
      multiple: false,
      textRu: 'Как вы оцениваете работу наших сотрудников?',
      textEn: 'How would you rate our staff?',
    },
    {
      type: QuestionType.CSAT,
      parameter: SurveyParameter.COMMUNICATION,
      required: false,
      multiple: false,
      textRu: 'Достаточно ли мы сообщали о ходе рассмотрения?',
      textEn: 'Did we keep you informed along the way?',
    },
    {
      type: QuestionType.CHOICE,
      parameter: SurveyParameter.SUPPORT_LINE,
      required: false,
      multiple: true,
      textRu: 'Что нам стоит улучшить?',
      textEn: 'What should we do better?',
      options: [
        { code: 'SPEED', labelRu: 'Решать быстрее', labelEn: 'Resolve faster', alerting: false },
        { code: 'UPDATES', labelRu: 'Чаще сообщать о ходе дела', labelEn: 'Keep me updated more often', alerting: false },
        { code: 'CLARITY', labelRu: 'Понятнее объяснять решение', labelEn: 'Explain the decision more clearly', alerting: false },
        { code: 'OUTCOME', labelRu: 'Я не согласен с решением', labelEn: 'I disagree with the decision', alerting: true },
      ],
    },
    {
      type: QuestionType.TEXT,
      parameter: SurveyParameter.OVERALL,
      required: false,
      multiple: false,
      textRu: 'Что-нибудь ещё?',
      textEn: 'Anything else you would like to tell us?',
    },
  ],
};

/**
 * When the survey was sent after resolution, in days before seeding: for a
 * quarter, then paused a week before, so that the portal's tracking page
 * asks for the single rating as a new company's does, and Analysis has a
 * quarter of survey figures beside the ratings. A quality manager resumes it
 * in Settings → Surveys.
 */
export const DEMO_SURVEY_DAYS = { from: 90, to: 7 } as const;

/** A complaint's last stay in FEEDBACK, where the survey invited its customer, and the rating given when it closed. */
export interface FeedbackVisit {
  complaint_id: string;
  entered_at: number;
  /** When it was closed from FEEDBACK; null while still there. */
  left_at: number | null;
  /** The rating the close recorded (its transition's data), null without one (feedback unavailable). */
  satisfaction: number | null;
  satisfaction_comment: string | null;
  customer_email: string | null;
}

/** Each complaint's last stay in FEEDBACK, from the generated complaints and their timeline (in time order). */
export function feedbackVisits(complaints: readonly Row[], timeline: readonly Row[]): FeedbackVisit[] {
  const stays = new Map<string, Pick<FeedbackVisit, 'entered_at' | 'left_at' | 'satisfaction' | 'satisfaction_comment'>>();
  for (const e of timeline) {
    if (e.type !== 'TRANSITIONED') continue;
    const at = Date.parse(e.at as string);
    const id = e.complaint_id as string;
    const data = e.data as { satisfaction?: number; satisfactionComment?: string };
    if (e.to_stage === Stage.FEEDBACK) stays.set(id, { entered_at: at, left_at: null, satisfaction: null, satisfaction_comment: null });
    else if (e.from_stage === Stage.FEEDBACK) {
      Object.assign(stays.get(id)!, {
        left_at: at,
        satisfaction: data.satisfaction ?? null,
        satisfaction_comment: data.satisfactionComment ?? null,
      });
    }
  }
  return complaints.flatMap((c) => {
    const stay = stays.get(c.id as string);
    return stay ? [{ complaint_id: c.id as string, ...stay, customer_email: (c.customer_email as string | null) ?? null }] : [];
  });
}

export interface SurveyRows {
  survey_invitations: Row[];
  survey_responses: Row[];
  survey_answers: Row[];
  /** A SURVEY_ANSWERED entry on the complaint's timeline for each response, as answering writes it. */
  timeline_events: Row[];
}

/**
 * Invitations for the complaints that reached FEEDBACK while the survey was
 * sent, and the answers of those whose customers rated the outcome then,
 * given before the complaint was closed and within the survey's days
 * (those told to an operator by phone, in office hours): the outcome's CSAT
 * is the rating the close recorded, the other scores follow it with some
 * spread, poor ones say what to do better, and the rating's comment is
 * the survey's. Checked by the survey's own rules (`checkAnswers`),
 * detractors marked by them. The same visits give the same answers on
 * every seed (drawn from each complaint's id).
 */
export function planSurveyRows(
  visits: readonly FeedbackVisit[],
  questions: readonly SurveyQuestion[],
  survey: { id: string; versionId: string; answerDays: number },
  window: { from: number; to: number },
  company: { timeZone: string; /** Who may enter answers given by phone. */ operatorIds: readonly string[] },
): SurveyRows {
  const rows: SurveyRows = { survey_invitations: [], survey_responses: [], survey_answers: [], timeline_events: [] };
  const byKind = (type: QuestionType, parameter: SurveyParameter) => questions.find((q) => q.type === type && q.parameter === parameter);
  for (const v of visits) {
    const invited = v.entered_at;
    if (invited < window.from || invited >= window.to) continue;
    const rng = new Rng(`survey:${v.complaint_id}`);
    const expires = invited + survey.answerDays * DAY;
    // By the mailed link mostly; on the tracking page; or told an operator on the phone, who entered them.
    const channel = rng.weighted<ResponseChannel>(
      v.customer_email
        ? [
            [ResponseChannel.MAIL_LINK, 65],
            [ResponseChannel.PORTAL, 15],
            [ResponseChannel.PHONE, 20],
          ]
        : [
            [ResponseChannel.PORTAL, 60],
            [ResponseChannel.PHONE, 40],
          ],
    );
    const phoned = channel === ResponseChannel.PHONE;
    // Answered, if the close recorded a rating within the survey's days: some minutes to a day before the close, after
    // the invitation; by phone, in office hours.
    let answered: number | null = null;
    if (v.left_at !== null && v.satisfaction !== null && v.left_at < expires) {
      answered = Math.max(invited + MINUTE, v.left_at - Math.round(rng.between(5 * MINUTE, Math.min(DAY, (v.left_at - invited) / 2))));
      if (phoned) answered = Math.min(Math.max(toOfficeHours(answered, company.timeZone), invited + MINUTE), v.left_at - MINUTE);
    }
    const invitation = {
      id: rng.uuid(),
      survey_id: survey.id,
      version_id: survey.versionId,
      complaint_id: v.complaint_id,
      token_hash: `\\x${hashSecret(randomBytes(32).toString('base64url')).toString('hex')}`,
      expires_at: new Date(expires).toISOString(),
      answered_at: answered === null ? null : new Date(answered).toISOString(),
      created_at: new Date(invited).toISOString(),
    };
    rows.survey_invitations.push(invitation);
    if (answered === null) continue;
    const given = answersOf(v.satisfaction!, v.satisfaction_comment, rng, byKind);
    const { answers, problems } = checkAnswers(questions, given);
    if (problems.length) throw new Error(`demo survey answers: ${JSON.stringify(problems)}`);
    const detractor = detractorReasons(answers).length > 0;
    const operatorId = phoned ? rng.pick(company.operatorIds) : null;
    const response = {
      id: rng.uuid(),
      survey_id: survey.id,
      version_id: survey.versionId,
      complaint_id: v.complaint_id,
      invitation_id: invitation.id,
      channel,
      entered_by_user_id: operatorId,
      detractor,
      created_at: invitation.answered_at,
    };
    rows.survey_responses.push(response);
    for (const a of answers) {
      rows.survey_answers.push({
        id: rng.uuid(),
        response_id: response.id,
        question_id: a.question.id,
        type: a.question.type,
        parameter: a.question.parameter,
        score: a.score,
        option_codes: a.optionCodes,
        text: a.text,
      });
    }
    rows.timeline_events.push({
      complaint_id: v.complaint_id,
      type: 'SURVEY_ANSWERED',
      from_stage: null,
      to_stage: null,
      actor_kind: phoned ? ActorKind.STAFF : ActorKind.CUSTOMER,
      actor_user_id: operatorId,
      data: { channel, satisfaction: satisfactionOf(answers), detractor },
      at: invitation.answered_at,
    });
  }
  return rows;
}

/** Scores drawn around the outcome's rating (1–5): NPS (0–10), CES (1–7, higher is easier), the staff and the updates (1–5). */
function answersOf(
  satisfaction: number,
  comment: string | null,
  rng: Rng,
  question: (type: QuestionType, parameter: SurveyParameter) => SurveyQuestion | undefined,
): GivenAnswer[] {
  const clamp = (v: number, min: number, max: number) => Math.min(max, Math.max(min, Math.round(v)));
  const near = (v: number, spread: number, min: number, max: number) => clamp(v + rng.between(-spread, spread), min, max);
  const answers: Array<[SurveyQuestion | undefined, Omit<GivenAnswer, 'questionId'> | null]> = [
    [question(QuestionType.CSAT, SurveyParameter.OVERALL), { score: satisfaction }],
    [question(QuestionType.NPS, SurveyParameter.OVERALL), { score: near(satisfaction * 2.2 - 0.3, 1.2, 0, 10) }],
    [question(QuestionType.CES, SurveyParameter.RESOLUTION_SPEED), rng.chance(0.85) ? { score: near(satisfaction * 1.4, 1, 1, 7) } : null],
    [question(QuestionType.CSAT, SurveyParameter.STAFF), rng.chance(0.8) ? { score: near(satisfaction + 0.4, 1, 1, 5) } : null],
    [question(QuestionType.CSAT, SurveyParameter.COMMUNICATION), rng.chance(0.8) ? { score: near(satisfaction - 0.2, 1, 1, 5) } : null],
    [
      question(QuestionType.CHOICE, SurveyParameter.SUPPORT_LINE),
      satisfaction <= 3 || rng.chance(0.2) ? { optionCodes: improvements(satisfaction, rng) } : null,
    ],
    [question(QuestionType.TEXT, SurveyParameter.OVERALL), comment ? { text: comment } : null],
  ];
  return answers.flatMap(([q, a]) => (q && a ? [{ questionId: q.id, ...a }] : []));
}

function improvements(satisfaction: number, rng: Rng): string[] {
  const chosen = ['SPEED', 'UPDATES', 'CLARITY'].filter(() => rng.chance(satisfaction <= 2 ? 0.5 : 0.3));
  if (satisfaction <= 2 && rng.chance(0.6)) chosen.push('OUTCOME');
  return chosen.length ? chosen : [rng.pick(['SPEED', 'UPDATES', 'CLARITY'])];
}
