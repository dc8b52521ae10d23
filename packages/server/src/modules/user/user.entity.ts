import { Column, Entity, PrimaryColumn } from 'typeorm';
import { Field, ID, ObjectType } from 'type-graphql';
import { Role } from '../../auth/roles.js';

@ObjectType({ simpleResolvers: true, description: 'A staff member of one tenant' })
@Entity('users')
export class User {
  @PrimaryColumn('uuid')
  tenantId!: string;

  @Field(() => ID)
  @PrimaryColumn('uuid')
  id!: string;

  @Field()
  @Column('text')
  email!: string;

  @Field()
  @Column('text')
  name!: string;

  /** Null while the user is invited and has not set a password yet: they cannot sign in. */
  @Column('text', { nullable: true })
  passwordHash!: string | null;

  /** When the user was invited by mail; null once they set their password (or for a user created with one). */
  @Column('timestamptz', { nullable: true })
  invitedAt!: Date | null;

  @Field(() => [Role])
  @Column('text', { array: true })
  roles!: Role[];

  @Field()
  @Column('boolean')
  active!: boolean;

  /** Raised by a password, role, department or status change: tokens signed with an older one are refused. */
  @Column('int')
  credentialsVersion!: number;

  @Field()
  @Column('timestamptz')
  createdAt!: Date;
}

@Entity('user_departments')
export class UserDepartment {
  @PrimaryColumn('uuid')
  tenantId!: string;

  @PrimaryColumn('uuid')
  userId!: string;

  @PrimaryColumn('uuid')
  departmentId!: string;
}
