import { Arg, Args, ArgsType, Ctx, Field, ID, InputType, Mutation, Resolver } from 'type-graphql';
import { ArrayMaxSize, ArrayMinSize, IsEmail, IsOptional, MaxLength } from 'class-validator';
import { Action } from '../../auth/permissions.js';
import { Allow, PUBLIC } from '../../auth/allow.js';
import { Role } from '../../auth/roles.js';
import type { GraphQLContext, RequestContext } from '../../graphql/context.js';
import { AppError } from '../../graphql/errors.js';
import { IsEntityId, PlainText } from '../../graphql/validation.js';
import { User } from '../user/user.entity.js';
import { AuthPayload, withToken } from '../tenant/tenant.resolver.js';
import type { Session } from '../tenant/tenant.service.js';
import {
  acceptInvitation,
  confirmAddress,
  inviteUser,
  requestPasswordReset,
  resendAddressConfirmation,
  resendInvitation,
  resetPassword,
  revokeInvitation,
} from './account.service.js';

@InputType()
export class InviteUserInput {
  @Field()
  @MaxLength(254)
  @IsEmail({}, { message: 'email is not a valid e-mail address' })
  email!: string;

  @Field()
  @PlainText({ max: 200, singleLine: true })
  name!: string;

  @Field(() => [Role])
  @ArrayMinSize(1, { message: 'roles must name at least one role' })
  @ArrayMaxSize(5)
  roles!: Role[];

  @Field(() => [ID], { nullable: true })
  @IsOptional()
  @ArrayMaxSize(100)
  @IsEntityId({ each: true })
  departmentIds?: string[] | null;
}

@InputType({ description: 'A one-time link of an account mail: the company in its path, the token in its fragment' })
export class AccountLinkInput {
  @Field()
  @MaxLength(40)
  tenantSlug!: string;

  @Field()
  @MaxLength(100)
  token!: string;
}

@InputType()
export class SetPasswordInput extends AccountLinkInput {
  @Field()
  @MaxLength(200, { message: 'password must be at most 200 characters' })
  password!: string;
}

@InputType()
export class PasswordResetRequestInput {
  @Field()
  @MaxLength(40)
  tenantSlug!: string;

  @Field()
  @MaxLength(254)
  email!: string;
}

@ArgsType()
class InvitedUserArgs {
  @Field(() => ID)
  @IsEntityId()
  userId!: string;
}

/** The company of a link: an unknown slug is LINK_INVALID, as an unknown token. */
async function linkCompany(gql: GraphQLContext, slug: string): Promise<RequestContext> {
  const ctx = await gql.forSlug(slug);
  if (!ctx) throw new AppError('BAD_USER_INPUT', 'this link is not valid', { reason: 'LINK_INVALID' });
  return ctx;
}

/** Signs in with the session a password set gives, and ends the user's other sessions' sockets once it commits. */
function signedIn(gql: GraphQLContext, ctx: RequestContext, session: Session): Promise<AuthPayload> {
  ctx.afterCommit(() => gql.deps.sessions?.ended(ctx.tenantId, session.user.id, session.user.credentialsVersion));
  return withToken(gql, session);
}

@Resolver()
export class AccountResolver {
  @Allow(Action.MANAGE_USERS)
  @Mutation(() => User, {
    description: 'Invites a staff member by mail; they set their password with the link (it expires) and cannot sign in before',
  })
  async inviteUser(@Arg('input') input: InviteUserInput, @Ctx() gql: GraphQLContext): Promise<User> {
    return inviteUser(await gql.staff(), input, gql.deps.accounts);
  }

  @Allow(Action.MANAGE_USERS)
  @Mutation(() => User, { description: 'Sends the invitation again with a new link; the earlier link stops working' })
  async resendInvitation(@Args() { userId }: InvitedUserArgs, @Ctx() gql: GraphQLContext): Promise<User> {
    return resendInvitation(await gql.staff(), userId, gql.deps.accounts);
  }

  @Allow(Action.MANAGE_USERS)
  @Mutation(() => User, { description: 'Revokes an invitation: its link stops working and the user is deactivated' })
  async revokeInvitation(@Args() { userId }: InvitedUserArgs, @Ctx() gql: GraphQLContext): Promise<User> {
    return revokeInvitation(await gql.staff(), userId);
  }

  @Allow(PUBLIC)
  @Mutation(() => AuthPayload, { description: "The invited staff member sets their password with the invitation's link and is signed in" })
  async acceptInvitation(@Arg('input') input: SetPasswordInput, @Ctx() gql: GraphQLContext): Promise<AuthPayload> {
    const ctx = await linkCompany(gql, input.tenantSlug);
    return signedIn(gql, ctx, await acceptInvitation(ctx, input.token, input.password));
  }

  /**
   * Always true, in about the same time, whether the company and the
   * address exist or not (the commit included); a mail goes only to an
   * active account. Its unit of work ends here: nothing may follow it in
   * the same request. Counted
   * per address and per account before any look-up (RATE_LIMITED beyond).
   */
  @Allow(PUBLIC)
  @Mutation(() => Boolean, {
    description: 'Mails a link to set a new password, if the address has an account; the answer is the same either way',
  })
  async requestPasswordReset(@Arg('input') { tenantSlug, email }: PasswordResetRequestInput, @Ctx() gql: GraphQLContext): Promise<boolean> {
    await gql.limitAnonymous();
    await gql.deps.passwordResets.take(gql.clientAddress, `${tenantSlug.trim().toLowerCase()}:${email.trim().toLowerCase()}`);
    await gql.deps.passwordResets.padded(async () => {
      await requestPasswordReset(await gql.forSlug(tenantSlug), email, gql.deps.accounts);
      // Committed inside the floor: only an account's request writes (and its commit flushes), which must not show in the time.
      await gql.uow.finish(true);
    });
    return true;
  }

  @Allow(PUBLIC)
  @Mutation(() => AuthPayload, { description: "Sets a new password with a reset link and signs in; the user's other sessions end" })
  async resetPassword(@Arg('input') input: SetPasswordInput, @Ctx() gql: GraphQLContext): Promise<AuthPayload> {
    const ctx = await linkCompany(gql, input.tenantSlug);
    return signedIn(gql, ctx, await resetPassword(ctx, input.token, input.password));
  }

  @Allow(PUBLIC)
  @Mutation(() => Boolean, { description: "Confirms the company admin's address with the link of the mail sent at sign-up" })
  async confirmAddress(@Arg('input') input: AccountLinkInput, @Ctx() gql: GraphQLContext): Promise<boolean> {
    return confirmAddress(await linkCompany(gql, input.tenantSlug), input.token);
  }

  @Allow(Action.MANAGE_SETTINGS)
  @Mutation(() => Boolean, {
    description: 'Sends the address confirmation again, to the signed-in admin; false when the address is confirmed already',
  })
  async resendAddressConfirmation(@Ctx() gql: GraphQLContext): Promise<boolean> {
    return resendAddressConfirmation(await gql.staff(), gql.deps.accounts);
  }
}
