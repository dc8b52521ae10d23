import { describe, expect, it } from 'vitest';
import { mentionedNames, MAX_MENTIONS } from '../notification.js';

describe('mentionedNames', () => {
  it('reads @ and an e-mail local part, lower-cased and once each, ending at punctuation', () => {
    expect(mentionedNames('@Ivan.Petrov, please check; cc @olga_k. And @ivan.petrov again')).toEqual(['ivan.petrov', 'olga_k']);
    expect(mentionedNames('Спросите @мария (склад)')).toEqual(['мария']);
  });

  it('does not take an e-mail address, or a lone @, for a mention', () => {
    expect(mentionedNames('write to ivan@example.com or @ alone')).toEqual([]);
  });

  it('keeps at most MAX_MENTIONS names', () => {
    expect(mentionedNames(Array.from({ length: 30 }, (_, i) => `@u${i}`).join(' '))).toHaveLength(MAX_MENTIONS);
  });
});
