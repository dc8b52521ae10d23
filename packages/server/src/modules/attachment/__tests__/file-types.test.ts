import { describe, expect, it } from 'vitest';
import { contentDisposition, fileNameProblem, showsInline, sniffContentType } from '../file-types.js';

const bytes = (...parts: Array<string | number[]>) =>
  Uint8Array.from(parts.flatMap((p) => (typeof p === 'string' ? [...p].map((c) => c.charCodeAt(0)) : p)));

describe('sniffContentType', () => {
  it.each([
    ['JPEG', bytes([0xff, 0xd8, 0xff, 0xe0], 'JFIF'), 'image/jpeg', true],
    ['PNG', bytes([0x89], 'PNG\r\n', [0x1a], '\n', [0, 0, 0, 13]), 'image/png', true],
    ['GIF89a', bytes('GIF89a', [1, 0]), 'image/gif', true],
    ['GIF87a', bytes('GIF87a', [1, 0]), 'image/gif', true],
    ['WebP', bytes('RIFF', [0, 0, 0, 0], 'WEBPVP8 '), 'image/webp', true],
    ['PDF', bytes('%PDF-1.7\n'), 'application/pdf', false],
    ['WebM', bytes([0x1a, 0x45, 0xdf, 0xa3, 0x9f]), 'video/webm', true],
    ['MP4 (isom)', bytes([0, 0, 0, 0x20], 'ftypisom', [0, 0, 2, 0]), 'video/mp4', true],
    ['MP4 (mp42)', bytes([0, 0, 0, 0x18], 'ftypmp42'), 'video/mp4', true],
    ['QuickTime', bytes([0, 0, 0, 0x14], 'ftypqt  '), 'video/quicktime', true],
    ['HEIC photo', bytes([0, 0, 0, 0x18], 'ftypheic'), 'image/heic', true],
  ])('%s', (_name, data, contentType, inline) => {
    expect(sniffContentType(data)).toBe(contentType);
    expect(showsInline(contentType)).toBe(inline);
  });

  it.each([
    ['HTML', bytes('<!doctype html><script>alert(1)</script>')],
    ['SVG (scriptable)', bytes('<svg xmlns="http://www.w3.org/2000/svg"><script/></svg>')],
    ['a Windows executable', bytes('MZ', [0x90, 0])],
    ['a ZIP (or docx)', bytes('PK', [3, 4])],
    ['plain text', bytes('hello')],
    ['an unknown ftyp brand', bytes([0, 0, 0, 0x18], 'ftypzzzz')],
    ['RIFF that is not WebP (WAV)', bytes('RIFF', [0, 0, 0, 0], 'WAVEfmt ')],
    ['too short to tell', bytes([0xff, 0xd8])],
    ['empty', bytes()],
  ])('refuses %s', (_name, data) => {
    expect(sniffContentType(data)).toBeNull();
  });
});

describe('fileNameProblem', () => {
  it.each(['photo.jpg', 'Чек от 01.02.2026.pdf', 'a b (1).png', 'x'.repeat(200)])('accepts %s', (name) => {
    expect(fileNameProblem(name)).toBeNull();
  });
  it.each([
    ['', 'the file needs a name'],
    ['   ', 'the file needs a name'],
    ['x'.repeat(201), 'the file name must be at most 200 characters'],
    ['../../etc/passwd', 'the file name has characters that are not allowed'],
    ['a\\b.png', 'the file name has characters that are not allowed'],
    ['photo\u202Egpj.exe', 'the file name has characters that are not allowed'],
    ['new\nline.png', 'the file name has characters that are not allowed'],
    ['a C1 control \u0085.png', 'the file name has characters that are not allowed'],
    ['a line separator \u2028.png', 'the file name has characters that are not allowed'],
    ['a right-to-left mark \u200F.png', 'the file name has characters that are not allowed'],
    ['a zero-width space \u200B.png', 'the file name has characters that are not allowed'],
  ])('refuses %j', (name, problem) => {
    expect(fileNameProblem(name)).toBe(problem);
  });
});

describe('contentDisposition', () => {
  it('gives an ASCII fallback and the exact UTF-8 name', () => {
    expect(contentDisposition('inline', 'Фото "1".jpg')).toBe(
      `inline; filename="____ _1_.jpg"; filename*=UTF-8''${encodeURIComponent('Фото "1".jpg')}`,
    );
  });

  it('escapes what RFC 8187 does not allow bare in filename*', () => {
    expect(contentDisposition('attachment', "it's (1)*!.pdf")).toBe(
      `attachment; filename="it's (1)*!.pdf"; filename*=UTF-8''it%27s%20%281%29%2A%21.pdf`,
    );
  });
});
