import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type Auth, registerUser, type RegisteredUser, type Schemas } from './support/api.js';
import { createTestApp, type TestApp } from './support/app.js';
import type { PostPage } from './support/lists.js';
import { ownDatabase } from './support/own-database.js';
import { COUNTER_DRIFT_SQL, NO_DRIFT, type CounterDrift } from '../src/database/counter-drift.js';

/** A Post as the contract types it. */
type PostBody = Schemas['PostResponse'];

/**
 * The counters triggers keep (votes, comments and threads per post, replies
 * per comment, published posts per author, per tag and in all, followers and
 * following per user) against the rows they count, after races, cascades and
 * truncation: every one of them is held to COUNT(*) by COUNTER_DRIFT_SQL. The global total is exact only in a database no other suite
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

  /** Per counter, how many rows disagree with a real COUNT(*): all 0 when exact. */
  async function drift(): Promise<CounterDrift> {
    const rows: CounterDrift[] = await app().db.query(COUNTER_DRIFT_SQL);
    return rows[0];
  }

  async function stored(sql: string, params: unknown[] = []): Promise<number> {
    const rows: { n: number }[] = await app().db.query(sql, params);
    return rows[0].n;
  }

  const exact = NO_DRIFT;

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

  /** The `meta` of a list. */
  async function page(path: string, auth?: Auth): Promise<PostPage['meta']> {
    const req = app().http().get(path);
    const res = await (auth ? req.set(auth) : req).expect(200);
    return (res.body as PostPage).meta;
  }

  async function total(path: string, auth?: Auth): Promise<number | null> {
    const req = app().http().get(path);
    const res = await (auth ? req.set(auth) : req).expect(200);
    return (res.body as PostPage).meta.total;
  }

  it('keeps post_counters.votes equal to COUNT(*) through concurrent votes, unvotes and double votes', async () => {
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

    expect(await stored('SELECT votes AS n FROM post_counters WHERE post_id = $1', [a.id])).toBe(6);
    expect(await stored('SELECT votes AS n FROM post_counters WHERE post_id = $1', [b.id])).toBe(7);
    expect(await page(`/api/posts/${b.id}/votes`)).toMatchObject({ total: 7, totalExact: true });
    expect((await getPost(a.id)).votes).toBe(6);
    expect((await getPost(b.id)).votes).toBe(7);
    expect(await drift()).toEqual(exact);
  });

  it('keeps comments, threads and replies equal to COUNT(*) through concurrent comments and a cascading delete', async () => {
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
    expect(await page(`/api/posts/${post.id}/comments`)).toMatchObject({
      total: 6,
      totalExact: true,
    });
    expect(await page(`/api/posts/${post.id}/comments?parentId=${parentId}`)).toMatchObject({
      total: 5,
      totalExact: true,
    });
    expect(await drift()).toEqual(exact);

    // The parent goes with its 5 replies and the reply under one of them.
    await app().http().delete(`/api/comments/${parentId}`).set(other.auth).expect(204);
    expect(
      await stored('SELECT comments AS n FROM post_counters WHERE post_id = $1', [post.id]),
    ).toBe(5);
    expect((await getPost(post.id)).comments).toBe(5);
    expect(await page(`/api/posts/${post.id}/comments`)).toMatchObject({
      total: 5,
      totalExact: true,
    });
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

  it('counts each feed exactly (a capped count, no per-follower counter) while its followees publish, unpublish and delete and it follows and unfollows them, all at once', async () => {
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

  it('takes a deleted account’s posts out of its followers’ feeds, and its follows out of the follow counts', async () => {
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
    // Their follow of `other` went with them.
    expect(await page(`/api/users/${other.id}/followers`)).toMatchObject({
      total: 1,
      totalExact: true,
    });
    expect(await drift()).toEqual(exact);
  });

  it('keeps followers and following exact when users follow each other at once, unfollow, and leave', async () => {
    const users: RegisteredUser[] = [];
    for (let i = 0; i < 6; i += 1) users.push(await registerUser(app()));
    const follow = (a: RegisteredUser, b: RegisteredUser) =>
      app().http().post(`/api/users/${b.id}/follow`).set(a.auth);
    // Every ordered pair at once: A follows B while B follows A (locks taken in id order).
    const pairs = users.flatMap((a) => users.filter((b) => b !== a).map((b) => [a, b] as const));
    const first = await Promise.all(pairs.map(([a, b]) => follow(a, b)));
    expect(first.map((r) => r.status)).toEqual(pairs.map(() => 201));
    expect(await drift()).toEqual(exact);
    expect(await page(`/api/users/${users[0].id}/followers`)).toMatchObject({
      total: 5,
      totalExact: true,
    });

    // Unfollows, double follows and a leaving account, together.
    const mixed = await Promise.all([
      ...users
        .slice(1, 4)
        .map((u) => app().http().delete(`/api/users/${users[0].id}/follow`).set(u.auth)),
      ...Array.from({ length: 4 }, () => follow(users[4], users[5])),
      app().http().delete('/api/users/me').set(users[5].auth),
    ]);
    expect(mixed.some((r) => r.status >= 500)).toBe(false);
    expect(await drift()).toEqual(exact);
    const view = (await app().http().get(`/api/users/${users[0].id}`).expect(200)).body as {
      counts: { followers: number; following: number };
    };
    // users[1..3] unfollowed users[0]; users[5] left.
    expect(view.counts).toMatchObject({ followers: 1, following: 4 });
    expect(await page(`/api/users/${users[0].id}/following`)).toMatchObject({
      total: 4,
      totalExact: true,
    });
  });

  it('keeps each tag’s count of published posts exact through concurrent posts, edits, publishing and deletes', async () => {
    const authors = [await registerUser(app()), await registerUser(app())];
    const suffix = authors[0].id.toString(36);
    const names = ['alpha', 'beta', 'gamma'].map((n) => `${n}${suffix}`);
    const create = (i: number, published: boolean) =>
      app()
        .http()
        .post('/api/posts')
        .set(authors[i % 2].auth)
        .send({ title: `T${i}`, content: 'Tagged', published, tags: names.slice(0, 1 + (i % 3)) });
    const created = await Promise.all(Array.from({ length: 9 }, (_, i) => create(i, i % 4 !== 0)));
    expect(created.map((r) => r.status)).toEqual(Array(9).fill(201));
    expect(await drift()).toEqual(exact);
    const posts = created.map((r) => r.body as PostBody);
    const own = (p: PostBody) => authors.find((a) => a.id === p.author.id) ?? authors[0];

    const results = await Promise.all([
      ...posts
        .slice(0, 3)
        .map((p) =>
          app()
            .http()
            .patch(`/api/posts/${p.id}`)
            .set(own(p).auth)
            .send({ published: !p.published }),
        ),
      ...posts.slice(3, 5).map((p) =>
        app()
          .http()
          .patch(`/api/posts/${p.id}`)
          .set(own(p).auth)
          .send({ tags: [names[2]] }),
      ),
      app().http().put(`/api/posts/${posts[5].id}/tags/${names[1]}`).set(own(posts[5]).auth),
      app().http().delete(`/api/posts/${posts[6].id}/tags/${names[0]}`).set(own(posts[6]).auth),
      app().http().delete(`/api/posts/${posts[7].id}`).set(own(posts[7]).auth),
      app().http().delete(`/api/posts/${posts[8].id}`).set(own(posts[8]).auth),
    ]);
    expect(results.filter((r) => r.status >= 300).map((r) => r.status)).toEqual([]);
    expect(await drift()).toEqual(exact);

    // The API reads the counter: GET /api/tags/:name and the single-tag list's exact total.
    for (const name of names) {
      const expected = await stored(
        `SELECT COUNT(*)::int AS n FROM post_tags pt JOIN tags t ON t.id = pt.tag_id
           JOIN posts p ON p.id = pt.post_id WHERE t.name = $1 AND p.published`,
        [name],
      );
      expect(expected).toBeGreaterThan(0);
      expect((await app().http().get(`/api/tags/${name}`).expect(200)).body).toEqual({
        name,
        posts: expected,
      });
      expect(await page(`/api/posts?tag=${name}`)).toMatchObject({
        total: expected,
        totalExact: true,
      });
    }
    // An author leaving takes their posts out of every count.
    await app().http().delete('/api/users/me').set(authors[1].auth).expect(204);
    expect(await drift()).toEqual(exact);
  });

  it('keeps each tag link’s copy of its post’s created_at through a date change, and agora_recount() repairs a drifted one', async () => {
    const author = await registerUser(app());
    const res = await app()
      .http()
      .post('/api/posts')
      .set(author.auth)
      .send({ title: 'Dated', content: 'Dated', tags: [`dated${author.id.toString(36)}`] });
    expect(res.status).toBe(201);
    const id = (res.body as PostBody).id;
    const copied = () =>
      stored(
        `SELECT COUNT(*)::int AS n FROM post_tags pt JOIN posts p ON p.id = pt.post_id
          WHERE pt.post_id = $1 AND pt.created_at = p.created_at`,
        [id],
      );
    expect(await copied()).toBe(1);
    await app().db.query(
      `UPDATE posts SET created_at = created_at - interval '1 day' WHERE id = $1`,
      [id],
    );
    expect(await copied()).toBe(1);
    expect(await drift()).toEqual(exact);
    await app().db.query(
      `UPDATE post_tags SET created_at = created_at - interval '1 hour' WHERE post_id = $1`,
      [id],
    );
    expect(await drift()).toMatchObject({ 'post_tags.created_at': 1 });
    await app().db.query('SELECT agora_recount()');
    expect(await drift()).toEqual(exact);
    expect(await copied()).toBe(1);
  });

  it('publishes, unpublishes and deletes a post with as many row writes for an author with 300 followers as for one with none', async () => {
    const famous = await registerUser(app());
    const unknown = await registerUser(app());
    const marker = `fan${famous.id}`;
    await app().db.query(
      `INSERT INTO users (email, username, password_hash)
       SELECT $1 || i || '@example.com', $1 || i, 'not-a-hash' FROM generate_series(1, 300) i`,
      [marker],
    );
    await app().db.query(
      `INSERT INTO follows (follower_id, followee_id)
       SELECT id, $2 FROM users WHERE username LIKE $1 || '%'`,
      [marker, famous.id],
    );
    expect(await page(`/api/users/${famous.id}/followers`)).toMatchObject({
      total: 300,
      totalExact: true,
    });

    // Rows inserted, updated and deleted by each step (its triggers included, deferred ones at
    // commit), from the statistics of a transaction of the test's own: the same for both authors.
    const writes = async (authorId: number): Promise<number[]> => {
      const counts: number[] = [];
      let postId = 0;
      const steps = [
        async (q: (sql: string, p?: unknown[]) => Promise<{ id: number }[]>) => {
          const [row] = await q(
            `INSERT INTO posts (author_id, title, content) VALUES ($1, 'x', 'y') RETURNING id`,
            [authorId],
          );
          postId = row.id;
          await q(
            `INSERT INTO post_tags (post_id, tag_id) SELECT $1, id FROM tags WHERE name = 'constant'`,
            [postId],
          );
        },
        (q: (sql: string, p?: unknown[]) => Promise<unknown>) =>
          q('UPDATE posts SET published = false WHERE id = $1', [postId]),
        (q: (sql: string, p?: unknown[]) => Promise<unknown>) =>
          q('UPDATE posts SET published = true WHERE id = $1', [postId]),
        (q: (sql: string, p?: unknown[]) => Promise<unknown>) =>
          q('DELETE FROM posts WHERE id = $1', [postId]),
      ];
      for (const step of steps) {
        const runner = app().db.createQueryRunner();
        await runner.connect();
        try {
          await runner.startTransaction();
          // The view also holds what earlier transactions of this connection have not yet
          // reported: the step's own writes are the difference.
          const written = async () =>
            (
              (await runner.query(
                `SELECT COALESCE(SUM(n_tup_ins + n_tup_upd + n_tup_del), 0)::int AS n
                 FROM pg_stat_xact_user_tables`,
              )) as { n: number }[]
            )[0].n;
          const before = await written();
          await step((sql, p) => runner.query(sql, p) as Promise<{ id: number }[]>);
          // Fire the deferred counters now, inside the transaction, so the statistics see them.
          await runner.query('SET CONSTRAINTS ALL IMMEDIATE');
          counts.push((await written()) - before);
          await runner.commitTransaction();
        } finally {
          await runner.release();
        }
      }
      return counts;
    };
    await app().db.query(`INSERT INTO tags (name) VALUES ('constant') ON CONFLICT DO NOTHING`);
    const many = await writes(famous.id);
    const none = await writes(unknown.id);
    expect(many).toEqual(none);
    // Each step writes a handful of rows, not one per follower.
    expect(Math.max(...many)).toBeLessThan(10);
    expect(await drift()).toEqual(exact);
  });

  it('keeps the global counts of votes and comments on published posts exact while the post is published and withdrawn under them', async () => {
    const author = await registerUser(app());
    const voters: RegisteredUser[] = [];
    for (let i = 0; i < 8; i += 1) voters.push(await registerUser(app()));
    const post = await createPost(author);
    // The author keeps flipping the post while others vote and the author comments.
    const results = await Promise.all([
      ...voters.map((v) => app().http().post(`/api/posts/${post.id}/votes`).set(v.auth)),
      ...Array.from({ length: 6 }, (_, i) =>
        app()
          .http()
          .patch(`/api/posts/${post.id}`)
          .set(author.auth)
          .send({ published: i % 2 === 1 }),
      ),
      ...Array.from({ length: 4 }, (_, i) =>
        app()
          .http()
          .post(`/api/posts/${post.id}/comments`)
          .set(author.auth)
          .send({ body: `while flipping ${i}` }),
      ),
    ]);
    expect(results.some((r) => r.status >= 500)).toBe(false);
    expect(await drift()).toEqual(exact);
    // Deleting it takes its counts out of the published totals.
    await app().http().patch(`/api/posts/${post.id}`).set(author.auth).send({ published: true });
    await app().http().delete(`/api/posts/${post.id}`).set(author.auth).expect(204);
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
    const versions = async (table: string, key: string) =>
      new Map(
        (
          await app().db.query<{ id: number; v: string }[]>(
            `SELECT ${key} AS id, xmin::text AS v FROM ${table}`,
          )
        ).map((r) => [r.id, r.v]),
      );
    const changed = (before: Map<number, string>, after: Map<number, string>) =>
      [...after].filter(([id, v]) => before.get(id) !== v).map(([id]) => id);
    expect(await drift()).toEqual(exact);
    const [post] = await app().db.query<{ id: number }[]>(
      'SELECT post_id AS id FROM post_counters WHERE votes > 0 ORDER BY post_id LIMIT 1',
    );
    await app().db.query('UPDATE post_counters SET votes = votes + 5 WHERE post_id = $1', [
      post.id,
    ]);
    const [user] = await app().db.query<{ id: number }[]>(
      'SELECT user_id AS id FROM user_counters WHERE followers > 0 ORDER BY user_id LIMIT 1',
    );
    await app().db.query('UPDATE user_counters SET followers = followers + 3 WHERE user_id = $1', [
      user.id,
    ]);
    const [tag] = await app().db.query<{ id: number }[]>(
      'SELECT id FROM tags WHERE posts > 0 ORDER BY id LIMIT 1',
    );
    await app().db.query('UPDATE tags SET posts = posts - 1 WHERE id = $1', [tag.id]);
    const [comment] = await app().db.query<{ id: number }[]>(
      'SELECT id FROM comments ORDER BY id LIMIT 1',
    );
    await app().db.query('UPDATE comments SET replies = replies + 2 WHERE id = $1', [comment.id]);
    expect(await drift()).toMatchObject({
      'post_counters.votes': 1,
      'user_counters.followers': 1,
      'tags.posts': 1,
      'comments.replies': 1,
    });
    const before = {
      posts: await versions('posts', 'id'),
      postCounters: await versions('post_counters', 'post_id'),
      users: await versions('users', 'id'),
      userCounters: await versions('user_counters', 'user_id'),
      tags: await versions('tags', 'id'),
      comments: await versions('comments', 'id'),
    };

    await app().db.query('SELECT agora_recount()');

    expect(await drift()).toEqual(exact);
    // Only the drifted rows have new versions: the others were not written.
    expect(changed(before.postCounters, await versions('post_counters', 'post_id'))).toEqual([
      post.id,
    ]);
    expect(changed(before.userCounters, await versions('user_counters', 'user_id'))).toEqual([
      user.id,
    ]);
    expect(changed(before.tags, await versions('tags', 'id'))).toEqual([tag.id]);
    expect(changed(before.comments, await versions('comments', 'id'))).toEqual([comment.id]);
    expect(await versions('posts', 'id')).toEqual(before.posts);
    expect(await versions('users', 'id')).toEqual(before.users);
  });

  it('resets the counters when the counted tables are truncated, and agora_recount() agrees with them', async () => {
    expect(await drift()).toEqual(exact);
    await app().db.query('SELECT agora_recount()');
    expect(await drift()).toEqual(exact);
    expect(
      await stored('SELECT COUNT(*)::int AS n FROM post_counters WHERE votes > 0'),
    ).toBeGreaterThan(0);

    await app().db.query('TRUNCATE votes, comments');
    expect(
      await stored(
        'SELECT COUNT(*)::int AS n FROM post_counters WHERE votes + comments + threads > 0',
      ),
    ).toBe(0);
    await app().db.query('TRUNCATE follows');
    expect(
      await stored('SELECT COUNT(*)::int AS n FROM user_counters WHERE followers + following > 0'),
    ).toBe(0);
    expect(await drift()).toEqual(exact);
    await app().db.query('TRUNCATE post_tags');
    expect(await stored('SELECT COUNT(*)::int AS n FROM tags WHERE posts <> 0')).toBe(0);
    expect(await drift()).toEqual(exact);
    await app().db.query('TRUNCATE posts CASCADE');
    expect(
      await stored(`SELECT value::int AS n FROM counters WHERE name = 'published_posts'`),
    ).toBe(0);
    expect(await stored('SELECT COUNT(*)::int AS n FROM users WHERE published_posts <> 0')).toBe(0);
    expect(await total('/api/posts')).toBe(0);
    expect(await drift()).toEqual(exact);
  });
});
