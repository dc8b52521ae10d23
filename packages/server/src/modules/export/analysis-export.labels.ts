import type { CauseGroup } from '../cause/cause.entity.js';
import type { SlaTarget } from '../sla/sla-clock.js';
import type { ParetoDimension, ParetoMeasure, RepeatKey, SurveyBreakdown } from '../analysis/analysis.types.js';
import type { QuestionType, SurveyParameter } from '../survey/survey.entity.js';
import type { ExportLanguage } from './export.params.js';

/** The analysis tables, by their path under /exports/analysis/. */
export const ANALYSIS_TABLES = [
  'funnel',
  'pareto',
  'cause-effect',
  'sla-compliance',
  'stage-durations',
  'satisfaction-trend',
  'legal-compliance',
  'repeats',
  'survey-responses',
  'survey-scores',
] as const;
export type AnalysisTable = (typeof ANALYSIS_TABLES)[number];

/**
 * The words of the analysis tables. Where the console's Analysis page has
 * the word (its analysis-i18n.ts: titles, column heads; its i18n files:
 * cause groups, clocks), it is the same one (src/modules/export/__tests__
 * compares them), so a download reads like the card it came from; the
 * units of times and the code column are the file's own.
 */
export interface AnalysisLabels {
  titles: Record<AnalysisTable, string>;
  words: {
    period: string;
    wholePeriod: string;
    stage: string;
    entered: string;
    rejected: string;
    reasons: string;
    uncodedReason: string;
    code: string;
    complaints: string;
    share: string;
    cumulative: string;
    vital: string;
    yes: string;
    group: string;
    cause: string;
    allCauses: string;
    clock: string;
    department: string;
    noDepartment: string;
    stopped: string;
    met: string;
    missed: string;
    compliance: string;
    visits: string;
    medianWorking: string;
    p90Working: string;
    medianCalendar: string;
    p90Calendar: string;
    hours: string;
    closed: string;
    rated: string;
    average: string;
    satisfied: string;
    responseRate: string;
    legalTotal: string;
    late: string;
    penalty: string;
    repeatsCount: string;
    total: string;
    invited: string;
    answered: string;
    responses: string;
    parameter: string;
    scale: string;
    answers: string;
    scoreAverage: string;
    csatSatisfied: string;
    promoters: string;
    passives: string;
    detractors: string;
    nps: string;
    lowSample: string;
    company: string;
  };
  surveyBy: Record<SurveyBreakdown, string>;
  parameter: Record<SurveyParameter, string>;
  scale: Record<'CSAT' | 'NPS' | 'CES', string> & Partial<Record<QuestionType, string>>;
  dimension: Record<ParetoDimension, string>;
  measure: Record<ParetoMeasure, string>;
  repeatBy: Record<RepeatKey, string>;
  causeGroup: Record<CauseGroup, string>;
  clock: Record<SlaTarget, string>;
}

export const ANALYSIS_LABELS: Record<ExportLanguage, AnalysisLabels> = {
  en: {
    titles: {
      funnel: 'Funnel',
      pareto: 'Pareto',
      'cause-effect': 'Cause and effect',
      'sla-compliance': 'SLA compliance',
      'stage-durations': 'Time in stage',
      'satisfaction-trend': 'Satisfaction',
      'legal-compliance': 'Legal deadlines',
      repeats: 'Repeats',
      'survey-responses': 'Survey responses',
      'survey-scores': 'Survey scores',
    },
    words: {
      period: 'Period',
      wholePeriod: 'Whole period',
      stage: 'Stage',
      entered: 'Entered',
      rejected: 'Rejected',
      reasons: 'Rejection reasons',
      uncodedReason: 'No coded reason',
      code: 'Code',
      complaints: 'Complaints',
      share: 'Share',
      cumulative: 'Cumulative share',
      vital: 'Within 80 %',
      yes: 'yes',
      group: 'Group',
      cause: 'Cause',
      allCauses: 'all causes',
      clock: 'Clock',
      department: 'Department',
      noDepartment: 'no department',
      stopped: 'Clocks stopped',
      met: 'Met',
      missed: 'Missed',
      compliance: 'Compliance',
      visits: 'Stays',
      medianWorking: 'Median, working',
      p90Working: '90th percentile, working',
      medianCalendar: 'Median, calendar',
      p90Calendar: '90th percentile, calendar',
      hours: 'h',
      closed: 'Closed',
      rated: 'Rated',
      average: 'Average rating',
      satisfied: 'Rated 4–5',
      responseRate: 'Response rate',
      legalTotal: 'Deadlines',
      late: 'Late',
      penalty: 'Penalty accrued',
      repeatsCount: 'Repeats',
      total: 'Total',
      invited: 'Invited',
      answered: 'Answered',
      responses: 'Responses received',
      parameter: 'Parameter',
      scale: 'Scale',
      answers: 'Answers',
      scoreAverage: 'Average score',
      csatSatisfied: 'Scored 4–5',
      promoters: 'Promoters',
      passives: 'Passives',
      detractors: 'Detractors',
      nps: 'NPS',
      lowSample: 'Too few answers',
      company: 'Whole company',
    },
    surveyBy: { COMPANY: 'Whole company', DEPARTMENT: 'Department', CATEGORY: 'Category' },
    parameter: {
      OVERALL: 'Overall',
      PRODUCT_QUALITY: 'Product quality',
      STAFF: 'Staff',
      DELIVERY: 'Delivery',
      SUPPORT_LINE: 'Support line',
      RESOLUTION_SPEED: 'Speed of resolution',
      COMMUNICATION: 'Communication',
    },
    scale: { CSAT: 'CSAT (1–5)', NPS: 'NPS (0–10)', CES: 'CES (1–7)' },
    dimension: {
      CAUSE: 'Cause',
      CAUSE_GROUP: 'Cause group',
      CATEGORY: 'Category',
      PRODUCT: 'Product',
      DEPARTMENT: 'Department',
      REJECTION_REASON: 'Rejection reason',
    },
    measure: { COUNT: 'Complaints', REMEDY_AMOUNT: 'Money paid out', PENALTY: 'Legal penalty' },
    repeatBy: { CUSTOMER: 'Customer', PRODUCT: 'Product', CAUSE: 'Cause' },
    causeGroup: {
      PEOPLE: 'People',
      EQUIPMENT: 'Equipment',
      METHOD: 'Method',
      MATERIAL: 'Material',
      MEASUREMENT: 'Measurement',
      ENVIRONMENT: 'Environment',
    },
    clock: { FIRST_RESPONSE: 'First response', RESOLUTION: 'Resolution', STAGE: 'Stage', LEGAL: 'Legal' },
  },
  ru: {
    titles: {
      funnel: 'Воронка',
      pareto: 'Парето',
      'cause-effect': 'Причины и следствие',
      'sla-compliance': 'Соблюдение SLA',
      'stage-durations': 'Время на стадии',
      'satisfaction-trend': 'Удовлетворённость',
      'legal-compliance': 'Законные сроки',
      repeats: 'Повторы',
      'survey-responses': 'Ответы на опросы',
      'survey-scores': 'Оценки в опросах',
    },
    words: {
      period: 'Период',
      wholePeriod: 'Весь период',
      stage: 'Стадия',
      entered: 'Вошло',
      rejected: 'Отклонено',
      reasons: 'Причины отклонения',
      uncodedReason: 'Без кода причины',
      code: 'Код',
      complaints: 'Обращения',
      share: 'Доля',
      cumulative: 'Накопленная доля',
      vital: 'В пределах 80 %',
      yes: 'да',
      group: 'Группа',
      cause: 'Причина',
      allCauses: 'все причины',
      clock: 'Срок',
      department: 'Отдел',
      noDepartment: 'без отдела',
      stopped: 'Остановлено сроков',
      met: 'Соблюдено',
      missed: 'Нарушено',
      compliance: 'Соблюдение',
      visits: 'Пребываний',
      medianWorking: 'Медиана, рабочее',
      p90Working: '90-й перцентиль, рабочее',
      medianCalendar: 'Медиана, календарное',
      p90Calendar: '90-й перцентиль, календарное',
      hours: 'ч',
      closed: 'Закрыто',
      rated: 'Оценено',
      average: 'Средняя оценка',
      satisfied: 'Оценки 4–5',
      responseRate: 'Доля ответивших',
      legalTotal: 'Сроков',
      late: 'С опозданием',
      penalty: 'Начисленная неустойка',
      repeatsCount: 'Повторы',
      total: 'Итого',
      invited: 'Приглашено',
      answered: 'Ответило',
      responses: 'Получено ответов',
      parameter: 'Параметр',
      scale: 'Шкала',
      answers: 'Ответов',
      scoreAverage: 'Средний балл',
      csatSatisfied: 'Оценки 4–5',
      promoters: 'Сторонники',
      passives: 'Нейтральные',
      detractors: 'Критики',
      nps: 'NPS',
      lowSample: 'Мало ответов',
      company: 'Вся компания',
    },
    surveyBy: { COMPANY: 'Вся компания', DEPARTMENT: 'Отдел', CATEGORY: 'Категория' },
    parameter: {
      OVERALL: 'В целом',
      PRODUCT_QUALITY: 'Качество товара',
      STAFF: 'Сотрудники',
      DELIVERY: 'Доставка',
      SUPPORT_LINE: 'Линия поддержки',
      RESOLUTION_SPEED: 'Скорость решения',
      COMMUNICATION: 'Общение',
    },
    scale: { CSAT: 'CSAT (1–5)', NPS: 'NPS (0–10)', CES: 'CES (1–7)' },
    dimension: {
      CAUSE: 'Причина',
      CAUSE_GROUP: 'Группа причин',
      CATEGORY: 'Категория',
      PRODUCT: 'Товар',
      DEPARTMENT: 'Отдел',
      REJECTION_REASON: 'Причина отклонения',
    },
    measure: { COUNT: 'Обращения', REMEDY_AMOUNT: 'Выплачено', PENALTY: 'Законная неустойка' },
    repeatBy: { CUSTOMER: 'Клиент', PRODUCT: 'Товар', CAUSE: 'Причина' },
    causeGroup: {
      PEOPLE: 'Человек',
      EQUIPMENT: 'Оборудование',
      METHOD: 'Метод',
      MATERIAL: 'Материал',
      MEASUREMENT: 'Измерение',
      ENVIRONMENT: 'Среда',
    },
    clock: { FIRST_RESPONSE: 'Первый ответ', RESOLUTION: 'Решение', STAGE: 'Стадия', LEGAL: 'По закону' },
  },
};
