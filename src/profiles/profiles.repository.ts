import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { User } from '../users/user.entity.js';
import { Profile } from './profile.entity.js';
import type { ProfileRow } from './profile.row.js';

export interface ProfileFields {
  displayName: string;
  bio: string | null;
  avatarUrl: string | null;
  location: string | null;
}

@Injectable()
export class ProfilesRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** One statement: whether the user exists, and their profile if any. */
  async findByUser(userId: number): Promise<{ profile: ProfileRow | null } | undefined> {
    const row = await this.dataSource
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
