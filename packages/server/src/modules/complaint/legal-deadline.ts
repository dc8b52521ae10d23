import { Demand } from './complaint.enums.js';

/**
 * Calendar days the law allows for each demand, counted from the day the
 * customer presented it (Russian consumer protection law: art. 22 refund and
 * price reduction, and compensation of losses, 10 days; art. 21 replacement,
 * 7 days; art. 20 repair, 45 days at most). Never paused.
 */
export const DEFAULT_LEGAL_DAYS: Readonly<Partial<Record<Demand, number>>> = {
  [Demand.REFUND]: 10,
  [Demand.PRICE_REDUCTION]: 10,
  [Demand.COMPENSATION]: 10,
  [Demand.REPLACEMENT]: 7,
  [Demand.REPAIR]: 45,
};

const DAY_MS = 24 * 3600 * 1000;

/** The legal deadline for a demand presented at `presentedAt`, or null when the law sets none. */
export function legalDueAt(demand: Demand | null | undefined, presentedAt: Date): Date | null {
  const days = demand ? DEFAULT_LEGAL_DAYS[demand] : undefined;
  return days === undefined ? null : new Date(presentedAt.getTime() + days * DAY_MS);
}
