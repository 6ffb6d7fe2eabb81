import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type ObjectLiteral, type SelectQueryBuilder } from 'typeorm';
import type { Page } from '../common/paging/page.js';
import type { PageQueryDto } from '../common/paging/page-query.dto.js';
import { Paginator, type ListQuery } from '../common/paging/paginator.js';
import type { SortTerm } from '../common/paging/sort.js';
import { postVisibleToViewerSql } from '../posts/post-visibility.js';
import { ReadRouting } from '../database/read-routing.js';
import { Comment } from './comment.entity.js';
import type { ArticleCommentRow, CommentAccess, CommentRow } from './comment.row.js';

/**
 * Which comments of a post a list holds: the top level, the direct replies of
 * one comment (its id), or all of them, replies included (the Conduit face's
 * flat list).
 */
export type CommentLevel = 'top' | number | 'all';

/** The row a read selects: /api's Comment, or with the author as a Conduit profile. */
export type CommentView = 'comment' | 'article';
type RowOf<V extends CommentView> = V extends 'comment' ? CommentRow : ArticleCommentRow;

@Injectable()
export class CommentsRepository {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly paginator: Paginator,
    private readonly reads: ReadRouting,
  ) {}

  /**
   * A post's comments at one level (see CommentLevel); none when the viewer
   * may not see the post (a draft is its author's alone).
   */
  findPage<V extends CommentView = 'comment'>(
    postId: number,
    level: CommentLevel,
    viewerId: number | undefined,
    query: PageQueryDto & { sort: SortTerm[] },
    view?: V,
  ): Promise<Page<RowOf<V>>> {
    return this.paginator.run(this.listQuery(postId, level, viewerId, query.sort, view), query);
  }

  /** The list behind findPage, with its total (public so a test can EXPLAIN its statement). */
  listQuery(
    postId: number,
    level: CommentLevel,
    viewerId: number | undefined,
    sort: SortTerm[],
    view: CommentView = 'comment',
  ): ListQuery {
    return {
      scope: `comments:${postId}:${level}`,
      base: () => {
        const qb = this.reads
          .source()
          .createQueryBuilder()
          .from(Comment, 'c')
          .where('c.post_id = :postId', { postId })
          .andWhere(postVisibleToViewerSql(viewerId), { viewerId });
        if (level === 'all') return qb;
        return level === 'top'
          ? qb.andWhere('c.parent_id IS NULL')
          : qb.andWhere('c.parent_id = :parentId', { parentId: level });
      },
      select: (qb) => withCommentView(qb, view, viewerId),
      sort,
      // A post's comments (all, or its top level), or a comment's direct
      // replies, as the triggers count them (a hidden post or a parent of
      // another post shows an empty page, which the service answers with its 404).
      totalSql:
        level === 'all'
          ? {
              sql: 'SELECT ac.comments FROM post_counters ac WHERE ac.post_id = :postId',
              exact: true,
            }
          : level === 'top'
            ? {
                sql: 'SELECT tc.threads FROM post_counters tc WHERE tc.post_id = :postId',
                exact: true,
              }
            : {
                sql: 'SELECT rc.replies FROM comments rc WHERE rc.id = :parentId AND rc.post_id = :postId',
                exact: true,
              },
    };
  }

  async findAccess(id: number): Promise<CommentAccess | undefined> {
    return this.dataSource
      .createQueryBuilder()
      .select([
        'c.id AS id',
        'c.post_id AS "postId"',
        'c.author_id AS "authorId"',
        'p.author_id AS "postAuthorId"',
        'p.published AS "postPublished"',
      ])
      .from(Comment, 'c')
      .innerJoin('posts', 'p', 'p.id = c.post_id')
      .where('c.id = :id', { id })
      .getRawOne<CommentAccess>();
  }

  async insert(
    postId: number,
    authorId: number,
    body: string,
    parentId: number | null,
  ): Promise<number> {
    const result = await this.dataSource
      .createQueryBuilder()
      .insert()
      .into(Comment)
      .values({ postId, authorId, body, parentId })
      .returning('id')
      .execute();
    return (result.raw as { id: number }[])[0].id;
  }

  findById<V extends CommentView = 'comment'>(
    id: number,
    view?: V,
    viewerId?: number,
  ): Promise<RowOf<V> | undefined> {
    return withCommentView(
      this.reads.source().createQueryBuilder().from(Comment, 'c'),
      view ?? 'comment',
      viewerId,
    )
      .where('c.id = :id', { id })
      .getRawOne<RowOf<V>>();
  }

  /** Deletes the comment; its replies (and theirs) cascade. */
  async delete(id: number): Promise<void> {
    await this.dataSource
      .createQueryBuilder()
      .delete()
      .from(Comment)
      .where('id = :id', { id })
      .execute();
  }
}

/**
 * The Comment view over alias `c`: its author by join, its direct replies from
 * their counter. The article view adds the author's bio, avatar and whether
 * the caller follows them (false when anonymous).
 */
function withCommentView(
  qb: SelectQueryBuilder<ObjectLiteral>,
  view: CommentView,
  viewerId: number | undefined,
): SelectQueryBuilder<ObjectLiteral> {
  qb.select([
    'c.id AS id',
    'c.body AS body',
    'c.created_at AS "createdAt"',
    'c.parent_id AS "parentId"',
    'u.id AS "authorId"',
    'u.username AS "authorUsername"',
    'pr.display_name AS "authorDisplayName"',
  ])
    // Kept by a trigger on comments: a comment with a thousand replies reads as fast as one with none.
    .addSelect('c.replies', 'replies')
    .innerJoin('users', 'u', 'u.id = c.author_id')
    .leftJoin('profiles', 'pr', 'pr.user_id = u.id');
  if (view === 'article') {
    qb.addSelect('pr.bio', 'authorBio')
      .addSelect('pr.avatar_url', 'authorImage')
      .addSelect(
        viewerId === undefined
          ? 'false'
          : 'EXISTS (SELECT 1 FROM follows cf WHERE cf.follower_id = :viewerId AND cf.followee_id = u.id)',
        'authorFollowed',
      );
    if (viewerId !== undefined) qb.setParameter('viewerId', viewerId);
  }
  return qb;
}
