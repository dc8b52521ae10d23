import { describe, expect, it, vi } from 'vitest';
import { flushPromises } from '@vue/test-utils';
import CompanyPage from '../src/pages/admin/CompanyPage.vue';
import { mountPage } from './fixtures.js';

async function render(currency: string | null) {
  const tenant = {
    id: 't',
    slug: 'acme',
    name: 'ООО «Акме»',
    locale: 'ru',
    timeZone: 'Europe/Moscow',
    currency,
    numberPrefix: 'ACME',
    mailAfterClosingDays: 45,
  };
  const mutate = vi.fn(async ({ variables }: { variables: { input: Record<string, unknown> } }) => ({
    data: { updateTenant: { ...tenant, ...variables.input } },
  }));
  const session = { state: { tenant }, setTenant: vi.fn() };
  const wrapper = await mountPage(CompanyPage, {}, 'ru', { mutate, session, attach: true });
  return { wrapper, mutate, session };
}

describe('the company settings', () => {
  it("show the company's currency by its code and name, and keep it on saving", async () => {
    const { wrapper, mutate, session } = await render('RUB');
    expect(wrapper.get('[data-field=currency]').text()).toContain('RUB — российский рубль');
    expect(wrapper.text()).toContain('в ней портал для клиентов показывает суммы');
    await wrapper.get('form.company').trigger('submit');
    await flushPromises();
    expect(mutate.mock.calls[0]![0].variables.input).toEqual({
      name: 'ООО «Акме»',
      locale: 'ru',
      timeZone: 'Europe/Moscow',
      currency: 'RUB',
      mailAfterClosingDays: 45,
    });
    expect(session.setTenant).toHaveBeenCalledWith(expect.objectContaining({ currency: 'RUB' }));
    wrapper.unmount();
  });

  it('say that no currency is set, and send none until one is picked', async () => {
    const { wrapper, mutate } = await render(null);
    expect(wrapper.get('[data-field=currency]').text()).toContain('Не задана: суммы показываются без валюты');
    await wrapper.get('form.company').trigger('submit');
    await flushPromises();
    expect(mutate.mock.calls[0]![0].variables.input).not.toHaveProperty('currency');
    wrapper.unmount();
  });

  it('show the window for replies after closing, with what it does, and send the days an admin types', async () => {
    const { wrapper, mutate } = await render('RUB');
    const days = wrapper.get('input[name=mailAfterClosingDays]');
    expect((days.element as HTMLInputElement).value).toBe('45');
    expect(wrapper.text()).toContain('становится новым обращением, связанным как повторное');
    await days.setValue('10');
    await days.trigger('blur');
    await wrapper.get('form.company').trigger('submit');
    await flushPromises();
    expect(mutate.mock.calls[0]![0].variables.input).toMatchObject({ mailAfterClosingDays: 10 });
    wrapper.unmount();
  });
});
