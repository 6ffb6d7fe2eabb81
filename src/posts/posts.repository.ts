import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  DataSource,
  type EntityManager,
  type ObjectLiteral,
  type SelectQueryBuilder,
} from 'typeorm';
import type { Page } from '../common/paging/page.js';
import type { PageQueryDto } from '../common/paging/page-query.dto.js';
import { Paginator } from '../common/paging/paginator.js';
import { parseSort, type SortSpec } from '../common/paging/sort.js';
import { escapeLike } from '../common/validation.js';
import { CompiledQuery } from '../database/compiled-query.js';
import { Post } from './post.entity.js';
import { PostResponse, type PostRow } from './post.response.js';

/**
 * Sortable fields of the post lists, as SQL over alias `p`. Votes and comments
 * sort by the counters triggers keep equal to those counts, over indexes on
 * (counter, id), so no sort aggregates the votes or comments tables.
 */
export const POST_SORT: SortSpec = {
  fields: {
    createdAt: { expr: 'p.created_at', type: 'timestamptz' },
    votes: { expr: 'p.votes_count', type: 'int' },
    title: { expr: 'lower(p.title)', type: 'text' },
    comments: { expr: 'p.comments_count', type: 'int' },
  },
  id: { expr: 'p.id', type: 'int' },
  default: '-createdAt',
};

/** The feed is newest first only. */
export const FEED_SORT: SortSpec = {
  fields: { createdAt: POST_SORT.fields.createdAt },
  id: POST_SORT.id,
  default: '-createdAt',
};

export interface PostFilters {
  search?: string;
  tag?: string[];
  /** A user id (digits) or a username. */
  author?: string;
}

export interface PostFields {
  title: string;
  content: string;
  published: boolean;
}

/** Who owns a post and whether it is published: what access rules need. */
export interface PostAccess {
  id: number;
  authorId: number;
  published: boolean;
}

@Injectable()
export class PostsRepository {
  /** findVisible's statement, one text per kind of caller, built once. */
  private readonly visible: {
    anonymous: CompiledQuery<PostRow, { id: number }>;
    signedIn: CompiledQuery<PostRow, { id: number; viewerId: number }>;
  };

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly paginator: Paginator,
  ) {
    const view = <Params extends { id: number }>(viewerId: number | undefined) =>
      new CompiledQuery<PostRow, Params>(
        withPostView(this.dataSource.createQueryBuilder().from(Post, 'p'), viewerId)
          .where('p.id = :id', { id: 0 })
          .andWhere(visibleTo(viewerId), viewerId === undefined ? {} : { viewerId }),
      );
    this.visible = {
      anonymous: view<{ id: number }>(undefined),
      signedIn: view<{ id: number; viewerId: number }>(0),
    };
  }

  /**
   * One statement: the post with its author, counts, tags and the caller's vote,
   * if the caller may see it. On `manager`, inside its transaction.
   */
  findVisible(
    id: number,
    viewerId: number | undefined,
    manager?: EntityManager,
  ): Promise<PostRow | undefined> {
    const on = manager ?? this.dataSource;
    return viewerId === undefined
      ? this.visible.anonymous.one(on, { id })
      : this.visible.signedIn.one(on, { id, viewerId });
  }

  async findAccess(
    id: number,
    manager?: EntityManager,
    lock = false,
  ): Promise<PostAccess | undefined> {
    const qb = (manager ?? this.dataSource.manager)
      .createQueryBuilder()
      .select(['p.id AS id', 'p.author_id AS "authorId"', 'p.published AS published'])
      .from(Post, 'p')
      .where('p.id = :id', { id });
    if (lock) qb.setLock('pessimistic_write');
    return qb.getRawOne<PostAccess>();
  }

  /**
   * A page of posts: published ones, plus the caller's drafts when the list is
   * of the caller's own posts. Filters narrow the page (a tag filter is an
   * EXISTS, so each post's returned tag list stays whole); the row itself is
   * the same one-statement view as a single post.
   */
  async findPage(
    query: PageQueryDto & PostFilters & { sort?: string },
    viewerId: number | undefined,
  ): Promise<Page<PostResponse>> {
    const names = [...new Set(query.tag ?? [])];
    let tagIds: number[] | undefined;
    let total: (() => Promise<number>) | undefined = this.maintainedTotal(query, viewerId);
    if (names.length > 0) {
      // The page needs the tags' ids as bound values: joined by name, the
      // planner cannot tell a tag on a third of all posts from a rare one,
      // and reads every post of a popular tag before sorting them (80 ms for
      // the largest seeded tag; 2 ms by id). One statement resolves them, with
      // the total when the page has one, so a list stays within 3 statements.
      const resolved = await this.resolveTags(names, query, viewerId);
      // A name no tag has matches nothing: id 0 is never used.
      tagIds = names.map((name) => resolved.ids[name] ?? 0);
      if (resolved.total !== null) {
        const counted = resolved.total;
        total = () => Promise.resolve(counted);
      }
    }
    return this.paginator.run(
      {
        scope: 'posts',
        shape: filterShape(query, viewerId),
        base: () => this.filtered(query, viewerId, tagIds),
        total,
        select: (qb) => withPostView(qb, viewerId),
        sort: parseSort(query.sort, POST_SORT),
        map: (row: PostRow) => PostResponse.from(row),
      },
      query,
    );
  }

  /**
   * The ids of the named tags, and with offset paging the list's total (a
   * count of the base, with the tags matched by name): one statement.
   */
  private async resolveTags(
    names: string[],
    query: PageQueryDto & PostFilters,
    viewerId: number | undefined,
  ): Promise<{ ids: Record<string, number>; total: number | null }> {
    const [countSql, params]: [string, unknown[]] =
      query.cursor === undefined
        ? this.filtered(query, viewerId).select('COUNT(*)::int').getQueryAndParameters()
        : ['SELECT NULL::int', []];
    const rows: { ids: Record<string, number> | null; total: number | null }[] =
      await this.dataSource.query(
        `SELECT (${countSql}) AS total,
                (SELECT json_object_agg(t.name, t.id) FROM tags t
                  WHERE t.name = ANY($${params.length + 1}::varchar[])) AS ids`,
        [...params, names],
      );
    return { ids: rows[0].ids ?? {}, total: rows[0].total };
  }

  /** Published posts of the users the caller follows, newest first: the same row as every post list. */
  findFeed(query: PageQueryDto & { sort?: string }, viewerId: number): Promise<Page<PostResponse>> {
    return this.paginator.run(
      {
        scope: 'feed',
        shape: 'feed',
        base: () =>
          this.dataSource
            .createQueryBuilder()
            .from(Post, 'p')
            .where('p.published')
            .andWhere(
              'p.author_id IN (SELECT fd.followee_id FROM follows fd WHERE fd.follower_id = :feedOf)',
              { feedOf: viewerId },
            ),
        // The followees' published posts, kept per follower by triggers: one
        // row, however many accounts the caller follows.
        total: () =>
          this.scalar(
            `SELECT COALESCE((SELECT fc.posts FROM feed_counts fc WHERE fc.user_id = $1), 0) AS total`,
            [viewerId],
          ),
        select: (qb) => withPostView(qb, viewerId),
        sort: parseSort(query.sort, FEED_SORT),
        map: (row: PostRow) => PostResponse.from(row),
      },
      query,
    );
  }

  /** Inserts a post and links its tags, in one transaction. Returns the new id. */
  create(authorId: number, fields: PostFields, tags: string[]): Promise<number> {
    return this.dataSource.transaction(async (manager) => {
      const result = await manager
        .createQueryBuilder()
        .insert()
        .into(Post)
        .values({ authorId, ...fields })
        .returning('id')
        .execute();
      const id = (result.raw as { id: number }[])[0].id;
      await linkTags(manager, id, tags);
      return id;
    });
  }

  /**
   * Runs fn in a transaction holding the post's row lock, so concurrent edits
   * of one post (its fields, its tag set) apply one after the other.
   */
  withLockedPost<T>(
    id: number,
    fn: (post: PostAccess | undefined, writer: PostWriter) => Promise<T>,
  ): Promise<T> {
    return this.dataSource.transaction(async (manager) => {
      const post = await this.findAccess(id, manager, true);
      return fn(
        post,
        new PostWriter(manager, id, (viewerId) => this.findVisible(id, viewerId, manager)),
      );
    });
  }

  /**
   * The total of a list with no filter but visibility, or only an author
   * filter that shows no drafts, read from the counters triggers keep: no count
   * of the posts table. Other lists count their base.
   */
  private maintainedTotal(
    query: PostFilters,
    viewerId: number | undefined,
  ): (() => Promise<number>) | undefined {
    if (query.search || (query.tag ?? []).length > 0) return undefined;
    if (query.author === undefined) {
      return () =>
        this.scalar(`SELECT value::int AS total FROM counters WHERE name = 'published_posts'`, []);
    }
    // A list of one's own posts shows drafts too: counted from the base.
    if (viewerId !== undefined) return undefined;
    const author = query.author;
    return () =>
      /^\d+$/.test(author)
        ? this.scalar(
            `SELECT COALESCE(MAX(published_posts), 0) AS total FROM users WHERE id = $1`,
            [Number(author)],
          )
        : this.scalar(
            `SELECT COALESCE(MAX(published_posts), 0) AS total FROM users WHERE lower(username) = lower($1)`,
            [author],
          );
  }

  private async scalar(sql: string, params: unknown[]): Promise<number> {
    const rows: { total: number }[] = await this.dataSource.query(sql, params);
    return rows[0]?.total ?? 0;
  }

  /**
   * FROM posts WHERE <visibility and filters>: the page's base, counted
   * without joins. Tags match by id when tagIds (in query.tag's order, after
   * removing repeats) is given, else by name.
   */
  private filtered(
    query: PostFilters,
    viewerId: number | undefined,
    tagIds?: number[],
  ): SelectQueryBuilder<ObjectLiteral> {
    const qb = this.dataSource.createQueryBuilder().from(Post, 'p');
    // Drafts show only in a list of the caller's own posts.
    if (query.author !== undefined && viewerId !== undefined) {
      qb.where('(p.published OR p.author_id = :viewerId)', { viewerId });
    } else {
      qb.where('p.published');
    }
    if (query.author !== undefined) {
      if (/^\d+$/.test(query.author)) {
        qb.andWhere('p.author_id = :authorId', { authorId: Number(query.author) });
      } else {
        qb.andWhere(
          'p.author_id = (SELECT au.id FROM users au WHERE lower(au.username) = lower(:authorName))',
          {
            authorName: query.author,
          },
        );
      }
    }
    if (query.search) {
      qb.andWhere(
        `(lower(p.title) LIKE :pattern ESCAPE '\\' OR lower(p.content) LIKE :pattern ESCAPE '\\')`,
        { pattern: `%${escapeLike(query.search.toLowerCase())}%` },
      );
    }
    if (tagIds) {
      tagIds.forEach((id, i) => {
        qb.andWhere(
          `EXISTS (SELECT 1 FROM post_tags ft${i} WHERE ft${i}.post_id = p.id AND ft${i}.tag_id = :tagId${i})`,
          { [`tagId${i}`]: id },
        );
      });
    } else {
      [...new Set(query.tag ?? [])].forEach((name, i) => {
        qb.andWhere(
          `EXISTS (SELECT 1 FROM post_tags ft JOIN tags t${i} ON t${i}.id = ft.tag_id WHERE ft.post_id = p.id AND t${i}.name = :tag${i})`,
          { [`tag${i}`]: name },
        );
      });
    }
    return qb;
  }
}

/**
 * Writes to one post inside withLockedPost's transaction. `updated_at` is the
 * clock when the edit applies (not the transaction's start, which may predate
 * the lock wait), so it orders edits the way they were applied.
 */
export class PostWriter {
  constructor(
    private readonly manager: EntityManager,
    private readonly id: number,
    private readonly read: (viewerId: number) => Promise<PostRow | undefined>,
  ) {}

  /**
   * The post as this transaction leaves it (still under its lock), so an edit's
   * answer shows that edit, not one committed after it.
   */
  async view(viewerId: number): Promise<PostResponse> {
    const row = await this.read(viewerId);
    if (!row) throw new Error(`Post ${this.id} vanished under its row lock`);
    return PostResponse.from(row);
  }

  async delete(): Promise<void> {
    await this.manager
      .createQueryBuilder()
      .delete()
      .from(Post)
      .where('id = :id', { id: this.id })
      .execute();
  }

  async update(fields: Partial<PostFields>): Promise<void> {
    await this.manager
      .createQueryBuilder()
      .update(Post)
      .set({ ...fields, updatedAt: () => 'clock_timestamp()' })
      .where('id = :id', { id: this.id })
      .execute();
  }

  /** Replaces the post's tags with exactly these. */
  async replaceTags(tags: string[]): Promise<void> {
    await this.manager.query(
      `DELETE FROM post_tags pt USING tags t
        WHERE pt.post_id = $1 AND t.id = pt.tag_id AND NOT (t.name = ANY($2::varchar[]))`,
      [this.id, tags],
    );
    await linkTags(this.manager, this.id, tags);
    await this.touch();
  }

  async tagNames(): Promise<string[]> {
    const rows: { name: string }[] = await this.manager.query(
      'SELECT t.name FROM post_tags pt JOIN tags t ON t.id = pt.tag_id WHERE pt.post_id = $1',
      [this.id],
    );
    return rows.map((r) => r.name);
  }

  async addTag(name: string): Promise<void> {
    await linkTags(this.manager, this.id, [name]);
    await this.touch();
  }

  /** Unlinks the tag; false when the post did not carry it. */
  async removeTag(name: string): Promise<boolean> {
    const rows: unknown[] = await this.manager.query(
      `DELETE FROM post_tags pt USING tags t
        WHERE pt.post_id = $1 AND t.id = pt.tag_id AND t.name = $2 RETURNING pt.tag_id`,
      [this.id, name],
    );
    // pg returns [rows, count] for DELETE ... RETURNING through TypeORM's query().
    const removed = Array.isArray(rows[0]) ? (rows[0] as unknown[]).length : rows.length;
    if (removed > 0) await this.touch();
    return removed > 0;
  }

  private async touch(): Promise<void> {
    await this.manager.query('UPDATE posts SET updated_at = clock_timestamp() WHERE id = $1', [
      this.id,
    ]);
  }
}

/**
 * Creates missing tags, then links them. Two statements on purpose: with
 * `ON CONFLICT DO NOTHING` a tag another transaction just created is skipped,
 * and only a new statement's snapshot sees it to link it. New names are
 * inserted in one fixed order, so two requests creating the same tags wait for
 * each other instead of deadlocking.
 */
async function linkTags(manager: EntityManager, postId: number, names: string[]): Promise<void> {
  if (names.length === 0) return;
  await manager.query(
    `INSERT INTO tags (name)
     SELECT n FROM unnest($1::varchar[]) AS n ORDER BY n COLLATE "C"
     ON CONFLICT (name) DO NOTHING`,
    [names],
  );
  await manager.query(
    `INSERT INTO post_tags (post_id, tag_id)
     SELECT $1, t.id FROM tags t WHERE t.name = ANY($2::varchar[]) ON CONFLICT DO NOTHING`,
    [postId, names],
  );
}

/**
 * What decides the SQL text of filtered() plus withPostView(): which filters
 * are present and in which form, and whether a caller is signed in.
 */
function filterShape(query: PostFilters, viewerId: number | undefined): string {
  const author = query.author === undefined ? '-' : /^\d+$/.test(query.author) ? 'id' : 'name';
  const tags = new Set(query.tag ?? []).size;
  return `${author}|${query.search ? 'search' : '-'}|${tags}|${viewerId === undefined ? 'anonymous' : 'viewer'}`;
}

/** Published, or the caller's own. */
function visibleTo(viewerId: number | undefined, alias = 'p'): string {
  return viewerId === undefined
    ? `${alias}.published`
    : `(${alias}.published OR ${alias}.author_id = :viewerId)`;
}

/**
 * For lists under one post (its voters, its comments): true when post
 * `:postId` exists and the viewer may see it, so the page itself is empty for
 * a draft of someone else's. Bind `postId` and `viewerId`.
 */
export function postVisibleTo(viewerId: number | undefined): string {
  return `EXISTS (SELECT 1 FROM posts vp WHERE vp.id = :postId AND ${visibleTo(viewerId, 'vp')})`;
}

/**
 * The Post view over alias `p`: author and display name by join, vote and
 * comment counts from the maintained counters, the caller's vote by EXISTS,
 * tag names aggregated (byte order) per post. Subqueries are correlated to the
 * page's rows only.
 */
function withPostView(
  qb: SelectQueryBuilder<ObjectLiteral>,
  viewerId: number | undefined,
): SelectQueryBuilder<ObjectLiteral> {
  qb.select([
    'p.id AS id',
    'p.title AS title',
    'p.content AS content',
    'p.published AS published',
    'p.created_at AS "createdAt"',
    'p.updated_at AS "updatedAt"',
    'a.id AS "authorId"',
    'a.username AS "authorUsername"',
    'ap.display_name AS "authorDisplayName"',
  ])
    // The counters the triggers keep equal to COUNT(*) of votes and comments (a
    // test holds them to it): reading them costs the same for a post with ten
    // thousand votes as for one with none.
    .addSelect('p.votes_count', 'votes')
    .addSelect('p.comments_count', 'comments')
    .addSelect(
      'ARRAY(SELECT t.name FROM post_tags pt JOIN tags t ON t.id = pt.tag_id WHERE pt.post_id = p.id ORDER BY t.name COLLATE "C")',
      'tags',
    )
    .innerJoin('users', 'a', 'a.id = p.author_id')
    .leftJoin('profiles', 'ap', 'ap.user_id = a.id');
  if (viewerId === undefined) {
    qb.addSelect('false', 'voted');
  } else {
    qb.addSelect(
      'EXISTS (SELECT 1 FROM votes vv WHERE vv.post_id = p.id AND vv.user_id = :viewerId)',
      'voted',
    );
    qb.setParameter('viewerId', viewerId);
  }
  return qb;
}
