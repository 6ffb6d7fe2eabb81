import { Column, Entity, Index, JoinColumn, OneToOne, PrimaryColumn, type Relation } from 'typeorm';
import { Post } from './post.entity.js';

/**
 * A post's counts, kept by triggers on votes and comments (migration
 * 1763900600000) in a narrow table of their own, so that a vote or a comment
 * rewrites this small row and never the post's row or its indexes. Never
 * written by the app.
 */
@Entity({ name: 'post_counters' })
@Index('ix_post_counters_votes', ['votes', 'postId'])
@Index('ix_post_counters_comments', ['comments', 'postId'])
export class PostCounter {
  @PrimaryColumn({ name: 'post_id', type: 'int', primaryKeyConstraintName: 'pk_post_counters' })
  postId!: number;

  @Column({ type: 'int', default: 0 })
  votes!: number;

  /** Every comment, replies included. */
  @Column({ type: 'int', default: 0 })
  comments!: number;

  /** Top-level comments only. */
  @Column({ type: 'int', default: 0 })
  threads!: number;

  @OneToOne(() => Post, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'post_id', foreignKeyConstraintName: 'fk_post_counters_post' })
  post?: Relation<Post>;
}
