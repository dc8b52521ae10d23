import { describe, expect, it } from 'vitest';
import { ERROR_CODES as SERVER_CODES, ERROR_REASONS } from '../../packages/server/src/graphql/errors.js';
import { ERROR_CODES } from '../../packages/client/src/errors.js';
import { CONSTRAINT_TEXTS, REASON_TEXTS } from '../../packages/client/src/error-text.js';

describe('error reasons, between the server and the clients', () => {
  it('every reason the server can send has a text in both languages, and the clients know no other', () => {
    expect(Object.keys(REASON_TEXTS).sort()).toEqual(Object.keys(ERROR_REASONS).sort());
    for (const [reason, texts] of Object.entries(REASON_TEXTS)) {
      expect(texts.ru, reason).toMatch(/[а-яё]/i);
      expect(texts.en, reason).toMatch(/^[\x20-\x7e]+$/);
    }
  });

  it('the clients know the codes the server sends, and no other', () => {
    expect([...ERROR_CODES].sort()).toEqual([...SERVER_CODES].sort());
  });

  it('every validation rule the server declares has a text', async () => {
    const { readFileSync, readdirSync } = await import('node:fs');
    const { join } = await import('node:path');
    const files = (dir: string): string[] =>
      readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
        e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
      );
    const source = files(new URL('../../packages/server/src', import.meta.url).pathname)
      .map((f) => readFileSync(f, 'utf8'))
      .join('\n');
    // class-validator's decorators in use, by the rule names they report (IsEmail -> isEmail), and the custom ones.
    const used = new Set(
      [...source.matchAll(/@(Is[A-Z]\w*|Max\w*|Min\w*|Matches|Array\w+)\(/g)].map((m) => m[1]![0]!.toLowerCase() + m[1]!.slice(1)),
    );
    for (const m of source.matchAll(/registerDecorator\(\{\s*name: '(\w+)'/g)) used.add(m[1]!);
    used.delete('isOptional');
    expect([...used].filter((rule) => !CONSTRAINT_TEXTS[rule]).sort()).toEqual([]);
  });
});
