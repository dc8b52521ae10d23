import { enUS, ruRU, type NLocale } from 'naive-ui';

/**
 * naive-ui's texts in the console's language, without its generic
 * placeholders ("Ввести", "Выбрать", "Please Input"): screen readers read a
 * placeholder as the field's name, and these say nothing a label does not.
 * Fields that need a hint give their own.
 */
export function naiveLocale(locale: 'ru' | 'en'): NLocale {
  const base = locale === 'ru' ? ruRU : enUS;
  return {
    ...base,
    Input: { ...base.Input, placeholder: '' },
    InputNumber: { ...base.InputNumber, placeholder: '' },
    Select: { ...base.Select, placeholder: '' },
    Cascader: { ...base.Cascader, placeholder: '' },
  };
}
