import {
  Column,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryColumn,
  type Relation,
} from 'typeorm';
import { Post } from '../posts/post.entity.js';
import { Tag } from './tag.entity.js';

/** The posts ⇄ tags link; both sides cascade. */
@Entity({ name: 'post_tags' })
@Index('ix_post_tags_tag', ['tagId', 'postId'])
@Index('ix_post_tags_tag_published_created', { synchronize: false })
export class PostTag {
  @PrimaryColumn({ name: 'post_id', type: 'int', primaryKeyConstraintName: 'pk_post_tags' })
  postId!: number;

  @PrimaryColumn({ name: 'tag_id', type: 'int', primaryKeyConstraintName: 'pk_post_tags' })
  tagId!: number;

  /** A copy of the post's `published`, kept by triggers: how the link moves its tag's count. */
  @Column({ type: 'boolean', default: false, select: false, insert: false, update: false })
  published!: boolean;

  /** A copy of the post's `created_at`, kept by triggers: walks a tag's posts in date order. */
  @Column({
    name: 'created_at',
    type: 'timestamptz',
    select: false,
    insert: false,
    update: false,
  })
  createdAt!: Date;

  @ManyToOne(() => Post, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'post_id', foreignKeyConstraintName: 'fk_post_tags_post' })
  post?: Relation<Post>;

  @ManyToOne(() => Tag, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'tag_id', foreignKeyConstraintName: 'fk_post_tags_tag' })
  tag?: Relation<Tag>;
}
