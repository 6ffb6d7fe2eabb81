import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type Auth, registerUser, type RegisteredUser, type Schemas } from './support/api.js';
import { createTestApp, type TestApp } from './support/app.js';
import type { PostPage } from './support/lists.js';
import { ownDatabase } from './support/own-database.js';

/** A Post as the contract types it. */
type PostBody = Schemas['PostResponse'];

interface Drift {
  votes: number;
  comments: number;
  users: number;
  global: number;
  /** Users whose feed total differs from their followees' published posts. */
  feeds: number;
}

/**
 * The counters triggers keep (votes and comments per post, published posts
 * per author and in all) against the rows they count, after races, cascades
 * and truncation. The global total is exact only in a database no other suite
 * writes to, so this file runs the app against one of its own.
 */
describe('maintained counters', () => {
  const own = ownDatabase('agora_counters');
  let t: TestApp | undefined;

  function app(): TestApp {
    if (!t) throw new Error('the app did not start');
    return t;
  }

  beforeAll(async () => {
    await own.admin(`CREATE DATABASE "${own.name}"`);
    t = await createTestApp({ env: { DATABASE_URL: own.url } });
  });

  afterAll(async () => {
    await t?.close();
    await own.drop();
  });

  /** How many rows disagree with a real COUNT(*), and the global total's drift: all 0 when exact. */
  async function drift(): Promise<Drift> {
    const rows: Drift[] = await app().db.query(`
      SELECT
        (SELECT COUNT(*) FROM posts p
          WHERE p.votes_count <> (SELECT COUNT(*) FROM votes v WHERE v.post_id = p.id))::int AS votes,
        (SELECT COUNT(*) FROM posts p
          WHERE p.comments_count <> (SELECT COUNT(*) FROM comments c WHERE c.post_id = p.id))::int AS comments,
        (SELECT COUNT(*) FROM users u
          WHERE u.published_posts <>
                (SELECT COUNT(*) FROM posts p WHERE p.author_id = u.id AND p.published))::int AS users,
        ((SELECT value FROM counters WHERE name = 'published_posts')
          - (SELECT COUNT(*) FROM posts WHERE published))::int AS global,
        (SELECT COUNT(*) FROM users u
          WHERE COALESCE((SELECT fc.posts FROM feed_counts fc WHERE fc.user_id = u.id), 0) <>
                (SELECT COUNT(*) FROM follows f JOIN posts p ON p.author_id = f.followee_id
                  WHERE f.follower_id = u.id AND p.published))::int AS feeds`);
    return rows[0];
  }

  async function stored(sql: string, params: unknown[] = []): Promise<number> {
    const rows: { n: number }[] = await app().db.query(sql, params);
    return rows[0].n;
  }

  const exact: Drift = { votes: 0, comments: 0, users: 0, global: 0, feeds: 0 };

  async function createPost(user: RegisteredUser, published = true): Promise<PostBody> {
    const res = await app()
      .http()
      .post('/api/posts')
      .set(user.auth)
      .send({ title: 'Counted', content: 'Counted content', published });
    expect(res.status).toBe(201);
    return res.body as PostBody;
  }

  async function getPost(id: number): Promise<PostBody> {
    return (await app().http().get(`/api/posts/${id}`).expect(200)).body as PostBody;
  }

  async function total(path: string, auth?: Auth): Promise<number | null> {
    const req = app().http().get(path);
    const res = await (auth ? req.set(auth) : req).expect(200);
    return (res.body as PostPage).meta.total;
  }

  it('keeps votes_count equal to COUNT(*) through concurrent votes, unvotes and double votes', async () => {
    const author = await registerUser(app());
    const voters: RegisteredUser[] = [];
    for (let i = 0; i < 12; i += 1) voters.push(await registerUser(app()));
    const [a, b] = [await createPost(author), await createPost(author)];

    const first = await Promise.all(
      voters.map((v) => app().http().post(`/api/posts/${a.id}/votes`).set(v.auth)),
    );
    expect(first.map((r) => r.status)).toEqual(voters.map(() => 201));
    // Half take their vote back while the others vote on b, and one user races itself on b.
    const mixed = await Promise.all([
      ...voters.slice(0, 6).map((v) => app().http().delete(`/api/posts/${a.id}/votes`).set(v.auth)),
      ...voters.slice(6).map((v) => app().http().post(`/api/posts/${b.id}/votes`).set(v.auth)),
      ...Array.from({ length: 8 }, () =>
        app().http().post(`/api/posts/${b.id}/votes`).set(voters[0].auth),
      ),
    ]);
    expect(mixed.some((r) => r.status >= 500)).toBe(false);
    expect(mixed.slice(0, 6).map((r) => r.status)).toEqual(Array(6).fill(204));
    expect(mixed.slice(12).filter((r) => r.status === 201)).toHaveLength(1);

    expect(await stored('SELECT votes_count AS n FROM posts WHERE id = $1', [a.id])).toBe(6);
    expect(await stored('SELECT votes_count AS n FROM posts WHERE id = $1', [b.id])).toBe(7);
    expect((await getPost(a.id)).votes).toBe(6);
    expect((await getPost(b.id)).votes).toBe(7);
    expect(await drift()).toEqual(exact);
  });

  it('keeps comments_count equal to COUNT(*) through concurrent comments and a cascading delete', async () => {
    const author = await registerUser(app());
    const other = await registerUser(app());
    const post = await createPost(author);
    const postComment = (user: RegisteredUser, body: Record<string, unknown>) =>
      app().http().post(`/api/posts/${post.id}/comments`).set(user.auth).send(body);

    const top = await Promise.all(
      Array.from({ length: 6 }, (_, i) => postComment(i % 2 ? author : other, { body: `c${i}` })),
    );
    expect(top.map((r) => r.status)).toEqual(Array(6).fill(201));
    const parentId = (top[0].body as { id: number }).id;
    const replies = await Promise.all(
      Array.from({ length: 5 }, (_, i) => postComment(author, { body: `r${i}`, parentId })),
    );
    expect(replies.map((r) => r.status)).toEqual(Array(5).fill(201));
    const nested = (replies[0].body as { id: number }).id;
    expect((await postComment(other, { body: 'deeper', parentId: nested })).status).toBe(201);
    expect((await getPost(post.id)).comments).toBe(12);

    // The parent goes with its 5 replies and the reply under one of them.
    await app().http().delete(`/api/comments/${parentId}`).set(other.auth).expect(204);
    expect(await stored('SELECT comments_count AS n FROM posts WHERE id = $1', [post.id])).toBe(5);
    expect((await getPost(post.id)).comments).toBe(5);
    expect(await drift()).toEqual(exact);
  });

  it('counts published posts per author and in all through drafts, concurrent publishing and deletes; meta.total reads them', async () => {
    const author = await registerUser(app());
    const reader = await registerUser(app());
    await app().http().post(`/api/users/${author.id}/follow`).set(reader.auth).expect(201);

    const created = await Promise.all([
      ...Array.from({ length: 5 }, () => createPost(author, true)),
      ...Array.from({ length: 4 }, () => createPost(author, false)),
    ]);
    const drafts = created.slice(5);
    expect(await stored('SELECT published_posts AS n FROM users WHERE id = $1', [author.id])).toBe(
      5,
    );

    // Publish three drafts at once, unpublish one published post, twice over (a no-op the second time).
    const patches = await Promise.all([
      ...drafts
        .slice(0, 3)
        .map((p) =>
          app().http().patch(`/api/posts/${p.id}`).set(author.auth).send({ published: true }),
        ),
      ...[0, 1].map(() =>
        app()
          .http()
          .patch(`/api/posts/${created[0].id}`)
          .set(author.auth)
          .send({ published: false }),
      ),
    ]);
    expect(patches.map((r) => r.status)).toEqual(Array(5).fill(200));
    await app().http().delete(`/api/posts/${created[1].id}`).set(author.auth).expect(204);
    // 5 published + 3 published drafts - 1 unpublished - 1 deleted.
    expect(await stored('SELECT published_posts AS n FROM users WHERE id = $1', [author.id])).toBe(
      6,
    );
    expect(await drift()).toEqual(exact);

    const published = await stored('SELECT COUNT(*)::int AS n FROM posts WHERE published');
    expect(await total('/api/posts')).toBe(published);
    expect(await total('/api/posts', reader.auth)).toBe(published);
    expect(await total(`/api/users/${author.id}/posts`)).toBe(6);
    expect(await total(`/api/posts?author=${author.username}`)).toBe(6);
    expect(await total(`/api/posts?author=${author.id}`, reader.auth)).toBe(6);
    // The author's own list counts their drafts too.
    expect(await total(`/api/users/${author.id}/posts`, author.auth)).toBe(8);
    expect(await total('/api/feed', reader.auth)).toBe(6);
  });

  it('applies concurrent PATCHes of one post whole and one at a time: each answers its own edit, the last applied is stored, never a mix', async () => {
    const author = await registerUser(app());
    const reader = await registerUser(app());
    await app().http().post(`/api/users/${author.id}/follow`).set(reader.auth).expect(201);
    const post = await createPost(author);
    const suffix = author.id.toString(36);
    const edits = Array.from({ length: 10 }, (_, i) => ({
      title: `Edit ${i}`,
      content: `The content of edit ${i}`,
      tags: [`race${i}${suffix}`, `shared${suffix}`],
      published: i % 2 === 0,
    }));

    const responses = await Promise.all(
      edits.map((edit) => app().http().patch(`/api/posts/${post.id}`).set(author.auth).send(edit)),
    );
    expect(responses.map((r) => r.status)).toEqual(edits.map(() => 200));
    type Edited = {
      title: string;
      content: string;
      tags: string[];
      published: boolean;
      updatedAt: string;
    };
    const answers = responses.map((r) => r.body as Edited);
    // Each answer is exactly its own edit, as it was applied (under the post's lock)...
    answers.forEach((answer, i) =>
      expect(answer).toMatchObject({ ...edits[i], tags: [...edits[i].tags].sort() }),
    );
    // ...they were applied one after another (distinct times), and the last applied is what is stored.
    const times = answers.map((a) => Date.parse(a.updatedAt));
    expect(new Set(times).size).toBe(edits.length);
    const last = times.indexOf(Math.max(...times));
    const stored = await app().http().get(`/api/posts/${post.id}`).set(author.auth).expect(200);
    expect(stored.body).toEqual(answers[last]);
    const links = await app().db.query<{ name: string }[]>(
      'SELECT t.name FROM post_tags pt JOIN tags t ON t.id = pt.tag_id WHERE pt.post_id = $1 ORDER BY t.name',
      [post.id],
    );
    expect(links.map((l) => l.name)).toEqual([...edits[last].tags].sort());

    // Publishing and withdrawing it ten times over left the counters exact.
    expect(await drift()).toEqual(exact);
    expect(await total(`/api/users/${author.id}/posts`)).toBe(edits[last].published ? 1 : 0);
    expect(await total('/api/feed', reader.auth)).toBe(edits[last].published ? 1 : 0);
  });

  it('answers a PATCH racing the DELETE of its post with 200 (before) or 404 (after), never a 500', async () => {
    const author = await registerUser(app());
    for (let round = 0; round < 5; round += 1) {
      const post = await createPost(author);
      const [patched, deleted] = await Promise.all([
        app().http().patch(`/api/posts/${post.id}`).set(author.auth).send({ title: 'Last words' }),
        app().http().delete(`/api/posts/${post.id}`).set(author.auth),
      ]);
      expect(deleted.status).toBe(204);
      expect([200, 404]).toContain(patched.status);
      if (patched.status === 404) expect(patched.type).toBe('application/problem+json');
      expect(await stored('SELECT COUNT(*)::int AS n FROM posts WHERE id = $1', [post.id])).toBe(0);
    }
    expect(await drift()).toEqual(exact);
  });

  it('updates every counter when a user is deleted: their posts, votes and comments on others’ posts', async () => {
    const leaver = await registerUser(app());
    const stayer = await registerUser(app());
    const theirs = await createPost(stayer);
    await createPost(leaver);
    await createPost(leaver);
    await app().http().post(`/api/posts/${theirs.id}/votes`).set(leaver.auth).expect(201);
    await app().http().post(`/api/posts/${theirs.id}/votes`).set(stayer.auth).expect(201);
    const parent = await app()
      .http()
      .post(`/api/posts/${theirs.id}/comments`)
      .set(leaver.auth)
      .send({ body: 'leaving soon' })
      .expect(201);
    await app()
      .http()
      .post(`/api/posts/${theirs.id}/comments`)
      .set(stayer.auth)
      .send({ body: 'a reply that goes with it', parentId: (parent.body as { id: number }).id })
      .expect(201);
    await app()
      .http()
      .post(`/api/posts/${theirs.id}/comments`)
      .set(stayer.auth)
      .send({ body: 'stays' })
      .expect(201);
    const before = await stored('SELECT COUNT(*)::int AS n FROM posts WHERE published');

    await app().http().delete('/api/users/me').set(leaver.auth).expect(204);

    expect(await getPost(theirs.id)).toMatchObject({ votes: 1, comments: 1 });
    expect(
      await stored(`SELECT value::int AS n FROM counters WHERE name = 'published_posts'`),
    ).toBe(before - 2);
    expect(await total('/api/posts')).toBe(before - 2);
    expect(await drift()).toEqual(exact);
  });

  it('keeps each feed total exact while its followees publish, unpublish and delete and it follows and unfollows them, all at once', async () => {
    const authors: RegisteredUser[] = [];
    for (let i = 0; i < 4; i += 1) authors.push(await registerUser(app()));
    const readers: RegisteredUser[] = [];
    for (let i = 0; i < 6; i += 1) readers.push(await registerUser(app()));
    const posts = new Map<number, PostBody[]>();
    for (const author of authors) {
      posts.set(author.id, [
        await createPost(author),
        await createPost(author),
        await createPost(author, false),
      ]);
    }
    // Readers 0-2 follow every author first; 3-5 follow while the authors write.
    for (const reader of readers.slice(0, 3)) {
      for (const author of authors) {
        await app().http().post(`/api/users/${author.id}/follow`).set(reader.auth).expect(201);
      }
    }

    const follow = (r: RegisteredUser, a: RegisteredUser) =>
      app().http().post(`/api/users/${a.id}/follow`).set(r.auth);
    const unfollow = (r: RegisteredUser, a: RegisteredUser) =>
      app().http().delete(`/api/users/${a.id}/follow`).set(r.auth);
    const results = await Promise.all([
      ...readers.slice(3).flatMap((r) => authors.map((a) => follow(r, a))),
      unfollow(readers[0], authors[0]),
      unfollow(readers[1], authors[1]),
      ...authors.flatMap((a) => {
        const [published, other, draft] = posts.get(a.id) ?? [];
        return [
          app().http().post('/api/posts').set(a.auth).send({ title: 'New', content: 'Fresh' }),
          app().http().patch(`/api/posts/${draft.id}`).set(a.auth).send({ published: true }),
          app().http().patch(`/api/posts/${published.id}`).set(a.auth).send({ published: false }),
          app().http().delete(`/api/posts/${other.id}`).set(a.auth),
        ];
      }),
    ]);
    expect(results.filter((r) => r.status >= 300).map((r) => r.status)).toEqual([]);
    expect(await drift()).toEqual(exact);

    // What every reader's feed says equals what the tables hold.
    for (const reader of readers) {
      const expected = await stored(
        `SELECT COUNT(*)::int AS n FROM follows f JOIN posts p ON p.author_id = f.followee_id
          WHERE f.follower_id = $1 AND p.published`,
        [reader.id],
      );
      expect(await total('/api/feed', reader.auth)).toBe(expected);
    }
    // Each author now has 2 published posts (one new, one former draft).
    expect(await total('/api/feed', readers[5].auth)).toBe(8);
    expect(await total('/api/feed', readers[0].auth)).toBe(6);
  });

  it('takes a deleted account’s posts out of its followers’ feed totals, and a deleted follower’s total with it', async () => {
    const leaver = await registerUser(app());
    const reader = await registerUser(app());
    const other = await registerUser(app());
    await createPost(leaver);
    await createPost(leaver);
    await createPost(other);
    for (const followee of [leaver, other]) {
      await app().http().post(`/api/users/${followee.id}/follow`).set(reader.auth).expect(201);
    }
    await app().http().post(`/api/users/${other.id}/follow`).set(leaver.auth).expect(201);
    expect(await total('/api/feed', reader.auth)).toBe(3);

    await app().http().delete('/api/users/me').set(leaver.auth).expect(204);

    expect(await total('/api/feed', reader.auth)).toBe(1);
    expect(
      await stored('SELECT COUNT(*)::int AS n FROM feed_counts WHERE user_id = $1', [leaver.id]),
    ).toBe(0);
    expect(await drift()).toEqual(exact);
  });

  it('sorts by votes from the counter in the same order as by COUNT(*)', async () => {
    const rows: { id: number }[] = await app().db.query(`
      SELECT p.id FROM posts p WHERE p.published
       ORDER BY (SELECT COUNT(*) FROM votes v WHERE v.post_id = p.id) DESC, p.id DESC LIMIT 100`);
    const res = await app().http().get('/api/posts?sort=-votes&limit=100').expect(200);
    expect((res.body as PostPage).data.map((p) => p.id)).toEqual(rows.map((r) => r.id));
    expect(rows.length).toBeGreaterThan(3);
  });

  it('agora_recount() rewrites only the counters that drifted', async () => {
    const versions = async (table: 'posts' | 'users') =>
      new Map(
        (
          await app().db.query<{ id: number; v: string }[]>(
            `SELECT id, xmin::text AS v FROM ${table}`,
          )
        ).map((r) => [r.id, r.v]),
      );
    expect(await drift()).toEqual(exact);
    const [post] = await app().db.query<{ id: number }[]>(
      'SELECT id FROM posts WHERE votes_count > 0 ORDER BY id LIMIT 1',
    );
    await app().db.query('UPDATE posts SET votes_count = votes_count + 5 WHERE id = $1', [post.id]);
    const [feed] = await app().db.query<{ id: number }[]>(
      'SELECT user_id AS id FROM feed_counts WHERE posts > 0 ORDER BY user_id LIMIT 1',
    );
    await app().db.query('UPDATE feed_counts SET posts = posts + 3 WHERE user_id = $1', [feed.id]);
    expect(await drift()).toMatchObject({ votes: 1, feeds: 1 });
    const feedsBefore = await app().db.query<{ id: number; v: string }[]>(
      'SELECT user_id AS id, xmin::text AS v FROM feed_counts ORDER BY user_id',
    );
    const postsBefore = await versions('posts');
    const usersBefore = await versions('users');

    await app().db.query('SELECT agora_recount()');

    expect(await drift()).toEqual(exact);
    // Only the drifted post has a new row version: the others were not written.
    const postsAfter = await versions('posts');
    const rewritten = [...postsAfter].filter(([id, v]) => postsBefore.get(id) !== v);
    expect(rewritten.map(([id]) => id)).toEqual([post.id]);
    expect(await versions('users')).toEqual(usersBefore);
    const feedsAfter = await app().db.query<{ id: number; v: string }[]>(
      'SELECT user_id AS id, xmin::text AS v FROM feed_counts ORDER BY user_id',
    );
    expect(feedsAfter.filter((r, i) => feedsBefore[i].v !== r.v).map((r) => r.id)).toEqual([
      feed.id,
    ]);
  });

  it('resets the counters when the counted tables are truncated, and agora_recount() agrees with them', async () => {
    expect(await drift()).toEqual(exact);
    await app().db.query('SELECT agora_recount()');
    expect(await drift()).toEqual(exact);
    expect(
      await stored('SELECT COUNT(*)::int AS n FROM posts WHERE votes_count > 0'),
    ).toBeGreaterThan(0);

    await app().db.query('TRUNCATE votes, comments');
    expect(
      await stored('SELECT COUNT(*)::int AS n FROM posts WHERE votes_count + comments_count > 0'),
    ).toBe(0);
    await app().db.query('TRUNCATE follows');
    expect(await stored('SELECT COUNT(*)::int AS n FROM feed_counts WHERE posts <> 0')).toBe(0);
    await app().db.query('TRUNCATE posts CASCADE');
    expect(
      await stored(`SELECT value::int AS n FROM counters WHERE name = 'published_posts'`),
    ).toBe(0);
    expect(await stored('SELECT COUNT(*)::int AS n FROM users WHERE published_posts <> 0')).toBe(0);
    expect(await total('/api/posts')).toBe(0);
    expect(await drift()).toEqual(exact);
  });
});
