import { describe, expect, it } from 'vitest';
import { QuestionType, SurveyParameter, type SurveyQuestion } from '../survey.entity.js';
import { checkAnswers, detractorReasons, satisfactionOf } from '../survey.rules.js';

let next = 0;
function question(type: QuestionType, parameter = SurveyParameter.OVERALL, extra: Partial<SurveyQuestion> = {}): SurveyQuestion {
  next += 1;
  return {
    tenantId: 't',
    id: `00000000-0000-4000-8000-${String(next).padStart(12, '0')}`,
    versionId: 'v',
    position: next,
    type,
    parameter,
    textRu: 'Вопрос',
    textEn: 'Question',
    required: true,
    multiple: false,
    options: [],
    ...extra,
  };
}
const choice = (multiple: boolean) =>
  question(QuestionType.CHOICE, SurveyParameter.DELIVERY, {
    required: false,
    multiple,
    options: [
      { code: 'LATE', labelRu: 'Поздно', labelEn: 'Late', causeId: null, alerting: false },
      { code: 'RUDE', labelRu: 'Грубо', labelEn: 'Rude', causeId: null, alerting: true },
    ],
  });

describe('answers to a survey version', () => {
  it('take scores within each scale, and no other kind of answer', () => {
    const [csat, nps, ces] = [question(QuestionType.CSAT), question(QuestionType.NPS), question(QuestionType.CES)];
    const qs = [csat, nps, ces];
    expect(
      checkAnswers(qs, [
        { questionId: csat.id, score: 5 },
        { questionId: nps.id, score: 0 },
        { questionId: ces.id, score: 7 },
      ]).problems,
    ).toEqual([]);
    for (const [q, score] of [
      [csat, 0],
      [csat, 6],
      [nps, 11],
      [nps, -1],
      [ces, 0],
      [ces, 8],
    ] as const) {
      const others = qs.filter((o) => o !== q).map((o) => ({ questionId: o.id, score: 1 }));
      expect(checkAnswers(qs, [...others, { questionId: q.id, score }]).problems).toHaveLength(1);
    }
    expect(checkAnswers([csat], [{ questionId: csat.id, score: 3, text: 'and words' }]).problems).toHaveLength(1);
  });

  it('need every required question, refuse unknown and repeated ones, and leave out empty optional ones', () => {
    const required = question(QuestionType.CSAT);
    const optional = question(QuestionType.TEXT, SurveyParameter.OVERALL, { required: false });
    expect(checkAnswers([required, optional], []).problems).toEqual([
      { field: 'answers', messages: [`question ${required.position} is required`] },
    ]);
    expect(
      checkAnswers(
        [required],
        [
          { questionId: required.id, score: 4 },
          { questionId: required.id, score: 4 },
        ],
      ).problems,
    ).toHaveLength(1);
    expect(
      checkAnswers(
        [required],
        [
          { questionId: required.id, score: 4 },
          { questionId: optional.id, text: 'x' },
        ],
      ).problems,
    ).toHaveLength(1);
    const { answers, problems } = checkAnswers(
      [required, optional],
      [
        { questionId: required.id, score: 4 },
        { questionId: optional.id, text: '  ' },
      ],
    );
    expect(problems).toEqual([]);
    expect(answers.map((a) => a.question.id)).toEqual([required.id]);
  });

  it('take one option of a single choice, several of a multiple one, only codes the question has (in any case)', () => {
    const single = choice(false);
    const multiple = choice(true);
    expect(checkAnswers([single], [{ questionId: single.id, optionCodes: ['LATE', 'RUDE'] }]).problems).toHaveLength(1);
    expect(checkAnswers([single], [{ questionId: single.id, optionCodes: ['LOST'] }]).problems).toHaveLength(1);
    expect(checkAnswers([multiple], [{ questionId: multiple.id, optionCodes: ['late', 'LATE'] }]).problems).toHaveLength(1);
    expect(checkAnswers([multiple], [{ questionId: multiple.id, optionCodes: ['late', 'rude'] }]).answers[0]!.optionCodes).toEqual([
      'LATE',
      'RUDE',
    ]);
  });
});

describe('detractors', () => {
  it('are NPS 6 or less, CSAT 2 or less, or an alerting option; CES and higher scores are not', () => {
    const [csat, nps, ces, pick] = [question(QuestionType.CSAT), question(QuestionType.NPS), question(QuestionType.CES), choice(true)];
    const reasons = (given: Array<{ questionId: string; score?: number; optionCodes?: string[] }>) =>
      detractorReasons(checkAnswers([csat, nps, ces, pick], given).answers);
    expect(
      reasons([
        { questionId: csat.id, score: 3 },
        { questionId: nps.id, score: 7 },
        { questionId: ces.id, score: 1 },
        { questionId: pick.id, optionCodes: ['LATE'] },
      ]),
    ).toEqual([]);
    expect(
      reasons([
        { questionId: csat.id, score: 2 },
        { questionId: nps.id, score: 7 },
        { questionId: ces.id, score: 1 },
      ]),
    ).toEqual(['CSAT 2']);
    expect(
      reasons([
        { questionId: csat.id, score: 5 },
        { questionId: nps.id, score: 6 },
        { questionId: ces.id, score: 7 },
      ]),
    ).toEqual(['NPS 6']);
    expect(
      reasons([
        { questionId: csat.id, score: 5 },
        { questionId: nps.id, score: 10 },
        { questionId: ces.id, score: 7 },
        { questionId: pick.id, optionCodes: ['rude'] },
      ]),
    ).toEqual(['OPTION RUDE']);
  });
});

describe("the complaint's satisfaction", () => {
  it('is the OVERALL CSAT, else the first CSAT answered, else none', () => {
    const staff = question(QuestionType.CSAT, SurveyParameter.STAFF, { required: false });
    const overall = question(QuestionType.CSAT, SurveyParameter.OVERALL, { required: false });
    const nps = question(QuestionType.NPS, SurveyParameter.OVERALL, { required: false });
    const of = (given: Array<{ questionId: string; score: number }>) => satisfactionOf(checkAnswers([staff, overall, nps], given).answers);
    expect(
      of([
        { questionId: staff.id, score: 2 },
        { questionId: overall.id, score: 4 },
      ]),
    ).toBe(4);
    expect(
      of([
        { questionId: staff.id, score: 2 },
        { questionId: nps.id, score: 9 },
      ]),
    ).toBe(2);
    expect(of([{ questionId: nps.id, score: 9 }])).toBeNull();
  });
});
