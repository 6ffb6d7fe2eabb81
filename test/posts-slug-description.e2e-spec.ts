import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  type Auth,
  createPostAs,
  expectInvalid,
  marker,
  registerUser,
  type Schemas,
} from './support/api.js';
import { createTestApp, type TestApp } from './support/app.js';
import { count } from './support/db.js';
import { getList, type PostPage } from './support/lists.js';
import { postRow } from './support/posts.js';
import { follow } from './support/social.js';

/**
 * A post's `description` (optional in /api, shown in every Post) and its
 * `slug` (stored, not in /api yet): set by the database from the title and
 * the id, unique under concurrent creates, kept through edits of anything
 * but the title.
 */
describe('posts: description and slug', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });

  afterAll(async () => {
    await t.close();
  });

  function patch(id: number, body: unknown, auth: Auth) {
    return t
      .http()
      .patch(`/api/posts/${id}`)
      .set(auth)
      .send(body as object);
  }

  async function storedSlug(id: number): Promise<string | undefined> {
    return (await postRow(t, id))?.slug;
  }

  describe('description', () => {
    it('is stored trimmed and answered on create and read; left out or blank, it is null', async () => {
      const user = await registerUser(t);
      const post = await createPostAs(t, user, { description: '  A short summary.  ' });
      expect(post.description).toBe('A short summary.');
      expect((await postRow(t, post.id))?.description).toBe('A short summary.');
      const read = await t.http().get(`/api/posts/${post.id}`).expect(200);
      expect((read.body as Schemas['PostResponse']).description).toBe('A short summary.');

      const without = await createPostAs(t, user);
      expect(without.description).toBeNull();
      expect((await postRow(t, without.id))?.description).toBeNull();
      const blank = await createPostAs(t, user, { description: '   ' });
      expect(blank.description).toBeNull();
      expect((await postRow(t, blank.id))?.description).toBeNull();
      const explicitNull = await createPostAs(t, user, { description: null });
      expect(explicitNull.description).toBeNull();
    });

    it('accepts 500 characters and refuses 501 with a 400 naming it, storing nothing', async () => {
      const user = await registerUser(t);
      const atLimit = await createPostAs(t, user, { description: 'D'.repeat(500) });
      expect((await postRow(t, atLimit.id))?.description).toHaveLength(500);

      const m = marker();
      const res = await t
        .http()
        .post('/api/posts')
        .set(user.auth)
        .send({ title: m, content: 'Body', description: 'D'.repeat(501) });
      expectInvalid(res, 'description');
      expect(await count(t, 'posts WHERE title = $1', [m])).toBe(0);
    });

    it('is changed by PATCH, cleared by null or blank, kept when left out; too long is a 400 that changes nothing', async () => {
      const user = await registerUser(t);
      const post = await createPostAs(t, user, { description: 'First' });

      const changed = await patch(post.id, { description: 'Second' }, user.auth).expect(200);
      expect((changed.body as Schemas['PostResponse']).description).toBe('Second');
      expect((await postRow(t, post.id))?.description).toBe('Second');

      await patch(post.id, { content: 'Other content' }, user.auth).expect(200);
      expect((await postRow(t, post.id))?.description).toBe('Second');

      expectInvalid(
        await patch(post.id, { description: 'D'.repeat(501) }, user.auth),
        'description',
      );
      expect((await postRow(t, post.id))?.description).toBe('Second');

      const cleared = await patch(post.id, { description: null }, user.auth).expect(200);
      expect((cleared.body as Schemas['PostResponse']).description).toBeNull();
      expect((await postRow(t, post.id))?.description).toBeNull();

      await patch(post.id, { description: 'Third' }, user.auth).expect(200);
      await patch(post.id, { description: ' ' }, user.auth).expect(200);
      expect((await postRow(t, post.id))?.description).toBeNull();
    });

    it('shows in every list: all posts, an author’s posts and the feed', async () => {
      const author = await registerUser(t);
      const reader = await registerUser(t);
      await follow(t, reader, author);
      const described = await createPostAs(t, author, { description: 'Summarised' });
      const plain = await createPostAs(t, author);
      const expected = [
        { id: plain.id, description: null },
        { id: described.id, description: 'Summarised' },
      ];
      const pick = (body: unknown) =>
        (body as PostPage).data.map(({ id, description }) => ({ id, description }));

      const all = await getList(t, '/api/posts', { author: author.username }).expect(200);
      expect(pick(all.body)).toEqual(expected);
      const byAuthor = await getList(t, `/api/users/${author.id}/posts`).expect(200);
      expect(pick(byAuthor.body)).toEqual(expected);
      const own = await getList(t, `/api/users/${author.id}/posts`, {}, author.auth).expect(200);
      expect(pick(own.body)).toEqual(expected);
      const feed = await getList(t, '/api/feed', {}, reader.auth).expect(200);
      expect(pick(feed.body)).toEqual(expected);
    });
  });

  describe('slug', () => {
    it('is the slugified title and the id: accents folded, punctuation one dash, no title text gives the id alone', async () => {
      const user = await registerUser(t);
      const cases: [string, (id: number) => string][] = [
        ['On the Analytical Engine', (id) => `on-the-analytical-engine-${id}`],
        ['  Crème Brûlée: à la Straße!  ', (id) => `creme-brulee-a-la-strasse-${id}`],
        ['Łódź, Ærø & Œuvre', (id) => `lodz-aero-oeuvre-${id}`],
        ['Tiếng Việt 2024 -- C++/C#', (id) => `tieng-viet-2024-c-c-${id}`],
        ['日本語のタイトル', (id) => `${id}`],
        ['!!! ???', (id) => `${id}`],
        ['Ends in 42', (id) => `ends-in-42-${id}`],
      ];
      for (const [title, slug] of cases) {
        const post = await createPostAs(t, user, { title });
        expect(await storedSlug(post.id)).toBe(slug(post.id));
        // Not part of /api (yet): the Conduit face will show it.
        expect(post).not.toHaveProperty('slug');
      }
    });

    it('keeps at most 80 characters of the title, without a trailing dash', async () => {
      const user = await registerUser(t);
      const post = await createPostAs(t, user, { title: 'word '.repeat(40) });
      const slug = await storedSlug(post.id);
      const words = 'word-'.repeat(16).slice(0, 79); // 80 characters would end in '-'
      expect(slug).toBe(`${words}-${post.id}`);
      const long = await createPostAs(t, user, { title: 'x'.repeat(200) });
      expect(await storedSlug(long.id)).toBe(`${'x'.repeat(80)}-${long.id}`);
    });

    it('is unique for 20 posts with one title created at once: 20 × 201, 20 distinct slugs', async () => {
      const user = await registerUser(t);
      const title = `Same title ${marker()}`;
      const results = await Promise.all(
        Array.from({ length: 20 }, () =>
          t.http().post('/api/posts').set(user.auth).send({ title, content: 'Body' }),
        ),
      );
      expect(results.map((r) => r.status)).toEqual(Array<number>(20).fill(201));
      const rows: { id: number; slug: string }[] = await t.db.query(
        'SELECT id, slug FROM posts WHERE author_id = $1 ORDER BY id',
        [user.id],
      );
      expect(rows).toHaveLength(20);
      expect(new Set(rows.map((r) => r.slug)).size).toBe(20);
      const base = title.toLowerCase().replace(/ /g, '-');
      for (const row of rows) expect(row.slug).toBe(`${base}-${row.id}`);
    });

    it('stays when content, description, published or tags change, and follows a title change', async () => {
      const user = await registerUser(t);
      const post = await createPostAs(t, user, { title: 'First title', tags: [marker()] });
      const first = `first-title-${post.id}`;
      expect(await storedSlug(post.id)).toBe(first);

      await patch(post.id, { content: 'New content' }, user.auth).expect(200);
      await patch(post.id, { description: 'New summary' }, user.auth).expect(200);
      await patch(post.id, { published: false }, user.auth).expect(200);
      await patch(post.id, { tags: [marker()] }, user.auth).expect(200);
      await patch(post.id, { title: 'First title' }, user.auth).expect(200);
      expect(await postRow(t, post.id)).toMatchObject({
        slug: first,
        content: 'New content',
        description: 'New summary',
        published: false,
        moved: true,
      });

      await patch(post.id, { title: 'Second title' }, user.auth).expect(200);
      expect(await storedSlug(post.id)).toBe(`second-title-${post.id}`);
      expect(await count(t, 'posts WHERE slug = $1', [first])).toBe(0);
    });

    it('cannot be written: the database sets it from the title and the id', async () => {
      const user = await registerUser(t);
      const post = await createPostAs(t, user, { title: 'Guarded' });
      await t.db.query(`UPDATE posts SET slug = 'chosen' WHERE id = $1`, [post.id]);
      expect(await storedSlug(post.id)).toBe(`guarded-${post.id}`);
      const [row] = await t.db.query<{ id: number; slug: string }[]>(
        `INSERT INTO posts (author_id, title, content, slug) VALUES ($1, 'Inserted', 'x', 'chosen')
         RETURNING id, slug`,
        [user.id],
      );
      expect(row.slug).toBe(`inserted-${row.id}`);
    });
  });
});
