import { describe, expect, it } from 'vitest';
import { mount } from '@vue/test-utils';
import { nextTick } from 'vue';
import DateListEditor from '../src/pages/admin/sla/DateListEditor.vue';
import { createConsoleI18n } from '../src/i18n/index.js';
import { datePattern } from '../src/components/format.js';
import { countryOptions } from '../src/components/countries.js';

describe('the holiday editor of a business calendar', () => {
  it("shows the dates in the user's format, in order, and picks new ones in that format", async () => {
    const w = mount(DateListEditor, {
      props: { modelValue: ['2027-01-08', '2027-01-01'], label: 'Нерабочие дни', name: 'holidays' },
      global: { plugins: [createConsoleI18n('ru')] },
    });
    await nextTick();
    const chips = w.findAll('li').map((li) => li.find('span').text());
    expect(chips).toEqual(['1 янв. 2027 г.', '8 янв. 2027 г.']);
    expect(w.text()).not.toContain('2027-01-01');
    expect(w.get('input').attributes('placeholder')).toBe('дд.мм.гггг');
    await w.get('button[aria-label="Убрать 1 янв. 2027 г."]').trigger('click');
    expect(w.emitted('update:modelValue')).toEqual([[['2027-01-08']]]);
    w.unmount();
  });

  it('adds a picked date once, sorted', async () => {
    const w = mount(DateListEditor, {
      props: { modelValue: ['2026-12-28'], label: 'Days off', name: 'holidays' },
      global: { plugins: [createConsoleI18n('en')] },
    });
    const picker = w.findComponent({ name: 'DatePicker' });
    picker.vm.$emit('update:formatted-value', '2026-12-25');
    await nextTick();
    await w.get('[data-test=add-holidays]').trigger('click');
    expect(w.emitted('update:modelValue')).toEqual([[['2026-12-25', '2026-12-28']]]);
    w.unmount();
  });
});

describe("dates and countries in the user's language", () => {
  it("gives the date picker the locale's pattern", () => {
    expect(datePattern('ru')).toBe('dd.MM.yyyy');
    expect(datePattern('en-US')).toBe('MM/dd/yyyy');
    expect(datePattern('en-GB')).toBe('dd/MM/yyyy');
  });

  it('lists countries by their names, without groupings that are no country', () => {
    const ru = countryOptions('ru');
    expect(ru.find((c) => c.value === 'GB')?.label).toBe('Великобритания');
    expect(ru.find((c) => c.value === 'RU')?.label).toBe('Россия');
    expect(ru.some((c) => ['EU', 'UN', 'UK', 'ZZ'].includes(c.value))).toBe(false);
    expect(countryOptions('en').find((c) => c.value === 'GB')?.label).toBe('United Kingdom');
  });
});
