import { describe, expect, it } from 'vitest';
import { brandStyle, contrast, safeLogoUrl } from '../src/branding.js';
import { parseRoute, trackPath } from '../src/router.js';
import { companyLocale, createPortalI18n } from '../src/i18n/index.js';

describe('branding', () => {
  it('keeps a dark brand colour and writes white on it', () => {
    const style = brandStyle({ primaryColor: '#0b3d91', accentColor: null });
    expect(style['--brand']).toBe('#0b3d91');
    expect(style['--brand-text']).toBe('#ffffff');
  });

  it('makes a pale brand colour readable: text on it and links drawn in it reach 4.5:1', () => {
    const style = brandStyle({ primaryColor: '#ffe14d', accentColor: '#aaffee' });
    expect(contrast(style['--brand']!, style['--brand-text']!)).toBeGreaterThanOrEqual(4.5);
    expect(contrast(style['--brand-ink']!, '#ffffff')).toBeGreaterThanOrEqual(4.5);
    expect(contrast(style['--accent-ink']!, '#ffffff')).toBeGreaterThanOrEqual(4.5);
  });

  it('falls back to its own colours for missing or malformed ones', () => {
    expect(brandStyle({ primaryColor: 'red; background:url(x)', accentColor: null })['--brand']).toBe(brandStyle(null)['--brand']);
  });

  it('shows only https: and inline image logos', () => {
    expect(safeLogoUrl('https://cdn.example/logo.png')).toBe('https://cdn.example/logo.png');
    expect(safeLogoUrl('data:image/png;base64,AAAA')).toBe('data:image/png;base64,AAAA');
    expect(safeLogoUrl('javascript:alert(1)')).toBeNull();
    expect(safeLogoUrl('http://plain.example/logo.png')).toBeNull();
    expect(safeLogoUrl('data:text/html;base64,AAAA')).toBeNull();
  });
});

describe('routes', () => {
  it('reads the company, the complaint and the token from the fragment', () => {
    expect(parseRoute('/p/northwind/', '')).toEqual({ name: 'form', slug: 'northwind' });
    expect(parseRoute('/p/northwind/track/NORTHWIND-2026-000001', '#abc_DEF-1')).toEqual({
      name: 'track',
      slug: 'northwind',
      number: 'NORTHWIND-2026-000001',
      token: 'abc_DEF-1',
    });
    expect(parseRoute('/p/northwind/track/NORTHWIND-2026-000001', '')).toEqual({
      name: 'lookup',
      slug: 'northwind',
      number: 'NORTHWIND-2026-000001',
    });
    expect(parseRoute('/p/', '')).toEqual({ name: 'none' });
  });

  it('builds a tracking link that reads back to the same complaint', () => {
    const path = trackPath('acme', 'ACME-2026-000042', 'a+b/c');
    const url = new URL(path, 'http://x');
    expect(parseRoute(url.pathname, url.hash)).toEqual({ name: 'track', slug: 'acme', number: 'ACME-2026-000042', token: 'a+b/c' });
  });
});

describe('language', () => {
  it('is Russian for a Russian company and English otherwise', () => {
    expect(companyLocale('ru')).toBe('ru');
    expect(companyLocale('en')).toBe('en');
    expect(companyLocale('de')).toBe('en');
  });

  it('remembers the visitor’s choice', () => {
    const i18n = createPortalI18n('ru');
    expect(i18n.t('stage.REJECTED')).toBe('Отклонено');
    i18n.setLocale('en');
    expect(i18n.t('stage.REJECTED')).toBe('Declined');
    expect(localStorage.getItem('reclaim.portal.locale')).toBe('en');
    expect(i18n.chosen.value).toBe(true);
  });
});
