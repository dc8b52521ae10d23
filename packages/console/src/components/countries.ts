/** Countries (ISO 3166-1 alpha-2) with their names in the user's language, as the server accepts them; and the other lists `Intl` knows. */
const NOT_COUNTRIES = new Set(['EU', 'UN', 'UK', 'EZ', 'QO', 'XA', 'XB', 'ZZ']);
const lists = new Map<string, Array<{ label: string; value: string }>>();

export function countryOptions(locale: string): Array<{ label: string; value: string }> {
  let list = lists.get(locale);
  if (!list) {
    const names = new Intl.DisplayNames([locale], { type: 'region', fallback: 'none' });
    list = [];
    for (let a = 65; a <= 90; a++) {
      for (let b = 65; b <= 90; b++) {
        const code = String.fromCharCode(a, b);
        const name = NOT_COUNTRIES.has(code) ? undefined : names.of(code);
        if (name && name !== code) list.push({ label: name, value: code });
      }
    }
    list.sort((x, y) => x.label.localeCompare(y.label, locale));
    lists.set(locale, list);
  }
  return list;
}

export function countryName(code: string, locale: string): string {
  return new Intl.DisplayNames([locale], { type: 'region', fallback: 'code' }).of(code) ?? code;
}

/** The time zones or currencies this browser knows (older browsers: `fallback`). */
export function supportedValues(kind: 'timeZone' | 'currency', fallback: string[]): string[] {
  return typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf(kind) : fallback;
}
