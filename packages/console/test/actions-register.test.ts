import { afterEach, describe, expect, it, vi } from 'vitest';
import { flushPromises, type VueWrapper } from '@vue/test-utils';
import { NCheckbox, NDatePicker, NSelect } from 'naive-ui';
import type { CorrectiveActionRegisterQuery, StaffAction } from '@reclaim/client/staff';
import ActionsRegisterPage from '../src/pages/actions/ActionsRegisterPage.vue';
import { action, FakeClient, mountPage, reference } from './fixtures.js';

type Node = CorrectiveActionRegisterQuery['correctiveActions']['edges'][number]['node'];
const complaintRef = { id: 'cmp-1', number: 'ACME-2026-000042', subject: 'Kettle leaks', stage: 'CLOSED' as const };
const ROWS: Node[] = [
  {
    ...action({ id: 'a-late', kind: 'CORRECTIVE', description: 'Change the seal supplier', dueDate: '2026-11-28', overdue: true }),
    complaint: complaintRef,
  },
  {
    ...action({
      id: 'a-done',
      kind: 'PREVENTIVE',
      description: 'Check every lid of the batch',
      dueDate: '2026-12-10',
      status: 'DONE',
      doneAt: '2026-11-30T21:30:00Z',
      doneBy: { name: 'Quinn Quality' },
      owner: { id: 'u-qual', name: 'Quinn Quality' },
    }),
    complaint: complaintRef,
  },
  {
    ...action({
      id: 'a-checked',
      description: 'Replace the kettle',
      dueDate: '2026-12-20',
      status: 'VERIFIED_EFFECTIVE',
      doneAt: '2026-11-25T08:00:00Z',
      doneBy: { name: 'Sam Specialist' },
      effectivenessCheck: {
        result: 'EFFECTIVE',
        checkedAt: '2026-11-29T19:15:00Z',
        note: 'No repeats',
        checkedBy: { name: 'Vera Quality' },
      },
    }),
    complaint: complaintRef,
  },
];

const REGISTER = {
  correctiveActions: { totalCount: ROWS.length, edges: ROWS.map((node) => ({ node })), pageInfo: { hasNextPage: false, endCursor: null } },
};

/** The page for a user who may take `can`, over a client whose register query answers ROWS; in Yekaterinburg (UTC+5). */
async function mountRegister(can: StaffAction[], locale: 'ru' | 'en' = 'en') {
  const mutate = vi.fn(async (_options: unknown) => ({ data: {} }));
  const client = new FakeClient({ Reference: reference, CorrectiveActionRegister: REGISTER }, { mutate });
  const session = { state: { token: 'token', tenant: { timeZone: 'Asia/Yekaterinburg' } }, may: (a: StaffAction) => can.includes(a) };
  const w = await mountPage(ActionsRegisterPage, client, locale, { session, attach: true });
  const registerCalls = () => client.watched.filter((q) => q.name === 'CorrectiveActionRegister').map((q) => q.variables);
  return { w, client, registerCalls, mutate };
}

const rowOf = (w: VueWrapper, text: string) => w.findAll('tbody tr').find((r) => r.text().includes(text))!;
const select = (w: VueWrapper, field: string) => w.findAllComponents(NSelect).find((s) => s.attributes('data-field') === field)!;

afterEach(() => {
  document.body.innerHTML = '';
});

// Each test mounts the whole page with Naive UI: on a loaded machine that takes seconds.
describe('actions register page', { timeout: 20_000 }, () => {
  it('lists actions by due date with their kind, owner and status, overdue ones marked in words and colour', async () => {
    const { w } = await mountRegister(['MANAGE_CORRECTIVE_ACTIONS']);
    expect(w.get('h1').text()).toBe('Actions register');
    const late = rowOf(w, 'Change the seal supplier');
    expect(late.classes()).toContain('overdue');
    expect(late.get('[data-test=action-overdue]').text()).toBe('Overdue');
    expect(late.text()).toContain('28 Nov 2026');
    expect(late.text()).toContain('Corrective action');
    expect(late.get('a').attributes('href')).toBe('/complaints/ACME-2026-000042');
    const done = rowOf(w, 'Check every lid');
    expect(done.classes()).not.toContain('overdue');
    // Completed at 21:30 UTC on 30 November: 1 December in the company's time zone (UTC+5).
    expect(done.text()).toContain('Done 1 Dec 2026, 02:30 by Quinn Quality');
    expect(done.text()).toContain('Quality · Quinn Quality');
    expect(rowOf(w, 'Replace the kettle').get('[data-test=action-check]').text()).toBe(
      'Effective: checked by Vera Quality, 30 Nov 2026, 00:15 — No repeats',
    );
    w.unmount();
  });

  it('sends the filters to the server and starts again from the first page', async () => {
    const { w, registerCalls } = await mountRegister(['MANAGE_CORRECTIVE_ACTIONS']);
    expect(registerCalls().at(-1)).toEqual({ filter: {}, first: 50, after: null });
    select(w, 'owner').vm.$emit('update:value', 'd-quality');
    select(w, 'statuses').vm.$emit('update:value', ['OPEN', 'DONE']);
    select(w, 'kinds').vm.$emit('update:value', ['CORRECTIVE']);
    w.findAllComponents(NCheckbox)
      .find((c) => c.attributes('data-test') === 'overdue-only')!
      .vm.$emit('update:checked', true);
    await flushPromises();
    expect(registerCalls().at(-1)).toEqual({
      filter: { ownerDepartmentId: 'd-quality', statuses: ['OPEN', 'DONE'], kinds: ['CORRECTIVE'], overdue: true },
      first: 50,
      after: null,
    });
    w.unmount();
  });

  it('fetches again when another console changes an action', async () => {
    vi.useFakeTimers();
    try {
      const { w, client } = await mountRegister(['MANAGE_CORRECTIVE_ACTIONS']);
      expect(client.subscribed).toEqual(['CorrectiveActionUpdates']);
      client.push({ data: { correctiveActionsChanged: { at: '2026-12-01T10:00:00Z' } } });
      client.push({ data: { correctiveActionsChanged: { at: '2026-12-01T10:00:00Z' } } });
      await vi.advanceTimersByTimeAsync(200);
      expect(client.refetched.mock.calls).toEqual([['CorrectiveActionRegister']]);
      w.unmount();
    } finally {
      vi.useRealTimers();
    }
  });

  it('offers the effectiveness check on done actions to a quality manager, and asks for a follow-up when not effective', async () => {
    const { w, mutate } = await mountRegister(['MANAGE_CORRECTIVE_ACTIONS', 'VERIFY_CORRECTIVE_ACTIONS']);
    expect(w.findAll('[data-test=check-effectiveness]')).toHaveLength(1);
    await rowOf(w, 'Check every lid').get('[data-test=check-effectiveness]').trigger('click');
    await flushPromises();
    const form = () => document.querySelector('[data-test=effectiveness-form]') as HTMLFormElement;
    expect(form()).not.toBeNull();
    (form().querySelector('[data-test=result-not-effective] input') as HTMLInputElement).click();
    await flushPromises();
    form().dispatchEvent(new Event('submit'));
    await flushPromises();
    expect(mutate).not.toHaveBeenCalled();
    expect([...form().querySelectorAll('.n-form-item-feedback')].map((f) => f.textContent).filter(Boolean)).toEqual([
      'Required',
      'Required',
      'Required',
    ]);

    const description = form().querySelector('input[name=follow-up-description]') as HTMLInputElement;
    description.value = 'Check three more batches';
    description.dispatchEvent(new Event('input'));
    select(w, 'follow-up-owner').vm.$emit('update:value', 'd-service');
    w.findAllComponents(NDatePicker)
      .at(-1)!
      .vm.$emit('update:value', new Date(2026, 11, 31).getTime());
    await flushPromises();
    form().dispatchEvent(new Event('submit'));
    await flushPromises();
    expect(mutate).toHaveBeenCalledWith(
      expect.objectContaining({
        variables: {
          input: {
            id: 'a-done',
            result: 'NOT_EFFECTIVE',
            followUp: { description: 'Check three more batches', ownerDepartmentId: 'd-service', dueDate: '2026-12-31' },
          },
        },
      }),
    );
    w.unmount();
  });

  it('shows a user without the check no check button, and speaks Russian', async () => {
    const { w } = await mountRegister(['MANAGE_CORRECTIVE_ACTIONS'], 'ru');
    expect(w.get('h1').text()).toBe('Реестр мероприятий');
    expect(w.findAll('[data-test=check-effectiveness]')).toHaveLength(0);
    expect(rowOf(w, 'Change the seal supplier').text()).toContain('Просрочено');
    expect(rowOf(w, 'Change the seal supplier').text()).toContain('28 нояб. 2026');
    w.unmount();
  });
});
