import { Check, Column, Entity, Index, PrimaryGeneratedColumn, Unique } from 'typeorm';

@Entity({ name: 'tags' })
@Unique('uq_tags_name', ['name'])
@Check('ck_tags_name', `name ~ '^[a-z0-9-]{1,30}$'`)
@Index('ix_tags_name_prefix', { synchronize: false })
@Index('ix_tags_posts', { synchronize: false })
@Index('ix_tags_name_in_use', { synchronize: false })
export class Tag {
  @PrimaryGeneratedColumn('identity', {
    type: 'int',
    generatedIdentity: 'ALWAYS',
    primaryKeyConstraintName: 'pk_tags',
  })
  id!: number;

  @Column({ type: 'varchar', length: 30 })
  name!: string;

  /** Published posts carrying the tag, kept by triggers (migration 1763900600000); never written by the app. */
  @Column({ type: 'int', default: 0, select: false, insert: false, update: false })
  posts!: number;
}
