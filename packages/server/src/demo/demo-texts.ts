/**
 * The shape of the demo data's words: one `DemoTexts` per tenant (Russian for
 * acme, English for northwind; see demo-texts-ru.ts and demo-texts-en.ts).
 * Texts may hold placeholders such as {product}, filled by `fill`.
 */
import { Role } from '../auth/roles.js';
import type { ComplaintKind, Demand, Remedy } from '../modules/complaint/complaint.enums.js';

/** Keys that tie staff, scenarios and corrective actions to departments. */
export type DepartmentKey = 'quality' | 'service' | 'logistics' | 'sales' | 'care';

export interface StaffSpec {
  /** The local part of the e-mail; the domain is `<slug>.demo`. */
  login: string;
  name: string;
  roles: Role[];
  departments: DepartmentKey[];
}

/**
 * The same staff layout in every demo tenant (logins are `<login>@<slug>.demo`,
 * every password is `demo-password`): an admin, two operators, a quality
 * manager, and a head and specialists in every department.
 */
const STAFF_LAYOUT: ReadonlyArray<Omit<StaffSpec, 'name'>> = [
  { login: 'admin', roles: [Role.ADMIN], departments: [] },
  { login: 'operator', roles: [Role.OPERATOR], departments: ['care'] },
  { login: 'operator2', roles: [Role.OPERATOR], departments: ['care'] },
  { login: 'quality.manager', roles: [Role.QUALITY_MANAGER], departments: ['quality'] },
  { login: 'head.quality', roles: [Role.HEAD], departments: ['quality'] },
  { login: 'specialist.quality', roles: [Role.SPECIALIST], departments: ['quality'] },
  { login: 'head.service', roles: [Role.HEAD], departments: ['service'] },
  { login: 'specialist.service', roles: [Role.SPECIALIST], departments: ['service'] },
  { login: 'specialist2.service', roles: [Role.SPECIALIST], departments: ['service'] },
  { login: 'head.logistics', roles: [Role.HEAD], departments: ['logistics'] },
  { login: 'specialist.logistics', roles: [Role.SPECIALIST], departments: ['logistics'] },
  { login: 'head.sales', roles: [Role.HEAD], departments: ['sales'] },
  { login: 'specialist.sales', roles: [Role.SPECIALIST], departments: ['sales'] },
  { login: 'head.care', roles: [Role.HEAD], departments: ['care'] },
  { login: 'specialist.care', roles: [Role.SPECIALIST], departments: ['care'] },
];

/** The staff layout with the given names, in layout order. */
export function demoStaff(names: readonly string[]): StaffSpec[] {
  if (names.length !== STAFF_LAYOUT.length) throw new Error(`expected ${STAFF_LAYOUT.length} staff names`);
  return STAFF_LAYOUT.map((s, i) => ({ ...s, roles: [...s.roles], departments: [...s.departments], name: names[i]! }));
}

export interface ProductSpec {
  name: string;
  /** Price in the tenant's currency. */
  price: number;
  /** What scenarios match on, e.g. 'kettle'; 'any' scenarios take every product. */
  type: string;
}

/** One kind of trouble a customer reports, with every text it needs along the lifecycle. */
export interface Scenario {
  category: string;
  department: DepartmentKey;
  kind: ComplaintKind;
  /** Product types this scenario fits, or ['any']. */
  productTypes: string[];
  demands: Demand[];
  subjects: string[];
  /** First sentence(s): what happened. Placeholders: {product}, {order}, {date}. */
  openings: string[];
  /** Further detail. */
  details: string[];
  /** Root causes found when the complaint is objectively valid. */
  causes: string[];
  /** Corrective actions (CAPA) that fix the cause. */
  actions: string[];
}

/** Message templates; placeholders: {name} (customer's first name), {number}, {product}, {days}. */
export interface MessageTexts {
  customerQuestions: string[];
  staffAcknowledgements: string[];
  staffAnswers: string[];
  staffUpdates: string[];
  internalNotes: string[];
  rejectionNotices: string[];
}

export interface DemoTexts {
  slug: string;
  tenantName: string;
  /** The portal's look (tenants.branding). */
  branding: { logoUrl: string; primaryColor: string; accentColor: string; intro: string };
  locale: 'ru' | 'en';
  timeZone: string;
  /** ISO 4217: the company's currency. */
  currency: string;
  /** ISO 3166-1 alpha-2: the public holidays, and for RU the consumer-law deadlines. */
  country: string;
  currencyStep: number;
  orderPrefix: string;
  departments: Record<DepartmentKey, string>;
  /** Category keys (used by scenarios) to names. */
  categories: Record<string, string>;
  staff: StaffSpec[];
  products: ProductSpec[];
  customers: {
    /** [first name, latin first name] */
    maleFirst: Array<[string, string]>;
    femaleFirst: Array<[string, string]>;
    /** [male surname, female surname, latin surname] */
    surnames: Array<[string, string, string]>;
    emailDomains: string[];
    phone: (digits: string) => string;
  };
  formatDate: (isoDate: string) => string;
  scenarios: Scenario[];
  /** Closing sentence of a description, by the customer's demand. */
  demandSentences: Record<Demand, string[]>;
  /** Root causes when the complaint is only subjectively valid, for product claims and service complaints. */
  subjectiveCauses: Record<ComplaintKind, string[]>;
  decisionNotes: Record<Remedy, string[]>;
  rejectionReasons: string[];
  reopenReasons: string[];
  /** Satisfaction comments, index 0 for scores 1-2, 1 for 3, 2 for 4-5. */
  satisfactionComments: [string[], string[], string[]];
  messages: MessageTexts;
}

/** Replaces {key} placeholders; unknown keys stay as they are. */
export function fill(template: string, values: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}/g, (whole, key: string) => (key in values ? String(values[key]) : whole));
}
