import { describe, expect, it } from 'vitest';
import QuestionEditor from '../src/pages/admin/surveys/QuestionEditor.vue';
import {
  addOption,
  draftProblems,
  fromVersion,
  moved,
  newQuestion,
  toInput,
  withType,
  type QuestionDraft,
} from '../src/pages/admin/surveys/survey-draft.js';
import { mountWithI18n } from './fixtures.js';

const worded = (q: QuestionDraft, ru = 'Довольны?', en = 'Satisfied?'): QuestionDraft => ({ ...q, textRu: ru, textEn: en });

describe("the survey builder's draft", () => {
  it('sends trimmed wording, upper-case option codes, and options only for a choice', () => {
    const choice = {
      ...worded(newQuestion('CHOICE'), ' Что не так? ', ' What went wrong? '),
      parameter: 'DELIVERY' as const,
      multiple: true,
      options: [
        { code: ' late ', labelRu: 'Поздно', labelEn: 'Late', causeId: null, alerting: false },
        { code: 'rude', labelRu: 'Грубо', labelEn: 'Rude', causeId: 'k-1', alerting: true },
      ],
    };
    const csat = { ...worded(newQuestion('CSAT')), multiple: true };
    expect(toInput([csat, choice])).toEqual([
      { type: 'CSAT', parameter: 'OVERALL', textRu: 'Довольны?', textEn: 'Satisfied?', required: true, multiple: false },
      {
        type: 'CHOICE',
        parameter: 'DELIVERY',
        textRu: 'Что не так?',
        textEn: 'What went wrong?',
        required: true,
        multiple: true,
        options: [
          { code: 'LATE', labelRu: 'Поздно', labelEn: 'Late', causeId: null, alerting: false },
          { code: 'RUDE', labelRu: 'Грубо', labelEn: 'Rude', causeId: 'k-1', alerting: true },
        ],
      },
    ]);
  });

  it('names what keeps it from being sent: wording in both languages, two options with texts, codes that differ', () => {
    expect(draftProblems([])).toEqual(['surveys.needQuestion']);
    expect(draftProblems([worded(newQuestion('NPS'), 'Порекомендуете?', '')])).toEqual(['surveys.needWording']);
    const choice = worded(newQuestion('CHOICE'));
    expect(draftProblems([choice])).toEqual(['surveys.needOptionTexts', 'surveys.optionCodesUnique']);
    const filled = { ...choice, options: choice.options.map((o, i) => ({ ...o, code: `c${i}`, labelRu: 'а', labelEn: 'a' })) };
    expect(draftProblems([filled])).toEqual([]);
    expect(draftProblems([{ ...filled, options: filled.options.map((o) => ({ ...o, code: 'same' })) }])).toEqual([
      'surveys.optionCodesUnique',
    ]);
    expect(draftProblems([{ ...filled, options: filled.options.slice(0, 1) }])).toEqual(['surveys.needOptions']);
  });

  it('starts a new version from the current questions in order, and keeps wording across a change of type', () => {
    const draft = fromVersion([
      {
        id: 'q2',
        position: 2,
        type: 'TEXT',
        parameter: 'OVERALL',
        textRu: 'Ещё?',
        textEn: 'More?',
        required: false,
        multiple: false,
        options: [],
      },
      {
        id: 'q1',
        position: 1,
        type: 'CSAT',
        parameter: 'STAFF',
        textRu: 'Персонал?',
        textEn: 'Staff?',
        required: true,
        multiple: false,
        options: [],
      },
    ]);
    expect(draft.map((q) => q.textEn)).toEqual(['Staff?', 'More?']);
    const asChoice = withType(draft[0]!, 'CHOICE');
    expect(asChoice).toMatchObject({ type: 'CHOICE', textEn: 'Staff?', parameter: 'STAFF' });
    expect(asChoice.options).toHaveLength(2);
    expect(addOption(asChoice).options).toHaveLength(3);
    expect(withType(asChoice, 'NPS').options).toEqual([]);
    expect(moved(['a', 'b', 'c'], 0, 1)).toEqual(['b', 'a', 'c']);
    expect(moved(['a', 'b', 'c'], 0, -1)).toEqual(['a', 'b', 'c']);
  });
});

describe('a question in the builder', () => {
  it("edits its wording and a choice's options, each field labelled, in Russian too", async () => {
    const question = worded(newQuestion('CHOICE'));
    const w = mountWithI18n(QuestionEditor, { question, index: 0, count: 1, causes: [{ id: 'k-1', label: 'SUPPLIER_DEFECT' }] }, 'ru');
    expect(w.find('legend').text()).toBe('Вопрос 1');
    await w.find('input[name=textEn]').setValue('What went wrong?');
    expect(w.emitted('change')!.at(-1)![0]).toMatchObject({ textEn: 'What went wrong?', textRu: 'Довольны?' });
    await w.find('[data-test=option-1] input[name=code]').setValue('rude');
    expect((w.emitted('change')!.at(-1)![0] as QuestionDraft).options[1]).toMatchObject({ code: 'rude' });
    for (const input of w.findAll('[data-test^=option-] input[name]')) expect(input.attributes('aria-label')).toBeTruthy();
    await w.find('[data-test=add-option]').trigger('click');
    expect((w.emitted('change')!.at(-1)![0] as QuestionDraft).options).toHaveLength(3);
    w.unmount();
  });
});
