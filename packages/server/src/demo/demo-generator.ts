/**
 * Generates a demo tenant's rows (organization, customers, complaints with
 * their corrective actions, messages and timelines) from its texts and a
 * seeded PRNG. Pure: no I/O, the same seed and "now" give the same rows.
 * Rows are keyed by column name; `tenant_id` is left to the database.
 */
import { Priority, Stage } from '../modules/complaint/complaint.enums.js';
import { formatComplaintNumber } from '../modules/complaint/numbering.js';
import { DAY, Rng, localYear } from './demo-random.js';
import { buildOrganization, type Organization, type Row } from './demo-organization.js';
import { DemoComplaint, type CustomerRef, type Draft, type Generation } from './demo-complaint.js';
import { STAFF_CHANNELS, defaultCalendar, legalDays, planChannel, planPaths, planTiming } from './demo-plan.js';
import type { DemoTexts } from './demo-texts.js';

export interface TenantData {
  organization: Organization;
  customers: Row[];
  complaints: Row[];
  corrective_actions: Row[];
  messages: Row[];
  /** Ordered by time; `seq` gives the insertion order (the identity column follows it). */
  timeline_events: Row[];
  /** The complaint counter: numbers run 1..lastValue in `year`. */
  counter: { year: number; lastValue: number };
}

export interface GenerateOptions {
  texts: DemoTexts;
  passwordHash: string;
  count: number;
  now: number;
  seed?: string;
}

export function generateTenantData(options: GenerateOptions): TenantData {
  const { texts, now, count } = options;
  const seed = options.seed ?? `reclaim-demo:${texts.slug}`;
  const rng = new Rng(seed);
  const org = buildOrganization(texts, options.passwordHash, now - 120 * DAY, rng);
  const gen: Generation = { texts, org, rng, now, calendar: defaultCalendar(texts.timeZone, texts.country, texts.locale, now) };
  // Each complaint draws from a stream of its own, named by its place in the plan: the order of their
  // times (which the hour of seeding moves) decides their numbers, not what they say or what was found.
  const drafts = planPaths(count, rng)
    .map((path, i) => ({ ...draft(gen, path), rng: new Rng(`${seed}:${i}`), customerRng: new Rng(`${seed}:${i}:customer`) }))
    .sort((a, b) => a.times[0]! - b.times[0]!);
  const year = localYear(now, texts.timeZone);
  const customers = new CustomerPool(texts);
  const complaints = drafts.map((d, i) => {
    const number = formatComplaintNumber(texts.slug.toUpperCase(), year, i + 1);
    return new DemoComplaint({ ...gen, rng: d.rng }, d, number, customers.next(d.times[0]!, d.customerRng)).build();
  });
  const timeline = inTimeOrder(complaints.flatMap((c) => c.events));
  return {
    organization: org,
    customers: customers.rows,
    complaints: complaints.map((c) => c.row),
    corrective_actions: complaints.flatMap((c) => c.actions),
    messages: complaints.flatMap((c) => c.messages),
    timeline_events: timeline,
    counter: { year, lastValue: complaints.length },
  };
}

/** Timeline rows in time order (their order kept among equal times), with `seq` numbering it (the identity column follows it). */
export const inTimeOrder = (rows: Row[]): Row[] =>
  rows
    .map((e, i) => ({ e, i, at: Date.parse(e.at as string) }))
    .sort((a, b) => a.at - b.at || a.i - b.i)
    .map(({ e }, seq) => ({ ...e, seq }));

/** Decides a complaint's channel, priority, timing, scenario and product. */
function draft(gen: Generation, path: Stage[]): Draft {
  const { rng, texts } = gen;
  const channel = planChannel(path, rng);
  const registeredAtOnce = path[1] === Stage.REGISTERED && STAFF_CHANNELS.includes(channel);
  const registered = path.includes(Stage.REGISTERED);
  const priority = registered
    ? rng.weighted([
        [Priority.LOW, 15],
        [Priority.NORMAL, 55],
        [Priority.HIGH, 22],
        [Priority.URGENT, 8],
      ] as const)
    : Priority.NORMAL;
  const scenario = rng.pick(texts.scenarios);
  const fitting = texts.products.filter((p) => scenario.productTypes.includes('any') || scenario.productTypes.includes(p.type));
  const demand = registered || rng.chance(0.6) ? rng.pick(scenario.demands) : null;
  const times = planTiming(path, priority, registeredAtOnce, gen.now, gen.calendar, rng, legalDays(texts.country, demand));
  return { path, times, channel, registeredAtOnce, priority, scenario, demand, product: rng.pick(fitting) };
}

/** Customers, created as their first complaint arrives; about one complaint in five is from a returning customer. */
class CustomerPool {
  readonly rows: Row[] = [];
  private readonly refs: CustomerRef[] = [];
  private readonly emails = new Set<string>();

  constructor(private readonly texts: DemoTexts) {}

  next(at: number, rng: Rng): CustomerRef {
    if (this.refs.length > 5 && rng.chance(0.2)) return rng.pick(this.refs);
    const c = this.texts.customers;
    const female = rng.chance(0.5);
    const [first, latinFirst] = rng.pick(female ? c.femaleFirst : c.maleFirst);
    const [male, femaleSurname, latinSurname] = rng.pick(c.surnames);
    const name = `${first} ${female ? femaleSurname : male}`;
    const hasEmail = rng.chance(0.85);
    const email = hasEmail ? this.uniqueEmail(`${latinFirst}.${latinSurname}`, rng.pick(c.emailDomains)) : null;
    const phone = !hasEmail || rng.chance(0.7) ? c.phone(rng.digits(9)) : null;
    const ref = { id: rng.uuid(), name, firstName: first, email, phone };
    this.refs.push(ref);
    this.rows.push({ id: ref.id, name, email, phone, created_at: new Date(at).toISOString() });
    return ref;
  }

  private uniqueEmail(local: string, domain: string): string {
    let email = `${local}@${domain}`;
    for (let n = 2; this.emails.has(email); n++) email = `${local}${n}@${domain}`;
    this.emails.add(email);
    return email;
  }
}
