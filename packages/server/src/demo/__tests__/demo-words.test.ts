import { describe, expect, it } from 'vitest';
import { ComplaintKind } from '../../modules/complaint/complaint.enums.js';
import { DEMO_TEMPLATES } from '../demo-templates.js';
import { RU_TEXTS } from '../demo-texts-ru.js';

/** Every string in `value`, however deep. */
function strings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(strings);
  if (value && typeof value === 'object') return Object.values(value).flatMap(strings);
  return [];
}

describe("the Russian demo company's words", () => {
  it('call a complaint «обращение»: «жалоба» is only what a customer writes about the service', () => {
    expect(strings(DEMO_TEMPLATES.ru).filter((text) => /жалоб/i.test(text))).toEqual([]);
    const { scenarios, ...rest } = RU_TEXTS;
    expect(strings(rest).filter((text) => /жалоб/i.test(text))).toEqual([]);
    const inClaims = scenarios.filter((s) => s.kind !== ComplaintKind.COMPLAINT).flatMap(strings);
    expect(inClaims.filter((text) => /жалоб/i.test(text))).toEqual([]);
  });
});
