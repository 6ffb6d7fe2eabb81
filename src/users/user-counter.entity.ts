import { Column, Entity, Index, JoinColumn, OneToOne, PrimaryColumn, type Relation } from 'typeorm';
import { User } from './user.entity.js';

/**
 * A user's followers and followees, kept by triggers on follows (migration
 * 1763900600000), off the users row so that following someone never waits on
 * (or blocks) a change to their account. Never written by the app.
 */
@Entity({ name: 'user_counters' })
@Index('ix_user_counters_followers', ['followers', 'userId'])
export class UserCounter {
  @PrimaryColumn({ name: 'user_id', type: 'int', primaryKeyConstraintName: 'pk_user_counters' })
  userId!: number;

  @Column({ type: 'int', default: 0 })
  followers!: number;

  @Column({ type: 'int', default: 0 })
  following!: number;

  @OneToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'fk_user_counters_user' })
  user?: Relation<User>;
}
