import { describe, expect, it, vi } from 'vitest';
import { nextTick } from 'vue';
import { CombinedGraphQLErrors } from '@apollo/client/errors';
import UsersPage from '../src/pages/admin/UsersPage.vue';
import { mountPage } from './fixtures.js';

const flush = async () => {
  for (let i = 0; i < 5; i++) await nextTick();
  await new Promise((r) => setTimeout(r, 0));
};

describe('the user form (issue 14, item 12)', () => {
  it("says the password rule before saving, and puts the server's refusal on the field in the user's language", async () => {
    const refused = new CombinedGraphQLErrors({
      errors: [
        {
          message: 'password is too common',
          extensions: {
            code: 'BAD_USER_INPUT',
            reason: 'WEAK_PASSWORD',
            fields: [{ field: 'password', messages: ['is too common'] }],
          },
        },
      ],
    });
    const mutate = vi.fn(async () => Promise.reject(refused));
    const w = await mountPage(UsersPage, {}, 'ru', { mutate, session: { state: { user: { id: 'admin' } } }, attach: true });
    await w.find('[data-test=new-user]').trigger('click');
    await flush();
    const body = () => document.body.textContent ?? '';
    expect(body()).toContain('Не короче 10 символов');

    const input = (name: string) => document.querySelector(`input[name=${name}]`) as HTMLInputElement;
    for (const [name, value] of [
      ['name', 'Анна'],
      ['email', 'anna@example.com'],
      ['password', 'password123'],
    ]) {
      input(name!).value = value!;
      input(name!).dispatchEvent(new Event('input'));
    }
    await flush();
    (document.querySelector('form') as HTMLFormElement).dispatchEvent(new Event('submit'));
    await flush();
    expect(mutate).toHaveBeenCalledOnce();
    // Under the password field, in Russian: the reason's text, not the server's English.
    const passwordItem = input('password').closest('.n-form-item')!;
    expect(passwordItem.textContent).toContain('Выберите пароль надёжнее');
    expect(body()).not.toContain('is too common');
    w.unmount();
  });
});
