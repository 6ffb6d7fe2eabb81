import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * Named totals kept by triggers (migrations 1763900300000 and 1763900700000),
 * read instead of counting a table. A total many writers move at once is
 * spread over shards: its value is the sum of its rows.
 */
@Entity({ name: 'counters' })
export class Counter {
  @PrimaryColumn({ type: 'varchar', length: 40, primaryKeyConstraintName: 'pk_counters' })
  name!: string;

  @PrimaryColumn({ type: 'smallint', default: 0, primaryKeyConstraintName: 'pk_counters' })
  shard!: number;

  @Column({ type: 'bigint', default: 0 })
  value!: string;
}
