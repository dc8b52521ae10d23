import { ArgsType, Field, Int, ObjectType } from 'type-graphql';
import { IsOptional, MaxLength } from 'class-validator';
import { Complaint } from './complaint.entity.js';

@ObjectType({ simpleResolvers: true })
export class ComplaintEdge {
  @Field()
  cursor!: string;

  @Field(() => Complaint)
  node!: Complaint;
}

/** A page of a connection (complaints, corrective actions): how many, after which cursor; a list's own arguments extend it. */
@ArgsType()
export abstract class PageArgs {
  @Field(() => Int, { defaultValue: 50 })
  first!: number;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(200)
  after?: string | null;
}

@ObjectType({ simpleResolvers: true })
export class PageInfo {
  @Field()
  hasNextPage!: boolean;

  @Field(() => String, { nullable: true })
  endCursor!: string | null;
}

@ObjectType({ simpleResolvers: true })
export class ComplaintConnection {
  @Field(() => [ComplaintEdge])
  edges!: ComplaintEdge[];

  @Field(() => PageInfo)
  pageInfo!: PageInfo;

  /** Resolved only when selected (a count over a large tenant is not free). */
  @Field(() => Int)
  totalCount!: number;
}
