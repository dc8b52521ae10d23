import type { RequestContext } from '../graphql/context.js';
import { fillWorkingTimes } from '../modules/analysis/stage-visits.js';

/**
 * Causes and rejection reasons with the skew real complaints show: a few
 * vital causes account for most of them (the Pareto principle), the rest
 * trail off. Weights in percent; each complaint's share comes from a hash of
 * its id, so the seed is the same on every start.
 */
const CAUSE_WEIGHTS: ReadonlyArray<[string, number]> = [
  ['SUPPLIER_DEFECT', 31],
  ['TRANSPORT_DAMAGE', 22],
  ['PROCESS_VIOLATION', 14],
  ['PACKAGING', 8],
  ['INSPECTION_MISSED', 6],
  ['STAFF_ERROR', 5],
  ['EQUIPMENT_FAILURE', 4],
  ['INSTRUCTION_GAP', 3],
  ['STORAGE_CONDITIONS', 3],
  ['TRAINING', 2],
  ['TOOL_WEAR', 1],
  ['GAUGE_ERROR', 1],
];
const REJECTION_WEIGHTS: ReadonlyArray<[string, number]> = [
  ['MISUSE', 44],
  ['WARRANTY_EXPIRED', 26],
  ['DEFECT_NOT_CONFIRMED', 15],
  ['DUPLICATE', 8],
  ['NOT_OUR_PRODUCT', 4],
  ['OTHER', 3],
];

/** `CASE` picking a code by cumulative weight from a number 0..99. */
function byWeight(weights: ReadonlyArray<[string, number]>, bucket: string): string {
  let upTo = 0;
  const arms = weights.map(([code, w]) => `WHEN ${bucket} < ${(upTo += w)} THEN '${code}'`);
  return `CASE ${arms.join(' ')} ELSE '${weights[0]![0]}' END`;
}

/**
 * After the demo's complaints and timeline are written: the default causes
 * and reasons, a code on every complaint that reached DECISION or was
 * rejected, the stage visits rebuilt from the timeline with their working
 * time (and the complaints' bit sets of stages entered), and the legal
 * outcome of each complaint already closed.
 */
export async function seedAnalysis(ctx: RequestContext): Promise<void> {
  await ctx.query('SELECT install_cause_defaults()');
  const bucket = `mod(abs(hashtext(c.id::text)), 100)`;
  await ctx.query(`UPDATE complaints c SET cause_id = k.id FROM causes k
     WHERE c.root_cause IS NOT NULL AND k.code = ${byWeight(CAUSE_WEIGHTS, bucket)}`);
  await ctx.query(`UPDATE complaints c SET rejection_reason_id = r.id FROM rejection_reasons r
     WHERE c.stage = 'REJECTED' AND r.code = ${byWeight(REJECTION_WEIGHTS, bucket)}`);
  await ctx.query('SELECT backfill_stage_visits()');
  await ctx.query('SELECT refresh_stage_bits()');
  await fillWorkingTimes(ctx);
  await ctx.query('SELECT backfill_legal_outcomes()');
}
