/**
 * Tells this process's scheduler that a transaction just committed a clock
 * that fires at `at` (ms since the epoch), so that a deadline nearer than
 * its next look at the database still fires on time. Other nodes find it
 * on their next look (every second).
 */
type Listener = (at: number) => void;
const listeners = new Set<Listener>();

export function onDeadlineWritten(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function deadlineWritten(at: number): void {
  for (const l of listeners) l(at);
}
