import { afterEach, describe, expect, it, vi } from 'vitest';
import { type VueWrapper } from '@vue/test-utils';
import { nextTick, type Component } from 'vue';
import { CombinedGraphQLErrors } from '@apollo/client/errors';
import type { CalendarFieldsFragment, PolicyFieldsFragment, SlaSettingsQuery } from '@reclaim/client/staff';
import DepartmentsPage from '../src/pages/admin/DepartmentsPage.vue';
import CategoriesPage from '../src/pages/admin/CategoriesPage.vue';
import CausesPage from '../src/pages/admin/CausesPage.vue';
import CompanyPage from '../src/pages/admin/CompanyPage.vue';
import BrandingSection from '../src/pages/admin/BrandingSection.vue';
import TemplatesPage from '../src/pages/admin/templates/TemplatesPage.vue';
import PoliciesSection from '../src/pages/admin/sla/PoliciesSection.vue';
import CalendarsSection from '../src/pages/admin/sla/CalendarsSection.vue';
import LegalSection from '../src/pages/admin/sla/LegalSection.vue';
import { mountPage, reference } from './fixtures.js';

/** The server's refusal as it reaches the client (packages/server/src/graphql/errors.ts). */
const refusal = (
  fields: Array<{ field: string; constraints?: string[]; reason?: string; messages?: string[] }>,
  extra: { code?: string; reason?: string } = {},
) =>
  new CombinedGraphQLErrors({
    errors: [
      { message: "refused (the server's English)", extensions: { code: extra.code ?? 'BAD_USER_INPUT', reason: extra.reason, fields } },
    ],
  });

const CALENDAR: CalendarFieldsFragment = {
  id: 'cal-1',
  name: 'Office',
  timeZone: 'Europe/Moscow',
  alwaysOpen: false,
  holidays: [],
  workingDays: [],
  periods: [{ weekday: 1, start: '09:00', end: '18:00' }],
  createdAt: '2026-01-01T00:00:00Z',
};
const POLICY: PolicyFieldsFragment = {
  id: 'pol-1',
  name: 'Standard',
  position: 1,
  isDefault: false,
  calendarId: 'cal-1',
  priorities: [],
  categoryIds: [],
  firstResponseSeconds: 7200,
  resolutionSeconds: null,
  warnPercent: 80,
  stageTargets: [{ stage: 'ANALYSIS', seconds: 3600 }],
  escalation: { notifyHead: true, raisePriority: false, reassignToDepartmentId: null },
};
const PRESETS: SlaSettingsQuery['legalPresets'] = [
  { demand: 'REFUND', days: 10, penaltyPercentPerDay: 1 },
  { demand: 'REPAIR', days: 45, penaltyPercentPerDay: 1 },
];
const QUERIES = {
  Reference: reference,
  AdminDepartments: { departments: reference.allDepartments.map((d) => ({ ...d, createdAt: '2026-01-01T00:00:00Z' })) },
  TenantBranding: {
    tenant: { id: 't', slug: 'acme', branding: { logoUrl: null, primaryColor: '#1f4e8c', accentColor: '#2bb3a3', intro: null } },
  },
  ResponseTemplates: { responseTemplates: [] },
};

let wrapper: VueWrapper | null = null;
afterEach(() => {
  wrapper?.unmount();
  wrapper = null;
  document.body.innerHTML = '';
});

/** The page with a client whose queries answer QUERIES and whose mutations the server refuses with `error`. */
async function mountAdmin(page: Component, error: unknown, locale: 'ru' | 'en', props: Record<string, unknown> = {}) {
  const mutate = vi.fn(async (_options: unknown) => Promise.reject(error));
  const tenant = { id: 't', slug: 'acme', name: 'Acme', locale: 'ru', timeZone: 'Europe/Moscow', numberPrefix: 'ACME' };
  wrapper = await mountPage(page, QUERIES, locale, {
    mutate,
    props,
    session: { state: { user: { id: 'admin' }, tenant }, setTenant() {} },
    attach: true,
  });
  return { mutate };
}

const flush = async () => {
  for (let i = 0; i < 5; i++) await nextTick();
  await new Promise((r) => setTimeout(r, 0));
  await nextTick();
};
const field = (selector: string) => document.querySelector(selector) as HTMLInputElement | HTMLTextAreaElement;
async function type(selector: string, value: string) {
  field(selector).value = value;
  field(selector).dispatchEvent(new Event('input'));
  await flush();
}
async function submit(selector = 'form') {
  (document.querySelector(selector) as HTMLFormElement).dispatchEvent(new Event('submit'));
  await flush();
}
/** The feedback line under the input `selector`, as its NFormItem shows it. */
function feedbackOf(selector: string) {
  const item = field(selector).closest('.n-form-item')!;
  expect(item, `a form item around ${selector}`).toBeTruthy();
  return {
    text: item.querySelector('.n-form-item-feedback')?.textContent?.trim() ?? '',
    error: item.querySelector('.n-form-item-feedback--error') !== null,
  };
}
async function click(selector: string) {
  (document.querySelector(selector) as HTMLElement).click();
  await flush();
}
const buttonNamed = (text: string) => [...document.querySelectorAll('button')].find((b) => b.textContent?.trim() === text)!;

describe("admin forms put the server's refusal on the field, in the user's language", () => {
  it('departments: a new name the server refuses stays in the field with the reason under it (Russian)', async () => {
    const { mutate } = await mountAdmin(DepartmentsPage, refusal([{ field: 'name', constraints: ['plainText'] }]), 'ru');
    await flush();
    await type('input[name=new-name]', 'Сервис\u200b');
    await submit();
    expect(mutate).toHaveBeenCalledOnce();
    expect(feedbackOf('input[name=new-name]').text).toBe('недопустимая длина или символы');
    expect(field('input[name=new-name]').value).toBe('Сервис\u200b');
    expect(document.body.textContent).not.toContain("the server's English");
  });

  it('categories: a rename to a taken name keeps the field open with "This already exists." under it (English)', async () => {
    const { mutate } = await mountAdmin(
      CategoriesPage,
      refusal([{ field: 'name', reason: 'DUPLICATE', messages: ['is taken'] }], { code: 'CONFLICT', reason: 'DUPLICATE' }),
      'en',
    );
    await flush();
    buttonNamed('Rename').click();
    await flush();
    await type('input[name=rename]', 'Retired');
    field('input[name=rename]').dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true }));
    await flush();
    expect(mutate).toHaveBeenCalledOnce();
    expect(field('input[name=rename]').value).toBe('Retired');
    expect(feedbackOf('input[name=rename]').text).toBe('This already exists.');
    // Leaving the refused name unchanged does not send it again.
    field('input[name=rename]').dispatchEvent(new Event('blur'));
    await flush();
    expect(mutate).toHaveBeenCalledOnce();
  });

  it("causes: a taken code stays in the new cause's code field with the reason under it (Russian), names in both languages are sent", async () => {
    const { mutate } = await mountAdmin(
      CausesPage,
      refusal([{ field: 'input.code', reason: 'DUPLICATE', messages: ['is taken'] }], { code: 'CONFLICT', reason: 'DUPLICATE' }),
      'ru',
    );
    await flush();
    const causes = '[data-test=causes]';
    await type(`${causes} input[name=code]`, 'supplier_defect');
    await type(`${causes} input[name=nameRu]`, 'Брак поставщика');
    await type(`${causes} input[name=nameEn]`, 'Supplier defect');
    await submit(`${causes} form`);
    expect(mutate).toHaveBeenCalledOnce();
    expect((mutate.mock.calls[0] as unknown as [{ variables: unknown }])[0].variables).toEqual({
      input: { group: 'MATERIAL', code: 'supplier_defect', nameRu: 'Брак поставщика', nameEn: 'Supplier defect' },
    });
    expect(feedbackOf(`${causes} input[name=code]`).error).toBe(true);
    expect(feedbackOf(`${causes} input[name=code]`).text).not.toBe('');
    expect(field(`${causes} input[name=code]`).value).toBe('supplier_defect');
    // The table lists the causes under their groups, in the reader's language, archived ones marked.
    expect(document.querySelector(causes)!.textContent).toContain('Материал');
    expect(document.querySelector(causes)!.textContent).toContain('архив');
  });

  it("company settings: the name's rule under the name", async () => {
    await mountAdmin(CompanyPage, refusal([{ field: 'name', constraints: ['maxLength'] }]), 'ru');
    await flush();
    await type('input[name=companyName]', 'А'.repeat(190));
    await submit('form.company');
    expect(feedbackOf('input[name=companyName]')).toEqual({ text: 'слишком длинно', error: true });
  });

  it('portal look: a colour and the intro each get their own problem', async () => {
    await mountAdmin(
      BrandingSection,
      refusal([
        { field: 'branding.primaryColor', constraints: ['matches'] },
        { field: 'branding.intro', constraints: ['plainText'] },
      ]),
      'en',
    );
    await flush();
    await submit('form[data-test=branding]');
    expect(feedbackOf('input[name=primaryColor]').text).toBe('wrong format');
    expect(feedbackOf('textarea[name=intro]').text).toBe('wrong length or characters');
    expect(feedbackOf('input[name=accentColor]').text).toBe('');
  });

  it('response templates: a taken name under the name, in Russian', async () => {
    await mountAdmin(
      TemplatesPage,
      refusal([{ field: 'name', reason: 'DUPLICATE', messages: ['is taken'] }], { code: 'CONFLICT', reason: 'DUPLICATE' }),
      'ru',
    );
    await flush();
    await click('[data-test=template-new]');
    await type('input[name=template-name]', 'Приветствие');
    await type('textarea[name=template-body]', 'Здравствуйте, {{customer.name}}!');
    await submit('form[data-test=template-form]');
    expect(feedbackOf('input[name=template-name]').text).toBe('Такая запись уже есть.');
    expect(feedbackOf('textarea[name=template-body]').text).toBe('');
  });

  it('SLA policy: a target shorter than the service allows, under that target', async () => {
    const refused = refusal(
      [
        { field: 'firstResponseSeconds', messages: ['a target must be at least 60 seconds'] },
        { field: 'stageTargets.ANALYSIS', messages: ['a target must be at least 60 seconds'] },
      ],
      { reason: 'TARGET_TOO_SHORT' },
    );
    await mountAdmin(PoliciesSection, refused, 'ru', { policies: [POLICY], calendars: [CALENDAR], reference });
    await flush();
    buttonNamed('Изменить').click();
    await flush();
    await submit('.n-modal form');
    const text = 'Срок короче, чем допускает сервис (по умолчанию одна минута).';
    expect(feedbackOf('input[name=firstResponse]')).toEqual({ text, error: true });
    expect(feedbackOf('input[name=stage-ANALYSIS]').text).toBe(text);
    expect(feedbackOf('input[name=resolution]').text).toBe('');
  });

  it('business calendar: a holiday in the wrong form, under the holidays', async () => {
    await mountAdmin(CalendarsSection, refusal([{ field: 'holidays', constraints: ['matches'] }]), 'en', { calendars: [CALENDAR] });
    await flush();
    await click('[data-test=new-calendar]');
    await type('input[name=calendarName]', 'Office 2');
    await submit('.n-modal form');
    expect(feedbackOf('[data-test=dates-holidays]')).toEqual({ text: 'wrong format', error: true });
    expect(feedbackOf('input[name=calendarName]').text).toBe('');
  });

  it('legal presets: the refused number under the row that was saved', async () => {
    await mountAdmin(LegalSection, refusal([{ field: 'days', constraints: ['max'] }]), 'ru', { presets: PRESETS });
    await flush();
    await type('input[name=days-REFUND]', '400');
    field('input[name=days-REFUND]').dispatchEvent(new Event('blur'));
    await flush();
    const row = field('input[name=days-REFUND]').closest('tr')!;
    [...row.querySelectorAll('button')].find((b) => b.textContent?.trim() === 'Сохранить')!.click();
    await flush();
    expect(feedbackOf('input[name=days-REFUND]').text).toBe('слишком много');
    expect(field('input[name=days-REPAIR]').closest('.n-form-item')!.querySelector('.n-form-item-feedback')).toBeNull();
  });
});
