import { Column, Entity, PrimaryColumn } from 'typeorm';
import { Field, ID, Int, ObjectType } from 'type-graphql';
import type { BusinessCalendar as CalendarRules, WorkingPeriod as PeriodRules } from './business-time.js';

@ObjectType({ simpleResolvers: true, description: 'Local working hours on one weekday' })
export class WorkingPeriod implements PeriodRules {
  @Field(() => Int, { description: 'ISO weekday: 1 Monday … 7 Sunday' })
  weekday!: number;

  @Field({ description: "Local time 'HH:MM'" })
  start!: string;

  @Field({ description: "Local time 'HH:MM' ('24:00' allowed); not after start means the period runs past midnight" })
  end!: string;
}

@ObjectType({
  simpleResolvers: true,
  description: 'When SLA time runs: a time zone, working periods per weekday, holidays and transferred working days; or 24/7',
})
@Entity('business_calendars')
export class BusinessCalendar {
  @PrimaryColumn('uuid')
  tenantId!: string;

  @Field(() => ID)
  @PrimaryColumn('uuid')
  id!: string;

  @Field()
  @Column('text')
  name!: string;

  @Field({ description: 'IANA time zone, e.g. Europe/Moscow' })
  @Column('text')
  timeZone!: string;

  @Field({ description: 'Open around the clock: periods and holidays are ignored' })
  @Column('boolean')
  alwaysOpen!: boolean;

  @Field(() => [WorkingPeriod])
  @Column('jsonb')
  periods!: WorkingPeriod[];

  @Field(() => [String], { description: "Local dates 'YYYY-MM-DD' without working time" })
  @Column('jsonb')
  holidays!: string[];

  @Field(() => [String], {
    description:
      "Local dates 'YYYY-MM-DD' that are working days whatever their weekday (transferred working days); they take the periods of the first weekday that has any",
  })
  @Column('jsonb')
  workingDays!: string[];

  @Field()
  @Column('timestamptz')
  createdAt!: Date;
}

export const calendarRules = (c: BusinessCalendar): CalendarRules => ({
  timeZone: c.timeZone,
  alwaysOpen: c.alwaysOpen,
  periods: c.periods,
  holidays: c.holidays,
  workingDays: c.workingDays,
});
