import { computed } from 'vue';
import { useI18n } from 'vue-i18n';
import type { AnalysisGrouping } from '@reclaim/client/staff';
import { useSession } from '../../apollo.js';
import { useFormat } from '../../components/use-format.js';
import { useCodedNames } from '../../components/use-coded-names.js';
import type { Words } from './analysis-figures.js';

/** Numbers, money, periods and names as the Analysis page writes them: the reader's language, the company's zone and currency. */
export function formatNumbers(locale: string, currency: string | null | undefined) {
  const integer = new Intl.NumberFormat(locale, { maximumFractionDigits: 0 });
  const percent = new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 1 });
  const rating = new Intl.NumberFormat(locale, { minimumFractionDigits: 1, maximumFractionDigits: 2 });
  const money = currency
    ? new Intl.NumberFormat(locale, { style: 'currency', currency, maximumFractionDigits: 0 })
    : new Intl.NumberFormat(locale, { maximumFractionDigits: 0 });
  return {
    count: (n: number) => integer.format(n),
    percent: (share: number | null) => (share === null ? '—' : percent.format(share)),
    rating: (v: number | null) => (v === null ? '—' : rating.format(v)),
    money: (amount: number) => money.format(amount),
  };
}

/** `departments`: every department's name (the reference list), for the rows of department ids. */
export function useAnalysisWords(departments: () => readonly { id: string; name: string }[]) {
  const { t } = useI18n();
  const session = useSession();
  const format = useFormat();
  const { nameOf } = useCodedNames();
  return computed(() => {
    const locale = format.locale.value;
    const timeZone = format.timeZone.value;
    const numbers = formatNumbers(locale, session.state.tenant?.currency);
    const month = new Intl.DateTimeFormat(locale, { month: 'short', year: 'numeric', ...(timeZone && { timeZone }) });
    const clock = new Intl.DateTimeFormat(locale, { timeStyle: 'medium', ...(timeZone && { timeZone }) });
    return {
      ...numbers,
      t: (key: string, values?: Record<string, unknown>) => (values ? t(key, values) : t(key)),
      duration: (seconds: number | null) => format.duration(seconds),
      period: (iso: string | null, grouping: AnalysisGrouping) => {
        if (!iso) return t('analysis.wholePeriod');
        return grouping === 'MONTH' ? month.format(new Date(iso)) : t('analysis.weekOf', { day: format.day(iso) });
      },
      causeName: nameOf,
      reasonName: (r) => (r ? `${r.code} — ${nameOf(r)}` : t('analysis.uncodedReason')),
      departmentName: (id: string | null) =>
        id === null
          ? t('complaint.noDepartment')
          : (departments().find((d) => d.id === id)?.name ?? session.state.user?.departments.find((d) => d.id === id)?.name ?? id),
      /** An instant's time of day in the company's zone ("14:05:09"). */
      time: (ms: number) => clock.format(new Date(ms)),
    } satisfies Words & { time(ms: number): string };
  });
}
