import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  createPostAs,
  expectInvalid,
  expectProblem,
  marker,
  registerUser,
  type Schemas,
} from './support/api.js';
import { createTestApp, type TestApp } from './support/app.js';
import { count } from './support/db.js';
import { linkedTags, postRow } from './support/posts.js';
import { ISO_UTC, POST_KEYS, SUMMARY_KEYS } from './support/shapes.js';
import { setDisplayName } from './support/social.js';

/** POST /api/posts: validation, stored rows and tag links. */
describe('posts', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });

  afterAll(async () => {
    await t.close();
  });

  describe('POST /api/posts', () => {
    it('answers 201 Post with exactly its fields, tags normalised and sorted, and stores the post and its tag links', async () => {
      const user = await registerUser(t);
      await setDisplayName(t, user, 'Ada Lovelace');
      const p = marker();
      const res = await t
        .http()
        .post('/api/posts')
        .set(user.auth)
        .send({
          title: '  On the Analytical Engine  ',
          content: 'It weaves algebraic patterns.',
          tags: [` ${p}Math `, `${p}engines`, `${p}math`, `${p}b-2`, `${p.toUpperCase()}B-2`],
        })
        .expect(201);

      expect(res.headers['content-type']).toMatch(/^application\/json/);
      expect(Object.keys(res.body).sort()).toEqual(POST_KEYS);
      expect(Object.keys(res.body.author).sort()).toEqual(SUMMARY_KEYS);
      const tags = [`${p}b-2`, `${p}engines`, `${p}math`];
      expect(res.body).toEqual({
        id: expect.any(Number),
        title: 'On the Analytical Engine',
        description: null,
        content: 'It weaves algebraic patterns.',
        published: true,
        createdAt: expect.stringMatching(ISO_UTC),
        updatedAt: expect.stringMatching(ISO_UTC),
        author: { id: user.id, username: user.username, displayName: 'Ada Lovelace' },
        tags,
        votes: 0,
        comments: 0,
        voted: false,
      });
      const post = res.body as Schemas['PostResponse'];
      expect(post.id).toBeGreaterThan(0);
      expect(post.updatedAt).toBe(post.createdAt);

      expect(await postRow(t, post.id)).toEqual({
        author_id: user.id,
        title: 'On the Analytical Engine',
        description: null,
        slug: `on-the-analytical-engine-${post.id}`,
        content: 'It weaves algebraic patterns.',
        published: true,
        moved: false,
      });
      expect(await linkedTags(t, post.id)).toEqual(tags);
      expect(await count(t, 'tags WHERE name LIKE $1', [`${p.toLowerCase()}%`])).toBe(3);

      const view = await t.http().get(`/api/posts/${post.id}`).expect(200);
      expect(view.body).toEqual(res.body);
    });

    it('answers author.displayName null without a profile, and an empty tag list without tags', async () => {
      const user = await registerUser(t);
      const post = await createPostAs(t, user, { title: 'No profile', content: 'Body' });
      expect(post.author).toEqual({ id: user.id, username: user.username, displayName: null });
      expect(post.tags).toEqual([]);
      expect(await linkedTags(t, post.id)).toEqual([]);
    });

    it('stores a draft with published false', async () => {
      const user = await registerUser(t);
      const post = await createPostAs(t, user, { published: false });
      expect(post.published).toBe(false);
      expect((await postRow(t, post.id))?.published).toBe(false);
      const published = await createPostAs(t, user, { published: true });
      expect((await postRow(t, published.id))?.published).toBe(true);
    });

    it('reuses an existing tag: two posts with one new tag give one tags row and two links', async () => {
      const user = await registerUser(t);
      const name = marker();
      const first = await createPostAs(t, user, { tags: [name] });
      const second = await createPostAs(t, user, { tags: [name.toUpperCase()] });
      expect(first.tags).toEqual([name]);
      expect(second.tags).toEqual([name]);
      expect(await count(t, 'tags WHERE name = $1', [name])).toBe(1);
      expect(
        await count(t, 'post_tags pt JOIN tags t ON t.id = pt.tag_id WHERE t.name = $1', [name]),
      ).toBe(2);
    });

    it('accepts the boundaries: title of 200, content of 20000, 10 tags of up to 30 characters, 11 names that normalise to 10', async () => {
      const user = await registerUser(t);
      const p = marker();
      const ten = Array.from({ length: 10 }, (_, i) => `${p}-${i}`);
      ten[9] = `${p}-`.padEnd(30, 'z');
      expect(ten[9]).toHaveLength(30);
      const post = await createPostAs(t, user, {
        title: 'T'.repeat(200),
        content: 'C'.repeat(20000),
        tags: ten,
      });
      expect(post.title).toHaveLength(200);
      expect(post.content).toHaveLength(20000);
      expect(post.tags).toEqual([...ten].sort());
      expect(await linkedTags(t, post.id)).toEqual([...ten].sort());

      const eleven = await createPostAs(t, user, { tags: [...ten, ten[0].toUpperCase()] });
      expect(eleven.tags).toHaveLength(10);
    });

    const invalid: [string, (m: string) => Record<string, unknown>, string][] = [
      ['an empty title', () => ({ title: '' }), 'title'],
      ['a blank title', () => ({ title: '   ' }), 'title'],
      ['a title of 201 characters', () => ({ title: 'T'.repeat(201) }), 'title'],
      ['a null title', () => ({ title: null }), 'title'],
      ['a numeric title', () => ({ title: 7 }), 'title'],
      ['a missing title', () => ({ title: undefined }), 'title'],
      ['an empty content', () => ({ content: '' }), 'content'],
      ['a content of 20001 characters', () => ({ content: 'C'.repeat(20001) }), 'content'],
      ['a null content', () => ({ content: null }), 'content'],
      ['a missing content', () => ({ content: undefined }), 'content'],
      ['a description of 501 characters', () => ({ description: 'D'.repeat(501) }), 'description'],
      ['a numeric description', () => ({ description: 5 }), 'description'],
      ['a description as an array', () => ({ description: ['a'] }), 'description'],
      ['the unknown property slug', () => ({ slug: 'mine' }), 'slug'],
      ['tags as a string', (m) => ({ tags: `${m}a` }), 'tags'],
      ['tags as an object', (m) => ({ tags: { name: `${m}a` } }), 'tags'],
      ['null tags', () => ({ tags: null }), 'tags'],
      ['a tag with a space', (m) => ({ tags: [`${m}a`, 'a b'] }), 'tags'],
      ['a tag with a non-ASCII letter', (m) => ({ tags: [`${m}a`, 'ä'] }), 'tags'],
      ['a tag of 31 characters', (m) => ({ tags: [`${m}a`, 'a'.repeat(31)] }), 'tags'],
      ['an empty tag', (m) => ({ tags: [`${m}a`, ' '] }), 'tags'],
      ['a numeric tag', (m) => ({ tags: [`${m}a`, 5] }), 'tags'],
      [
        '11 distinct tags',
        (m) => ({ tags: Array.from({ length: 11 }, (_, i) => `${m}${i}`) }),
        'tags',
      ],
      ['published as a string', () => ({ published: 'yes' }), 'published'],
      ['published as a number', () => ({ published: 1 }), 'published'],
      ['a null published', () => ({ published: null }), 'published'],
      ['the unknown property authorId', () => ({ authorId: 1 }), 'authorId'],
      ['the unknown property id', () => ({ id: 1 }), 'id'],
      ['the unknown property votes', () => ({ votes: 100 }), 'votes'],
      [
        'the unknown property createdAt',
        () => ({ createdAt: '2020-01-01T00:00:00Z' }),
        'createdAt',
      ],
    ];

    it.each(invalid)(
      'answers 400 naming the field for %s, and writes nothing',
      async (_, mutate, field) => {
        const user = await registerUser(t);
        const m = marker();
        const res = await t
          .http()
          .post('/api/posts')
          .set(user.auth)
          .send({ title: `${m} title`, content: `${m} content`, tags: [`${m}a`], ...mutate(m) });
        expectInvalid(res, field);
        expect(await count(t, 'posts WHERE author_id = $1', [user.id])).toBe(0);
        expect(await count(t, 'tags WHERE name LIKE $1', [`${m}%`])).toBe(0);
      },
    );

    it('answers 400 for a JSON array body', async () => {
      const user = await registerUser(t);
      const res = await t
        .http()
        .post('/api/posts')
        .set(user.auth)
        .set('Content-Type', 'application/json')
        .send(JSON.stringify([{ title: 'a', content: 'b' }]));
      expectProblem(res, 400);
      expect(await count(t, 'posts WHERE author_id = $1', [user.id])).toBe(0);
    });

    it('answers 401 with WWW-Authenticate without a token or with a bad one, and writes nothing', async () => {
      const m = marker();
      const body = { title: `${m} title`, content: 'Body' };
      const anonymous = await t.http().post('/api/posts').send(body);
      expectProblem(anonymous, 401);
      expect(anonymous.headers['www-authenticate']).toMatch(/^Bearer/);
      const bad = await t
        .http()
        .post('/api/posts')
        .set('Authorization', 'Bearer not.a.jwt')
        .send(body);
      expectProblem(bad, 401);
      expect(await count(t, 'posts WHERE title = $1', [`${m} title`])).toBe(0);
    });
  });
});
