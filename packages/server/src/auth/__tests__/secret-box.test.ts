import { describe, expect, it } from 'vitest';
import { SecretBox } from '../secret-box.js';

const SECRET = 'a node secret of at least thirty-two characters';

describe('SecretBox', () => {
  it('opens what it sealed for the same owner, and never shows the secret in the sealed bytes', () => {
    const box = new SecretBox(SECRET, 'mailbox password');
    const sealed = box.seal('пароль-Ящика 42', 'tenant-a');
    expect(sealed.includes(Buffer.from('Ящика'))).toBe(false);
    expect(box.open(sealed, 'tenant-a')).toBe('пароль-Ящика 42');
    expect(box.seal('same', 'tenant-a').equals(box.seal('same', 'tenant-a'))).toBe(false);
  });

  it('does not open for another owner, with another key or purpose, or once changed', () => {
    const box = new SecretBox(SECRET, 'mailbox password');
    const sealed = box.seal('secret', 'tenant-a');
    expect(() => box.open(sealed, 'tenant-b')).toThrow();
    expect(() => new SecretBox(`${SECRET}!`, 'mailbox password').open(sealed, 'tenant-a')).toThrow();
    expect(() => new SecretBox(SECRET, 'another purpose').open(sealed, 'tenant-a')).toThrow();
    const changed = Buffer.from(sealed);
    changed[changed.length - 1]! ^= 1;
    expect(() => box.open(changed, 'tenant-a')).toThrow();
    expect(() => box.open(Buffer.from('plain'), 'tenant-a')).toThrow(/not a sealed value/);
    expect(() => new SecretBox('short', 'x')).toThrow(/32 characters/);
  });
});
