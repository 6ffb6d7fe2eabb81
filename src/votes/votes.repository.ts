import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { Page } from '../common/paging/page.js';
import type { PageQueryDto } from '../common/paging/page-query.dto.js';
import { Paginator } from '../common/paging/paginator.js';
import { ReadRouting } from '../database/read-routing.js';
import { defaultSort, type SortSpec } from '../common/paging/sort.js';
import { postVisibleSql, postVisibleToViewerSql } from '../posts/post-visibility.js';
import type { UserSummaryRow } from '../users/user.row.js';
import { Vote } from './vote.entity.js';

/** Voters, newest vote first. */
const VOTER_SORT: SortSpec = {
  fields: { createdAt: { expr: 'v.created_at', type: 'timestamptz' } },
  id: { expr: 'v.user_id', type: 'int' },
  default: '-createdAt',
};

/** A post the caller may see (published, or theirs), as a CTE over $1 = post id, $2 = caller. */
const VISIBLE_POST = `SELECT id FROM posts p WHERE p.id = $1 AND ${postVisibleSql('p', '$2')}`;

@Injectable()
export class VotesRepository {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly paginator: Paginator,
    private readonly reads: ReadRouting,
  ) {}

  /**
   * One statement: vote if the post is visible and the caller has not voted.
   * The primary key settles racing double votes (ON CONFLICT DO NOTHING: one
   * row, one `inserted`). `votes` counts the post's votes, this one included:
   * the post's counter as this statement found it (its trigger adds this vote
   * at the statement's end), plus this vote.
   */
  async insertVoteIfAbsent(
    postId: number,
    userId: number,
  ): Promise<{ found: boolean; inserted: boolean; votes: number }> {
    const rows: { found: boolean; inserted: boolean; votes: number }[] =
      await this.dataSource.query(
        `WITH post AS (${VISIBLE_POST}),
            ins AS (INSERT INTO votes (post_id, user_id) SELECT id, $2 FROM post
                    ON CONFLICT DO NOTHING RETURNING post_id)
       SELECT EXISTS (SELECT 1 FROM post) AS found,
              EXISTS (SELECT 1 FROM ins) AS inserted,
              COALESCE((SELECT pc.votes FROM post_counters pc WHERE pc.post_id = $1), 0)
                + (SELECT COUNT(*)::int FROM ins) AS votes`,
        [postId, userId],
      );
    return rows[0];
  }

  /** One statement: remove the caller's vote on a visible post. */
  async deleteVote(postId: number, userId: number): Promise<{ found: boolean; deleted: boolean }> {
    const rows: { found: boolean; deleted: boolean }[] = await this.dataSource.query(
      `WITH post AS (${VISIBLE_POST}),
            del AS (DELETE FROM votes v USING post WHERE v.post_id = post.id AND v.user_id = $2
                    RETURNING v.post_id)
       SELECT EXISTS (SELECT 1 FROM post) AS found, EXISTS (SELECT 1 FROM del) AS deleted`,
      [postId, userId],
    );
    return rows[0];
  }

  /** Voters of a post the viewer may see; none when they may not (the caller tells 404 from empty). */
  findVoters(
    postId: number,
    viewerId: number | undefined,
    page: PageQueryDto,
  ): Promise<Page<UserSummaryRow>> {
    return this.paginator.run(
      {
        scope: `votes:${postId}`,
        base: () =>
          this.reads
            .source()
            .createQueryBuilder()
            .from(Vote, 'v')
            .where('v.post_id = :postId', { postId })
            .andWhere(postVisibleToViewerSql(viewerId), { viewerId }),
        select: (qb) =>
          qb
            .select(['u.id AS id', 'u.username AS username', 'pr.display_name AS "displayName"'])
            .innerJoin('users', 'u', 'u.id = v.user_id')
            .leftJoin('profiles', 'pr', 'pr.user_id = u.id'),
        sort: defaultSort(VOTER_SORT),
        // A post the caller may not see shows an empty page, and the service answers 404.
        totalSql: {
          sql: 'SELECT vc.votes FROM post_counters vc WHERE vc.post_id = :postId',
          exact: true,
        },
      },
      page,
    );
  }
}
