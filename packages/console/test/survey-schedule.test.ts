import { describe, expect, it } from 'vitest';
import ScheduleEditor from '../src/pages/admin/surveys/ScheduleEditor.vue';
import {
  fromSchedule,
  newSchedule,
  scheduleProblems,
  toScheduleInput,
  type ScheduleDraft,
} from '../src/pages/admin/surveys/schedule-draft.js';
import { mountWithI18n } from './fixtures.js';

describe("the survey schedule's draft", () => {
  it('sends a weekday only for a weekly schedule, and the time trimmed', () => {
    const weekly = { ...newSchedule(), weekday: 3, time: ' 07:15 ', departmentIds: ['d-1'] };
    expect(toScheduleInput('s-1', weekly)).toEqual({
      surveyId: 's-1',
      active: true,
      cadence: 'WEEKLY',
      weekday: 3,
      time: '07:15',
      closedWithinDays: 30,
      departmentIds: ['d-1'],
      categoryIds: [],
      sharePercent: 100,
      cooldownDays: 30,
    });
    expect(toScheduleInput('s-1', { ...weekly, cadence: 'DAILY' })).toMatchObject({ cadence: 'DAILY', weekday: null });
  });

  it('names what keeps it from being saved: the time, the window, the share and the cooldown in their ranges', () => {
    expect(scheduleProblems(newSchedule())).toEqual([]);
    expect(scheduleProblems({ ...newSchedule(), time: '24:00' })).toEqual(['schedule.needTime']);
    expect(scheduleProblems({ ...newSchedule(), time: '9:00' })).toEqual(['schedule.needTime']);
    expect(scheduleProblems({ ...newSchedule(), closedWithinDays: 0, sharePercent: 101, cooldownDays: null })).toEqual([
      'schedule.needWindow',
      'schedule.needShare',
      'schedule.needCooldown',
    ]);
    expect(scheduleProblems({ ...newSchedule(), cooldownDays: 0, sharePercent: 1 })).toEqual([]);
  });

  it('starts from the saved schedule (a daily one gets Monday should it become weekly)', () => {
    const draft = fromSchedule({
      id: 'x',
      surveyId: 's-1',
      active: false,
      cadence: 'DAILY',
      weekday: null,
      time: '09:30',
      closedWithinDays: 14,
      departmentIds: [],
      categoryIds: ['c-1'],
      sharePercent: 30,
      cooldownDays: 60,
      nextRunAt: null,
      lastRunAt: null,
      lastRunInvited: null,
      failures: 0,
      lastErrorCode: null,
      lastErrorDetail: null,
      lastFailedAt: null,
    });
    expect(draft).toEqual({
      active: false,
      cadence: 'DAILY',
      weekday: 1,
      time: '09:30',
      closedWithinDays: 14,
      departmentIds: [],
      categoryIds: ['c-1'],
      sharePercent: 30,
      cooldownDays: 60,
    });
  });
});

describe('the schedule form', () => {
  const mountIt = (draft: ScheduleDraft, locale: 'ru' | 'en' = 'en') =>
    mountWithI18n(
      ScheduleEditor,
      {
        draft,
        title: 'Schedule',
        departments: [{ id: 'd-1', name: 'Service' }],
        categories: [],
        nextRun: null,
      },
      locale,
    );

  it('edits the time, labels every field, and saves only a draft that can be sent, in Russian too', async () => {
    const w = mountIt(newSchedule(), 'ru');
    expect(w.text()).toContain('Рассылать по расписанию');
    expect(w.find('[data-test=schedule-next]').text()).toBe('Не запускается: на паузе или ещё не сохранено.');
    await w.find('input[name=time]').setValue('8:00');
    expect((w.emitted('change')!.at(-1)![0] as ScheduleDraft).time).toBe('8:00');
    for (const input of w.findAll('input[id^=schedule-]')) expect(w.find(`label[for=${input.attributes('id')}]`).exists()).toBe(true);
    await w.setProps({ draft: { ...newSchedule(), time: '8:00' } } as never);
    await w.find('form').trigger('submit');
    expect(w.emitted('save')).toBeUndefined();
    expect(w.find('[data-test=schedule-problems]').text()).toContain('ЧЧ:ММ');
    await w.setProps({ draft: { ...newSchedule(), time: '08:00' } } as never);
    await w.find('form').trigger('submit');
    expect(w.emitted('save')![0]![0]).toMatchObject({ time: '08:00', cadence: 'WEEKLY' });
    w.unmount();
  });

  it('shows the weekday only for a weekly schedule, and the next run', async () => {
    const w = mountIt({ ...newSchedule(), cadence: 'DAILY' });
    expect(w.find('label[for=schedule-weekday]').exists()).toBe(false);
    await w.setProps({ draft: newSchedule(), nextRun: '07.12.2026, 10:00' } as never);
    expect(w.find('label[for=schedule-weekday]').exists()).toBe(true);
    expect(w.find('[data-test=schedule-next]').text()).toBe('Next run: 07.12.2026, 10:00');
    w.unmount();
  });

  it('says when the last run failed, why, and that it is tried again, in both languages; nothing while the runs succeed', async () => {
    const failure = { count: 3, at: '05.12.2026, 09:00', code: 'TIMEOUT', detail: 'canceling statement due to lock timeout' };
    const en = mountIt(newSchedule());
    expect(en.find('[data-test=schedule-failure]').exists()).toBe(false);
    await en.setProps({ failure } as never);
    expect(en.find('[data-test=schedule-failure]').text()).toBe(
      'The last run failed (05.12.2026, 09:00); it is tried again by itself, later after each ' +
        'failure (failed runs in a row: 3). The database was busy and the run waited too long. (Technical detail: canceling statement due to lock timeout)',
    );
    en.unmount();
    const ru = mountIt(newSchedule(), 'ru');
    await ru.setProps({ failure: { ...failure, code: 'OTHER', detail: null } } as never);
    expect(ru.find('[data-test=schedule-failure]').text()).toBe(
      'Последний запуск не удался (05.12.2026, 09:00); он повторится сам, после каждой ' +
        'неудачи всё реже (неудачных запусков подряд: 3). Ошибка на сервере.',
    );
    // The database's own words reach a Russian reader labelled as such, and marked as English for screen readers.
    await ru.setProps({ failure } as never);
    expect(ru.find('[data-test=schedule-failure]').text()).toContain('(Техническая подробность: canceling statement due to lock timeout)');
    expect(ru.find('[data-test=schedule-failure] code').attributes('lang')).toBe('en');
    ru.unmount();
  });
});
