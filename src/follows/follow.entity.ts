import {
  Check,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryColumn,
  type Relation,
} from 'typeorm';
import { User } from '../users/user.entity.js';

/** follower → followee; the pair is the key, and nobody follows themselves. */
@Entity({ name: 'follows' })
@Check('ck_follows_not_self', 'follower_id <> followee_id')
@Index('ix_follows_followee_created', ['followeeId', 'createdAt', 'followerId'])
@Index('ix_follows_follower_created', ['followerId', 'createdAt', 'followeeId'])
export class Follow {
  @PrimaryColumn({ name: 'follower_id', type: 'int', primaryKeyConstraintName: 'pk_follows' })
  followerId!: number;

  @PrimaryColumn({ name: 'followee_id', type: 'int', primaryKeyConstraintName: 'pk_follows' })
  followeeId!: number;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'follower_id', foreignKeyConstraintName: 'fk_follows_follower' })
  follower?: Relation<User>;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'followee_id', foreignKeyConstraintName: 'fk_follows_followee' })
  followee?: Relation<User>;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
