/**
 * The Analysis page's texts, under `analysis.*`: they come with the page's
 * chunk (merged into the console's messages when the page opens), so the
 * console's first load does not carry them.
 */
export const en = {
  title: 'Analysis', intro: 'How complaints received in the period went: where they dropped out, what causes them, how deadlines were kept and what customers said. The figures refresh by themselves when complaints move.',
  filters: 'Analysis filters', period: 'Period', customRange: 'Days of the period', grouping: 'Series by',
  groupings: { WEEK: 'Weeks', MONTH: 'Months' },
  periods: { last30: 'Last 30 days', thisMonth: 'This month', lastMonth: 'Last month', last90: 'Last 90 days', last12m: 'Last 12 months', thisYear: 'This year', custom: 'Chosen days…' },
  department: 'Department', allDepartments: 'All departments', category: 'Category', allCategories: 'All categories',
  product: 'Product', apply: 'Apply', updated: 'Updated at {at}', refresh: 'Refresh',
  funnel: 'Funnel', funnelNote: 'Complaints received in the period that reached each stage (a reopened one counts once), and those rejected from it.',
  pareto: 'Pareto', paretoNote: 'Largest first, with the cumulative share; the blue bars make up 80 %. A bar (or its row in the table) opens the complaints behind it.',
  by: 'Pareto by', measureTitle: 'Pareto measure',
  dimension: { CAUSE: 'Cause', CAUSE_GROUP: 'Cause group', CATEGORY: 'Category', PRODUCT: 'Product', DEPARTMENT: 'Department', REJECTION_REASON: 'Rejection reason' },
  measure: { COUNT: 'Complaints', REMEDY_AMOUNT: 'Money paid out', PENALTY: 'Legal penalty' },
  fishbone: 'Cause and effect', sla: 'SLA compliance', durations: 'Time in stage', timeKind: 'Time counted',
  working: 'Working time', calendar: 'Calendar time', satisfaction: 'Satisfaction', legal: 'Legal deadlines', repeats: 'Repeats',
  repeatsNote: '{repeats} of {complaints} complaints repeat an earlier one within {days} days.',
  repeatKey: 'Repeats of the same', within: 'Repeat within', withinDays: '{n} days',
  repeatBy: { CUSTOMER: 'Customer', PRODUCT: 'Product', CAUSE: 'Cause' },
  empty: 'Nothing to show for this period and these filters.', table: 'Figures as a table',
  rejectedHere: '{n} rejected here', stage: 'Stage', entered: 'Entered', rejected: 'Rejected', reasons: 'Rejection reasons',
  cumulative: 'Cumulative share', complaints: 'Complaints', share: 'Share', vital: 'Within 80 %', yes: 'yes',
  effect: 'Complaints with a cause: {n}', moreCauses: '+{n} more', group: 'Group', cause: 'Cause', allCauses: 'all causes',
  clock: 'Clock', stopped: 'Clocks stopped', met: 'Met', missed: 'Missed', compliance: 'Compliance',
  median: 'Median', p90: '90th percentile', visits: 'Stays', medianWorking: 'Median, working', p90Working: '90th percentile, working',
  medianCalendar: 'Median, calendar', p90Calendar: '90th percentile, calendar',
  average: 'Average rating', satisfied: 'Rated 4–5', responseRate: 'Response rate', closed: 'Closed', rated: 'Rated',
  late: 'Late', penalty: 'Penalty accrued', legalTotal: 'Deadlines', repeatsCount: 'Repeats',
  wholePeriod: 'Whole period', weekOf: 'Week of {day}', uncodedReason: 'No coded reason',
  exportGroup: 'Download the table “{title}” with the filters shown',
};

export const ru: typeof en = {
  title: 'Анализ', intro: 'Как прошли обращения, поступившие за период: где они выбыли, чем вызваны, как соблюдены сроки и что ответили клиенты. Цифры обновляются сами, когда обращения движутся.',
  filters: 'Фильтры анализа', period: 'Период', customRange: 'Дни периода', grouping: 'Ряды по',
  groupings: { WEEK: 'Неделям', MONTH: 'Месяцам' },
  periods: { last30: 'Последние 30 дней', thisMonth: 'Этот месяц', lastMonth: 'Прошлый месяц', last90: 'Последние 90 дней', last12m: 'Последние 12 месяцев', thisYear: 'Этот год', custom: 'Выбранные дни…' },
  department: 'Отдел', allDepartments: 'Все отделы', category: 'Категория', allCategories: 'Все категории',
  product: 'Товар', apply: 'Применить', updated: 'Обновлено в {at}', refresh: 'Обновить',
  funnel: 'Воронка', funnelNote: 'Обращения, поступившие за период, дошедшие до каждой стадии (повторно открытое считается один раз), и отклонённые на нём.',
  pareto: 'Парето', paretoNote: 'По убыванию, с накопленной долей; синие столбцы составляют 80 %. Столбец (или его строка в таблице) открывает обращения за ним.',
  by: 'Парето по', measureTitle: 'Мера Парето',
  dimension: { CAUSE: 'Причина', CAUSE_GROUP: 'Группа причин', CATEGORY: 'Категория', PRODUCT: 'Товар', DEPARTMENT: 'Отдел', REJECTION_REASON: 'Причина отклонения' },
  measure: { COUNT: 'Обращения', REMEDY_AMOUNT: 'Выплачено', PENALTY: 'Законная неустойка' },
  fishbone: 'Причины и следствие', sla: 'Соблюдение SLA', durations: 'Время на стадии', timeKind: 'Учитываемое время',
  working: 'Рабочее время', calendar: 'Календарное время', satisfaction: 'Удовлетворённость', legal: 'Законные сроки', repeats: 'Повторы',
  repeatsNote: '{repeats} из {complaints} обращений повторяют прежнее в пределах {days} дн.',
  repeatKey: 'Повторы того же', within: 'Повтор в пределах', withinDays: '{n} дн.',
  repeatBy: { CUSTOMER: 'Клиент', PRODUCT: 'Товар', CAUSE: 'Причина' },
  empty: 'За этот период с этими фильтрами показать нечего.', table: 'Цифры таблицей',
  rejectedHere: 'отклонено здесь: {n}', stage: 'Стадия', entered: 'Вошло', rejected: 'Отклонено', reasons: 'Причины отклонения',
  cumulative: 'Накопленная доля', complaints: 'Обращения', share: 'Доля', vital: 'В пределах 80 %', yes: 'да',
  effect: 'Обращения с причиной: {n}', moreCauses: 'ещё {n}', group: 'Группа', cause: 'Причина', allCauses: 'все причины',
  clock: 'Срок', stopped: 'Остановлено сроков', met: 'Соблюдено', missed: 'Нарушено', compliance: 'Соблюдение',
  median: 'Медиана', p90: '90-й перцентиль', visits: 'Пребываний', medianWorking: 'Медиана, рабочее', p90Working: '90-й перцентиль, рабочее',
  medianCalendar: 'Медиана, календарное', p90Calendar: '90-й перцентиль, календарное',
  average: 'Средняя оценка', satisfied: 'Оценки 4–5', responseRate: 'Доля ответивших', closed: 'Закрыто', rated: 'Оценено',
  late: 'С опозданием', penalty: 'Начисленная неустойка', legalTotal: 'Сроков', repeatsCount: 'Повторы',
  wholePeriod: 'Весь период', weekOf: 'Неделя с {day}', uncodedReason: 'Без кода причины',
  exportGroup: 'Скачать таблицу «{title}» с текущими фильтрами',
};

/** Adds the texts to the console's messages (once is enough; again is harmless). */
export function addAnalysisMessages(i18n: { mergeLocaleMessage(locale: string, messages: Record<string, unknown>): void }): void {
  i18n.mergeLocaleMessage('en', { analysis: en });
  i18n.mergeLocaleMessage('ru', { analysis: ru });
}
