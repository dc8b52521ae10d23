import { describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../../demo/seed.js';
import { BENCH_PASSWORD } from '../../bench/fill.js';
import { checkPassword, passwordWeakness } from '../password-policy.js';

describe('password policy', () => {
  it.each([
    ['9 characters', 'x'.repeat(9), 'at least 10'],
    ['9 characters and an emoji that is two UTF-16 units', `${'x'.repeat(8)}😀`, 'at least 10'],
    ['ten spaces', ' '.repeat(10), 'only spaces'],
    ['tabs and newlines', '\t\n \t\n \t\n \t', 'only spaces'],
    ['ten NULs', '\u0000'.repeat(10), 'control characters'],
    ['an escape inside', 'password\u001b[2J!', 'control characters'],
    ['1234567890', '1234567890', 'common'],
    ['a common one in capitals, padded', ' QWERTYUIOP ', 'common'],
    ['the e-mail', 'Anna.Smith@Example.com', 'e-mail'],
    ["the e-mail's local part", 'anna.smith', 'e-mail'],
  ])('refuses %s', (_label, password, why) => {
    expect(passwordWeakness(password, 'anna.smith@example.com')).toContain(why);
  });

  it.each([
    ['the demo password', DEMO_PASSWORD],
    ['the benchmark password', BENCH_PASSWORD],
    ["the tests' password", 'correct horse battery'],
    ['a passphrase with spaces', 'tea at five, please'],
    ['Cyrillic', 'пароль-для-входа'],
  ])('accepts %s', (_label, password) => {
    expect(passwordWeakness(password, 'anna.smith@example.com')).toBeNull();
  });

  it('says why, as WEAK_PASSWORD for the field', () => {
    expect(() => checkPassword('1234567890', 'a@b.cd', 'adminPassword')).toThrow(
      expect.objectContaining({
        message: 'adminPassword is one of the most common passwords',
        extensions: {
          code: 'BAD_USER_INPUT',
          reason: 'WEAK_PASSWORD',
          fields: [{ field: 'adminPassword', messages: ['is one of the most common passwords'] }],
        },
      }),
    );
  });
});
