import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type ObjectLiteral, type SelectQueryBuilder } from 'typeorm';
import type { Page } from '../common/paging/page.js';
import type { PageQueryDto } from '../common/paging/page-query.dto.js';
import { Paginator } from '../common/paging/paginator.js';
import type { SortTerm } from '../common/paging/sort.js';
import { postVisibleToViewerSql } from '../posts/post-visibility.js';
import { Comment } from './comment.entity.js';
import type { CommentAccess, CommentRow } from './comment.row.js';

@Injectable()
export class CommentsRepository {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly paginator: Paginator,
  ) {}

  /**
   * A post's top-level comments, or the direct replies of one of them; none
   * when the viewer may not see the post (a draft is its author's alone).
   */
  findPage(
    postId: number,
    parentId: number | undefined,
    viewerId: number | undefined,
    query: PageQueryDto & { sort: SortTerm[] },
  ): Promise<Page<CommentRow>> {
    return this.paginator.run(
      {
        scope: `comments:${postId}:${parentId ?? 'top'}`,
        base: () => {
          const qb = this.dataSource
            .createQueryBuilder()
            .from(Comment, 'c')
            .where('c.post_id = :postId', { postId })
            .andWhere(postVisibleToViewerSql(viewerId), { viewerId });
          return parentId === undefined
            ? qb.andWhere('c.parent_id IS NULL')
            : qb.andWhere('c.parent_id = :parentId', { parentId });
        },
        select: withCommentView,
        sort: query.sort,
        // A post's top-level comments, or a comment's direct replies, as the
        // triggers count them (a hidden post or a parent of another post
        // shows an empty page, which the service answers with its 404).
        totalSql:
          parentId === undefined
            ? {
                sql: 'SELECT tc.threads FROM post_counters tc WHERE tc.post_id = :postId',
                exact: true,
              }
            : {
                sql: 'SELECT rc.replies FROM comments rc WHERE rc.id = :parentId AND rc.post_id = :postId',
                exact: true,
              },
      },
      query,
    );
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

  findById(id: number): Promise<CommentRow | undefined> {
    return withCommentView(this.dataSource.createQueryBuilder().from(Comment, 'c'))
      .where('c.id = :id', { id })
      .getRawOne<CommentRow>();
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

/** The Comment view over alias `c`: its author by join, its direct replies from their counter. */
function withCommentView(qb: SelectQueryBuilder<ObjectLiteral>): SelectQueryBuilder<ObjectLiteral> {
  return (
    qb
      .select([
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
      .leftJoin('profiles', 'pr', 'pr.user_id = u.id')
  );
}
