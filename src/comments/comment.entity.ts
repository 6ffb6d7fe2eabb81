import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  type Relation,
} from 'typeorm';
import { Post } from '../posts/post.entity.js';
import { User } from '../users/user.entity.js';

/** A comment on a post, or a reply to another comment of the same post. */
@Entity({ name: 'comments' })
@Index('ix_comments_post_parent_created', ['postId', 'parentId', 'createdAt', 'id'])
@Index('ix_comments_post_created', ['postId', 'createdAt', 'id'])
@Index('ix_comments_parent', { synchronize: false })
@Index('ix_comments_author', ['authorId'])
export class Comment {
  @PrimaryGeneratedColumn('identity', {
    type: 'int',
    generatedIdentity: 'ALWAYS',
    primaryKeyConstraintName: 'pk_comments',
  })
  id!: number;

  @Column({ name: 'post_id', type: 'int' })
  postId!: number;

  @ManyToOne(() => Post, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'post_id', foreignKeyConstraintName: 'fk_comments_post' })
  post?: Relation<Post>;

  @Column({ name: 'author_id', type: 'int' })
  authorId!: number;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'author_id', foreignKeyConstraintName: 'fk_comments_author' })
  author?: Relation<User>;

  @Column({ name: 'parent_id', type: 'int', nullable: true })
  parentId!: number | null;

  @ManyToOne(() => Comment, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'parent_id', foreignKeyConstraintName: 'fk_comments_parent' })
  parent?: Relation<Comment> | null;

  @Column({ type: 'varchar', length: 5000 })
  body!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  /** Direct replies, kept by a trigger on comments (migration 1763900600000); never written by the app. */
  @Column({ type: 'int', default: 0, select: false, insert: false, update: false })
  replies!: number;
}
