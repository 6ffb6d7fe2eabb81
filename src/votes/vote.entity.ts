import {
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryColumn,
  type Relation,
} from 'typeorm';
import { Post } from '../posts/post.entity.js';
import { User } from '../users/user.entity.js';

/** One vote per user per post: the primary key is the pair. */
@Entity({ name: 'votes' })
@Index('ix_votes_post_created', ['postId', 'createdAt', 'userId'])
@Index('ix_votes_user', ['userId'])
export class Vote {
  @PrimaryColumn({ name: 'post_id', type: 'int', primaryKeyConstraintName: 'pk_votes' })
  postId!: number;

  @PrimaryColumn({ name: 'user_id', type: 'int', primaryKeyConstraintName: 'pk_votes' })
  userId!: number;

  @ManyToOne(() => Post, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'post_id', foreignKeyConstraintName: 'fk_votes_post' })
  post?: Relation<Post>;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'fk_votes_user' })
  user?: Relation<User>;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
