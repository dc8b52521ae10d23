import type { ComplaintDetailFragment, ReferenceQuery, Stage, TransitionComplaintInput } from '@reclaim/client/staff';

/** What a stage form contributes to `transitionComplaint` (the page adds id, target and version). */
export type StageFields = Omit<TransitionComplaintInput, 'id' | 'to' | 'expectedVersion'>;

export interface StageFormProps {
  complaint: ComplaintDetailFragment;
  reference: ReferenceQuery;
  /** The user filling it in (a specialist takes a complaint for themselves). */
  userId: string;
}

/** Each stage's fields component exposes this; `null` means it showed what is missing. */
export interface StageFieldsApi {
  collect(): StageFields | null;
}

/** Remedies that need an amount above zero (docs/lifecycle.md). */
export const REMEDIES_WITH_AMOUNT = ['REFUND', 'DISCOUNT', 'COMPENSATION'] as const;

/** The transition is a reopening (CLOSED -> ANALYSIS): a reason is required. */
export const isReopen = (from: Stage, to: Stage) => from === 'CLOSED' && to === 'ANALYSIS';
