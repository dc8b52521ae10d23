import { describe, expect, it } from 'vitest';
import { nextTick } from 'vue';
import type { VueWrapper } from '@vue/test-utils';
import { NCheckbox, NDatePicker, NInputNumber, NSelect } from 'naive-ui';
import type { Stage } from '@reclaim/client/staff';
import StageForm from '../src/pages/complaint/stage-forms/StageForm.vue';
import type { StageFields } from '../src/pages/complaint/stage-forms/stage-fields.js';
import { action, complaint, mountWithI18n, reference } from './fixtures.js';

type C = ReturnType<typeof complaint>;
function form(target: Stage, c: C, userId = 'u-spec', ref = reference) {
  return mountWithI18n(StageForm, { target, complaint: c, reference: ref, userId });
}
async function submit(w: VueWrapper): Promise<StageFields | undefined> {
  await w.get('form').trigger('submit');
  await nextTick();
  const events = w.emitted('submit') as StageFields[][] | undefined;
  return events?.at(-1)?.[0];
}
function select(w: VueWrapper, field: string, value: unknown) {
  const s = w.findAllComponents(NSelect).find((c) => c.attributes('data-field') === field);
  if (!s) throw new Error(`no select ${field}`);
  s.vm.$emit('update:value', value);
}
const requiredErrors = (w: VueWrapper) =>
  w
    .findAll('.n-form-item-feedback')
    .map((f) => f.text())
    .filter(Boolean);
/** The labels of the form's fields, to check that a stage shows exactly its own. */
const labels = (w: VueWrapper) => w.findAll('.n-form-item-label__text').map((l) => l.text());

describe('stage forms', () => {
  it('register: classify and route; department, category and demand are required', async () => {
    const w = form('REGISTERED', complaint({ stage: 'RECEIVED' }));
    expect(labels(w)).toEqual(['Type', 'Category', 'Priority', 'Customer demand', 'Department', 'Assignee', 'Comment (optional)']);
    expect(await submit(w)).toBeUndefined();
    expect(requiredErrors(w)).toEqual(['Required', 'Required', 'Required']);
    select(w, 'categoryId', 'c-defect');
    select(w, 'demand', 'REFUND');
    select(w, 'departmentId', 'd-service');
    select(w, 'assigneeId', 'u-spec');
    select(w, 'priority', 'HIGH');
    await nextTick();
    expect(await submit(w)).toEqual({
      kind: 'CLAIM',
      categoryId: 'c-defect',
      priority: 'HIGH',
      demand: 'REFUND',
      departmentId: 'd-service',
      assigneeId: 'u-spec',
    });
    w.unmount();
  });

  it('register: offers only active categories and the chosen department’s people', async () => {
    const w = form('REGISTERED', complaint({ stage: 'RECEIVED' }));
    const options = (field: string) =>
      (
        w
          .findAllComponents(NSelect)
          .find((c) => c.attributes('data-field') === field)!
          .props('options') as { value: string }[]
      ).map((o) => o.value);
    expect(options('categoryId')).toEqual(['c-defect']);
    select(w, 'departmentId', 'd-quality');
    await nextTick();
    expect(options('assigneeId')).toEqual(['u-qual']);
    w.unmount();
  });

  it('offers as assignee nobody who cannot work: not a deactivated member, nor one invited who has not set a password yet', async () => {
    const quality = reference.users.find((u) => u.id === 'u-qual')!;
    const withUnavailable = {
      ...reference,
      users: [
        ...reference.users,
        { ...quality, id: 'u-invited', name: 'Ivy Invited', invited: true },
        { ...quality, id: 'u-gone', name: 'Gus Gone', active: false },
      ],
    };
    const w = form('REGISTERED', complaint({ stage: 'RECEIVED' }), 'u-spec', withUnavailable);
    const options = (field: string) =>
      (
        w
          .findAllComponents(NSelect)
          .find((c) => c.attributes('data-field') === field)!
          .props('options') as { value: string }[]
      ).map((o) => o.value);
    select(w, 'departmentId', 'd-quality');
    await nextTick();
    expect(options('assigneeId')).toEqual(['u-qual']);
    w.unmount();
  });

  it('analysis: needs an assignee and proposes the specialist themselves', async () => {
    const c = complaint({ stage: 'REGISTERED', department: { id: 'd-service', name: 'Service' } });
    const w = form('ANALYSIS', c);
    expect(labels(w)).toEqual(['Assignee', 'Comment (optional)']);
    expect(await submit(w)).toEqual({ assigneeId: 'u-spec' });
    w.unmount();
    const other = form('ANALYSIS', c, 'u-qual');
    expect(await submit(other)).toBeUndefined();
    expect(requiredErrors(other)).toEqual(['Required']);
    other.unmount();
  });

  it('reopening needs a reason in the note', async () => {
    const c = complaint({ stage: 'CLOSED', department: { id: 'd-service', name: 'Service' }, assignee: { id: 'u-spec', name: 'Sam' } });
    const w = form('ANALYSIS', c, 'u-head');
    expect(w.get('h3').text()).toBe('Reopen');
    expect(await submit(w)).toBeUndefined();
    await w.get('textarea[name=note]').setValue('Customer says it leaks again');
    expect(await submit(w)).toEqual({ note: 'Customer says it leaks again' });
    w.unmount();
  });

  it('decision: validity (objective or subjective), the coded cause and the root cause in words', async () => {
    const w = form('DECISION', complaint({ stage: 'ANALYSIS' }));
    expect(labels(w)).toEqual(['Validity', 'Cause (coded)', 'Root cause', 'Comment (optional)']);
    expect(w.findAll('input[type=radio]').map((r) => r.attributes('value'))).toEqual(['OBJECTIVE', 'SUBJECTIVE']);
    // Active causes only, under their cause-and-effect groups.
    const groups = w
      .findAllComponents(NSelect)
      .find((c) => c.attributes('data-field') === 'causeId')!
      .props('options') as Array<{ label: string; children: Array<{ value: string }> }>;
    expect(groups.map((g) => [g.label, g.children.map((c) => c.value)])).toEqual([
      ['Material', ['k-supplier']],
      ['Environment', ['k-transport']],
    ]);
    expect(await submit(w)).toBeUndefined();
    expect(requiredErrors(w)).toEqual(['Required', 'Required', 'Required']);
    await w.get('input[value=OBJECTIVE]').setValue(true);
    select(w, 'causeId', 'k-supplier');
    await w.get('textarea[name=rootCause]').setValue('  Seal glued badly  ');
    expect(await submit(w)).toEqual({ validity: 'OBJECTIVE', causeId: 'k-supplier', rootCause: 'Seal glued badly' });
    w.unmount();
  });

  it('implementation: an amount for refunds, and complete corrective actions', async () => {
    const w = form('IMPLEMENTATION', complaint({ stage: 'DECISION', department: { id: 'd-service', name: 'Service' } }));
    select(w, 'remedy', 'REFUND');
    await nextTick();
    expect(await submit(w)).toBeUndefined();
    expect(requiredErrors(w)).toEqual(['An amount above zero is needed for this remedy']);
    w.findComponent(NInputNumber).vm.$emit('update:value', 1999.9);
    await w.get('[data-test=add-action]').trigger('click');
    await nextTick();
    expect(await submit(w)).toBeUndefined();
    await w.get('input[name=action-0-description]').setValue('Change the seal supplier');
    w.findComponent(NDatePicker).vm.$emit('update:value', new Date(2026, 11, 15).getTime());
    await nextTick();
    expect(await submit(w)).toEqual({
      remedy: 'REFUND',
      remedyAmount: 1999.9,
      correctiveActions: [
        { kind: 'CORRECTION', description: 'Change the seal supplier', ownerDepartmentId: 'd-service', dueDate: '2026-12-15' },
      ],
    });
    // A long-term action is marked as such: it will not hold the feedback.
    select(w, 'action-0-kind', 'CORRECTIVE');
    await nextTick();
    expect(((await submit(w)) as { correctiveActions: Array<{ kind: string }> }).correctiveActions[0]!.kind).toBe('CORRECTIVE');
    w.unmount();
  });

  it('implementation: an explanation needs no amount', async () => {
    const w = form('IMPLEMENTATION', complaint({ stage: 'DECISION' }));
    select(w, 'remedy', 'EXPLANATION');
    await nextTick();
    expect(await submit(w)).toEqual({ remedy: 'EXPLANATION' });
    w.unmount();
  });

  it('feedback: every correction must be done; corrective and preventive actions go on', async () => {
    const actions = [
      action({ id: 'ca-1', description: 'New seal' }),
      action({ id: 'ca-2', description: 'Train staff', doneAt: '2026-11-21T10:00:00Z', status: 'DONE' }),
      action({ id: 'ca-3', kind: 'CORRECTIVE', description: 'Change the seal supplier', dueDate: '2026-12-22' }),
    ];
    const w = form('FEEDBACK', complaint({ stage: 'IMPLEMENTATION', validity: 'OBJECTIVE', correctiveActions: actions }));
    expect(w.findAllComponents(NCheckbox)).toHaveLength(1);
    expect(w.get('[data-test=ongoing-actions]').text()).toContain('Corrective action: Change the seal supplier (Quality, Dec 22, 2026)');
    expect(await submit(w)).toBeUndefined();
    expect(requiredErrors(w)).toEqual(['Every correction must be done first']);
    await w.get('.n-checkbox').trigger('click');
    expect(await submit(w)).toEqual({ completedCorrectiveActionIds: ['ca-1'] });
    w.unmount();
  });

  it('feedback: an objective complaint without corrective actions cannot go on', async () => {
    const w = form('FEEDBACK', complaint({ stage: 'IMPLEMENTATION', validity: 'OBJECTIVE' }));
    expect(w.get('[role=alert]').text()).toContain('at least one action');
    expect(await submit(w)).toBeUndefined();
    w.unmount();
    const subjective = form('FEEDBACK', complaint({ stage: 'IMPLEMENTATION', validity: 'SUBJECTIVE' }));
    expect(await submit(subjective)).toEqual({});
    subjective.unmount();
  });

  it('close: a rating, or the customer could not be reached', async () => {
    const w = form('CLOSED', complaint({ stage: 'FEEDBACK' }));
    expect(await submit(w)).toBeUndefined();
    await w.get('input[name=satisfaction][value="4"]').setValue(true);
    await w.get('input[name=satisfactionComment]').setValue('Fine now');
    expect(await submit(w)).toEqual({ satisfaction: 4, satisfactionComment: 'Fine now' });
    w.unmount();
    const unreachable = form('CLOSED', complaint({ stage: 'FEEDBACK' }));
    unreachable.findComponent(NCheckbox).vm.$emit('update:checked', true);
    await nextTick();
    expect(await submit(unreachable)).toEqual({ feedbackUnavailable: true });
    unreachable.unmount();
  });

  it('close: the customer’s own rating from the portal is kept', async () => {
    const w = form('CLOSED', complaint({ stage: 'FEEDBACK', satisfaction: 5, satisfactionComment: 'Great' }));
    expect(w.text()).toContain('The customer rated it 5 of 5.');
    expect(await submit(w)).toEqual({});
    // The customer's stars are shown, not changeable.
    expect(
      w.findAll('input[name=satisfaction]').map((i) => [(i.element as HTMLInputElement).checked, (i.element as HTMLInputElement).disabled]),
    ).toEqual([
      [false, true],
      [false, true],
      [false, true],
      [false, true],
      [true, true],
    ]);
    w.unmount();
  });

  it('reject: a coded reason is required, the explanation is optional', async () => {
    const w = form('REJECTED', complaint({ stage: 'RECEIVED' }));
    expect(labels(w)).toEqual(['Reason (coded)', 'Explanation (optional)', 'Comment (optional)']);
    expect(await submit(w)).toBeUndefined();
    expect(requiredErrors(w)).toEqual(['Required']);
    const options = w
      .findAllComponents(NSelect)
      .find((c) => c.attributes('data-field') === 'rejectionReasonId')!
      .props('options') as Array<{ value: string }>;
    expect(options.map((o) => o.value)).toEqual(['r-misuse']);
    select(w, 'rejectionReasonId', 'r-misuse');
    await nextTick();
    expect(await submit(w)).toEqual({ rejectionReasonId: 'r-misuse' });
    await w.get('textarea[name=rejectionReason]').setValue('Not our product');
    expect(await submit(w)).toEqual({ rejectionReasonId: 'r-misuse', rejectionReason: 'Not our product' });
    w.unmount();
  });

  it('cancel says so without submitting', async () => {
    const w = form('REJECTED', complaint({ stage: 'RECEIVED' }));
    const cancel = w.findAll('button').find((b) => b.text() === 'Cancel')!;
    await cancel.trigger('click');
    expect(w.emitted('cancel')).toHaveLength(1);
    expect(w.emitted('submit')).toBeUndefined();
    w.unmount();
  });
});
