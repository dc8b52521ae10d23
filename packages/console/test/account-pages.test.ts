import { afterEach, describe, expect, it, vi } from 'vitest';
import { type VueWrapper } from '@vue/test-utils';
import { nextTick, type Component } from 'vue';
import { CombinedGraphQLErrors } from '@apollo/client/errors';
import { InviteUserDocument } from '@reclaim/client/staff';
import UsersPage from '../src/pages/admin/UsersPage.vue';
import SetPasswordPage from '../src/pages/account/SetPasswordPage.vue';
import ForgotPasswordPage from '../src/pages/account/ForgotPasswordPage.vue';
import { mountPage } from './fixtures.js';

const flush = async () => {
  for (let i = 0; i < 5; i++) await nextTick();
  await new Promise((r) => setTimeout(r, 0));
};
const refusal = (code: string, reason: string) =>
  new CombinedGraphQLErrors({ errors: [{ message: "the server's English", extensions: { code, reason } }] });
const input = (name: string) => document.querySelector(`input[name=${name}]`) as HTMLInputElement;
function type(name: string, value: string) {
  input(name).value = value;
  input(name).dispatchEvent(new Event('input'));
}
const submit = () => (document.querySelector('form') as HTMLFormElement).dispatchEvent(new Event('submit'));
const body = () => document.body.textContent ?? '';

let wrapper: VueWrapper | null = null;
afterEach(() => {
  wrapper?.unmount();
  wrapper = null;
  document.body.innerHTML = '';
});

type Mutate = ReturnType<typeof vi.fn<(options: { mutation: unknown; variables?: unknown }) => Promise<unknown>>>;
/** The first mutation's options. */
const firstCall = (mutate: Mutate) => mutate.mock.calls[0]![0] as { mutation: unknown; variables: { input: Record<string, unknown> } };

async function mountAccountPage(page: Component, mutate: Mutate, locale: 'ru' | 'en', path = '/', props: Record<string, unknown> = {}) {
  wrapper = await mountPage(page, {}, locale, {
    mutate,
    path,
    props,
    session: { state: { user: { id: 'admin' } }, adopt: vi.fn() },
    attach: true,
  });
  await flush();
}

describe('accounts by mail in the console', () => {
  it("invites without a password, and says in the user's language why an unconfirmed company may not", async () => {
    const mutate: Mutate = vi.fn(async () => Promise.reject(refusal('FORBIDDEN', 'ADDRESS_UNCONFIRMED')));
    await mountAccountPage(UsersPage, mutate, 'ru');
    (document.querySelector('[data-test=invite-user]') as HTMLElement).click();
    await flush();
    expect(input('password')).toBeNull();
    expect(body()).toContain('ссылка действует 7 дней');
    type('name', 'Анна');
    type('email', 'anna@example.com');
    await flush();
    submit();
    await flush();
    expect(mutate).toHaveBeenCalledOnce();
    const call = firstCall(mutate);
    expect(call.mutation).toBe(InviteUserDocument);
    expect(call.variables.input).toEqual({ name: 'Анна', email: 'anna@example.com', roles: ['OPERATOR'], departmentIds: [] });
    await vi.waitFor(() => expect(body()).toContain('Сначала подтвердите адрес администратора'));
  });

  it("sets a password with the token of the link's fragment, and words a link that no longer works", async () => {
    const mutate: Mutate = vi.fn(async () => Promise.reject(refusal('BAD_USER_INPUT', 'LINK_EXPIRED')));
    await mountAccountPage(SetPasswordPage, mutate, 'en', '/invitation/acme#tok3n', { purpose: 'invitation', tenant: 'acme' });
    type('password', 'a long passphrase');
    type('repeated', 'a long passphrase!');
    await flush();
    expect(body()).toContain('The two passwords differ.');
    submit();
    await flush();
    expect(mutate).not.toHaveBeenCalled();
    type('repeated', 'a long passphrase');
    await flush();
    submit();
    await flush();
    expect(firstCall(mutate).variables).toEqual({ input: { tenantSlug: 'acme', token: 'tok3n', password: 'a long passphrase' } });
    expect(document.querySelector('[role=alert]')?.textContent).toBe('This link has expired. Ask for a new one.');
  });

  it("without a token says to open the mail's link again", async () => {
    await mountAccountPage(
      SetPasswordPage,
      vi.fn(async () => undefined),
      'ru',
      '/reset-password/acme',
      { purpose: 'reset', tenant: 'acme' },
    );
    expect(document.querySelector('[role=alert]')?.textContent).toContain('Эта страница открывается по ссылке из письма');
    expect(input('password')).toBeNull();
  });

  it('"forgot password?" says the same whatever the server knows of the address', async () => {
    const mutate: Mutate = vi.fn(async () => ({ data: { requestPasswordReset: true } }));
    await mountAccountPage(ForgotPasswordPage, mutate, 'en');
    type('tenant', 'Acme');
    type('email', 'someone@example.com');
    await flush();
    submit();
    await flush();
    expect(firstCall(mutate).variables).toEqual({ input: { tenantSlug: 'acme', email: 'someone@example.com' } });
    expect(document.querySelector('[role=status]')?.textContent).toContain('If someone@example.com has an account at this company');
  });
});
