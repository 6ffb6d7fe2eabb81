import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createPostAs, registerUser, type RegisteredUser } from './support/api.js';
import { createTestApp, type TestApp } from './support/app.js';
import {
  createArticle,
  errors,
  footprint,
  tokenOf,
  type Article,
} from './support/conduit-articles.js';
import { CONDUIT } from './support/conduit.js';

/** POST and DELETE /conduit/api/articles/:slug/favorite: votes, idempotent at this face. */
describe('Conduit favourites', () => {
  let t: TestApp;
  let author: RegisteredUser;
  let fan: RegisteredUser;

  beforeAll(async () => {
    t = await createTestApp();
    author = await registerUser(t);
    fan = await registerUser(t);
  });

  afterAll(async () => {
    await t.close();
  });

  const favorite = (method: 'post' | 'delete', slug: string, user?: RegisteredUser) => {
    const req = t.http()[method](`${CONDUIT}/articles/${slug}/favorite`);
    return user ? req.set(tokenOf(user)) : req;
  };
  const votesOn = async (slug: string): Promise<number[]> => {
    const rows: { user_id: number }[] = await t.db.query(
      'SELECT v.user_id FROM votes v JOIN posts p ON p.id = v.post_id WHERE p.slug = $1 ORDER BY 1',
      [slug],
    );
    return rows.map((r) => r.user_id);
  };

  it('favourites and unfavourites; doing either twice is a harmless 200 with the current state', async () => {
    const article = await createArticle(t, author);
    const first = await favorite('post', article.slug, fan).expect(200);
    expect((first.body as { article: Article }).article).toEqual({
      ...article,
      favorited: true,
      favoritesCount: 1,
    });
    expect(await votesOn(article.slug)).toEqual([fan.id]);

    const again = await favorite('post', article.slug, fan).expect(200);
    expect((again.body as { article: Article }).article).toMatchObject({
      favorited: true,
      favoritesCount: 1,
    });
    expect(await votesOn(article.slug)).toEqual([fan.id]);

    // Another user's favourite counts; theirs is not the caller's.
    await favorite('post', article.slug, author).expect(200);
    const off = await favorite('delete', article.slug, fan).expect(200);
    expect((off.body as { article: Article }).article).toMatchObject({
      favorited: false,
      favoritesCount: 1,
    });
    const offAgain = await favorite('delete', article.slug, fan).expect(200);
    expect((offAgain.body as { article: Article }).article).toMatchObject({
      favorited: false,
      favoritesCount: 1,
    });
    expect(await votesOn(article.slug)).toEqual([author.id]);
  });

  it('takes bodiless requests labelled JSON, as the RealWorld suite sends them, and still checks the token first', async () => {
    const article = await createArticle(t, author);
    // The suite sends `Content-Type: application/json` with no body on
    // POST /favorite (Content-Length: 0) and on DELETE (no Content-Length).
    const on = await favorite('post', article.slug, fan)
      .set('Content-Type', 'application/json')
      .send('')
      .expect(200);
    expect((on.body as { article: Article }).article).toMatchObject({ favorited: true });
    expect(await votesOn(article.slug)).toEqual([fan.id]);
    const off = await favorite('delete', article.slug, fan)
      .set('Content-Type', 'application/json')
      .expect(200);
    expect((off.body as { article: Article }).article).toMatchObject({ favorited: false });
    expect(await votesOn(article.slug)).toEqual([]);
    const anonymous = await favorite('post', article.slug)
      .set('Content-Type', 'application/json')
      .send('');
    expect(anonymous.status).toBe(401);
    expect(anonymous.body).toEqual(errors('token', 'is missing'));
    expect(await votesOn(article.slug)).toEqual([]);
  });

  it('two concurrent favourites by one user make one vote, and both answer 200', async () => {
    const article = await createArticle(t, author);
    const answers = await Promise.all([
      favorite('post', article.slug, fan),
      favorite('post', article.slug, fan),
      favorite('post', article.slug, fan),
    ]);
    expect(answers.map((r) => r.status)).toEqual([200, 200, 200]);
    for (const res of answers) {
      expect((res.body as { article: Article }).article).toMatchObject({ favorited: true });
    }
    expect(await votesOn(article.slug)).toEqual([fan.id]);
    const read = await t.http().get(`${CONDUIT}/articles/${article.slug}`).expect(200);
    expect((read.body as { article: Article }).article.favoritesCount).toBe(1);
  });

  it('401 before 404; 404 for an unknown slug or someone else’s draft; nothing stored', async () => {
    const article = await createArticle(t, author);
    const draft = await createPostAs(t, author, { published: false });
    const rows: { slug: string }[] = await t.db.query('SELECT slug FROM posts WHERE id = $1', [
      draft.id,
    ]);
    const before = await footprint(t, fan.id);
    for (const method of ['post', 'delete'] as const) {
      for (const slug of [article.slug, 'no-such-article-1']) {
        const res = await favorite(method, slug);
        expect([method, slug, res.status, res.body]).toEqual([
          method,
          slug,
          401,
          errors('token', 'is missing'),
        ]);
      }
      for (const slug of ['no-such-article-1', rows[0].slug]) {
        const res = await favorite(method, slug, fan);
        expect([method, slug, res.status, res.body]).toEqual([
          method,
          slug,
          404,
          errors('article', 'not found'),
        ]);
      }
    }
    expect(await footprint(t, fan.id)).toEqual(before);
    // The draft's author may favourite their own draft, as /api lets them vote for it.
    await favorite('post', rows[0].slug, author).expect(200);
  });
});
