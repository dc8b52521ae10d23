import { afterEach, describe, expect, it, vi } from 'vitest';
import { mount } from '@vue/test-utils';
import { nextTick } from 'vue';
import { CODE_TEXTS, exportPath } from '@reclaim/client';
import ExportButtons from '../src/components/ExportButtons.vue';
import { SessionKey } from '../src/apollo.js';
import { createConsoleI18n } from '../src/i18n/index.js';

const flush = async () => {
  for (let i = 0; i < 5; i++) await nextTick();
  await new Promise((r) => setTimeout(r, 0));
};
const filter = { stages: ['ANALYSIS' as const], search: 'крышка' };
const orderBy = { field: 'NUMBER' as const, direction: 'DESC' as const };

function mountButtons(locale: 'ru' | 'en') {
  return mount(ExportButtons, {
    props: {
      request: { filter, orderBy },
      label: locale === 'ru' ? 'Скачать список с текущими фильтрами и сортировкой' : 'Download the list',
    },
    global: {
      plugins: [createConsoleI18n(locale)],
      provide: { [SessionKey as symbol]: { state: { token: 'staff-token', user: { id: 'u' } } } },
    },
    attachTo: document.body,
  });
}

afterEach(() => vi.unstubAllGlobals());

describe("the list's download buttons", () => {
  it("fetch the export with the list's filter, order and language and the staff token, then save the file", async () => {
    const fetch = vi.fn(
      async () =>
        new Response('\uFEFFНомер\r\n', {
          status: 200,
          headers: { 'content-disposition': 'attachment; filename="complaints-2026-12-02.csv"' },
        }),
    );
    vi.stubGlobal('fetch', fetch);
    const created = vi.fn(() => 'blob:x');
    vi.stubGlobal('URL', Object.assign(URL, { createObjectURL: created, revokeObjectURL: () => undefined }));
    const w = mountButtons('ru');
    const buttons = w.findAll('button');
    expect(buttons.map((b) => b.text())).toEqual(['Скачать CSV', 'Скачать Excel']);
    expect(w.find('[role=group]').attributes('aria-label')).toBe('Скачать список с текущими фильтрами и сортировкой');
    await w.find('[data-test=export-csv]').trigger('click');
    await flush();
    expect(fetch).toHaveBeenCalledWith(exportPath({ format: 'csv', filter, orderBy, lang: 'ru' }), {
      headers: { authorization: 'Bearer staff-token' },
    });
    const url = new URL(String((fetch.mock.calls[0] as unknown[])[0]), 'http://x');
    expect(url.pathname).toBe('/exports/complaints.csv');
    expect(JSON.parse(url.searchParams.get('filter')!)).toEqual(filter);
    expect(JSON.parse(url.searchParams.get('orderBy')!)).toEqual(orderBy);
    expect(created).toHaveBeenCalledOnce();
    expect(w.find('[role=status]').text()).toBe('Файл complaints-2026-12-02.csv скачан');
    w.unmount();
  });

  it("say a refusal in the user's language", async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn(
        async () =>
          new Response(JSON.stringify({ error: { code: 'FORBIDDEN', message: 'READ_COMPLAINTS needs one of the roles' } }), {
            status: 403,
            headers: { 'content-type': 'application/json' },
          }),
      ),
    );
    const w = mountButtons('en');
    expect(w.findAll('button').map((b) => b.text())).toEqual(['Download CSV', 'Download Excel']);
    await w.find('[data-test=export-xlsx]').trigger('click');
    await flush();
    expect(w.find('[role=status]').text()).toBe(CODE_TEXTS.FORBIDDEN.en);
    expect(w.find('[role=status]').classes()).toContain('failed');
    w.unmount();
  });
});
