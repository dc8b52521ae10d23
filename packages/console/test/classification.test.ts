import { describe, expect, it } from 'vitest';
import { nextTick } from 'vue';
import { NInputNumber, NSelect } from 'naive-ui';
import ClassificationPanel from '../src/pages/complaint/ClassificationPanel.vue';
import { complaint, mountWithI18n, reference } from './fixtures.js';

describe('ClassificationPanel', () => {
  it('sends only what was changed, and nothing until something is', async () => {
    const c = complaint({ stage: 'ANALYSIS', priority: 'NORMAL', demand: 'REPAIR', category: { id: 'c-defect', name: 'Defect' } });
    const w = mountWithI18n(ClassificationPanel, { complaint: c, reference });
    const submit = w.get('[data-test=edit-submit]');
    expect(submit.attributes('disabled')).toBeDefined();
    w.findAllComponents(NSelect)
      .find((s) => s.attributes('data-field') === 'edit-priority')!
      .vm.$emit('update:value', 'URGENT');
    w.findComponent(NInputNumber).vm.$emit('update:value', 449);
    await nextTick();
    await w.get('form').trigger('submit');
    expect(w.emitted('save')).toEqual([[{ priority: 'URGENT', productPrice: 449 }]]);
    w.unmount();
  });

  it('takes the complaint’s new values when someone else changes it', async () => {
    const w = mountWithI18n(ClassificationPanel, { complaint: complaint({ priority: 'NORMAL' }), reference });
    w.findAllComponents(NSelect)
      .find((s) => s.attributes('data-field') === 'edit-priority')!
      .vm.$emit('update:value', 'LOW');
    await w.setProps({ complaint: complaint({ priority: 'HIGH', version: 9 }) } as never);
    const priority = w.findAllComponents(NSelect).find((s) => s.attributes('data-field') === 'edit-priority')!;
    expect(priority.props('value')).toBe('HIGH');
    expect(w.get('[data-test=edit-submit]').attributes('disabled')).toBeDefined();
    w.unmount();
  });
});
