import { afterEach, describe, expect, it, vi } from 'vitest';
import { flushPromises, type VueWrapper } from '@vue/test-utils';
import { CombinedGraphQLErrors } from '@apollo/client/errors';
import type { MailboxFragment } from '@reclaim/client/staff';
import MailboxSection from '../src/pages/admin/MailboxSection.vue';
import { mountPage } from './fixtures.js';

const SAVED: MailboxFragment = {
  host: 'imap.acme.ru',
  port: 993,
  security: 'TLS',
  username: 'claims@acme.ru',
  folder: 'INBOX',
  enabled: true,
  failures: 2,
  lastErrorCode: 'LOGIN_FAILED',
  lastErrorDetail: 'Authentication failed.',
  lastPolledAt: '2026-12-02T09:00:00Z',
  nextPollAt: '2026-12-02T09:02:00Z',
  fetched: 41,
  updatedAt: '2026-12-01T12:00:00Z',
};

let wrapper: VueWrapper | null = null;
afterEach(() => {
  wrapper?.unmount();
  wrapper = null;
  document.body.innerHTML = '';
});

async function render(
  mailbox: MailboxFragment | null,
  locale: 'ru' | 'en',
  mutate: (options: { variables?: unknown }) => Promise<unknown>,
) {
  wrapper = await mountPage(MailboxSection, { Mailbox: { mailbox } }, locale, { mutate, attach: true });
  return wrapper;
}

describe("the company's own mailbox", () => {
  it("is connected with its password, and the server's word on a field shows under that field", async () => {
    const mutate = vi.fn(async (_options: { variables?: unknown }) => {
      throw new CombinedGraphQLErrors({
        errors: [
          {
            message: 'the mailbox cannot be read',
            extensions: {
              code: 'BAD_USER_INPUT',
              reason: 'MAILBOX_LOGIN_FAILED',
              fields: [{ field: 'password', messages: ['Authentication failed.'], reason: 'MAILBOX_LOGIN_FAILED' }],
            },
          },
        ],
      });
    });
    const w = await render(null, 'ru', mutate);
    await flushPromises();
    expect(w.text()).toContain('Собственный почтовый ящик компании (IMAP)');
    await w.get('input[name=host]').setValue('imap.acme.ru');
    await w.get('input[name=username]').setValue('claims@acme.ru');
    await w.get('input[name=password]').setValue('s3cret');
    await w.get('form').trigger('submit');
    await flushPromises();
    expect(mutate.mock.calls[0]![0]).toMatchObject({
      variables: {
        input: {
          host: 'imap.acme.ru',
          port: 993,
          security: 'TLS',
          username: 'claims@acme.ru',
          password: 's3cret',
          folder: 'INBOX',
          enabled: true,
        },
      },
    });
    const field = w.get('input[name=password]').element.closest('.n-form-item')!;
    expect(field.textContent).toContain('Почтовый сервер не принял имя пользователя или пароль.');
  });

  it('says when it was read, what it gave and why the last read failed, and keeps the saved password unless a new one is typed', async () => {
    const mutate = vi.fn(async (_options: { variables?: unknown }) => ({
      data: { saveMailbox: { ...SAVED, lastErrorCode: null, lastErrorDetail: null, failures: 0 } },
    }));
    const w = await render(SAVED, 'en', mutate);
    await flushPromises();
    expect(w.get('[data-test=mailbox-status]').text()).toMatch(/Last read .+; 41 mails taken so far\. Next read /);
    expect(w.get('[data-test=mailbox-error]').text()).toBe(
      'The last read failed: the server refused the user name or password. (Technical detail: Authentication failed.)',
    );
    expect(w.get('[data-test=mailbox-error] code').attributes('lang')).toBe('en');
    expect((w.get('input[name=host]').element as HTMLInputElement).value).toBe('imap.acme.ru');
    expect(w.text()).toContain('Leave empty to keep the saved password.');
    await w.get('form').trigger('submit');
    await flushPromises();
    expect(mutate.mock.calls[0]![0]).toMatchObject({ variables: { input: { host: 'imap.acme.ru', password: null } } });
    expect(w.find('[data-test=mailbox-error]').exists()).toBe(false);
  });
});
