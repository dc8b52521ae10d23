import { describe, expect, it } from 'vitest';
import { mount } from '@vue/test-utils';
import { defineComponent, h, nextTick } from 'vue';
import { NMessageProvider } from 'naive-ui';
import BrandingSection from '../src/pages/admin/BrandingSection.vue';
import { ClientKey, SessionKey } from '../src/apollo.js';
import { createConsoleI18n } from '../src/i18n/index.js';

const LOGO = `data:image/svg+xml;base64,${Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>'.repeat(40)).toString('base64')}`;

describe('the portal branding form (issue 14, item 21)', () => {
  it('shows a picked logo as an image and its size, not as a raw data: address', async () => {
    const data = { tenant: { id: 't', slug: 'acme', branding: { logoUrl: LOGO, primaryColor: null, accentColor: null, intro: null } } };
    const apollo = { watchQuery: () => ({
      subscribe: ({ next }: { next: (r: unknown) => void }) => { next({ data, dataState: 'complete', loading: false }); return { unsubscribe() {} }; },
      refetch: async () => undefined,
    }) };
    const Host = defineComponent(() => () => h(NMessageProvider, () => h(BrandingSection)));
    const w = mount(Host, { global: { plugins: [createConsoleI18n('ru')], provide: { [ClientKey as symbol]: { apollo }, [SessionKey as symbol]: {} } } });
    await nextTick();
    await nextTick();
    expect(w.find('img').attributes('src')).toBe(LOGO);
    expect(w.text()).not.toContain('data:image');
    expect(w.findAll('input').map((i) => (i.element as HTMLInputElement).value)).not.toContain(LOGO);
    expect(w.get('[data-test=logo-embedded]').text()).toMatch(/^Загруженное изображение, \d/);
    w.unmount();
  });
});
