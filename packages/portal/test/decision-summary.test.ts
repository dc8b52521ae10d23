import { afterEach, describe, expect, it, vi } from 'vitest';
import { flushPromises, type VueWrapper } from '@vue/test-utils';
import DecisionSummary from '../src/pages/track/DecisionSummary.vue';
import TrackPage from '../src/pages/track/TrackPage.vue';
import type { PortalApi, PortalComplaint } from '../src/api.js';
import { complaint, fakeApi, mountWith, portalTenant } from './helpers.js';

let wrapper: VueWrapper;
afterEach(() => wrapper?.unmount());
type Decision = NonNullable<PortalComplaint['decision']>;
const decision = (d: Partial<Decision> = {}): Decision => ({
  remedy: 'REFUND',
  amount: 1499.5,
  currency: 'RUB',
  finding: 'DEFECT_CONFIRMED',
  measuresTaken: 2,
  ...d,
});
/** Text as read, with the no-break spaces of number formats made plain. */
const text = (selector: string) =>
  wrapper
    .find(selector)
    .text()
    .replace(/[\u00a0\u202f]/g, ' ');

function render(d: Decision, locale: 'en' | 'ru' = 'en', done = true) {
  ({ wrapper } = mountWith(DecisionSummary, { props: { decision: d, done }, locale }));
}

describe('the decision the customer is told', () => {
  it("says what was done, with the sum in the company's currency, what the check found and the measures taken", () => {
    render(decision({ currency: 'GBP', amount: 39 }));
    expect(wrapper.find('h2').text()).toBe('What we did');
    expect(text('[data-test=decision-remedy]')).toBe('We refunded you £39.00.');
    expect(text('[data-test=decision-finding]')).toBe('Our check confirmed the problem: the product did not meet its specification.');
    expect(text('[data-test=decision-measures]')).toBe('So that this does not happen again, we also carried out 2 corrective measures.');
  });

  it('speaks Russian, with the amount in roubles and the right plural', () => {
    render(decision({ measuresTaken: 1 }), 'ru');
    expect(wrapper.find('h2').text()).toBe('Что мы сделали');
    expect(text('[data-test=decision-remedy]')).toBe('Мы вернули вам 1 499,50 ₽.');
    expect(text('[data-test=decision-measures]')).toBe('Чтобы это не повторилось, мы также провели 1 корректирующее мероприятие.');
    render(decision({ remedy: 'COMPENSATION', amount: 500, measuresTaken: 5, finding: 'EXPECTATIONS_NOT_MET' }), 'ru');
    expect(text('[data-test=decision-remedy]')).toBe('Мы выплатили вам компенсацию: 500,00 ₽.');
    expect(text('[data-test=decision-finding]')).toContain('не оправдал ваших ожиданий');
    expect(text('[data-test=decision-measures]')).toContain('5 корректирующих мероприятий');
  });

  it('names a remedy that is not a sum without an amount, and a sum without a currency when the company set none', () => {
    render(decision({ remedy: 'REPLACE', amount: null, currency: null, finding: null, measuresTaken: 0 }));
    expect(text('[data-test=decision-remedy]')).toBe('We replaced the product.');
    expect(wrapper.find('[data-test=decision-finding]').exists()).toBe(false);
    expect(wrapper.find('[data-test=decision-measures]').exists()).toBe(false);
    render(decision({ remedy: 'DISCOUNT', amount: 120, currency: null }));
    expect(text('[data-test=decision-remedy]')).toBe('We reduced the price by 120.00.');
  });

  it('says what will be done while the decision is being carried out', () => {
    render(decision({ currency: 'GBP', amount: 39, measuresTaken: 0 }), 'en', false);
    expect(wrapper.find('h2').text()).toBe('What we decided');
    expect(text('[data-test=decision-remedy]')).toBe('We will refund you £39.00.');
    expect(text('[data-test=decision-finding]')).toBe('Our check confirmed the problem: the product did not meet its specification.');
    render(decision({ remedy: 'REPAIR', amount: null, currency: null }), 'ru', false);
    expect(wrapper.find('h2').text()).toBe('Наше решение');
    expect(text('[data-test=decision-remedy]')).toBe('Мы отремонтируем товар.');
  });

  it('comes before the rating step on the tracking page, and not before the company has decided', async () => {
    let ready: () => void = () => undefined;
    let push: (c: PortalComplaint) => void = () => undefined;
    const api = fakeApi({
      status: vi.fn(async () => complaint({ stage: 'IMPLEMENTATION' })),
      watch: vi.fn((_key, onChange, onReady) => {
        push = onChange;
        ready = onReady;
        return () => undefined;
      }) as PortalApi['watch'],
    });
    const tenant = portalTenant();
    ({ wrapper } = mountWith(TrackPage, { api, props: { tenant, number: 'NORTHWIND-2026-000123', token: 'tok-123' } }));
    ready();
    await flushPromises();
    expect(wrapper.find('[data-test=decision]').exists()).toBe(false);
    push(complaint({ stage: 'IMPLEMENTATION', decision: decision({ currency: 'GBP', amount: 39 }) }));
    await flushPromises();
    expect(text('[data-test=decision-remedy]')).toBe('We will refund you £39.00.');
    push(complaint({ stage: 'FEEDBACK', canRate: true, decision: decision({ currency: 'GBP', amount: 39 }) }));
    await flushPromises();
    const sections = wrapper.findAll('[data-test=decision], [data-test=rating]').map((s) => s.attributes('data-test'));
    expect(sections).toEqual(['decision', 'rating']);
    expect(text('[data-test=decision-remedy]')).toBe('We refunded you £39.00.');
  });
});
