import { Column, Entity, PrimaryColumn } from 'typeorm';
import { ComplaintSortField, SortDirection } from '../complaint/complaint.order.js';

/** A staff member's own named filter and order of the complaint queue (row-level security: theirs only). */
@Entity('saved_views')
export class SavedView {
  @PrimaryColumn('uuid')
  tenantId!: string;

  @PrimaryColumn('uuid')
  id!: string;

  @Column('uuid')
  userId!: string;

  @Column('text')
  name!: string;

  /** A ComplaintFilter as the user gave it (absent fields left out). */
  @Column('jsonb')
  filter!: Record<string, unknown>;

  @Column('text')
  sortField!: ComplaintSortField;

  @Column('text')
  sortDirection!: SortDirection;

  @Column('timestamptz')
  createdAt!: Date;

  @Column('timestamptz')
  updatedAt!: Date;
}
