import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { marker, registerUser, type RegisteredUser } from './support/api.js';
import { createTestApp, type TestApp } from './support/app.js';
import {
  conduitGet,
  createArticle,
  errors,
  footprint,
  storedPost,
  tokenOf,
  type Article,
} from './support/conduit-articles.js';
import { CONDUIT } from './support/conduit.js';

/** POST, PUT and DELETE /conduit/api/articles: Agora's post writes under Conduit's names. */
describe('Conduit articles: writes', () => {
  let t: TestApp;
  let author: RegisteredUser;
  let other: RegisteredUser;

  beforeAll(async () => {
    t = await createTestApp();
    author = await registerUser(t);
    other = await registerUser(t);
  });

  afterAll(async () => {
    await t.close();
  });

  /** As `user`, the author unless given; null for no token. */
  const post = (body: unknown, user: RegisteredUser | null = author) => {
    const req = t.http().post(`${CONDUIT}/articles`);
    return (user ? req.set(tokenOf(user)) : req).send(body as object);
  };
  const put = (slug: string, body: unknown, user: RegisteredUser | null = author) => {
    const req = t.http().put(`${CONDUIT}/articles/${slug}`);
    return (user ? req.set(tokenOf(user)) : req).send(body as object);
  };

  describe('POST /articles', () => {
    it('creates a published post whose slug the database derives from the title', async () => {
      const m = marker();
      const res = await post({
        article: {
          title: `  How to train your dragon ${m} `,
          description: 'Ever wonder how?',
          body: 'You have to believe',
          tagList: ['Dragons', 'training', 'dragons'],
        },
      }).expect(201);
      const article = (res.body as { article: Article }).article;
      const stored = await storedPost(t, article.slug);
      expect(stored).not.toBeNull();
      expect(article).toEqual({
        slug: `how-to-train-your-dragon-${m}-${stored?.id}`,
        title: `How to train your dragon ${m}`,
        description: 'Ever wonder how?',
        body: 'You have to believe',
        tagList: ['dragons', 'training'],
        createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
        updatedAt: article.createdAt,
        favorited: false,
        favoritesCount: 0,
        author: { username: author.username, bio: null, image: null, following: false },
      });
      expect(stored).toMatchObject({
        title: `How to train your dragon ${m}`,
        description: 'Ever wonder how?',
        content: 'You have to believe',
        published: true,
        authorId: author.id,
        tags: ['dragons', 'training'],
      });
      // The same post through /api.
      const api = await t.http().get(`/api/posts/${stored?.id}`).expect(200);
      expect(api.body).toMatchObject({ title: article.title, content: article.body, votes: 0 });
    });

    it('stores no summary for a blank description, and shows it as ""', async () => {
      const article = await createArticle(t, author, { description: '   ' });
      expect(article.description).toBe('');
      expect((await storedPost(t, article.slug))?.description).toBeNull();
      const { description: _left, ...withoutDescription } = {
        title: 'No summary',
        body: 'Body',
        description: '',
      };
      const res = await post({ article: withoutDescription }).expect(201);
      expect((res.body as { article: Article }).article.description).toBe('');
    });

    it('gives two concurrent articles with the same title distinct slugs', async () => {
      const title = `Twins ${marker()}`;
      const [a, b] = await Promise.all([
        createArticle(t, author, { title }),
        createArticle(t, other, { title }),
      ]);
      expect(a.slug).not.toBe(b.slug);
      expect(a.slug.startsWith(title.toLowerCase().replace(' ', '-'))).toBe(true);
      expect((await storedPost(t, a.slug))?.authorId).toBe(author.id);
      expect((await storedPost(t, b.slug))?.authorId).toBe(other.id);
    });

    it('401 without a token, and stores nothing', async () => {
      const before = await footprint(t, author.id);
      const res = await post({ article: { title: 'x', description: 'y', body: 'z' } }, null);
      expect([res.status, res.body]).toEqual([401, errors('token', 'is missing')]);
      const bad = await t
        .http()
        .post(`${CONDUIT}/articles`)
        .set({ Authorization: 'Token not-a-jwt' })
        .send({ article: { title: 'x', description: 'y', body: 'z' } });
      expect([bad.status, bad.body]).toEqual([401, errors('token', 'is invalid')]);
      expect(await footprint(t, author.id)).toEqual(before);
    });

    it('refuses malformed input with a Conduit 422 (never a 500), and stores nothing', async () => {
      const valid = { title: 'Valid', description: 'Valid', body: 'Valid' };
      const cases: [unknown, string][] = [
        [{}, 'article'],
        [valid, 'article'],
        [{ article: null }, 'article'],
        [{ article: 'text' }, 'article'],
        [{ article: [valid] }, 'article'],
        [{ article: { ...valid, title: '' } }, 'title'],
        [{ article: { ...valid, title: '   ' } }, 'title'],
        [{ article: { ...valid, title: 42 } }, 'title'],
        [{ article: { ...valid, title: 'x'.repeat(201) } }, 'title'],
        [{ article: { description: 'd', body: 'b' } }, 'title'],
        [{ article: { title: 't', description: 'd' } }, 'body'],
        [{ article: { ...valid, body: null } }, 'body'],
        [{ article: { ...valid, body: 'x'.repeat(20001) } }, 'body'],
        [{ article: { ...valid, description: 'x'.repeat(501) } }, 'description'],
        [{ article: { ...valid, description: ['list'] } }, 'description'],
        [{ article: { ...valid, tagList: null } }, 'tagList'],
        [{ article: { ...valid, tagList: 'dragons' } }, 'tagList'],
        [{ article: { ...valid, tagList: [1, 2] } }, 'tagList'],
        [{ article: { ...valid, tagList: ['two words'] } }, 'tagList'],
        [
          { article: { ...valid, tagList: Array.from({ length: 11 }, (_, i) => `t${i}`) } },
          'tagList',
        ],
        [{ article: { ...valid, slug: 'chosen-slug' } }, 'slug'],
        [{ article: { ...valid, favoritesCount: 99 } }, 'favoritesCount'],
      ];
      const before = await footprint(t, author.id);
      for (const [body, field] of cases) {
        const res = await post(body);
        expect([body, res.status]).toEqual([body, 422]);
        expect([body, Object.keys((res.body as { errors: object }).errors)]).toEqual([
          body,
          expect.arrayContaining([field]),
        ]);
      }
      const blank = await post({ article: { ...valid, title: '' } });
      expect(blank.body).toEqual(errors('title', "can't be blank"));

      const notJson = await t
        .http()
        .post(`${CONDUIT}/articles`)
        .set(tokenOf(author))
        .set('Content-Type', 'application/json')
        .send('{"article": {');
      expect(notJson.status).toBe(422);
      expect(notJson.body).toHaveProperty('errors');

      const huge = await post({ article: { ...valid, body: 'x'.repeat(200_000) } });
      expect(huge.status).toBe(413);
      expect(huge.body).toHaveProperty('errors');
      expect(await footprint(t, author.id)).toEqual(before);
    });
  });

  describe('PUT /articles/:slug', () => {
    let article: Article;

    beforeAll(async () => {
      article = await createArticle(t, author, {
        title: `Original ${marker()}`,
        tagList: ['kept', 'also-kept'],
      });
    });

    it('changes only the fields sent; a body change keeps the slug and moves updatedAt', async () => {
      const res = await put(article.slug, { article: { body: 'A new body' } }).expect(200);
      const changed = (res.body as { article: Article }).article;
      expect(changed).toEqual({
        ...article,
        body: 'A new body',
        updatedAt: expect.any(String),
      });
      expect(Date.parse(changed.updatedAt)).toBeGreaterThan(Date.parse(article.updatedAt));
      expect(changed.tagList).toEqual(['also-kept', 'kept']);
      const stored = await storedPost(t, article.slug);
      expect(stored).toMatchObject({ content: 'A new body', title: article.title });
      article = changed;
    });

    it('a new title gives a new slug; the old one is gone', async () => {
      const title = `Renamed ${marker()}`;
      const res = await put(article.slug, { article: { title, description: 'New' } }).expect(200);
      const renamed = (res.body as { article: Article }).article;
      const stored = await storedPost(t, renamed.slug);
      expect(renamed.slug).toBe(`${title.toLowerCase().replace(' ', '-')}-${stored?.id}`);
      expect(renamed).toMatchObject({ title, description: 'New', body: 'A new body' });
      await conduitGet(t, `/articles/${article.slug}`).expect(404, errors('article', 'not found'));
      await conduitGet(t, `/articles/${renamed.slug}`).expect(200);
      article = renamed;
    });

    it('tagList replaces the tags, [] clears them, null is a 422 that changes nothing', async () => {
      const replaced = await put(article.slug, { article: { tagList: ['Fresh'] } }).expect(200);
      expect((replaced.body as { article: Article }).article.tagList).toEqual(['fresh']);
      const before = await footprint(t, author.id);
      const refused = await put(article.slug, { article: { tagList: null } });
      expect([refused.status, Object.keys((refused.body as { errors: object }).errors)]).toEqual([
        422,
        ['tagList'],
      ]);
      for (const body of [
        { article: { title: null } },
        { article: { title: '' } },
        { article: { body: 7 } },
        { title: 'no envelope' },
        {},
      ]) {
        const res = await put(article.slug, body);
        expect([body, res.status]).toEqual([body, 422]);
      }
      expect(await footprint(t, author.id)).toEqual(before);
      const cleared = await put(article.slug, { article: { tagList: [] } }).expect(200);
      expect((cleared.body as { article: Article }).article.tagList).toEqual([]);
      expect((await storedPost(t, article.slug))?.tags).toEqual([]);
    });

    it('401 before 404, 403 for another user, 404 for an unknown slug; nothing changes', async () => {
      const before = await footprint(t, author.id);
      const edit = { article: { title: 'Taken over' } };
      const anonymous = await put('no-such-slug-1', edit, null);
      expect([anonymous.status, anonymous.body]).toEqual([401, errors('token', 'is missing')]);
      const anonymousKnown = await put(article.slug, edit, null);
      expect(anonymousKnown.status).toBe(401);
      const forbidden = await put(article.slug, edit, other);
      expect([forbidden.status, forbidden.body]).toEqual([403, errors('article', 'forbidden')]);
      const missing = await put('no-such-slug-1', edit);
      expect([missing.status, missing.body]).toEqual([404, errors('article', 'not found')]);
      expect(await footprint(t, author.id)).toEqual(before);
    });
  });

  describe('DELETE /articles/:slug', () => {
    it('deletes the owner’s article; 401, 403 and 404 otherwise', async () => {
      const article = await createArticle(t, author);
      const del = (slug: string, user?: RegisteredUser) => {
        const req = t.http().delete(`${CONDUIT}/articles/${slug}`);
        return user ? req.set(tokenOf(user)) : req;
      };
      const anonymous = await del(article.slug);
      expect([anonymous.status, anonymous.body]).toEqual([401, errors('token', 'is missing')]);
      const forbidden = await del(article.slug, other);
      expect([forbidden.status, forbidden.body]).toEqual([403, errors('article', 'forbidden')]);
      expect(await storedPost(t, article.slug)).not.toBeNull();

      const res = await del(article.slug, author);
      expect([res.status, res.text]).toEqual([204, '']);
      expect(await storedPost(t, article.slug)).toBeNull();
      const again = await del(article.slug, author);
      expect([again.status, again.body]).toEqual([404, errors('article', 'not found')]);
      await conduitGet(t, `/articles/${article.slug}`).expect(404);
    });
  });
});
