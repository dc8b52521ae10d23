import { Field, Int, ObjectType } from 'type-graphql';
import { Complaint } from './complaint.entity.js';

@ObjectType({ simpleResolvers: true })
export class ComplaintEdge {
  @Field()
  cursor!: string;

  @Field(() => Complaint)
  node!: Complaint;
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
