import { Check, Column, Entity, Index, PrimaryGeneratedColumn, Unique } from 'typeorm';

@Entity({ name: 'tags' })
@Unique('uq_tags_name', ['name'])
@Check('ck_tags_name', `name ~ '^[a-z0-9-]{1,30}$'`)
@Index('ix_tags_name_prefix', { synchronize: false })
export class Tag {
  @PrimaryGeneratedColumn('identity', {
    type: 'int',
    generatedIdentity: 'ALWAYS',
    primaryKeyConstraintName: 'pk_tags',
  })
  id!: number;

  @Column({ type: 'varchar', length: 30 })
  name!: string;
}
