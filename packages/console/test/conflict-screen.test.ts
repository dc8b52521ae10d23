import { afterEach, describe, expect, it, vi } from 'vitest';
import { type VueWrapper } from '@vue/test-utils';
import { nextTick } from 'vue';
import { NSelect } from 'naive-ui';
import { CombinedGraphQLErrors } from '@apollo/client/errors';
import { type ComplaintDetailFragment } from '@reclaim/client/staff';
import ComplaintPage from '../src/pages/complaint/ComplaintPage.vue';
import { complaint, FakeClient, mountPage, reference } from './fixtures.js';

const conflictError = () =>
  new CombinedGraphQLErrors({ errors: [{ message: 'version conflict', extensions: { code: 'CONFLICT', currentVersion: 4 } }] });
const ABILITIES = {
  assign: false,
  assignOnlySelf: false,
  update: false,
  reply: false,
  manageCorrectiveActions: false,
  followUpSurveys: false,
};

/**
 * The page with a client whose complaint is `before` until the page fetches it
 * afresh (after the conflict), and `after` from then on, as Apollo's cache
 * would show it; the first transition is refused with CONFLICT.
 */
async function mountComplaint(before: ComplaintDetailFragment, after: ComplaintDetailFragment) {
  let current = before;
  const mutate = vi
    .fn()
    .mockImplementationOnce(async () => Promise.reject(conflictError()))
    .mockImplementation(async () => ({ data: { transitionComplaint: { ...after, version: after.version + 1 } } }));
  const query = vi.fn(async () => {
    current = after;
    client.answerAgain('Complaint');
    return { data: { complaint: after } };
  });
  const client: FakeClient = new FakeClient({ Complaint: () => ({ complaint: current }), Reference: reference }, { mutate, query });
  const session = { state: { user: { id: 'u-head' }, tenant: { timeZone: 'Europe/Moscow', locale: 'ru' } }, may: () => true };
  const w = await mountPage(ComplaintPage, client, 'ru', { props: { number: before.number }, session, attach: true });
  return { w, mutate };
}

const flush = async () => {
  for (let i = 0; i < 6; i++) {
    await nextTick();
    await new Promise((r) => setTimeout(r, 0));
  }
};
const el = <T extends Element = HTMLElement>(selector: string) => document.querySelector(selector) as T | null;
async function type(selector: string, value: string) {
  const input = el<HTMLTextAreaElement>(selector)!;
  input.value = value;
  input.dispatchEvent(new Event('input'));
  await flush();
}

/** Opens the rejection form, picks the coded reason, types the explanation and a note, and sends it into the conflict. */
async function rejectIntoConflict(w: VueWrapper) {
  (el('[data-transition=REJECTED]') as HTMLButtonElement).click();
  await flush();
  w.findAllComponents(NSelect)
    .find((s) => s.attributes('data-field') === 'rejectionReasonId')!
    .vm.$emit('update:value', 'r-misuse');
  await type('textarea[name=rejectionReason]', 'Клиент отказался от претензии');
  await type('textarea[name=note]', 'Звонил клиенту 1 декабря, он согласен');
  (el('form[data-stage-form=REJECTED]') as HTMLFormElement).dispatchEvent(new Event('submit'));
  await flush();
  expect(el('[data-test=conflict]')).not.toBeNull();
}

let wrapper: VueWrapper | null = null;
afterEach(() => {
  wrapper?.unmount();
  wrapper = null;
  document.body.innerHTML = '';
});

describe('the edit-conflict screen', () => {
  const opened = complaint({ stage: 'ANALYSIS', version: 3, allowedTransitions: ['DECISION', 'REJECTED'], abilities: ABILITIES });

  it('when someone else already took the step: says so, offers no re-apply, and keeps what was typed in the form', async () => {
    const { w, mutate } = await mountComplaint(opened, {
      ...opened,
      version: 4,
      stage: 'REJECTED',
      rejectionReason: 'Дубликат',
      allowedTransitions: ['ANALYSIS'],
    });
    wrapper = w;
    await flush();
    await rejectIntoConflict(w);
    expect(el('[data-test=conflict-redo]')).toBeNull();
    expect(el('[data-test=conflict-blocked]')!.textContent).toBe('Обращение уже на стадии «Отклонено»: этот шаг сделал кто-то другой.');
    expect(el('[data-test=conflict]')!.textContent).toContain('Введённое осталось в форме ниже');
    expect(el<HTMLTextAreaElement>('textarea[name=note]')!.value).toBe('Звонил клиенту 1 декабря, он согласен');
    expect(el<HTMLTextAreaElement>('textarea[name=rejectionReason]')!.value).toBe('Клиент отказался от претензии');
    // The form cannot send it into a step the server no longer allows.
    expect(el<HTMLButtonElement>('[data-test=stage-submit]')!.disabled).toBe(true);
    (el('form[data-stage-form=REJECTED]') as HTMLFormElement).dispatchEvent(new Event('submit'));
    await flush();
    expect(mutate).toHaveBeenCalledOnce();
    // Closing the form is the user's choice.
    (el('[data-test=conflict-close]') as HTMLButtonElement).click();
    await flush();
    expect(el('form[data-stage-form=REJECTED]')).toBeNull();
  });

  it('when the step is no longer open to this user (same stage, reassigned): says why, keeps the text', async () => {
    const { w } = await mountComplaint(opened, {
      ...opened,
      version: 4,
      assignee: { id: 'u-qual', name: 'Quinn Quality' },
      allowedTransitions: [],
    });
    wrapper = w;
    await flush();
    await rejectIntoConflict(w);
    expect(el('[data-test=conflict-redo]')).toBeNull();
    expect(el('[data-test=conflict-blocked]')!.textContent).toContain('вам больше недоступен');
    expect(el<HTMLTextAreaElement>('textarea[name=note]')!.value).toBe('Звонил клиенту 1 декабря, он согласен');
  });

  it('when the step is still allowed: re-applies the same input against the new version', async () => {
    const { w, mutate } = await mountComplaint(opened, { ...opened, version: 4, assignee: { id: 'u-spec', name: 'Sam Specialist' } });
    wrapper = w;
    await flush();
    await rejectIntoConflict(w);
    expect(el('[data-test=conflict-blocked]')).toBeNull();
    expect(el('[data-changed=assignee]')!.textContent).toContain('Sam Specialist');
    (el('[data-test=conflict-redo]') as HTMLButtonElement).click();
    await flush();
    expect(mutate).toHaveBeenCalledTimes(2);
    expect(mutate.mock.calls[1]![0]).toMatchObject({
      variables: {
        input: {
          id: 'cmp-1',
          to: 'REJECTED',
          expectedVersion: 4,
          rejectionReasonId: 'r-misuse',
          rejectionReason: 'Клиент отказался от претензии',
          note: 'Звонил клиенту 1 декабря, он согласен',
        },
      },
    });
  });
});
