import { describe, expect, it } from 'vitest';
import { PASSWORD_RULE, REASON_TEXTS, errorText, fieldErrors, type RequestProblem } from '../src/index.js';

const problem = (p: Partial<RequestProblem>): RequestProblem => ({ code: 'BAD_USER_INPUT', message: 'server English', fields: [], ...p });

describe("errorText: a failed request in the reader's language", () => {
  it("a validation error names the fields and the rules in Russian, without the server's English", () => {
    const p = problem({
      message: 'password must be 10 to 200 characters',
      fields: [{ field: 'input.password', messages: ['password must be 10 to 200 characters'], constraints: ['plainText'] }],
    });
    const ru = errorText(p, 'ru', { password: 'Пароль' });
    expect(ru).toBe('Проверьте форму: Пароль (недопустимая длина или символы)');
    expect(ru).not.toMatch(/must be/);
    expect(errorText(p, 'en', { password: 'Password' })).toBe('Please check the form: Password (wrong length or characters)');
  });

  it("a reason has its own text; the fields of a stage's requirements are listed by their labels", () => {
    const p = problem({
      reason: 'STAGE_REQUIREMENTS',
      fields: [
        { field: 'rootCause', reason: 'required for DECISION' },
        { field: 'validity', reason: 'required' },
      ],
    });
    expect(errorText(p, 'ru', { rootCause: 'Первопричина', validity: 'Обоснованность' })).toBe(
      'Заполните то, что нужно для этой стадии: Первопричина; Обоснованность.',
    );
    expect(errorText(problem({ code: 'CONFLICT', reason: 'DUPLICATE' }), 'en')).toBe('This already exists.');
    expect(errorText(problem({ code: 'RATE_LIMITED', reason: 'BUSY' }), 'ru')).toMatch(/загружен/);
  });

  it('a refusal that counts what stands in the way says the number (the open complaints of a department being archived)', () => {
    const p = problem({ reason: 'OPEN_COMPLAINTS', message: 'the department has 4 open complaint(s)', count: 4 });
    expect(errorText(p, 'ru')).toBe(
      'В отделе есть открытые обращения (4). Передайте их в другие отделы или завершите, затем отправьте отдел в архив.',
    );
    expect(errorText(p, 'en')).toBe(
      'The department still has open complaints (4). Move them to other departments or finish them, then archive it.',
    );
  });

  it("never puts the server's English in a Russian sentence: a code without a reason or fields stands alone", () => {
    expect(errorText(problem({ message: 'a CLOSED complaint cannot be reassigned' }), 'ru')).toBe('Проверьте форму.');
    expect(errorText(problem({ code: 'FORBIDDEN', message: 'you may not assign this complaint' }), 'ru')).toBe(
      'Ваша роль не позволяет это действие.',
    );
  });

  it("a reason the clients do not know, even one named like an object's own property, falls back to the code's text", () => {
    for (const reason of ['SOMETHING_NEW', 'constructor', 'toString']) {
      expect(errorText(problem({ code: 'CONFLICT', reason }), 'en')).toBe('Someone else changed this in the meantime.');
    }
  });

  it("a code without a reason or fields falls back to the code's text, with the server's message as the detail", () => {
    expect(errorText(problem({ code: 'NETWORK', message: 'Failed to fetch' }), 'ru')).toBe(
      'Сервер недоступен. Проверьте соединение и повторите.',
    );
    expect(errorText(problem({ message: 'invalid input value' }), 'en')).toBe('Please check the form: invalid input value');
  });

  it('fieldErrors gives each field its own line, for the feedback under its input', () => {
    const p = problem({
      fields: [
        { field: 'input.customer.email', messages: ['email must be an email'], constraints: ['isEmail'] },
        { field: 'input.subject', reason: 'INVISIBLE_CHARACTERS' },
      ],
    });
    expect(fieldErrors(p, 'ru')).toEqual({
      email: 'не похоже на адрес e-mail',
      subject: expect.stringMatching(/^В тексте есть невидимые/),
    });
    expect(fieldErrors(problem({ reason: 'STAGE_REQUIREMENTS', fields: [{ field: 'rootCause', reason: 'required' }] }), 'en')).toEqual({
      rootCause: 'needed for this stage',
    });
  });

  it('the password rule is said the same way before saving and in the refusal', () => {
    for (const locale of ['ru', 'en'] as const)
      expect(REASON_TEXTS.WEAK_PASSWORD[locale].toLowerCase()).toContain(PASSWORD_RULE[locale].toLowerCase());
  });
});
