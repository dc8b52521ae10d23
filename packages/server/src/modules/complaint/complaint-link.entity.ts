import { Column, Entity, PrimaryColumn } from 'typeorm';
import { registerEnumType } from 'type-graphql';

export enum ComplaintLinkKind {
  /** The same problem came back: a new complaint about what an earlier one was about. */
  REPEAT = 'REPEAT',
  /** The same case filed twice. */
  DUPLICATE = 'DUPLICATE',
}
registerEnumType(ComplaintLinkKind, {
  name: 'ComplaintLinkKind',
  description: 'REPEAT: the same problem came back; DUPLICATE: the same case filed twice',
});

/** A link between two complaints of one company: one row a pair, the smaller id first. */
@Entity('complaint_links')
export class ComplaintLink {
  @PrimaryColumn('uuid')
  tenantId!: string;

  @PrimaryColumn('uuid')
  complaintId!: string;

  @PrimaryColumn('uuid')
  linkedId!: string;

  @Column('text')
  kind!: ComplaintLinkKind;

  @Column('uuid', { nullable: true })
  createdBy!: string | null;

  @Column('timestamptz')
  createdAt!: Date;
}
