import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Named totals kept by triggers (see migration 1763900300000), read instead of counting a table. */
@Entity({ name: 'counters' })
export class Counter {
  @PrimaryColumn({ type: 'varchar', length: 40, primaryKeyConstraintName: 'pk_counters' })
  name!: string;

  @Column({ type: 'bigint', default: 0 })
  value!: string;
}
