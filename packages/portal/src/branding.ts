/**
 * A company's colours as CSS custom properties. Companies pick colours for
 * their brand, not for legibility, so each is checked against what it is
 * drawn on and darkened until text reaches WCAG AA (4.5:1).
 */
export interface BrandColors {
  primaryColor: string | null;
  accentColor: string | null;
}

const DEFAULT_PRIMARY = '#1f5fae';
const DEFAULT_ACCENT = '#0f766e';
const HEX = /^#([0-9a-f]{6})$/i;

type Rgb = [number, number, number];

function parse(hex: string | null | undefined): Rgb | null {
  const m = hex ? HEX.exec(hex.trim()) : null;
  if (!m) return null;
  const n = parseInt(m[1]!, 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

function toHex([r, g, b]: Rgb): string {
  return `#${[r, g, b].map((c) => Math.round(c).toString(16).padStart(2, '0')).join('')}`;
}

function luminance(rgb: Rgb): number {
  const [r, g, b] = rgb.map((c) => {
    const s = c / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  }) as Rgb;
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

export function contrast(a: string, b: string): number {
  const la = luminance(parse(a) ?? [0, 0, 0]);
  const lb = luminance(parse(b) ?? [0, 0, 0]);
  return (Math.max(la, lb) + 0.05) / (Math.min(la, lb) + 0.05);
}

/** `color`, darkened step by step until it reads on `background` at `ratio`. */
export function readableOn(color: string, background = '#ffffff', ratio = 4.5): string {
  let rgb = parse(color) ?? parse(DEFAULT_PRIMARY)!;
  for (let i = 0; i < 40 && contrast(toHex(rgb), background) < ratio; i++) rgb = rgb.map((c) => c * 0.92) as Rgb;
  return toHex(rgb);
}

/** White or near-black, whichever reads better on `background`. */
export function textOn(background: string): string {
  return contrast('#ffffff', background) >= contrast('#111827', background) ? '#ffffff' : '#111827';
}

export function brandStyle(colors: BrandColors | null): Record<string, string> {
  const primary = parse(colors?.primaryColor) ? colors!.primaryColor!.trim() : DEFAULT_PRIMARY;
  const accent = parse(colors?.accentColor) ? colors!.accentColor!.trim() : DEFAULT_ACCENT;
  // Buttons are filled with the primary colour: keep it, choose the text for it,
  // unless neither white nor black reads on it (then darken it).
  const button = contrast(primary, textOn(primary)) >= 4.5 ? primary : readableOn(primary, '#ffffff');
  return {
    '--brand': button,
    '--brand-text': textOn(button),
    '--brand-ink': readableOn(primary),
    '--accent': accent,
    '--accent-ink': readableOn(accent),
  };
}

/** Only pictures we can show safely: https: addresses and inline images. */
export function safeLogoUrl(url: string | null | undefined): string | null {
  if (!url) return null;
  const value = url.trim();
  if (/^data:image\/(png|jpeg|gif|webp|svg\+xml);/i.test(value)) return value;
  try {
    return new URL(value).protocol === 'https:' ? value : null;
  } catch {
    return null;
  }
}
