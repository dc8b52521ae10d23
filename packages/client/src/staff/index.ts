export * from './generated.js';
import type { Role, Stage } from './generated.js';

/** The stages of a department's queue, in lifecycle order. */
export const OPEN_STAGES: readonly Stage[] = ['RECEIVED', 'REGISTERED', 'ANALYSIS', 'DECISION', 'IMPLEMENTATION', 'FEEDBACK'];
export const FINAL_STAGES: readonly Stage[] = ['CLOSED', 'REJECTED'];
export const ALL_STAGES: readonly Stage[] = [...OPEN_STAGES, ...FINAL_STAGES];
export const ROLES: readonly Role[] = ['OPERATOR', 'SPECIALIST', 'QUALITY_MANAGER', 'HEAD', 'ADMIN'];
