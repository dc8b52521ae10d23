import { Arg, Args, ArgsType, Ctx, Field, FieldResolver, ID, InputType, Mutation, Query, Resolver, Root } from 'type-graphql';
import { Action, can } from '../../auth/permissions.js';
import { Allow, STAFF } from '../../auth/allow.js';
import { authorizeScope } from '../../auth/scopes.js';
import { ArrayMaxSize, ArrayMinSize, IsOptional, MaxLength } from 'class-validator';
import type { GraphQLContext } from '../../graphql/context.js';
import { Role } from '../../auth/roles.js';
import { IsEntityId, PlainText } from '../../graphql/validation.js';
import { Department } from '../department/department.entity.js';
import { User } from './user.entity.js';
import { InviteUserInput } from '../account/account.resolver.js';
import { createUser, listUsers, updateUser } from './user.service.js';

/** A staff member created with a password set by the admin (the API; the console invites by mail: InviteUserInput). */
@InputType()
export class CreateUserInput extends InviteUserInput {
  @Field()
  @MaxLength(200, { message: 'password must be at most 200 characters' })
  password!: string;
}

@InputType()
export class UpdateUserInput {
  @Field(() => ID)
  @IsEntityId()
  id!: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @PlainText({ max: 200, singleLine: true })
  name?: string | null;

  @Field(() => [Role], { nullable: true })
  @IsOptional()
  @ArrayMinSize(1, { message: 'roles must name at least one role' })
  @ArrayMaxSize(5)
  roles?: Role[] | null;

  @Field(() => [ID], { nullable: true, description: 'Replaces the memberships' })
  @IsOptional()
  @ArrayMaxSize(100)
  @IsEntityId({ each: true })
  departmentIds?: string[] | null;

  @Field(() => Boolean, { nullable: true, description: 'false signs the user out and refuses new sign-ins' })
  active?: boolean | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(200, { message: 'password must be at most 200 characters' })
  password?: string | null;
}

@ArgsType()
class UsersArgs {
  @Field(() => ID, { nullable: true })
  @IsOptional()
  @IsEntityId()
  departmentId?: string | null;
}

/**
 * A staff member's e-mail, roles and departments are for staff: an API key
 * that reads complaints sees who acted on them by name only (FORBIDDEN,
 * SCOPE_MISSING, as an operation no scope admits; docs/integrations.md).
 */
async function staffOnly(gql: GraphQLContext): Promise<void> {
  const integration = (await gql.current()).actor?.integration;
  if (integration) authorizeScope(integration, null);
}

@Resolver(() => User)
export class UserResolver {
  @Allow(STAFF)
  @Query(() => [User], { description: 'Staff of your company, by name; optionally of one department' })
  async users(@Args() { departmentId }: UsersArgs, @Ctx() gql: GraphQLContext): Promise<User[]> {
    return listUsers(await gql.staff(), departmentId ?? null);
  }

  @Allow(Action.MANAGE_USERS)
  @Mutation(() => User)
  async createUser(@Arg('input') input: CreateUserInput, @Ctx() gql: GraphQLContext): Promise<User> {
    return createUser(await gql.staff(), input);
  }

  @Allow(Action.MANAGE_USERS)
  @Mutation(() => User)
  async updateUser(@Arg('input') input: UpdateUserInput, @Ctx() gql: GraphQLContext): Promise<User> {
    const ctx = await gql.staff();
    const { user, sessionEnded } = await updateUser(ctx, input);
    if (sessionEnded) ctx.afterCommit(() => gql.deps.sessions?.ended(ctx.tenantId, user.id, user.credentialsVersion));
    return user;
  }

  @FieldResolver(() => Boolean, { description: 'Invited by mail and has not set a password yet: cannot sign in' })
  async invited(@Root() u: User, @Ctx() gql: GraphQLContext): Promise<boolean> {
    await staffOnly(gql);
    return Boolean(u.invitedAt);
  }

  @FieldResolver(() => String)
  async email(@Root() u: User, @Ctx() gql: GraphQLContext): Promise<string> {
    await staffOnly(gql);
    return u.email;
  }

  @FieldResolver(() => [Role])
  async roles(@Root() u: User, @Ctx() gql: GraphQLContext): Promise<Role[]> {
    await staffOnly(gql);
    return u.roles;
  }

  @FieldResolver(() => [Action], {
    description: 'What the roles allow across the company (docs/roles.md); per complaint, Complaint.abilities says more',
  })
  async can(@Root() u: User, @Ctx() gql: GraphQLContext): Promise<Action[]> {
    await staffOnly(gql);
    return Object.values(Action).filter((action) => can(u, action));
  }

  @FieldResolver(() => [Department])
  async departments(@Root() user: User, @Ctx() gql: GraphQLContext): Promise<Department[]> {
    await staffOnly(gql);
    return (await gql.current()).loaders.userDepartments.load(user.id);
  }
}
