import type { SaveSurveyScheduleInput, SurveyScheduleCadence, SurveyScheduleViewFragment } from '@reclaim/client/staff';

/** The schedule form's working copy (docs/surveys.md#schedules). */
export interface ScheduleDraft {
  active: boolean;
  cadence: SurveyScheduleCadence;
  /** 1 Monday … 7 Sunday; used when weekly. */
  weekday: number;
  /** "HH:MM" of the company's day. */
  time: string;
  closedWithinDays: number | null;
  departmentIds: string[];
  categoryIds: string[];
  sharePercent: number | null;
  cooldownDays: number | null;
}

export const WEEKDAYS = [1, 2, 3, 4, 5, 6, 7] as const;

export function newSchedule(): ScheduleDraft {
  return {
    active: true,
    cadence: 'WEEKLY',
    weekday: 1,
    time: '10:00',
    closedWithinDays: 30,
    departmentIds: [],
    categoryIds: [],
    sharePercent: 100,
    cooldownDays: 30,
  };
}

export function fromSchedule(s: SurveyScheduleViewFragment): ScheduleDraft {
  return {
    active: s.active,
    cadence: s.cadence,
    weekday: s.weekday ?? 1,
    time: s.time,
    closedWithinDays: s.closedWithinDays,
    departmentIds: [...s.departmentIds],
    categoryIds: [...s.categoryIds],
    sharePercent: s.sharePercent,
    cooldownDays: s.cooldownDays,
  };
}

const inRange = (n: number | null, min: number, max: number) => n !== null && Number.isInteger(n) && n >= min && n <= max;

/** What keeps the draft from being saved, as message keys. */
export function scheduleProblems(d: ScheduleDraft): string[] {
  return [
    ...(/^([01]\d|2[0-3]):[0-5]\d$/.test(d.time.trim()) ? [] : ['schedule.needTime']),
    ...(inRange(d.closedWithinDays, 1, 365) ? [] : ['schedule.needWindow']),
    ...(inRange(d.sharePercent, 1, 100) ? [] : ['schedule.needShare']),
    ...(inRange(d.cooldownDays, 0, 365) ? [] : ['schedule.needCooldown']),
  ];
}

/** The mutation's input; a weekday only when weekly. Call only when scheduleProblems is empty. */
export function toScheduleInput(surveyId: string, d: ScheduleDraft, active = d.active): SaveSurveyScheduleInput {
  return {
    surveyId,
    active,
    cadence: d.cadence,
    weekday: d.cadence === 'WEEKLY' ? d.weekday : null,
    time: d.time.trim(),
    closedWithinDays: d.closedWithinDays!,
    departmentIds: d.departmentIds,
    categoryIds: d.categoryIds,
    sharePercent: d.sharePercent!,
    cooldownDays: d.cooldownDays!,
  };
}
