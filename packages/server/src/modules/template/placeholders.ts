/**
 * The placeholders of response templates: `{{number}}` and friends. Pure
 * functions, so that the admin page's checks, the save and the rendering all
 * agree on one grammar: `{{`, optional spaces, a known name, optional
 * spaces, `}}`. Anything else that opens with `{{` is refused at save time,
 * so a stored template always renders.
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
/** Customer notifications by mail (modules/mail) know a few more: the decision, and the portal links. */
export const NOTIFICATION_PLACEHOLDERS = [...PLACEHOLDERS, 'message', 'remedy', 'amount', 'trackingLink', 'ratingLink'] as const;
/**
 * Staff notifications by mail know the complaint's page in the console, for
 * deadlines how the deadline stands and when it is due, and for a complaint
 * new in an inbox how it came there (`arrival`: new, or moved from another
 * department); `agent.name` is whoever made the change (empty for the system).
 */
export const STAFF_NOTIFICATION_PLACEHOLDERS = [...PLACEHOLDERS, 'complaintLink', 'slaState', 'dueAt', 'arrival'] as const;
export type Placeholder = (typeof NOTIFICATION_PLACEHOLDERS)[number] | (typeof STAFF_NOTIFICATION_PLACEHOLDERS)[number];
export type PlaceholderValues = Partial<Record<Placeholder, string>>;

export type TemplatePart = { text: string } | { placeholder: Placeholder };

export interface TemplateProblem {
  /** Offset of the offending `{{` in the body. */
  at: number;
  /** What was written, e.g. `{{customer.phone}}` or `{{number`. */
  written: string;
  message: string;
}

const RESPONSE_KNOWN: ReadonlySet<string> = new Set<string>(PLACEHOLDERS);
const OPEN = '{{';
const CLOSE = '}}';

/** The body split into text and placeholders, and every problem found (none: the body is valid). */
export function parseTemplate(
  body: string,
  known: ReadonlySet<string> = RESPONSE_KNOWN,
): { parts: TemplatePart[]; problems: TemplateProblem[] } {
  const parts: TemplatePart[] = [];
  const problems: TemplateProblem[] = [];
  let text = '';
  let i = 0;
  while (i < body.length) {
    const open = body.indexOf(OPEN, i);
    if (open < 0) break;
    text += body.slice(i, open);
    const close = body.indexOf(CLOSE, open + OPEN.length);
    const nextOpen = body.indexOf(OPEN, open + OPEN.length);
    if (close < 0 || (nextOpen >= 0 && nextOpen < close)) {
      const written = body.slice(open, Math.min(open + 30, nextOpen >= 0 ? nextOpen : body.length)).split(/\r?\n/)[0]!;
      problems.push({ at: open, written, message: `"${written}" opens a placeholder that is not closed with }}` });
      text += OPEN;
      i = open + OPEN.length;
      continue;
    }
    const name = body.slice(open + OPEN.length, close).trim();
    const written = body.slice(open, close + CLOSE.length);
    if (known.has(name)) {
      if (text) parts.push({ text });
      text = '';
      parts.push({ placeholder: name as Placeholder });
    } else {
      problems.push({ at: open, written, message: `unknown placeholder ${written.length > 60 ? `${written.slice(0, 57)}...` : written}` });
      text += written;
    }
    i = close + CLOSE.length;
  }
  text += body.slice(i);
  if (text) parts.push({ text });
  return { parts, problems };
}

/** The problems of a body, as messages for the `body` field; empty when it is valid. */
export function templateProblems(body: string, known?: ReadonlySet<string>): string[] {
  return parseTemplate(body, known).problems.map((p) => p.message);
}

/**
 * The body with every placeholder replaced; a body with problems renders them
 * as written. A value that ends with a period (a Russian date, "5 декабря
 * 2026 г.") followed by the sentence's own period gives one period, not "г..".
 */
export function renderTemplate(body: string, values: PlaceholderValues, known?: ReadonlySet<string>): string {
  let out = '';
  let afterValueWithPeriod = false;
  for (const part of parseTemplate(body, known).parts) {
    if ('text' in part) {
      out += afterValueWithPeriod && part.text.startsWith('.') ? part.text.slice(1) : part.text;
      afterValueWithPeriod = false;
    } else {
      const value = values[part.placeholder] ?? '';
      out += value;
      afterValueWithPeriod = value.endsWith('.');
    }
  }
  return out;
}
