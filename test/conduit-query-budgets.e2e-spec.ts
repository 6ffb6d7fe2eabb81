import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { marker, registerUser, type RegisteredUser } from './support/api.js';
import { createTestApp, type TestApp } from './support/app.js';
import {
  conduitGet,
  createArticle,
  tokenOf,
  type Article,
  type ArticleList,
} from './support/conduit-articles.js';
import { CONDUIT } from './support/conduit.js';
import { follow } from './support/social.js';

/** How many SQL statements the Conduit face's reads run, whatever the page size: /api's budgets. */
describe('Conduit query budgets', () => {
  let t: TestApp;
  let author: RegisteredUser;
  let viewer: RegisteredUser;
  let tag: string;
  let articles: Article[];

  beforeAll(async () => {
    t = await createTestApp();
    author = await registerUser(t);
    viewer = await registerUser(t);
    tag = marker();
    articles = [];
    for (let i = 0; i < 12; i += 1) {
      articles.push(
        await createArticle(t, author, { title: `Budget ${i}`, tagList: [tag, `${tag}-${i % 3}`] }),
      );
    }
    for (const article of articles.slice(0, 8)) {
      await t
        .http()
        .post(`${CONDUIT}/articles/${article.slug}/favorite`)
        .set(tokenOf(viewer))
        .expect(200);
    }
    await follow(t, viewer, author);
  });

  afterAll(async () => {
    await t.close();
  });

  /** Statements of one request, and its body. */
  async function measure(path: string, user?: RegisteredUser) {
    let body: unknown;
    const n = await t.countQueries(async () => {
      body = (await conduitGet(t, path, user).expect(200)).body;
    });
    return { n, body };
  }

  it('GET /articles: the same ≤ 3 statements for 1 or 50 articles, signed in or not, with each filter', async () => {
    const filters = [
      '',
      `tag=${tag}`,
      `author=${author.username}`,
      `favorited=${viewer.username}`,
      `tag=${tag}-1&favorited=${viewer.username}`,
    ];
    for (const filter of filters) {
      for (const user of [undefined, viewer]) {
        const sizes: number[] = [];
        for (const limit of [1, 50]) {
          const { n, body } = await measure(`/articles?${filter}&limit=${limit}`, user);
          expect((body as ArticleList).articles.length).toBeGreaterThan(0);
          sizes.push(n);
        }
        const who = user ? 'signed in' : 'anonymous';
        expect({ filter, who, sizes }).toEqual({ filter, who, sizes: [sizes[0], sizes[0]] });
        expect(sizes[0]).toBeGreaterThan(0);
        expect(sizes[0]).toBeLessThanOrEqual(3);
      }
    }
    const full = await measure(`/articles?tag=${tag}&limit=50`, viewer);
    const list = full.body as ArticleList;
    expect(list.articlesCount).toBe(12);
    expect(list.articles.filter((a) => a.favorited)).toHaveLength(8);
    expect(list.articles.every((a) => a.author.following && a.tagList.length === 2)).toBe(true);
  });

  it('GET /articles/feed runs ≤ 3 statements, for 1 or 50 articles', async () => {
    const one = await measure('/articles/feed?limit=1', viewer);
    const fifty = await measure('/articles/feed?limit=50', viewer);
    expect((fifty.body as ArticleList).articles).toHaveLength(12);
    expect(fifty.n).toBe(one.n);
    expect(fifty.n).toBeLessThanOrEqual(3);
  });

  it('GET /articles/:slug runs ≤ 2 statements signed in, 1 anonymously', async () => {
    const signedIn = await measure(`/articles/${articles[0].slug}`, viewer);
    expect((signedIn.body as { article: Article }).article.favorited).toBe(true);
    expect(signedIn.n).toBeLessThanOrEqual(2);
    const anonymous = await measure(`/articles/${articles[0].slug}`);
    expect(anonymous.n).toBe(1);
  });

  it('GET /articles/:slug/comments runs ≤ 3 statements, for 1 or 50 comments', async () => {
    const slug = articles[1].slug;
    for (let i = 0; i < 5; i += 1) {
      await t
        .http()
        .post(`${CONDUIT}/articles/${slug}/comments`)
        .set(tokenOf(viewer))
        .send({ comment: { body: `Comment ${i}` } })
        .expect(201);
    }
    const one = await measure(`/articles/${slug}/comments?limit=1`, viewer);
    const all = await measure(`/articles/${slug}/comments`, viewer);
    expect((all.body as { comments: unknown[] }).comments).toHaveLength(5);
    expect(all.n).toBe(one.n);
    expect(all.n).toBeLessThanOrEqual(3);
  });
});
