import { describe, expect, it, vi } from 'vitest';
import { nextTick } from 'vue';
import RegisterPage from '../src/pages/register/RegisterPage.vue';
import { mountPage } from './fixtures.js';

/** The page with a client that answers nothing and a signed-in user in no department. */
const mountRegister = (mutate: () => Promise<unknown>) =>
  mountPage(RegisterPage, {}, 'en', { mutate, session: { state: { user: { id: 'u1', departments: [] } } }, attach: true });

const flush = async () => {
  for (let i = 0; i < 3; i++) await nextTick();
};

describe('the registration form (issue 14, item 16)', () => {
  it('a field filled in after a refused submit is no longer marked, and nothing was sent', async () => {
    const mutate = vi.fn();
    const w = await mountRegister(mutate);
    await w.find('[data-test=register-submit]').trigger('click');
    await flush();
    expect(w.text()).toContain('A phone or an e-mail is needed');
    const requiredBefore = w.text().split('Required').length - 1;
    expect(requiredBefore).toBeGreaterThanOrEqual(3);

    await w.find('input[name=phone]').setValue('+7 916 555 12 34');
    await w.find('input[name=customerName]').setValue('Пётр Иванов');
    await flush();
    expect(w.text()).not.toContain('A phone or an e-mail is needed');
    expect(w.text().split('Required').length - 1).toBe(requiredBefore - 1);
    expect(mutate).not.toHaveBeenCalled();
    w.unmount();
  });
});
