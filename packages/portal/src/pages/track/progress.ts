import type { Stage } from '@reclaim/client/portal';

export const PROGRESS: readonly Stage[] = ['RECEIVED', 'REGISTERED', 'ANALYSIS', 'DECISION', 'IMPLEMENTATION', 'FEEDBACK', 'CLOSED'];
export const FINAL_STAGES: readonly Stage[] = ['CLOSED', 'REJECTED'];

export type StepState = 'done' | 'current' | 'upcoming' | 'skipped' | 'rejected';
export interface Step {
  stage: Stage;
  state: StepState;
}

/**
 * The line the customer sees. A declined complaint keeps what it went
 * through (at least its receipt), the rest is "not reached", and the line
 * ends in "Declined" instead of "Closed"; the portal does not say at which
 * stage it was declined, so only the receipt is shown as done.
 */
export function progressSteps(stage: Stage): Step[] {
  if (stage === 'REJECTED') {
    return [
      { stage: 'RECEIVED', state: 'done' },
      ...PROGRESS.slice(1, -1).map((s): Step => ({ stage: s, state: 'skipped' })),
      { stage: 'REJECTED', state: 'rejected' },
    ];
  }
  const at = PROGRESS.indexOf(stage);
  return PROGRESS.map((s, i): Step => ({
    stage: s,
    state: i < at || (s === 'CLOSED' && stage === 'CLOSED') ? 'done' : i === at ? 'current' : 'upcoming',
  }));
}
