import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  Unique,
  UpdateDateColumn,
  type Relation,
} from 'typeorm';
import { User } from '../users/user.entity.js';

// Partial and expression indexes live in the migration; synchronize: false keeps the diff off them.
@Entity({ name: 'posts' })
@Index('ix_posts_published_created', { synchronize: false })
@Index('ix_posts_published_title', { synchronize: false })
@Index('ix_posts_title_trgm', { synchronize: false })
@Index('ix_posts_content_trgm', { synchronize: false })
@Index('ix_posts_published_votes', { synchronize: false })
@Index('ix_posts_published_comments', { synchronize: false })
@Index('ix_posts_author_created', ['authorId', 'createdAt', 'id'])
@Unique('uq_posts_slug', ['slug'])
export class Post {
  @PrimaryGeneratedColumn('identity', {
    type: 'int',
    generatedIdentity: 'ALWAYS',
    primaryKeyConstraintName: 'pk_posts',
  })
  id!: number;

  @Column({ name: 'author_id', type: 'int' })
  authorId!: number;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'author_id', foreignKeyConstraintName: 'fk_posts_author' })
  author?: Relation<User>;

  @Column({ type: 'varchar', length: 200 })
  title!: string;

  @Column({ type: 'varchar', length: 20000 })
  content!: string;

  @Column({ type: 'varchar', length: 500, nullable: true })
  description!: string | null;

  /** Set by the database from the title and the id (migration 1764000000000); never written here. */
  @Column({ type: 'varchar', length: 100, insert: false, update: false })
  slug!: string;

  @Column({ type: 'boolean', default: true })
  published!: boolean;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
