import { registerEnumType } from 'type-graphql';

export enum Stage {
  RECEIVED = 'RECEIVED',
  REGISTERED = 'REGISTERED',
  ANALYSIS = 'ANALYSIS',
  DECISION = 'DECISION',
  IMPLEMENTATION = 'IMPLEMENTATION',
  FEEDBACK = 'FEEDBACK',
  CLOSED = 'CLOSED',
  REJECTED = 'REJECTED',
}
export const OPEN_STAGES: readonly Stage[] = [
  Stage.RECEIVED,
  Stage.REGISTERED,
  Stage.ANALYSIS,
  Stage.DECISION,
  Stage.IMPLEMENTATION,
  Stage.FEEDBACK,
];

export enum ComplaintKind {
  CLAIM = 'CLAIM',
  COMPLAINT = 'COMPLAINT',
}
export enum Channel {
  WEB = 'WEB',
  EMAIL = 'EMAIL',
  PHONE = 'PHONE',
  IN_PERSON = 'IN_PERSON',
  API = 'API',
  CHAT = 'CHAT',
}
export enum Priority {
  LOW = 'LOW',
  NORMAL = 'NORMAL',
  HIGH = 'HIGH',
  URGENT = 'URGENT',
}
export enum Demand {
  REPLACEMENT = 'REPLACEMENT',
  REFUND = 'REFUND',
  REPAIR = 'REPAIR',
  PRICE_REDUCTION = 'PRICE_REDUCTION',
  COMPENSATION = 'COMPENSATION',
  OTHER = 'OTHER',
}
export enum SlaState {
  ON_TRACK = 'ON_TRACK',
  AT_RISK = 'AT_RISK',
  BREACHED = 'BREACHED',
  PAUSED = 'PAUSED',
  NONE = 'NONE',
}
/** Objective: the product does not meet its documents; subjective: not the customer's expectation. */
export enum Validity {
  OBJECTIVE = 'OBJECTIVE',
  SUBJECTIVE = 'SUBJECTIVE',
  UNFOUNDED = 'UNFOUNDED',
}
export enum Remedy {
  REPLACE = 'REPLACE',
  REFUND = 'REFUND',
  REPAIR = 'REPAIR',
  DISCOUNT = 'DISCOUNT',
  COMPENSATION = 'COMPENSATION',
  EXPLANATION = 'EXPLANATION',
}
export enum Visibility {
  PUBLIC = 'PUBLIC',
  INTERNAL = 'INTERNAL',
}
export enum ActorKind {
  STAFF = 'STAFF',
  CUSTOMER = 'CUSTOMER',
  SYSTEM = 'SYSTEM',
  INTEGRATION = 'INTEGRATION',
}

registerEnumType(Stage, { name: 'Stage' });
registerEnumType(ComplaintKind, { name: 'ComplaintKind' });
registerEnumType(Channel, { name: 'Channel' });
registerEnumType(Priority, { name: 'Priority' });
registerEnumType(Demand, { name: 'Demand' });
registerEnumType(SlaState, { name: 'SlaState' });
registerEnumType(Validity, { name: 'Validity' });
registerEnumType(Remedy, { name: 'Remedy', description: 'The remedy chosen at DECISION' });
registerEnumType(Visibility, { name: 'Visibility', description: 'PUBLIC replies reach the customer; INTERNAL notes never do' });
registerEnumType(ActorKind, { name: 'ActorKind' });
