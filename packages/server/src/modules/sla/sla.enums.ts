import { registerEnumType } from 'type-graphql';
import { SlaTarget } from './sla-clock.js';

export enum SlaEventKind {
  AT_RISK = 'AT_RISK',
  BREACHED = 'BREACHED',
}
/** The contract's two clocks: SLA (the operational targets) and LEGAL. */
export enum SlaClock {
  SLA = 'SLA',
  LEGAL = 'LEGAL',
}

registerEnumType(SlaEventKind, { name: 'SlaEventKind' });
registerEnumType(SlaClock, { name: 'SlaClock', description: 'SLA: the operational clock; LEGAL: the statutory deadline' });
registerEnumType(SlaTarget, {
  name: 'SlaTarget',
  description: 'Which deadline: FIRST_RESPONSE, RESOLUTION, STAGE (the current stage) or LEGAL',
});

export const clockOf = (target: SlaTarget): SlaClock => (target === SlaTarget.LEGAL ? SlaClock.LEGAL : SlaClock.SLA);
