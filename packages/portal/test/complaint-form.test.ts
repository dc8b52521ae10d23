import { afterEach, describe, expect, it, vi } from 'vitest';
import { flushPromises, type VueWrapper } from '@vue/test-utils';
import { CombinedGraphQLErrors } from '@apollo/client/errors';
import ComplaintForm from '../src/pages/form/ComplaintForm.vue';
import { createPortalI18n } from '../src/i18n/index.js';
import { choose, fakeApi, file, mountWith } from './helpers.js';

let wrapper: VueWrapper;
afterEach(() => wrapper?.unmount());

function setup(api = fakeApi()) {
  ({ wrapper } = mountWith(ComplaintForm, { props: { slug: 'northwind' }, api }));
  return api;
}
const input = (name: string) => wrapper.find<HTMLInputElement>(`[name=${name}]`);
async function fill(values: Record<string, string>) {
  for (const [name, value] of Object.entries(values)) await input(name).setValue(value);
}
async function submit() {
  await wrapper.find('form').trigger('submit');
  await flushPromises();
}
/** The error text a screen reader reads for the field: what aria-describedby points at. */
function describedErrors(name: string): string {
  const ids = (input(name).attributes('aria-describedby') ?? '').split(' ').filter(Boolean);
  return ids
    .map((id) => document.getElementById(id))
    .filter((el) => el?.classList.contains('field-error'))
    .map((el) => el!.textContent)
    .join(' ');
}
const minimal = { subject: 'Kettle leaks', description: 'Water under the kettle after a week.', name: 'Priya Shah' };

describe('the complaint form', () => {
  it('refuses an empty form, ties each error to its field and focuses the first', async () => {
    const api = setup();
    await submit();
    expect(api.submit).not.toHaveBeenCalled();
    for (const name of ['subject', 'description', 'name']) {
      expect(input(name).attributes('aria-invalid')).toBe('true');
      expect(describedErrors(name)).toBe('Please fill this in.');
    }
    expect(describedErrors('email')).toBe('Give an e-mail address or a phone number.');
    expect(input('product').attributes('aria-invalid')).toBeUndefined();
    expect(document.activeElement).toBe(input('subject').element);
    expect(wrapper.find('[data-test=errors-summary]').attributes('role')).toBe('alert');
  });

  it('moves focus to the first wrong field in page order, not the first in the code', async () => {
    setup();
    await fill({ subject: 'Kettle leaks', description: 'Leaks.', email: 'not-an-address' });
    await submit();
    expect(document.activeElement).toBe(input('name').element);
    expect(describedErrors('email')).toBe('This does not look like an e-mail address.');
  });

  it('needs an e-mail or a phone, and either one is enough', async () => {
    const api = setup();
    await fill(minimal);
    await submit();
    expect(api.submit).not.toHaveBeenCalled();
    await fill({ phone: '12' });
    await submit();
    expect(describedErrors('phone')).toContain('5 to 25');
    expect(api.submit).not.toHaveBeenCalled();
    await fill({ phone: '+44 20 7946 0958' });
    await submit();
    expect(api.submit).toHaveBeenCalledTimes(1);
    expect(input('email').attributes('aria-invalid')).toBeUndefined();
  });

  it('refuses a purchase date in the future', async () => {
    const api = setup();
    await fill({ ...minimal, email: 'priya@example.net', purchaseDate: '2999-01-01' });
    await submit();
    expect(api.submit).not.toHaveBeenCalled();
    expect(describedErrors('purchaseDate')).toBe('The date of purchase cannot be in the future.');
  });

  it('sends exactly what was filled in, trimmed, with the uploaded files and the honeypot', async () => {
    const api = setup();
    await fill({
      subject: '  Kettle leaks  ',
      description: 'Water under the kettle.',
      product: 'Aqua 1.7 L',
      orderRef: 'NW-1001',
      purchaseDate: '2026-11-01',
      name: 'Priya Shah',
      email: ' priya@example.net ',
      website: 'http://spam.example',
    });
    await wrapper.find('[name=demand]').setValue('REFUND');
    await wrapper.find('input[name=kind][value=COMPLAINT]').setValue(true);
    await choose(wrapper.find<HTMLInputElement>('[data-test=file-input]').element, [file('photo.jpg', 2048, 'image/jpeg')]);
    await submit();
    expect(api.submit).toHaveBeenCalledTimes(1);
    const [slug, sent] = vi.mocked(api.submit).mock.calls[0]!;
    expect(slug).toBe('northwind');
    expect(sent).toEqual({
      kind: 'COMPLAINT',
      subject: 'Kettle leaks',
      description: 'Water under the kettle.',
      customer: { name: 'Priya Shah', email: 'priya@example.net' },
      demand: 'REFUND',
      product: 'Aqua 1.7 L',
      orderRef: 'NW-1001',
      purchaseDate: '2026-11-01',
      attachmentIds: ['id-photo.jpg'],
      website: 'http://spam.example',
      idempotencyKey: expect.stringMatching(/^[0-9a-f]{32}$/),
    });
    expect(wrapper.emitted('submitted')).toEqual([[{ number: 'NORTHWIND-2026-000123', accessToken: 'tok-123' }]]);
  });

  it('leaves out empty optional fields and sends an empty honeypot as it is', async () => {
    const api = setup();
    await fill({ ...minimal, phone: '+7 495 000-00-00' });
    await submit();
    const sent = vi.mocked(api.submit).mock.calls[0]![1];
    expect(sent).toEqual({
      kind: 'CLAIM',
      subject: 'Kettle leaks',
      description: 'Water under the kettle after a week.',
      customer: { name: 'Priya Shah', phone: '+7 495 000-00-00' },
      website: '',
      idempotencyKey: expect.any(String),
    });
  });

  it('hides the honeypot from people: off-screen, out of the tab order, not autofilled, not read out', () => {
    setup();
    const honeypot = input('website');
    expect(honeypot.attributes('tabindex')).toBe('-1');
    expect(honeypot.attributes('autocomplete')).toBe('off');
    expect(honeypot.element.closest('[aria-hidden=true]')?.classList.contains('honeypot')).toBe(true);
  });

  it('refuses files over 10 MB, of other types and past the fifth, without uploading them', async () => {
    const api = setup();
    const picker = wrapper.find<HTMLInputElement>('[data-test=file-input]').element;
    await choose(picker, [file('video.mp4', 10 * 1024 * 1024 + 1, 'video/mp4'), file('setup.exe', 1000, 'application/x-msdownload')]);
    expect(api.upload).not.toHaveBeenCalled();
    const errors = wrapper.findAll('[data-test=upload-error]').map((e) => e.text());
    expect(errors).toEqual(['Too large: at most 10 MB a file.', 'This type of file is not accepted.']);
    await choose(
      picker,
      ['1.jpg', '2.png', '3.pdf', '4.webp', '5.gif', '6.jpg'].map((n) =>
        file(n, 100, n.endsWith('.pdf') ? 'application/pdf' : `image/${n.split('.')[1] === 'jpg' ? 'jpeg' : n.split('.')[1]}`),
      ),
    );
    expect(api.upload).toHaveBeenCalledTimes(5);
    expect(wrapper.find('[data-test=upload-notice]').text()).toBe('At most 5 files: 6.jpg was not added.');
    await fill({ ...minimal, email: 'priya@example.net' });
    await submit();
    expect(vi.mocked(api.submit).mock.calls[0]![1].attachmentIds).toEqual(['id-1.jpg', 'id-2.png', 'id-3.pdf', 'id-4.webp', 'id-5.gif']);
  });

  it('does not send while a file is still uploading', async () => {
    const api = setup(fakeApi({ upload: vi.fn(() => new Promise<never>(() => undefined)) }));
    await choose(wrapper.find<HTMLInputElement>('[data-test=file-input]').element, [file('photo.jpg', 100, 'image/jpeg')]);
    await fill({ ...minimal, email: 'priya@example.net' });
    await submit();
    expect(api.submit).not.toHaveBeenCalled();
    expect(wrapper.find('[data-test=form-problem]').text()).toBe('Please wait until the files are uploaded.');
  });

  it('retries with the same idempotency key, so that a lost answer does not file it twice', async () => {
    const submitMock = vi
      .fn()
      .mockRejectedValueOnce(new Error('network down'))
      .mockResolvedValue({ number: 'NORTHWIND-2026-000124', accessToken: 'tok-124' });
    const api = setup(fakeApi({ submit: submitMock }));
    await fill({ ...minimal, email: 'priya@example.net' });
    await submit();
    expect(wrapper.find('[data-test=form-problem]').text()).toBe('The complaint could not be sent. Please try again.');
    expect(wrapper.emitted('submitted')).toBeUndefined();
    await submit();
    const keys = vi.mocked(api.submit).mock.calls.map((c) => c[1].idempotencyKey);
    expect(keys).toHaveLength(2);
    expect(keys[1]).toBe(keys[0]);
    expect(wrapper.emitted('submitted')).toEqual([[{ number: 'NORTHWIND-2026-000124', accessToken: 'tok-124' }]]);
  });

  it('says why the server did not take it, in the visitor’s language: its reason (busy, too slow), a limit as a limit', async () => {
    // Each of these reasons comes as RATE_LIMITED (the server's ERROR_REASONS).
    const refusal = (reason?: string) =>
      new CombinedGraphQLErrors({
        errors: [{ message: 'the service is busy; retry shortly', extensions: { code: 'RATE_LIMITED', reason } }],
      });
    const cases: Array<[string, 'en' | 'ru', string]> = [
      ['BUSY', 'en', 'The service is busy; try again in a few seconds.'],
      ['BUSY', 'ru', 'Сервис сейчас загружен; повторите через несколько секунд.'],
      ['QUERY_TIMEOUT', 'en', 'The request took too long; ask for less or try again later.'],
      ['', 'en', 'Too many attempts. Please wait a minute and try again.'],
      ['', 'ru', 'Слишком много попыток. Подождите минуту и попробуйте снова.'],
    ];
    for (const [reason, locale, text] of cases) {
      ({ wrapper } = mountWith(ComplaintForm, {
        props: { slug: 'northwind' },
        locale,
        api: fakeApi({ submit: vi.fn(async () => Promise.reject(refusal(reason || undefined))) }),
      }));
      await fill({ ...minimal, email: 'priya@example.net' });
      await submit();
      expect({ reason, locale, text: wrapper.find('[data-test=form-problem]').text() }).toEqual({ reason, locale, text });
      wrapper.unmount();
    }
  });

  it('says it again in the language the visitor then picks', async () => {
    const i18n = createPortalI18n('en');
    const busy = new CombinedGraphQLErrors({
      errors: [{ message: 'the service is busy; retry shortly', extensions: { code: 'RATE_LIMITED', reason: 'BUSY' } }],
    });
    ({ wrapper } = mountWith(ComplaintForm, {
      props: { slug: 'northwind' },
      i18n,
      api: fakeApi({ submit: vi.fn(async () => Promise.reject(busy)) }),
    }));
    await fill({ ...minimal, email: 'priya@example.net' });
    await submit();
    expect(wrapper.find('[data-test=form-problem]').text()).toBe('The service is busy; try again in a few seconds.');
    i18n.setLocale('ru');
    await flushPromises();
    expect(wrapper.find('[data-test=form-problem]').text()).toBe('Сервис сейчас загружен; повторите через несколько секунд.');
  });

  it('puts the server’s field problems on the fields, in the visitor’s words rather than the server’s', async () => {
    const refused = new CombinedGraphQLErrors({
      errors: [
        {
          message: 'bad input',
          extensions: {
            code: 'BAD_USER_INPUT',
            fields: [{ field: 'customer.email', messages: ['email is not a valid e-mail address'], constraints: ['isEmail'] }],
          },
        },
      ],
    });
    setup(fakeApi({ submit: vi.fn(async () => Promise.reject(refused)) }));
    await fill({ ...minimal, email: 'priya@example.net' });
    await submit();
    expect(describedErrors('email')).toBe('The company did not accept this value: not an e-mail address');
    expect(document.activeElement).toBe(input('email').element);
    expect(wrapper.emitted('submitted')).toBeUndefined();
  });

  it('says in the visitor’s language that pasted text carries invisible characters, on that field', async () => {
    const refused = new CombinedGraphQLErrors({
      errors: [
        {
          message: '$input.description contains control or invisible characters',
          extensions: {
            code: 'BAD_USER_INPUT',
            reason: 'INVISIBLE_CHARACTERS',
            fields: [{ field: 'input.description', reason: 'INVISIBLE_CHARACTERS' }],
          },
        },
      ],
    });
    setup(fakeApi({ submit: vi.fn(async () => Promise.reject(refused)) }));
    await fill({ ...minimal, email: 'priya@example.net' });
    await submit();
    expect(describedErrors('description')).toContain('invisible characters');
    expect(document.activeElement).toBe(input('description').element);
  });
});

describe('the purchase date', () => {
  const zone = process.env.TZ;
  afterEach(() => {
    vi.useRealTimers();
    process.env.TZ = zone;
  });

  it("may be today in the customer's own day, also just after their midnight", async () => {
    process.env.TZ = 'Europe/Moscow';
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-12-01T22:30:00Z')); // 01:30 on 2 December in Moscow
    setup();
    expect(input('purchaseDate').attributes('max')).toBe('2026-12-02');
  });
});
