import { describe, expect, it } from 'vitest';
import BrandingSection from '../src/pages/admin/BrandingSection.vue';
import { mountPage } from './fixtures.js';

const LOGO = `data:image/svg+xml;base64,${Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>'.repeat(40)).toString('base64')}`;

describe('the portal branding form (issue 14, item 21)', () => {
  it('shows a picked logo as an image and its size, not as a raw data: address', async () => {
    const tenant = { id: 't', slug: 'acme', branding: { logoUrl: LOGO, primaryColor: null, accentColor: null, intro: null } };
    const w = await mountPage(BrandingSection, { TenantBranding: { tenant } }, 'ru');
    expect(w.find('img').attributes('src')).toBe(LOGO);
    expect(w.text()).not.toContain('data:image');
    expect(w.findAll('input').map((i) => (i.element as HTMLInputElement).value)).not.toContain(LOGO);
    expect(w.get('[data-test=logo-embedded]').text()).toMatch(/^Загруженное изображение, \d/);
    w.unmount();
  });
});
