import { Column, Entity, PrimaryColumn } from 'typeorm';
import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';

export enum ScheduleCadence {
  DAILY = 'DAILY',
  WEEKLY = 'WEEKLY',
}
registerEnumType(ScheduleCadence, {
  name: 'SurveyScheduleCadence',
  description: "Every day, or one day a week, at a time of the company's day",
});

export enum SurveyScheduleError {
  TIMEOUT = 'TIMEOUT',
  OTHER = 'OTHER',
}
registerEnumType(SurveyScheduleError, {
  name: 'SurveyScheduleError',
  description:
    'Why the last run failed: TIMEOUT (it waited too long for the database: other work held what it had to write, or a statement ran ' +
    'past its limit), OTHER',
});

/** What sharePercent means, in the SDL (the schedule's field and its input's). */
export const SHARE_PERCENT =
  'The share of the eligible customers invited on each run, 1-100 %: exactly that share of them, ' +
  'and a fraction of a customer left over is one more with that probability (30 % of 200 is 60; 30 % of one is one, ' +
  'on 30 % of runs); the same run always draws the same customers';

@ObjectType({ description: 'A survey sent on a schedule to the customers whose complaints closed lately (docs/surveys.md#schedules)' })
@Entity('survey_schedules')
export class SurveySchedule {
  @PrimaryColumn('uuid')
  tenantId!: string;

  @Field(() => ID)
  @PrimaryColumn('uuid')
  id!: string;

  @Field(() => ID)
  @Column('uuid')
  surveyId!: string;

  @Field({ description: 'False while paused: nothing is sent' })
  @Column('boolean')
  active!: boolean;

  @Field(() => ScheduleCadence)
  @Column('text')
  cadence!: ScheduleCadence;

  @Field(() => Int, { nullable: true, description: 'WEEKLY: 1 Monday … 7 Sunday' })
  @Column('integer', { nullable: true })
  weekday!: number | null;

  @Column('integer')
  atMinute!: number;

  @Field({ description: '"HH:MM" in the company\'s time zone' })
  get time(): string {
    return timeOfDay(this.atMinute);
  }

  @Field(() => Int, { description: 'Customers whose complaints closed in the last this many days' })
  @Column('integer')
  closedWithinDays!: number;

  @Field(() => [ID], { description: 'Only complaints of these departments (all when empty)' })
  @Column('uuid', { array: true })
  departmentIds!: string[];

  @Field(() => [ID], { description: 'Only complaints of these categories (all when empty)' })
  @Column('uuid', { array: true })
  categoryIds!: string[];

  @Field(() => Int, { description: SHARE_PERCENT })
  @Column('integer')
  sharePercent!: number;

  @Field(() => Int, { description: 'A customer invited to any survey in the last this many days is skipped' })
  @Column('integer')
  cooldownDays!: number;

  @Field(() => Date, { nullable: true, description: 'The next run; null while paused' })
  @Column('timestamptz', { nullable: true })
  nextRunAt!: Date | null;

  @Field(() => Date, { nullable: true })
  @Column('timestamptz', { nullable: true })
  lastRunAt!: Date | null;

  @Field(() => Int, { nullable: true, description: 'Customers invited by the last run' })
  @Column('integer', { nullable: true })
  lastRunInvited!: number | null;

  @Field(() => Int, {
    description:
      'Runs that failed in a row (each is tried again later: after a minute, then twice as long each time, up to an hour); 0 after a run that succeeded',
  })
  @Column('integer', { default: 0 })
  failures!: number;

  @Field(() => SurveyScheduleError, { nullable: true, description: 'Why the last run failed; null when it succeeded' })
  @Column('text', { nullable: true })
  lastErrorCode!: SurveyScheduleError | null;

  @Field(() => String, { nullable: true, description: 'What the failure said (as the database or the server said it)' })
  @Column('text', { nullable: true })
  lastErrorDetail!: string | null;

  @Field(() => Date, { nullable: true, description: 'When a run last failed' })
  @Column('timestamptz', { nullable: true })
  lastFailedAt!: Date | null;

  @Column('timestamptz')
  createdAt!: Date;

  @Column('timestamptz')
  updatedAt!: Date;
}

/** "HH:MM" of a minute of the day. */
export function timeOfDay(minute: number): string {
  return `${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`;
}
