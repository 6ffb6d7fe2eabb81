import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { Page } from '../common/paging/page.js';
import type { PageQueryDto } from '../common/paging/page-query.dto.js';
import { Paginator } from '../common/paging/paginator.js';
import { ReadRouting } from '../database/read-routing.js';
import { defaultSort } from '../common/paging/sort.js';
import type { UserSummaryRow } from '../users/user.row.js';
import { Follow } from './follow.entity.js';

type Side = 'followers' | 'following';

/** Which column names the listed users, and which the user whose list it is. */
const SIDES: Record<Side, { listed: string; owner: string }> = {
  followers: { listed: 'f.follower_id', owner: 'f.followee_id' },
  following: { listed: 'f.followee_id', owner: 'f.follower_id' },
};

@Injectable()
export class FollowsRepository {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly paginator: Paginator,
    private readonly reads: ReadRouting,
  ) {}

  /**
   * One statement: follow the user if they exist; the key settles racing double
   * follows. The followee's row is locked `FOR SHARE`: a followee deleting their
   * account concurrently is either not found (404) or deleted after the follow
   * (which cascades), never a foreign key failure.
   */
  async insertIfAbsent(
    followerId: number,
    followeeId: number,
  ): Promise<{ found: boolean; inserted: boolean }> {
    const rows: { found: boolean; inserted: boolean }[] = await this.dataSource.query(
      `WITH target AS (SELECT id FROM users WHERE id = $2 FOR SHARE),
            ins AS (INSERT INTO follows (follower_id, followee_id) SELECT $1, id FROM target
                    ON CONFLICT DO NOTHING RETURNING followee_id)
       SELECT EXISTS (SELECT 1 FROM target) AS found, EXISTS (SELECT 1 FROM ins) AS inserted`,
      [followerId, followeeId],
    );
    return rows[0];
  }

  /** Unfollows; the followee's row is locked as a follow locks it. */
  async delete(
    followerId: number,
    followeeId: number,
  ): Promise<{ found: boolean; deleted: boolean }> {
    const rows: { found: boolean; deleted: boolean }[] = await this.dataSource.query(
      `WITH target AS (SELECT id FROM users WHERE id = $2 FOR SHARE),
            del AS (DELETE FROM follows f USING target
                    WHERE f.follower_id = $1 AND f.followee_id = target.id RETURNING f.followee_id)
       SELECT EXISTS (SELECT 1 FROM target) AS found, EXISTS (SELECT 1 FROM del) AS deleted`,
      [followerId, followeeId],
    );
    return rows[0];
  }

  /** A user's followers, or the users they follow, newest follow first. */
  findPage(side: Side, userId: number, page: PageQueryDto): Promise<Page<UserSummaryRow>> {
    const { listed, owner } = SIDES[side];
    return this.paginator.run(
      {
        scope: `${side}:${userId}`,
        base: () =>
          this.reads
            .source()
            .createQueryBuilder()
            .from(Follow, 'f')
            .where(`${owner} = :userId`, { userId }),
        select: (qb) =>
          qb
            .select(['u.id AS id', 'u.username AS username', 'pr.display_name AS "displayName"'])
            .innerJoin('users', 'u', `u.id = ${listed}`)
            .leftJoin('profiles', 'pr', 'pr.user_id = u.id'),
        sort: defaultSort({
          fields: { createdAt: { expr: 'f.created_at', type: 'timestamptz' } },
          id: { expr: listed, type: 'int' },
          default: '-createdAt',
        }),
        totalSql: {
          sql: `SELECT uc.${side} FROM user_counters uc WHERE uc.user_id = :userId`,
          exact: true,
        },
      },
      page,
    );
  }
}
