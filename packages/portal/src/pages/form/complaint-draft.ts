import type { ComplaintKind, Demand, SubmitComplaintInput } from '@reclaim/client/portal';
import { fieldText, type FieldProblem } from '@reclaim/client';
import type { Locale, MessageKey, Params } from '../../i18n/index.js';

/** The form as the customer fills it in: every field a string, as the inputs hold it. */
export interface ComplaintDraft {
  kind: ComplaintKind;
  subject: string;
  description: string;
  product: string;
  orderRef: string;
  purchaseDate: string;
  demand: Demand | '';
  name: string;
  email: string;
  phone: string;
  /** The honeypot: people never see it, robots fill it in. */
  website: string;
}

export type DraftField = Exclude<keyof ComplaintDraft, 'kind' | 'demand' | 'website'>;
export interface FieldError {
  key: MessageKey;
  params?: Params;
}
export type FieldErrors = Partial<Record<DraftField, FieldError>>;

/** The order of the fields on the page: focus goes to the first that is wrong. */
export const FIELD_ORDER: readonly DraftField[] = [
  'subject',
  'description',
  'product',
  'orderRef',
  'purchaseDate',
  'name',
  'email',
  'phone',
];

export const DEMANDS: readonly Demand[] = ['REPLACEMENT', 'REFUND', 'REPAIR', 'PRICE_REDUCTION', 'COMPENSATION', 'OTHER'];

/** The server's limits, so that the customer hears of them before sending. */
const MAX_LENGTH: Record<DraftField, number> = {
  subject: 200,
  description: 10_000,
  product: 200,
  orderRef: 100,
  purchaseDate: 10,
  name: 200,
  email: 254,
  phone: 25,
};
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const PHONE = /^\+?[0-9 ()-]{5,25}$/;

/** 32 hex digits; `crypto.randomUUID` exists only on https pages, `getRandomValues` everywhere. */
export function newIdempotencyKey(): string {
  return [...crypto.getRandomValues(new Uint8Array(16))].map((b) => b.toString(16).padStart(2, '0')).join('');
}

export function emptyDraft(): ComplaintDraft {
  return {
    kind: 'CLAIM',
    subject: '',
    description: '',
    product: '',
    orderRef: '',
    purchaseDate: '',
    demand: '',
    name: '',
    email: '',
    phone: '',
    website: '',
  };
}

/** The calendar day (YYYY-MM-DD) of `date` in the customer's own time zone, as a date input gives it. */
export function isoDay(date: Date): string {
  return `${date.getFullYear()}-${String(date.getMonth() + 1).padStart(2, '0')}-${String(date.getDate()).padStart(2, '0')}`;
}

export function validateDraft(draft: ComplaintDraft, today: Date = new Date()): FieldErrors {
  const errors: FieldErrors = {};
  const value = (field: DraftField) => draft[field].trim();
  for (const field of ['subject', 'description', 'name'] as const) {
    if (!value(field)) errors[field] = { key: 'error.required' };
  }
  for (const field of FIELD_ORDER) {
    if (!errors[field] && value(field).length > MAX_LENGTH[field])
      errors[field] = { key: 'error.tooLong', params: { max: MAX_LENGTH[field] } };
  }
  const email = value('email');
  const phone = value('phone');
  if (!email && !phone) {
    errors.email = { key: 'error.contact' };
  } else {
    if (email && !errors.email && !EMAIL.test(email)) errors.email = { key: 'error.email' };
    if (phone && !errors.phone && !PHONE.test(phone)) errors.phone = { key: 'error.phone' };
  }
  if (draft.purchaseDate && draft.purchaseDate > isoDay(today)) errors.purchaseDate = { key: 'error.futureDate' };
  return errors;
}

export function firstInvalid(errors: FieldErrors): DraftField | null {
  return FIELD_ORDER.find((field) => errors[field]) ?? null;
}

/** Exactly what goes to `submitComplaint`: trimmed, empty optional fields left out. */
export function toSubmitInput(draft: ComplaintDraft, attachmentIds: string[], idempotencyKey: string): SubmitComplaintInput {
  const optional = (text: string) => (text.trim() ? text.trim() : undefined);
  const input: SubmitComplaintInput = {
    kind: draft.kind,
    subject: draft.subject.trim(),
    description: draft.description.trim(),
    customer: { name: draft.name.trim(), email: optional(draft.email), phone: optional(draft.phone) },
    demand: draft.demand || undefined,
    product: optional(draft.product),
    orderRef: optional(draft.orderRef),
    purchaseDate: draft.purchaseDate || undefined,
    idempotencyKey,
    website: draft.website,
  };
  if (attachmentIds.length > 0) input.attachmentIds = attachmentIds;
  return JSON.parse(JSON.stringify(input)) as SubmitComplaintInput;
}

/** The server's field problems (`customer.email`, `subject`, ...) on the form's fields. */
export function serverErrors(fields: FieldProblem[], locale: Locale): FieldErrors {
  const errors: FieldErrors = {};
  for (const problem of fields) {
    const name = problem.field.split('.').pop() as DraftField;
    if (FIELD_ORDER.includes(name)) {
      // What the company refused, in the customer's language (never the server's English).
      errors[name] =
        problem.reason === 'INVISIBLE_CHARACTERS'
          ? { key: 'error.invisible' }
          : { key: 'error.server', params: { message: fieldText(problem, locale) } };
    }
  }
  return errors;
}
