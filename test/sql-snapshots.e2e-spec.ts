import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readFile, writeFile, mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { createTestApp, type TestApp } from './support/app.js';
import {
  createPostAs,
  marker,
  registerUser,
  type RegisteredUser,
  type Schemas,
} from './support/api.js';
import { ROOT } from './support/build.js';
import { formatSql, squash } from './support/sql-format.js';

/**
 * The SQL of Agora's hot requests, committed as reviewable files beside the
 * code that builds it (`src/<feature>/queries/*.sql`), so that a change of a
 * query shows in review as a change of its SQL. Each file holds the
 * statements one request sends, captured from the running app (values are
 * bound parameters, so the text does not depend on the data). This test fails
 * when a file differs from what the code sends now; `npm run sql:snapshots`
 * rewrites them (never in CI).
 */
const UPDATE = process.env.SQL_SNAPSHOTS === 'update';

interface Snapshot {
  file: string;
  title: string;
  send: () => Promise<{ status: number }>;
}

describe('SQL of the hot requests (src/**/queries/*.sql)', () => {
  let t: TestApp;
  let author: RegisteredUser;
  let reader: RegisteredUser;
  let post: Schemas['PostResponse'];
  let tag: string;
  let cursor: string;
  let slug: string;

  beforeAll(async () => {
    if (UPDATE && process.env.CI) throw new Error('SQL snapshots are not rewritten in CI');
    t = await createTestApp();
    author = await registerUser(t);
    reader = await registerUser(t);
    tag = marker();
    post = await createPostAs(t, author, { title: 'Snapshot', tags: [tag] });
    await createPostAs(t, author, { title: 'Snapshot two', tags: [tag] });
    await t.http().post(`/api/posts/${post.id}/votes`).set(reader.auth).expect(201);
    await t
      .http()
      .post(`/api/posts/${post.id}/comments`)
      .set(reader.auth)
      .send({ body: 'A comment.' })
      .expect(201);
    await t.http().post(`/api/users/${author.id}/follow`).set(reader.auth).expect(201);
    const first = await t.http().get('/api/posts').query({ sort: '-votes', limit: 1 }).expect(200);
    cursor = (first.body as { meta: { nextCursor: string } }).meta.nextCursor;
    const rows: { slug: string }[] = await t.db.query('SELECT slug FROM posts WHERE id = $1', [
      post.id,
    ]);
    slug = rows[0].slug;
  });

  afterAll(async () => {
    await t?.close();
  });

  const get = (path: string, query: Record<string, unknown> = {}, user?: RegisteredUser) => {
    const req = t.http().get(path).query(query);
    return user ? req.set(user.auth) : req;
  };

  const snapshots = (): Snapshot[] => [
    { file: 'posts/queries/post-list.sql', title: 'GET /api/posts', send: () => get('/api/posts') },
    {
      file: 'posts/queries/post-list.signed-in.sql',
      title: 'GET /api/posts, signed in',
      send: () => get('/api/posts', {}, reader),
    },
    {
      file: 'posts/queries/post-list.by-votes.cursor.sql',
      title: 'GET /api/posts?sort=-votes&cursor=…',
      send: () => get('/api/posts', { sort: '-votes', limit: 1, cursor }),
    },
    {
      file: 'posts/queries/post-list.tag.sql',
      title: 'GET /api/posts?tag=…',
      send: () => get('/api/posts', { tag }),
    },
    {
      file: 'posts/queries/post-list.search.sql',
      title: 'GET /api/posts?search=…',
      send: () => get('/api/posts', { search: 'snapshot' }),
    },
    {
      file: 'posts/queries/post-list.tag.search.sql',
      title: 'GET /api/posts?tag=…&search=… (one tag, 3+ characters)',
      send: () => get('/api/posts', { tag, search: 'snapshot' }),
    },
    {
      file: 'posts/queries/post-list.author.sql',
      title: 'GET /api/posts?author=<username>',
      send: () => get('/api/posts', { author: author.username }),
    },
    {
      file: 'posts/queries/posts-by-author.own.sql',
      title: 'GET /api/users/{id}/posts, as that user (drafts too)',
      send: () => get(`/api/users/${author.id}/posts`, {}, author),
    },
    {
      file: 'posts/queries/post.sql',
      title: 'GET /api/posts/{id}',
      send: () => get(`/api/posts/${post.id}`),
    },
    {
      file: 'posts/queries/post.signed-in.sql',
      title: 'GET /api/posts/{id}, signed in',
      send: () => get(`/api/posts/${post.id}`, {}, reader),
    },
    // The Conduit face's reads: the same statements, with the article view.
    {
      file: 'posts/queries/article-list.sql',
      title: 'GET /conduit/api/articles',
      send: () => get('/conduit/api/articles'),
    },
    {
      file: 'posts/queries/article-list.signed-in.favorited.sql',
      title: 'GET /conduit/api/articles?favorited=…, signed in',
      send: () => get('/conduit/api/articles', { favorited: reader.username }, reader),
    },
    {
      file: 'posts/queries/article.signed-in.sql',
      title: 'GET /conduit/api/articles/{slug}, signed in',
      send: () => get(`/conduit/api/articles/${slug}`, {}, reader),
    },
    {
      file: 'comments/queries/article-comments.sql',
      title: 'GET /conduit/api/articles/{slug}/comments',
      send: () => get(`/conduit/api/articles/${slug}/comments`),
    },
    {
      file: 'posts/queries/feed.sql',
      title: 'GET /api/feed',
      send: () => get('/api/feed', {}, reader),
    },
    { file: 'users/queries/user-list.sql', title: 'GET /api/users', send: () => get('/api/users') },
    {
      file: 'users/queries/user.sql',
      title: 'GET /api/users/{id}, signed in',
      send: () => get(`/api/users/${author.id}`, {}, reader),
    },
    {
      file: 'follows/queries/followers.sql',
      title: 'GET /api/users/{id}/followers',
      send: () => get(`/api/users/${author.id}/followers`),
    },
    {
      file: 'votes/queries/voters.sql',
      title: 'GET /api/posts/{id}/votes',
      send: () => get(`/api/posts/${post.id}/votes`),
    },
    {
      file: 'comments/queries/comment-list.sql',
      title: 'GET /api/posts/{id}/comments',
      send: () => get(`/api/posts/${post.id}/comments`),
    },
    { file: 'tags/queries/tag-list.sql', title: 'GET /api/tags', send: () => get('/api/tags') },
    { file: 'stats/queries/stats.sql', title: 'GET /api/stats', send: () => get('/api/stats') },
    // The Conduit face's own reads (a RealWorld home page asks for every tag on each visit).
    {
      file: 'tags/queries/tag-names.sql',
      title: 'GET /conduit/api/tags',
      send: () => get('/conduit/api/tags'),
    },
    {
      file: 'users/queries/user-by-username.sql',
      title: 'GET /conduit/api/profiles/{username}, signed in',
      send: () => get(`/conduit/api/profiles/${author.username}`, {}, reader),
    },
  ];

  /** The file for one request: its statements in a stable order (a page and its count run at once). */
  function render(title: string, statements: string[]): string {
    const sorted = [...statements].sort();
    return [
      `-- ${title}`,
      '-- The SQL this request sends, captured from the running code by',
      '-- test/sql-snapshots.e2e-spec.ts. Regenerate with `npm run sql:snapshots`.',
      ...sorted.flatMap((sql, i) => [
        '',
        `-- ${i + 1} of ${sorted.length}`,
        formatSql(sql).trimEnd(),
      ]),
      '',
    ].join('\n');
  }

  it('lays out SQL by changing whitespace only', () => {
    const sql = `SELECT a, 'x  AND  y' FROM t WHERE (b AND c) OR "ORDER BY" = 1 ORDER BY a LIMIT 2`;
    const laid = formatSql(sql);
    expect(laid.split('\n').length).toBeGreaterThan(4);
    expect(squash(laid)).toBe(squash(sql));
    expect(laid).toContain(`'x AND y'`);
  });

  it('each hot request sends the SQL committed for it', async () => {
    const stale: string[] = [];
    for (const snapshot of snapshots()) {
      let status = 0;
      const statements = await t.captureQueries(async () => {
        status = (await snapshot.send()).status;
      });
      expect([snapshot.title, status]).toEqual([snapshot.title, 200]);
      expect(statements.length).toBeGreaterThan(0);
      const path = join(ROOT, 'src', snapshot.file);
      const expected = render(snapshot.title, statements);
      if (UPDATE) {
        await mkdir(dirname(path), { recursive: true });
        await writeFile(path, expected);
        continue;
      }
      const committed = await readFile(path, 'utf8').catch(() => '(missing)');
      if (committed !== expected) stale.push(snapshot.file);
    }
    // Run `npm run sql:snapshots`, and review the diff of these files.
    expect(stale).toEqual([]);
  });
});
