import { useI18n } from 'vue-i18n';
import type { CauseGroup, CodedCauseFragment, CodedReasonFragment } from '@reclaim/client/staff';

export const CAUSE_GROUPS: readonly CauseGroup[] = ['PEOPLE', 'EQUIPMENT', 'METHOD', 'MATERIAL', 'MEASUREMENT', 'ENVIRONMENT'];

/** Coded causes and rejection reasons in the reader's language, and pickers of those still offered. */
export function useCodedNames() {
  const { t, locale } = useI18n();
  const nameOf = (e: { nameRu: string; nameEn: string }) => (locale.value === 'ru' ? e.nameRu : e.nameEn);
  /** Active causes grouped under the six groups (plus the chosen one, if it was archived since). */
  const causeOptions = (causes: readonly CodedCauseFragment[], chosen: string | null) =>
    CAUSE_GROUPS.map((group) => ({
      type: 'group' as const,
      key: group,
      label: t(`causeGroup.${group}`),
      children: causes
        .filter((c) => c.group === group && (!c.archivedAt || c.id === chosen))
        .map((c) => ({ label: `${c.code} — ${nameOf(c)}`, value: c.id })),
    })).filter((g) => g.children.length > 0);
  const reasonOptions = (reasons: readonly CodedReasonFragment[], chosen: string | null) =>
    reasons.filter((r) => !r.archivedAt || r.id === chosen).map((r) => ({ label: `${r.code} — ${nameOf(r)}`, value: r.id }));
  return { nameOf, causeOptions, reasonOptions };
}
