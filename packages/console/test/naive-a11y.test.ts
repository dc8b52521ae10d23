import { describe, expect, it } from 'vitest';
import { defineComponent, h, nextTick } from 'vue';
import { mount } from '@vue/test-utils';
import { NCard, NConfigProvider, NFormItem, NInput, NInputNumber, NSelect } from 'naive-ui';
import { installNaiveA11y } from '../src/components/naive-a11y.js';

const texts = { increase: () => 'Increase', decrease: () => 'Decrease' };
const settle = async () => {
  await nextTick();
  await new Promise((r) => setTimeout(r, 0));
};

describe('what naive-ui leaves out for assistive technology', () => {
  it('names card headings, form fields, number buttons and selects, also those rendered later', async () => {
    const host = document.createElement('div');
    document.body.append(host);
    installNaiveA11y(host, texts);
    const Page = defineComponent({
      props: { more: Boolean },
      setup: (props) => () =>
        h(NConfigProvider, null, () =>
          h(NCard, { title: 'Customer' }, () => [
            h(NFormItem, { label: 'Subject' }, () => h(NInput, { inputProps: { name: 'subject' } })),
            h(NFormItem, { label: 'Price' }, () => h(NInputNumber, { inputProps: { name: 'price' } })),
            h(NSelect, { 'aria-label': 'Department', filterable: true, options: [{ label: 'Service', value: 's' }] }),
            props.more ? h(NFormItem, { label: 'Later' }, () => h(NInput, { type: 'textarea', inputProps: { name: 'later' } })) : null,
          ]),
        ),
    });
    const w = mount(Page, { attachTo: host });
    await settle();

    const header = host.querySelector('.n-card-header')!;
    expect([header.getAttribute('role'), header.getAttribute('aria-level')]).toEqual(['heading', '3']);
    expect(host.querySelectorAll('[role=heading]')).toHaveLength(1);

    const labelOf = (selector: string) => {
      const id = host.querySelector(selector)!.getAttribute('aria-labelledby');
      return id ? document.getElementById(id)?.textContent?.trim() : undefined;
    };
    expect(labelOf('input[name=subject]')).toBe('Subject');
    expect(labelOf('input[name=price]')).toBe('Price');
    const buttons = [...host.querySelectorAll('.n-input-number button')].map((b) => b.getAttribute('aria-label'));
    expect(buttons).toEqual(['Decrease', 'Increase']);
    expect(host.querySelector('.n-base-selection-input')!.getAttribute('aria-label')).toBe('Department');

    await w.setProps({ more: true });
    await settle();
    expect(labelOf('textarea[name=later]')).toBe('Later');
    w.unmount();
    host.remove();
  });
});
