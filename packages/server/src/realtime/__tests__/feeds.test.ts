import 'reflect-metadata';
import { buildSchema } from 'graphql';
import { describe, expect, it } from 'vitest';
import { buildPortalSchema, buildStaffSchema } from '../../graphql/schema.js';
import { feedsOf } from '../feeds.js';

describe('feedsOf: each subscription declares its feed where it is resolved', () => {
  it('finds the feed of every subscription of both schemas', async () => {
    expect(Object.keys(feedsOf(await buildStaffSchema())).sort()).toEqual([
      'complaintStageChanged',
      'complaintUpdated',
      'correctiveActionsChanged',
      'myNotifications',
      'slaBreached',
      'surveyDetractorAnswered',
    ]);
    expect(Object.keys(feedsOf(await buildPortalSchema()))).toEqual(['complaintStatusChanged']);
  });

  it('refuses a schema with a subscription that declares none', () => {
    const schema = buildSchema('type Query { a: Int } type Subscription { ticks: Int }');
    expect(() => feedsOf(schema)).toThrow('subscription ticks declares no @LiveFeed');
  });
});
