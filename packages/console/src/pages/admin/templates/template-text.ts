/**
 * The placeholder grammar of response templates, as the server checks it
 * (packages/server/src/modules/template/placeholders.ts): used here only to
 * flag mistakes while typing and for the preview; the server decides.
 */
export const PLACEHOLDERS = [
  'number',
  'subject',
  'customer.name',
  'stage',
  'expectedBy',
  'agent.name',
  'company.name',
  'department.name',
] as const;
export type Placeholder = (typeof PLACEHOLDERS)[number];

const KNOWN = new Set<string>(PLACEHOLDERS);

/** What is wrong with the body's placeholders (as written), and the body with `values` filled in. */
export function readTemplate(body: string, values: Record<Placeholder, string>): { problems: string[]; preview: string } {
  const problems: string[] = [];
  let preview = '';
  let i = 0;
  for (;;) {
    const open = body.indexOf('{{', i);
    if (open < 0) break;
    preview += body.slice(i, open);
    const close = body.indexOf('}}', open + 2);
    const again = body.indexOf('{{', open + 2);
    if (close < 0 || (again >= 0 && again < close)) {
      problems.push(body.slice(open, again >= 0 ? again : open + 30).split('\n')[0]!);
      preview += '{{';
      i = open + 2;
      continue;
    }
    const written = body.slice(open, close + 2);
    const name = written.slice(2, -2).trim();
    i = close + 2;
    if (KNOWN.has(name)) {
      const value = values[name as Placeholder];
      preview += value;
      // As the server renders it: "… 2026 г." and the sentence's period make one period.
      if (value.endsWith('.') && body[i] === '.') i += 1;
    } else {
      problems.push(written);
      preview += written;
    }
  }
  return { problems, preview: preview + body.slice(i) };
}
