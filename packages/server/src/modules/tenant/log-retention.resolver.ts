import { Ctx, Field, Int, ObjectType, Query, Resolver } from 'type-graphql';
import { Allow } from '../../auth/allow.js';
import { Action } from '../../auth/permissions.js';
import type { GraphQLContext } from '../../graphql/context.js';

/** How long this service keeps the logs an admin reads (MAIL_LOG_RETENTION_DAYS, WEBHOOK_LOG_RETENTION_DAYS); 0 keeps them. */
export interface LogRetentionSettings {
  mailDays: number;
  webhookDays: number;
}

@ObjectType({
  simpleResolvers: true,
  description: 'How long the logs are kept before the service deletes them (docs/operations.md, "What is deleted, and when")',
})
class LogRetention {
  @Field(() => Int, {
    nullable: true,
    description: 'Days after which mails sent or given up on, and the record of mail received, are deleted; null: kept for good',
  })
  mailDays!: number | null;

  @Field(() => Int, {
    nullable: true,
    description: 'Days after which webhook deliveries delivered or given up on, with their attempts, are deleted; null: kept for good',
  })
  webhookDays!: number | null;
}

/** The same for every company of the deployment: read by ADMIN beside the logs it applies to. */
@Resolver()
export class LogRetentionResolver {
  @Allow(Action.MANAGE_SETTINGS)
  @Query(() => LogRetention, { description: 'How long the mail and webhook logs are kept' })
  logRetention(@Ctx() gql: GraphQLContext): LogRetention {
    // The guard has signed the caller in and checked the role already; nothing of the company is read.
    const { mailDays, webhookDays } = gql.deps.logRetention;
    return { mailDays: mailDays || null, webhookDays: webhookDays || null };
  }
}
