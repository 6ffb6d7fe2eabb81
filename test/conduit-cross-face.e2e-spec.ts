import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createPostAs, registerUser, type RegisteredUser, type Schemas } from './support/api.js';
import { createTestApp, type TestApp } from './support/app.js';
import {
  conduitGet,
  createArticle,
  tokenOf,
  type Article,
  type ArticleList,
} from './support/conduit-articles.js';
import { CONDUIT } from './support/conduit.js';
import { vote } from './support/social.js';

/** One source of truth: what one face writes, the other shows at once. */
describe('Conduit and /api: the same posts, votes and comments', () => {
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

  const slugOf = async (id: number): Promise<string> => {
    const rows: { slug: string }[] = await t.db.query('SELECT slug FROM posts WHERE id = $1', [id]);
    return rows[0].slug;
  };

  it('a post made through /api shows through Conduit, with the same favourites count', async () => {
    const post = await createPostAs(t, author, {
      title: 'Made in the API',
      description: 'Its summary',
      content: 'Its content',
      tags: ['cross', 'face'],
    });
    await vote(t, fan, post.id);
    const slug = await slugOf(post.id);
    const api = (await t.http().get(`/api/posts/${post.id}`).set(fan.auth).expect(200))
      .body as Schemas['PostResponse'];
    const res = await conduitGet(t, `/articles/${slug}`, fan).expect(200);
    expect((res.body as { article: Article }).article).toEqual({
      slug,
      title: api.title,
      description: 'Its summary',
      body: api.content,
      tagList: api.tags,
      createdAt: api.createdAt,
      updatedAt: api.updatedAt,
      favorited: api.voted,
      favoritesCount: api.votes,
      author: { username: author.username, bio: null, image: null, following: false },
    });
    expect(api.votes).toBe(1);
    const listed = (await conduitGet(t, `/articles?author=${author.username}`).expect(200))
      .body as ArticleList;
    expect(listed.articles.find((a) => a.slug === slug)?.favoritesCount).toBe(1);
  });

  it('a favourite and a comment made through Conduit show through /api', async () => {
    const article = await createArticle(t, author, { title: 'Made in Conduit' });
    const rows: { id: number }[] = await t.db.query('SELECT id FROM posts WHERE slug = $1', [
      article.slug,
    ]);
    const id = rows[0].id;
    await t
      .http()
      .post(`${CONDUIT}/articles/${article.slug}/favorite`)
      .set(tokenOf(fan))
      .expect(200);
    const comment = await t
      .http()
      .post(`${CONDUIT}/articles/${article.slug}/comments`)
      .set(tokenOf(fan))
      .send({ comment: { body: 'Through Conduit' } })
      .expect(201);

    const post = (await t.http().get(`/api/posts/${id}`).set(fan.auth).expect(200))
      .body as Schemas['PostResponse'];
    expect(post).toMatchObject({
      title: 'Made in Conduit',
      content: article.body,
      description: article.description,
      votes: 1,
      voted: true,
      comments: 1,
      published: true,
    });
    const voters = await t.http().get(`/api/posts/${id}/votes`).expect(200);
    expect((voters.body as { data: { id: number }[] }).data.map((u) => u.id)).toEqual([fan.id]);
    const comments = await t.http().get(`/api/posts/${id}/comments`).expect(200);
    expect((comments.body as { data: { id: number; body: string }[] }).data).toEqual([
      expect.objectContaining({
        id: (comment.body as { comment: { id: number } }).comment.id,
        body: 'Through Conduit',
      }),
    ]);
    // /api's double vote is still a 409: Conduit's idempotence is its own.
    await t.http().post(`/api/posts/${id}/votes`).set(fan.auth).expect(409);
    // An edit through /api shows through Conduit, slug and all.
    await t.http().patch(`/api/posts/${id}`).set(author.auth).send({ title: 'Renamed in API' });
    const renamed = await conduitGet(t, `/articles/${await slugOf(id)}`).expect(200);
    expect((renamed.body as { article: Article }).article.title).toBe('Renamed in API');
  });
});
