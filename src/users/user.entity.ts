import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  OneToOne,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
  type Relation,
} from 'typeorm';
import { Profile } from '../profiles/profile.entity.js';

// Case-insensitive uniqueness lives in expression indexes the migration creates;
// synchronize: false keeps the schema diff from touching them.
@Entity({ name: 'users' })
@Index('uq_users_email', { synchronize: false })
@Index('uq_users_username', { synchronize: false })
@Index('ix_users_username_trgm', { synchronize: false })
@Index('ix_users_created_at', ['createdAt', 'id'])
export class User {
  @PrimaryGeneratedColumn('identity', {
    type: 'int',
    generatedIdentity: 'ALWAYS',
    primaryKeyConstraintName: 'pk_users',
  })
  id!: number;

  /** Stored lowercased. */
  @Column({ type: 'varchar', length: 254 })
  email!: string;

  @Column({ type: 'varchar', length: 30 })
  username!: string;

  @Column({ name: 'password_hash', type: 'text' })
  passwordHash!: string;

  /** Bumped on a password change: tokens carrying an older version are refused. */
  @Column({ name: 'token_version', type: 'int', default: 0 })
  tokenVersion!: number;

  /** Published posts, kept by a trigger on posts (migration 1763900300000); never written by the app. */
  @Column({
    name: 'published_posts',
    type: 'int',
    default: 0,
    select: false,
    insert: false,
    update: false,
  })
  publishedPosts!: number;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;

  @OneToOne(() => Profile, (profile) => profile.user)
  profile?: Relation<Profile> | null;
}
