import { describe, expect, it } from 'vitest';
import { mount, flushPromises } from '@vue/test-utils';
import { createConsoleRouter } from '../src/router.js';
import { createConsoleI18n } from '../src/i18n/index.js';
import type { Session } from '../src/session/session.js';
import NotFoundPage from '../src/pages/NotFoundPage.vue';

const signedIn = { restore: async () => undefined, signedIn: true, may: () => true } as unknown as Session;

describe('an address the console does not know', () => {
  it('shows a page that says so, instead of going to the board without a word', async () => {
    const router = createConsoleRouter(signedIn);
    await router.push('/complaintz/ACME-2026-000001');
    expect(router.currentRoute.value.name).toBe('not-found');
    expect(router.currentRoute.value.fullPath).toBe('/complaintz/ACME-2026-000001');
  });

  it.each([
    ['en', 'Page not found', 'There is no page at /nope in the console.', 'Go to the board'],
    ['ru', 'Страница не найдена', 'В консоли нет страницы по адресу /nope.', 'Перейти к доске'],
  ] as const)('names the address and links to the board (%s)', async (locale, title, text, back) => {
    const router = createConsoleRouter(signedIn);
    await router.push('/nope');
    const w = mount(NotFoundPage, { global: { plugins: [createConsoleI18n(locale), router] } });
    await flushPromises();
    expect(w.find('h1').text()).toBe(title);
    expect(w.find('p').text()).toBe(text);
    const link = w.find('[data-test=not-found-board]');
    expect({ text: link.text(), href: link.attributes('href') }).toEqual({ text: back, href: '/board' });
  });
});
