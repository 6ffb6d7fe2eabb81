import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { ReadRouting } from '../database/read-routing.js';
import { User } from '../users/user.entity.js';
import { Profile } from './profile.entity.js';
import type { ProfileRow } from './profile.row.js';

export interface ProfileFields {
  displayName: string;
  bio: string | null;
  avatarUrl: string | null;
  location: string | null;
}

/** The fields patch() may set, and their columns. */
const PATCHABLE = { bio: 'bio', avatarUrl: 'avatar_url' } as const;

@Injectable()
export class ProfilesRepository {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly reads: ReadRouting,
  ) {}

  /** One statement: whether the user exists, and their profile if any. */
  async findByUser(userId: number): Promise<{ profile: ProfileRow | null } | undefined> {
    const row = await this.reads
      .source()
      .createQueryBuilder()
      .select('u.id', 'userId')
      .addSelect('p.display_name', 'displayName')
      .addSelect('p.bio', 'bio')
      .addSelect('p.avatar_url', 'avatarUrl')
      .addSelect('p.location', 'location')
      .addSelect('p.updated_at', 'updatedAt')
      .from(User, 'u')
      .leftJoin(Profile, 'p', 'p.user_id = u.id')
      .where('u.id = :userId', { userId })
      .getRawOne<ProfileRow & { userId: number; displayName: string | null }>();
    if (!row) return undefined;
    return { profile: row.displayName === null ? null : row };
  }

  /**
   * Creates or replaces the profile in one statement; `created` tells which
   * (xmax is 0 only on a freshly inserted row), so two racing PUTs cannot both
   * insert.
   */
  async upsert(
    userId: number,
    fields: ProfileFields,
  ): Promise<{ profile: ProfileRow; created: boolean }> {
    const result = await this.dataSource
      .createQueryBuilder()
      .insert()
      .into(Profile)
      .values({ userId, ...fields })
      .orUpdate(['display_name', 'bio', 'avatar_url', 'location', 'updated_at'], ['user_id'])
      .returning(
        'display_name AS "displayName", bio, avatar_url AS "avatarUrl", location, updated_at AS "updatedAt", (xmax = 0) AS created',
      )
      .execute();
    const row = (result.raw as (ProfileRow & { created: boolean })[])[0];
    const { created, ...profile } = row;
    return { profile, created };
  }

  /**
   * Sets some of the profile's fields (bio, avatar), creating the profile when
   * the user has none, with their username as its display name (the one
   * field a profile cannot lack). One statement, on `manager` when given.
   */
  async patch(
    userId: number,
    fields: Partial<Pick<ProfileFields, 'bio' | 'avatarUrl'>>,
    manager?: EntityManager,
  ): Promise<void> {
    const set = (Object.keys(PATCHABLE) as (keyof typeof PATCHABLE)[]).filter(
      (field) => fields[field] !== undefined,
    );
    if (set.length === 0) return;
    await (manager ?? this.dataSource).query(
      `INSERT INTO profiles (user_id, display_name, bio, avatar_url)
       SELECT u.id, u.username, $2, $3 FROM users u WHERE u.id = $1
       ON CONFLICT (user_id) DO UPDATE
         SET ${set.map((field) => `${PATCHABLE[field]} = EXCLUDED.${PATCHABLE[field]}`).join(', ')},
             updated_at = now()`,
      [userId, fields.bio ?? null, fields.avatarUrl ?? null],
    );
  }

  async delete(userId: number): Promise<boolean> {
    const result = await this.dataSource
      .createQueryBuilder()
      .delete()
      .from(Profile)
      .where('user_id = :userId', { userId })
      .execute();
    return (result.affected ?? 0) > 0;
  }
}
