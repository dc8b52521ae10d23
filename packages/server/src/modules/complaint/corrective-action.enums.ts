import { registerEnumType } from 'type-graphql';

/**
 * CORRECTION fixes this customer's case and is done before the customer is
 * asked for feedback; CORRECTIVE removes the cause and PREVENTIVE keeps it
 * from happening elsewhere: those two go on after the complaint is closed.
 */
export enum CorrectiveActionKind {
  CORRECTION = 'CORRECTION',
  CORRECTIVE = 'CORRECTIVE',
  PREVENTIVE = 'PREVENTIVE',
}
/** Where an action is: not done, done and waiting for its effectiveness check, or checked. */
export enum CorrectiveActionStatus {
  OPEN = 'OPEN',
  DONE = 'DONE',
  VERIFIED_EFFECTIVE = 'VERIFIED_EFFECTIVE',
  NOT_EFFECTIVE = 'NOT_EFFECTIVE',
}
export enum Effectiveness {
  EFFECTIVE = 'EFFECTIVE',
  NOT_EFFECTIVE = 'NOT_EFFECTIVE',
}

registerEnumType(CorrectiveActionKind, {
  name: 'CorrectiveActionKind',
  description: "CORRECTION: fixes this customer's case, done before FEEDBACK; CORRECTIVE, PREVENTIVE: go on after closing",
});
registerEnumType(CorrectiveActionStatus, { name: 'CorrectiveActionStatus' });
registerEnumType(Effectiveness, { name: 'Effectiveness' });
