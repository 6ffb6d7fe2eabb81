import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  DataSource,
  type EntityManager,
  type ObjectLiteral,
  type SelectQueryBuilder,
} from 'typeorm';
import {
  cappedTotal,
  exactTotal,
  TOTAL_CAP,
  UNCOUNTED,
  type Page,
  type Total,
} from '../common/paging/page.js';
import type { PageQueryDto } from '../common/paging/page-query.dto.js';
import { Paginator, type BaseCut, type ListQuery } from '../common/paging/paginator.js';
import type { SortTerm } from '../common/paging/sort.js';
import { escapeLike } from '../common/validation.js';
import { CompiledQuery } from '../database/compiled-query.js';
import { runPrepared, statementName } from '../database/prepared.js';
import { ReadRouting } from '../database/read-routing.js';
import type { UserRef } from '../users/user-ref.js';
import { Post } from './post.entity.js';
import type { ArticleRow, PostAccess, PostRow } from './post.row.js';
import { postVisibleSql } from './post-visibility.js';

export interface PostFilters {
  search?: string;
  tag?: string[];
  author?: UserRef;
  /** Posts this user (by username) voted for: Conduit's `favorited`. */
  votedBy?: string;
}

/**
 * Which row a read selects over the same statement: /api's Post (`post`), or
 * the Conduit face's article (`article`: the slug, the author's bio and
 * avatar, whether the caller follows the author), which a list selects
 * without its body (`article-item`). /api's statements stay as they were.
 */
export type PostView = 'post' | 'article' | 'article-item';

/** The row a view selects. */
export type RowOf<V extends PostView> = V extends 'post' ? PostRow : ArticleRow;

/** A post looked up by id (/api) or by slug (Conduit). */
type PostKey = { id: number } | { slug: string };

/** A post list's query: paging, filters and the order, as the query DTO parsed them. */
export type PostListQuery = PageQueryDto & PostFilters & { sort: SortTerm[] };

/**
 * The posts read model: one post, a page of posts, the feed, all with the same
 * one-statement row (withPostView), and what access rules read of a post.
 */
@Injectable()
export class PostsRepository {
  /**
   * The single-post statements (by key, view and kind of caller), each built
   * once, on first use.
   */
  private readonly visible = new Map<string, CompiledQuery<object, Record<string, unknown>>>();

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly paginator: Paginator,
    private readonly reads: ReadRouting,
  ) {}

  /**
   * One statement: the post with its author, counts, tags and the caller's vote,
   * if the caller may see it. On `manager`, inside its transaction.
   */
  findVisible<V extends PostView = 'post'>(
    id: number,
    viewerId: number | undefined,
    manager?: EntityManager,
    view?: V,
  ): Promise<RowOf<V> | undefined> {
    return this.findVisibleBy({ id }, viewerId, view ?? 'post', manager) as Promise<
      RowOf<V> | undefined
    >;
  }

  /** findVisible by slug, as the Conduit face names its articles: one statement too. */
  findVisibleBySlug(
    slug: string,
    viewerId: number | undefined,
    view: Exclude<PostView, 'post'> = 'article',
  ): Promise<ArticleRow | undefined> {
    return this.findVisibleBy({ slug }, viewerId, view) as Promise<ArticleRow | undefined>;
  }

  private async findVisibleBy(
    key: PostKey,
    viewerId: number | undefined,
    view: PostView,
    manager?: EntityManager,
  ): Promise<object | undefined> {
    const by = 'id' in key ? 'id' : 'slug';
    const name = `${by}|${view}|${viewerId === undefined ? 'anonymous' : 'viewer'}`;
    let statement = this.visible.get(name);
    if (!statement) {
      statement = new CompiledQuery(
        withPostView(this.dataSource.createQueryBuilder().from(Post, 'p'), viewerId, view)
          .where(`p.${by} = :${by}`, { [by]: by === 'id' ? 0 : '' })
          .andWhere(
            postVisibleSql('p', viewerId === undefined ? undefined : ':viewerId'),
            viewerId === undefined ? {} : { viewerId },
          ),
      );
      this.visible.set(name, statement);
    }
    return statement.one(manager ?? this.reads.source(), {
      ...key,
      ...(viewerId === undefined ? {} : { viewerId }),
    });
  }

  /** The id of the post with this slug, whoever may see it (the rules that follow decide). */
  async findIdBySlug(slug: string): Promise<number | undefined> {
    const rows: { id: number }[] = await this.dataSource.query(
      'SELECT p.id FROM posts p WHERE p.slug = $1',
      [slug],
    );
    return rows[0]?.id;
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
   *
   * `meta.total` (the API's totals rule): exact from a counter for all
   * published posts, one author's and one tag's; not counted with `search`;
   * otherwise the paginator counts up to TOTAL_CAP.
   */
  async findPage<V extends PostView = 'post'>(
    query: PostListQuery,
    viewerId: number | undefined,
    view?: V,
  ): Promise<Page<RowOf<V>>> {
    const names = [...new Set(query.tag ?? [])];
    const kind = totalKind(query, viewerId);
    let tagIds: number[] | undefined;
    let total: (() => Promise<Total>) | undefined =
      kind === 'uncounted' ? () => Promise.resolve(UNCOUNTED) : undefined;
    // One tag and a search: the page statement finds the tag by name itself (searchWalks).
    if (names.length > 0 && !walksTagSearch(query)) {
      // The page needs the tags' ids as bound values: joined by name, the
      // planner cannot tell a tag on a third of all posts from a rare one,
      // and reads every post of a popular tag before sorting them (80 ms for
      // the largest seeded tag; 2 ms by id). One statement resolves them, with
      // the total when the page has one, so a list stays within 3 statements.
      const resolved = await this.resolveTags(names, query, viewerId, kind);
      // A name no tag has matches nothing: id 0 is never used.
      tagIds = names.map((name) => resolved.ids[name] ?? 0);
      const counted = resolved.total;
      total = () => Promise.resolve(counted);
    }
    return this.paginator.run(
      {
        ...this.listQuery(query, viewerId, tagIds, view),
        totalSql: counterSql(kind, query),
        total,
      },
      query,
    );
  }

  /**
   * The list behind findPage, without its total: public so that a test can
   * build every shape of it (test/list-statements.e2e-spec.ts).
   */
  listQuery(
    query: PostFilters & { sort: SortTerm[] },
    viewerId: number | undefined,
    tagIds?: number[],
    view: PostView = 'post',
  ): ListQuery {
    const first = this.filtered(query, viewerId, tagIds);
    let unused: SelectQueryBuilder<ObjectLiteral> | undefined = first.qb;
    return {
      scope: 'posts',
      // The page's SQL is the base's clauses plus the row, which differs by caller and view.
      shape:
        `${first.shape}|${viewerId === undefined ? 'anonymous' : 'viewer'}` +
        (view === 'post' ? '' : `|${view}`),
      // The builder made for the shape serves the first call (a request's one, usually).
      base: (cut) => {
        if (first.walks && cut !== undefined) return this.filtered(query, viewerId, tagIds, cut).qb;
        const qb = unused ?? this.filtered(query, viewerId, tagIds).qb;
        unused = undefined;
        return qb;
      },
      select: (qb) => withPostView(qb, viewerId, view),
      sort: first.sort ?? query.sort,
    };
  }

  /**
   * The ids of the named tags, and with offset paging the list's total: the
   * tag's counter for a single tag alone, else the base (tags matched by name)
   * counted up to TOTAL_CAP, or nothing with a search. One statement.
   */
  private async resolveTags(
    names: string[],
    query: PageQueryDto & PostFilters & { sort: SortTerm[] },
    viewerId: number | undefined,
    kind: TotalKind,
  ): Promise<{ ids: Record<string, number>; total: Total }> {
    let countSql = 'SELECT NULL::int';
    let params: unknown[] = [];
    if (query.cursor === undefined && kind === 'tag') {
      countSql = 'SELECT t.posts FROM tags t WHERE t.name = $1';
      params = [names[0]];
    } else if (query.cursor === undefined && kind === 'capped') {
      const base = this.filtered({ ...query, sort: undefined }, viewerId).qb.select('1');
      [countSql, params] = base.getQueryAndParameters();
      countSql = `SELECT COUNT(*)::int FROM (${countSql} LIMIT ${TOTAL_CAP}) capped`;
    }
    // A named statement: its text is one of a few (the count's shape), and
    // unnamed it was parsed and planned on every request of a tag list.
    const text = `SELECT (${countSql}) AS total,
                (SELECT json_object_agg(t.name, t.id) FROM tags t
                  WHERE t.name = ANY($${params.length + 1}::varchar[])) AS ids`;
    const rows = await runPrepared<{ ids: Record<string, number> | null; total: number | null }>(
      this.reads.source(),
      statementName(text),
      text,
      [...params, names],
    );
    const counted = rows[0].total;
    const total =
      query.cursor !== undefined || kind === 'uncounted'
        ? UNCOUNTED
        : kind === 'tag'
          ? exactTotal(counted ?? 0)
          : cappedTotal(counted ?? 0);
    return { ids: rows[0].ids ?? {}, total };
  }

  /**
   * Published posts of the users the caller follows, newest first: the same
   * row as every post list. Its total is capped at TOTAL_CAP (the API's totals
   * rule for the feed), and read from counters the database keeps: the feed
   * holds exactly each followee's published posts, and `users.published_posts`
   * counts them. No counter per follower: publishing would write one row per
   * follower.
   */
  findFeed<V extends PostView = 'post'>(
    query: PageQueryDto & { sort: SortTerm[] },
    viewerId: number,
    view?: V,
  ): Promise<Page<RowOf<V>>> {
    return this.paginator.run(this.feedQuery(query.sort, viewerId, view), query);
  }

  /**
   * The list behind findFeed, with its total (public for the same test as listQuery).
   *
   * The page (given its cut) reads only the posts that can be on it, by
   * twoWalks: the newest posts whose author the caller follows, else each
   * followee's own first posts over the (author, created_at) index, one index
   * descent per followee. Its cost depends on neither the size of posts nor
   * how little the followees post: the first walk alone read posts back to
   * the oldest for a caller whose followees post rarely (78 ms on the full
   * dataset, 750 ms on the 10x one).
   */
  feedQuery(sort: SortTerm[], viewerId: number, view: PostView = 'post'): ListQuery {
    const visible = postVisibleSql('p', undefined);
    return {
      // The followees' counters summed in follows' index order, stopping at
      // the first followee that brings the sum to the cap (a running sum,
      // then LIMIT 1): a feed of 1,000+ posts reads as many follows rows as
      // it takes to reach 1,000 posts (81 for `demo` on the full dataset),
      // not the 1,000 posts themselves (0.4 ms against 0.86 in EXPLAIN
      // ANALYZE there). Below the cap the sum is exact. The follows rows are
      // read once more only when the sum never reaches the cap; the walk of
      // posts this replaces also went through every followee who has not
      // published. Each counter is one primary-key probe (a join would let
      // the planner merge-join over users in id order, reading users up to
      // the highest followee's id).
      totalSql: {
        sql: `SELECT LEAST(:__cap, COALESCE(
                (SELECT w.running FROM (
                   SELECT SUM(${FOLLOWEE_POSTS}) OVER (ORDER BY f.followee_id ROWS UNBOUNDED PRECEDING) AS running
                     FROM follows f WHERE f.follower_id = ${FEED_OF}
                    ORDER BY f.followee_id) w
                  WHERE w.running >= :__cap LIMIT 1),
                (SELECT SUM(${FOLLOWEE_POSTS}) FROM follows f WHERE f.follower_id = ${FEED_OF}),
                0))::int`,
        exact: false,
      },
      scope: 'feed',
      // One text per sort and view: the feed has no optional filter, and its caller is always signed in.
      shape: view === 'post' ? 'feed' : `feed|${view}`,
      base: (cut) => {
        const qb = this.reads
          .source()
          .createQueryBuilder()
          .from(Post, 'p')
          .where(visible)
          .setParameters({ feedOf: viewerId });
        if (cut === undefined) {
          return qb.andWhere(
            `p.author_id IN (SELECT fd.followee_id FROM follows fd WHERE fd.follower_id = ${FEED_OF})`,
          );
        }
        const followed = `(SELECT true FROM follows fd WHERE fd.follower_id = ${FEED_OF} AND fd.followee_id = p.author_id)`;
        return qb.andWhere(
          `p.id IN (${twoWalks(
            sort,
            cut,
            followed,
            (after) =>
              `SELECT fp.id FROM follows fs
              CROSS JOIN LATERAL (SELECT p.id FROM posts p
                                   WHERE p.author_id = fs.followee_id AND ${visible} ${after}
                                   ORDER BY ${cut.orderBy} LIMIT ${cut.limit}) fp
              WHERE fs.follower_id = ${FEED_OF}`,
            { keys: `SELECT 1 FROM follows fk WHERE fk.follower_id = ${FEED_OF}` },
          )})`,
          cut.params,
        );
      },
      select: (qb) => withPostView(qb, viewerId, view),
      sort,
    };
  }

  /**
   * FROM posts WHERE <visibility and filters>: the page's base, counted
   * without joins. Tags match by id when tagIds (in query.tag's order, after
   * removing repeats) is given, else by name.
   *
   * `shape` is the text of every clause added, in order: it names the SQL this
   * builds (values are bound parameters), so a filter cannot be added here and
   * forgotten in the compiled-statement cache's key.
   */
  private filtered(
    query: PostFilters & { sort?: SortTerm[] },
    viewerId: number | undefined,
    tagIds?: number[],
    cut?: BaseCut,
  ): {
    qb: SelectQueryBuilder<ObjectLiteral>;
    shape: string;
    sort: SortTerm[] | undefined;
    /** Whether the base depends on the cut (it walks the page's candidates itself). */
    walks: boolean;
  } {
    const qb = this.reads.source().createQueryBuilder().from(Post, 'p');
    const clauses: string[] = [];
    // Drafts show only in a list of the caller's own posts.
    const ownDrafts = mayShowDrafts(query, viewerId);
    let sort = query.sort;
    const dated = sortsByDate(query.sort) ? query.sort : undefined;
    // By date over published posts, a tag filter walks the tag's own links in
    // date order (migration 1764200000000): the page's cost, whatever the
    // tag's size or age, instead of every post by date probed for the tag.
    // One tag and a search: the page's candidates by the tag's links
    // (searchWalks), the tag found by name in the statement itself.
    const searchWalk = walksTagSearch(query);
    const tagWalk =
      !searchWalk && tagIds !== undefined && tagIds.length > 0 && !ownDrafts && dated !== undefined;
    if (tagWalk) {
      qb.innerJoin(
        'post_tags',
        'ft0',
        'ft0.post_id = p.id AND ft0.tag_id = :tagId0 AND ft0.published',
        { tagId0: tagIds[0] },
      );
      clauses.push('JOIN post_tags ft0 BY DATE');
      sort = dated.map((term) => ({ ...term, expr: TAG_LINK_DATE[term.expr] }));
    }
    if (sortsByCounters(query.sort)) {
      // Sorting by votes or comments walks the counters' index, joining each post by id.
      qb.innerJoin('post_counters', 'pc', 'pc.post_id = p.id');
      clauses.push('JOIN post_counters');
    }
    const where = (sql: string, params?: ObjectLiteral) => {
      if (clauses.length === 0) qb.where(sql, params);
      else qb.andWhere(sql, params);
      clauses.push(sql);
    };
    where(
      postVisibleSql('p', ownDrafts ? ':viewerId' : undefined),
      ownDrafts ? { viewerId } : undefined,
    );
    const author = query.author;
    if (author !== undefined) {
      if ('id' in author) {
        // By date, the author's own date index answers any author alike: the
        // id from an InitPlan (AUTHOR_HIDDEN), so PostgreSQL keeps one plan.
        where(dated ? `p.author_id = ${AUTHOR_HIDDEN}` : 'p.author_id = :authorId', {
          authorId: author.id,
        });
      } else {
        where(
          'p.author_id = (SELECT au.id FROM users au WHERE lower(au.username) = lower(:authorName))',
          { authorName: author.username },
        );
      }
    }
    // A user's favourites alone, by date: the page's candidates by twoWalks
    // (the newest posts that user voted for, else that user's votes), as the
    // feed does. An EXISTS alone drove the page from all the user's votes:
    // 25 ms for a user with 5,833 of them on the full dataset.
    const voted =
      'fv.user_id = (SELECT vu.id FROM users vu WHERE lower(vu.username) = lower(:votedBy))';
    const votedWalks =
      query.votedBy !== undefined &&
      author === undefined &&
      !query.search &&
      (query.tag ?? []).length === 0 &&
      dated !== undefined;
    const walks = votedWalks || searchWalk;
    if (query.votedBy !== undefined) {
      if (votedWalks && cut !== undefined) {
        const after = cut.after === undefined ? '' : `AND ${cut.after}`;
        const member = `(SELECT true FROM votes fv WHERE fv.post_id = p.id AND ${voted})`;
        where(
          `p.id IN (${twoWalks(
            dated,
            cut,
            member,
            () => `SELECT p.id FROM votes fv JOIN posts p ON p.id = fv.post_id
                    WHERE ${voted} AND ${postVisibleSql('p', undefined)} ${after}
                    ORDER BY ${cut.orderBy} LIMIT ${cut.limit}`,
            { keys: `SELECT 1 FROM votes fv WHERE ${voted}` },
          )})`,
          { votedBy: query.votedBy, ...cut.params },
        );
      } else {
        // Without the cut (the count), or with other filters: the user's votes
        // by the votes' primary key, post by post.
        where(`EXISTS (SELECT 1 FROM votes fv WHERE fv.post_id = p.id AND ${voted})`, {
          votedBy: query.votedBy,
        });
      }
      // The same name with or without the cut: the paginator keys the page by its cut too.
      if (votedWalks) clauses[clauses.length - 1] = 'VOTED BY, WALKED';
    }
    if (query.search) {
      const pattern = `%${escapeLike(query.search.toLowerCase())}%`;
      if (searchWalk) {
        where(
          cut === undefined
            ? searchMatchSql('p', ':pattern')
            : `p.id IN (${searchWalks(dated ?? [], cut, SEARCH_PATTERN_HIDDEN)})`,
          cut === undefined
            ? { pattern }
            : { pattern, tagName0: (query.tag ?? [])[0], ...cut.params },
        );
        // The same name with or without the cut: the paginator keys the page by its cut too.
        clauses[clauses.length - 1] = 'SEARCH, WALKED';
      } else {
        where(searchMatchSql('p', ':pattern'), { pattern });
      }
    }
    // The first tag is the walk's own when the list walks its links: the join
    // by date, or searchWalks (with its cut; searchWalk has that one tag alone).
    const tagInWalk = tagWalk || (searchWalk && cut !== undefined);
    if (tagIds) {
      tagIds.forEach((id, i) => {
        if (i === 0 && tagInWalk) return;
        where(
          `EXISTS (SELECT 1 FROM post_tags ft${i} WHERE ft${i}.post_id = p.id AND ft${i}.tag_id = :tagId${i})`,
          { [`tagId${i}`]: id },
        );
      });
    } else if (!tagInWalk) {
      [...new Set(query.tag ?? [])].forEach((name, i) => {
        where(
          `EXISTS (SELECT 1 FROM post_tags ft JOIN tags t${i} ON t${i}.id = ft.tag_id WHERE ft.post_id = p.id AND t${i}.name = :tag${i})`,
          { [`tag${i}`]: name },
        );
      });
    }
    return { qb, shape: clauses.join(' AND '), sort, walks };
  }
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
  view: PostView = 'post',
): SelectQueryBuilder<ObjectLiteral> {
  qb.select([
    'p.id AS id',
    'p.title AS title',
    'p.description AS description',
    // A Conduit list item has no body: up to 20,000 characters a row left unread.
    ...(view === 'article-item' ? [] : ['p.content AS content']),
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
    .addSelect('pc.votes', 'votes')
    .addSelect('pc.comments', 'comments')
    // Each tag's name by its key: a join here let the planner hash the whole
    // tags table for every post of the page. The collation goes on the name,
    // so the sort reuses it instead of looking the tag up a second time.
    .addSelect(
      'ARRAY(SELECT n FROM (SELECT (SELECT t.name COLLATE "C" FROM tags t WHERE t.id = pt.tag_id) AS n FROM post_tags pt WHERE pt.post_id = p.id) pn ORDER BY n)',
      'tags',
    )
    .innerJoin('post_counters', 'pc', 'pc.post_id = p.id')
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
  if (view !== 'post') withArticleFields(qb, viewerId);
  return qb;
}

/**
 * What the Conduit face shows beyond the Post view: the slug, and the author
 * as a Conduit profile (bio, avatar, whether the caller follows them, by
 * EXISTS on the follows' primary key; false when anonymous).
 */
function withArticleFields(
  qb: SelectQueryBuilder<ObjectLiteral>,
  viewerId: number | undefined,
): void {
  qb.addSelect('p.slug', 'slug')
    .addSelect('ap.bio', 'authorBio')
    .addSelect('ap.avatar_url', 'authorImage')
    .addSelect(
      viewerId === undefined
        ? 'false'
        : 'EXISTS (SELECT 1 FROM follows af WHERE af.follower_id = :viewerId AND af.followee_id = a.id)',
      'authorFollowed',
    );
}

/**
 * Which total a post list gets (the API's totals rule): a counter's for all
 * published posts, one author's published posts or one tag's; none with a
 * search; a capped count otherwise (several filters, or drafts included).
 */
type TotalKind = 'all' | 'author' | 'tag' | 'uncounted' | 'capped';

function totalKind(query: PostFilters, viewerId: number | undefined): TotalKind {
  if (query.search) return 'uncounted';
  // No counter keeps one user's votes per list: counted up to the cap.
  if (query.votedBy !== undefined) return 'capped';
  const tags = new Set(query.tag ?? []).size;
  if (query.author === undefined) return tags === 0 ? 'all' : tags === 1 ? 'tag' : 'capped';
  // The caller's own posts include drafts: counted up to the cap.
  return tags === 0 && !mayShowDrafts(query, viewerId) ? 'author' : 'capped';
}

/**
 * Whether a list may hold drafts: one author's posts, asked by a signed-in
 * caller who may be that author (the same id, or a username the statement
 * compares). Another author's list, by id, holds only published posts, like an
 * anonymous caller's: its total is that author's counter, exact at any size.
 */
function mayShowDrafts(query: PostFilters, viewerId: number | undefined): boolean {
  const author = query.author;
  if (author === undefined || viewerId === undefined) return false;
  return !('id' in author) || author.id === viewerId;
}

/**
 * The counter a list's exact total is read from (all published posts, or one
 * author's when no drafts show), named by the parameters the base binds;
 * undefined leaves the paginator to count up to the cap. Lists with tags get
 * theirs from resolveTags, a search none.
 */
function counterSql(
  kind: TotalKind,
  query: PostFilters,
): { sql: string; exact: boolean } | undefined {
  if (kind === 'all') {
    return { sql: `SELECT value::int FROM counters WHERE name = 'published_posts'`, exact: true };
  }
  const author = query.author;
  if (kind !== 'author' || author === undefined) return undefined;
  return 'id' in author
    ? { sql: 'SELECT cu.published_posts FROM users cu WHERE cu.id = :authorId', exact: true }
    : {
        sql: 'SELECT cu.published_posts FROM users cu WHERE lower(cu.username) = lower(:authorName)',
        exact: true,
      };
}

/** How many of the newest posts twoWalks' first walk reads before it takes the second. */
const FIRST_WALK = 1000;

/**
 * A set with fewer keys than this (a caller who follows fewer users, a user
 * with fewer votes) skips twoWalks' first walk: 32 index descents cost about
 * what 32 probes of the walk cost, and such a set rarely has a page among the
 * newest posts. A feed of 10 followees on the 1% bench dataset read 1,327
 * buffers with the walk first, 501 without it.
 */
const FEW_KEYS = 32;

/**
 * How many of a tag's newest links searchWalks' first walk reads before it
 * takes the second. Each costs a post's row and the match (about 6 µs on the
 * full dataset): 500 bound the walk at about 3 ms, and a word on one post in
 * 25 of the tag's still fills its first page there.
 */
const SEARCH_WALK = 500;

/**
 * The bound parameter `name` as a statement reads it from an InitPlan (each
 * use its own): PostgreSQL plans the statement without its value, since no
 * node but the InitPlan holds it, so every run's plan is the same and
 * PostgreSQL keeps the generic one instead of planning each run for its value.
 */
function fromInitPlan(name: string, type: 'int' | 'text'): string {
  return `(SELECT CAST(:${name} AS ${type}))`;
}

/**
 * The search's pattern as searchWalks reads it (fromInitPlan). Bound as a
 * plain parameter, every run was planned for its pattern (0.6 ms a run, as
 * much as running it), and a plan made once for an unknown pattern read
 * every trigram match of a frequent word (127 ms). Hidden, the plan is the
 * walk the SQL spells out.
 */
const SEARCH_PATTERN_HIDDEN = fromInitPlan('pattern', 'text');

/**
 * The tag's id, looked up by name in an InitPlan too: the plan is the same
 * for a frequent tag and a rare one, and no statement runs before the page to
 * find the id (a tag list binds its tags' ids for a plan made for them).
 */
const SEARCH_TAG_HIDDEN = '(SELECT st.id FROM tags st WHERE st.name = CAST(:tagName0 AS varchar))';

/**
 * Whether a list is one tag and a search of 3+ characters (the trigram
 * indexes' least), by date, over published posts alone: it then runs as
 * searchWalks, over a statement planned once, not per request.
 */
function walksTagSearch(query: PostFilters & { sort?: SortTerm[] }): boolean {
  return (
    new Set(query.tag ?? []).size === 1 &&
    query.search !== undefined &&
    [...query.search].length >= 3 &&
    query.author === undefined &&
    query.votedBy === undefined &&
    sortsByDate(query.sort)
  );
}

/** A search's match on the post aliased `alias`: its title or body contains the pattern (lower case). */
function searchMatchSql(alias: string, pattern: string): string {
  return `(lower(${alias}.title) LIKE ${pattern} ESCAPE '\\' OR lower(${alias}.content) LIKE ${pattern} ESCAPE '\\')`;
}

/**
 * The ids of the posts that can be on a page of one tag's published posts
 * that match a search, by date, by twoWalks:
 * - the tag's links after the cursor in the page's order (the tag's date
 *   index), each kept when its post matches `pattern` (the post probed by
 *   primary key), stopping at the page's rows or after SEARCH_WALK links: a
 *   frequent word's page costs its page, whatever the tag's size;
 * - only when that falls short (a rare word), the posts that match, by the
 *   trigram indexes, that have the tag.
 */
function searchWalks(sort: SortTerm[], cut: BaseCut, pattern: string): string {
  // The links as (id, created_at) under the page's alias, so that the cut
  // (written over p) reads the tag's date index once the subquery is flattened.
  const links = `(SELECT ft.post_id AS id, ft.created_at FROM post_tags ft
                   WHERE ft.tag_id = ${SEARCH_TAG_HIDDEN} AND ft.published)`;
  return twoWalks(
    sort,
    cut,
    `(SELECT true FROM posts sp WHERE sp.id = p.id AND sp.published AND ${searchMatchSql('sp', pattern)})`,
    // What the trigram indexes find, sorted (OFFSET 0 keeps the sort outside):
    // by the date index instead, a rare word read every post.
    (after) => `SELECT p.id FROM (SELECT p.id, p.created_at FROM posts p
                                   WHERE p.published AND ${searchMatchSql('p', pattern)} ${after}
                                     AND EXISTS (SELECT 1 FROM post_tags ft
                                                  WHERE ft.post_id = p.id AND ft.tag_id = ${SEARCH_TAG_HIDDEN})
                                  OFFSET 0) p
                 ORDER BY ${cut.orderBy} LIMIT ${cut.limit}`,
    {
      walked: (after) => `SELECT p.id, p.created_at FROM ${links} p WHERE true ${after}
                           ORDER BY ${cut.orderBy} LIMIT ${SEARCH_WALK}`,
    },
  );
}

/**
 * The feed's caller as its statement reads it (fromInitPlan). Bound plainly,
 * the plans made for each caller's values looked cheaper than the generic one
 * on small tables, and PostgreSQL planned every run: 0.6 ms of planning a
 * request on the 1% bench dataset (pgbench, `demo`'s feed: 1.21 → 0.59 ms;
 * the full dataset, on the generic plan already, 0.77 → 0.74).
 */
const FEED_OF = fromInitPlan('feedOf', 'int');

/**
 * An author's id as a list by date reads it (fromInitPlan). Bound plainly,
 * PostgreSQL found the plan made for each author's id cheaper than the
 * generic one and planned every run of `GET /api/users/:id/posts` (pgbench,
 * the page of one author on the full bench dataset: 0.48 → 0.10 ms; on the 1%
 * dataset 0.40 → 0.11).
 */
const AUTHOR_HIDDEN = fromInitPlan('authorId', 'int');

/** A followee's published posts, from the counter on their users row (the feed's total). */
const FOLLOWEE_POSTS = '(SELECT uf.published_posts FROM users uf WHERE uf.id = f.followee_id)';

/**
 * The ids of the posts that can be on a page of a set of posts (a caller's
 * followees' posts, a user's favourites, a tag's posts that match a search),
 * sorted by date, read by one of two walks so that the page's cost grows with
 * neither the posts table nor how small the set is:
 * - `walked(after)`, by default the posts after the cursor in the page's
 *   order, each kept when `member` (a boolean scalar subquery over `p`)
 *   holds, stopping at the page's rows or after FIRST_WALK posts (a LIMIT
 *   inside the walk: it reads only as far as the page needs, where a bound
 *   read first as the FIRST_WALK-th post's key read all FIRST_WALK index
 *   entries on every request);
 * - only when that falls short (a sparse set, a deep page), `members(after)`:
 *   the set's own first posts, from its side (the page's order and row count
 *   within, `after` the cursor's condition).
 * A scalar subquery, not EXISTS: PostgreSQL cannot turn it into a join that
 * reads the whole set first, so the first walk stops at the page. The page
 * statement still filters, orders and cuts: these only narrow what it reads.
 *
 * `keys`, when given, selects one row per key of the set from its side (the
 * caller's follows rows, the user's votes): with fewer than FEW_KEYS of them
 * the first walk is skipped, as the set's own first posts (one index descent
 * per key) then cost less than walking the newest posts for the few of theirs
 * among them (up to FIRST_WALK probes, most of them misses). The count is
 * capped (a LIMIT), and an InitPlan: one plan serves both cases.
 */
function twoWalks(
  sort: SortTerm[],
  cut: BaseCut,
  member: string,
  members: (after: string) => string,
  {
    walked = (after) =>
      `SELECT p.* FROM posts p WHERE ${postVisibleSql('p', undefined)} ${after}
        ORDER BY ${cut.orderBy} LIMIT ${FIRST_WALK}`,
    keys,
  }: { walked?: (after: string) => string; keys?: string } = {},
): string {
  if (!sort.every((t) => t.descending === sort[0].descending)) {
    throw new Error('twoWalks: the order must have one direction');
  }
  const after = cut.after === undefined ? '' : `AND ${cut.after}`;
  const many =
    keys === undefined
      ? ''
      : `(SELECT COUNT(*) FROM (${keys} LIMIT ${FEW_KEYS}) k) >= ${FEW_KEYS} AND `;
  // The inner LIMIT bounds the walk and is read lazily; only the columns used
  // are kept from p.*, so the date index answers it alone (index-only).
  return `WITH recent AS MATERIALIZED (
            SELECT p.id FROM (${walked(after)}) p
             WHERE ${many}${member}
             ORDER BY ${cut.orderBy} LIMIT ${cut.limit})
          SELECT id FROM recent
          UNION ALL
          SELECT id FROM (${members(after)}) own WHERE (SELECT COUNT(*) FROM recent) < ${cut.limit}`;
}

/**
 * The date order's terms over the first tag's links (`ft0`, whose created_at
 * and post_id copy the post's).
 */
const TAG_LINK_DATE: Record<string, string> = {
  'p.created_at': 'ft0.created_at',
  'p.id': 'ft0.post_id',
};

/** Whether a list is ordered by date (created_at, then id), as the walks by date need. */
function sortsByDate(sort: SortTerm[] | undefined): boolean {
  return sort !== undefined && sort.length > 0 && sort.every((term) => term.expr in TAG_LINK_DATE);
}

function sortsByCounters(sort: SortTerm[] | undefined): boolean {
  return (sort ?? []).some((term) => term.expr.startsWith('pc.'));
}
