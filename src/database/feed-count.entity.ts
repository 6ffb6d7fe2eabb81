import { Column, Entity, JoinColumn, OneToOne, PrimaryColumn, type Relation } from 'typeorm';
import { User } from '../users/user.entity.js';

/**
 * Per follower, how many published posts the users they follow have: the
 * feed's `meta.total`, kept by triggers (migration 1763900500000) instead of
 * summing every followee's count per request. A user who never followed
 * anyone has no row (a total of 0).
 */
@Entity({ name: 'feed_counts' })
export class FeedCount {
  @PrimaryColumn({ name: 'user_id', type: 'int', primaryKeyConstraintName: 'pk_feed_counts' })
  userId!: number;

  @Column({ type: 'int', default: 0 })
  posts!: number;

  @OneToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'fk_feed_counts_user' })
  user?: Relation<User>;
}
