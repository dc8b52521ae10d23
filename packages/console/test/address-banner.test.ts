import { afterEach, describe, expect, it, vi } from 'vitest';
import { type VueWrapper } from '@vue/test-utils';
import { defineComponent, h } from 'vue';
import AddressBanner from '../src/layout/AddressBanner.vue';
import { mountPage } from './fixtures.js';

let wrapper: VueWrapper | null = null;
afterEach(() => {
  wrapper?.unmount();
  wrapper = null;
  document.body.innerHTML = '';
});

/** The banner as the layout shows it, for a company in Vladivostok (UTC+10) whose deletion falls on the evening of 31 December in UTC. */
async function banner(locale: 'ru' | 'en', deletionAt: string | null) {
  const page = defineComponent(() => () => h(AddressBanner, { deletionAt }));
  wrapper = await mountPage(page, {}, locale, {
    mutate: vi.fn(),
    attach: true,
    session: {
      state: {
        tenant: {
          id: 't',
          slug: 'acme',
          locale,
          timeZone: 'Asia/Vladivostok',
          addressConfirmed: false,
          deletionIfUnconfirmedAt: deletionAt,
        },
      },
    },
  });
  return document.querySelector('[data-test=address-banner]')!;
}

describe("the unconfirmed company's banner", () => {
  it("says in Russian by when, in the company's time zone, the address must be confirmed or the company is deleted", async () => {
    const el = await banner('ru', '2026-12-31T15:30:00Z');
    expect(el.querySelector('[data-test=deletion-date]')!.textContent).toBe(
      'Если адрес не будет подтверждён до 1 янв. 2027 г., 01:30, компания будет удалена вместе со всеми данными.',
    );
  });

  it('says it in English', async () => {
    const el = await banner('en', '2026-12-31T15:30:00Z');
    expect(el.querySelector('[data-test=deletion-date]')!.textContent).toBe(
      'If the address is not confirmed by 1 Jan 2027, 01:30, the company will be deleted with everything in it.',
    );
  });

  it('says nothing of a deletion where the service keeps unconfirmed companies', async () => {
    const el = await banner('en', null);
    expect(el.textContent).toContain('Confirm your address');
    expect(el.querySelector('[data-test=deletion-date]')).toBeNull();
  });
});
