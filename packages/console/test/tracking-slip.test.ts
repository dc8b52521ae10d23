import { describe, expect, it, vi } from 'vitest';
import { flushPromises, mount } from '@vue/test-utils';
import QRCode from 'qrcode';
import TrackingSlip from '../src/pages/complaint/tracking/TrackingSlip.vue';
import { SessionKey } from '../src/apollo.js';
import { createConsoleI18n } from '../src/i18n/index.js';

const link = {
  number: 'ACME-2026-000042',
  accessToken: 'tok_3kT9-xQ',
  path: '/p/acme/track/ACME-2026-000042#tok_3kT9-xQ',
  issuedAt: '2026-12-02T09:30:00Z',
};

function mountSlip(locale: 'ru' | 'en') {
  return mount(TrackingSlip, {
    props: { link, companyName: 'ООО «Акме»' },
    global: {
      plugins: [createConsoleI18n(locale)],
      provide: { [SessionKey as symbol]: { state: { tenant: { timeZone: 'Europe/Moscow' } } } },
    },
    attachTo: document.body,
  });
}

describe('the tracking slip for a customer', () => {
  it('shows the company, the number, the whole link as text and a QR code of that link (English)', async () => {
    const w = mountSlip('en');
    await flushPromises();
    const url = `${window.location.origin}${link.path}`;
    const slip = w.find('[data-test=tracking-slip]');
    expect(slip.find('[data-test=slip-company]').text()).toBe('ООО «Акме»');
    expect(slip.find('[data-test=slip-number]').text()).toBe('Complaint No. ACME-2026-000042');
    expect(slip.find('[data-test=slip-url]').text()).toBe(url);
    expect((w.find('#tracking-link-url').element as HTMLInputElement).value).toBe(url);
    const qr = slip.find('[data-test=slip-qr]');
    expect(qr.exists()).toBe(true);
    expect(qr.attributes('alt')).toContain('ACME-2026-000042');
    const src = qr.attributes('src')!;
    expect(src.startsWith('data:image/svg+xml')).toBe(true);
    const svg = decodeURIComponent(src.slice(src.indexOf(',') + 1));
    expect(svg).toMatch(/^<svg[^>]*viewBox="0 0 (\d+) \1"/);
    // The code is of the whole link (not of the path or the token alone).
    expect(svg).toBe(await QRCode.toString(url, { type: 'svg', errorCorrectionLevel: 'M', margin: 1 }));
    // The copy that printing shows sits directly in <body>, with the same number, link and code.
    const printed = document.body.querySelector(':scope > .tracking-slip-print')!;
    expect(printed.querySelector('[data-test=slip-number]')!.textContent).toBe('Complaint No. ACME-2026-000042');
    expect(printed.querySelector('[data-test=slip-url]')!.textContent).toBe(url);
    expect(printed.querySelector('[data-test=slip-qr]')!.getAttribute('src')).toBe(src);
    w.unmount();
  });

  it("is in Russian for a Russian console, with the issue time in the company's zone", async () => {
    const w = mountSlip('ru');
    await flushPromises();
    expect(w.find('[data-test=slip-number]').text()).toBe('Обращение № ACME-2026-000042');
    expect(w.find('[data-test=tracking-slip]').text()).toContain('12:30');
    expect(w.text()).toContain('Напечатать памятку');
    w.unmount();
  });

  it('copies the link and prints the slip', async () => {
    const writeText = vi.fn(async () => undefined);
    Object.defineProperty(navigator, 'clipboard', { value: { writeText }, configurable: true });
    const print = vi.fn();
    Object.defineProperty(window, 'print', { value: print, configurable: true });
    const w = mountSlip('en');
    await w.find('[data-test=copy-link]').trigger('click');
    await flushPromises();
    expect(writeText).toHaveBeenCalledWith(`${window.location.origin}${link.path}`);
    expect(w.find('[data-test=copy-link]').text()).toBe('Copied');
    await w.find('[data-test=print-slip]').trigger('click');
    expect(print).toHaveBeenCalled();
    w.unmount();
  });
});
