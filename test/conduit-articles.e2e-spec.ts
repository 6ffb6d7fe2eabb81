import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createPostAs, marker, registerUser, type RegisteredUser } from './support/api.js';
import { createTestApp, type TestApp } from './support/app.js';
import {
  conduitGet,
  createArticle,
  errors,
  type Article,
  type ArticleList,
} from './support/conduit-articles.js';
import { getList, queryString, type PostPage } from './support/lists.js';
import { follow, vote } from './support/social.js';

/** GET /conduit/api/articles, /articles/feed and /articles/:slug: the reads of the article face. */
describe('Conduit articles: reads', () => {
  let t: TestApp;
  let author: RegisteredUser;
  let reader: RegisteredUser;
  let tag: string;
  /** The author's three articles, oldest first. */
  let articles: Article[];

  beforeAll(async () => {
    t = await createTestApp();
    author = await registerUser(t);
    reader = await registerUser(t);
    tag = marker();
    await t
      .http()
      .put('/api/users/me/profile')
      .set(author.auth)
      .send({
        displayName: 'Ada',
        bio: 'Writes on engines.',
        avatarUrl: 'https://example.com/a.png',
      })
      .expect(201);
    articles = [];
    for (const i of [0, 1, 2]) {
      articles.push(
        await createArticle(t, author, {
          title: `Engine ${tag} ${i}`,
          description: i === 1 ? '' : `About ${i}`,
          body: `Body ${i}`,
          tagList: i === 2 ? ['Zeta', tag] : [tag],
        }),
      );
    }
    const [first, , third] = articles;
    const ids = await Promise.all(
      [first, third].map(async (a) => {
        const rows: { id: number }[] = await t.db.query('SELECT id FROM posts WHERE slug = $1', [
          a.slug,
        ]);
        return rows[0].id;
      }),
    );
    for (const id of ids) await vote(t, reader, id);
    await follow(t, reader, author);
  });

  afterAll(async () => {
    await t.close();
  });

  const list = (query: Record<string, string | number>, user?: RegisteredUser) =>
    conduitGet(t, `/articles?${queryString(query)}`, user);

  it('lists an author’s articles newest first, without bodies, with their author and counts', async () => {
    const res = await list({ author: author.username }).expect(200);
    const body = res.body as ArticleList;
    expect(body.articlesCount).toBe(3);
    expect(body.articles.map((a) => a.slug)).toEqual(articles.map((a) => a.slug).reverse());
    for (const item of body.articles) expect(item).not.toHaveProperty('body');
    expect(body.articles[0]).toEqual({
      slug: articles[2].slug,
      title: `Engine ${tag} 2`,
      description: 'About 2',
      tagList: [tag, 'zeta'].sort(),
      createdAt: articles[2].createdAt,
      updatedAt: articles[2].updatedAt,
      favorited: false,
      favoritesCount: 1,
      author: {
        username: author.username,
        bio: 'Writes on engines.',
        image: 'https://example.com/a.png',
        following: false,
      },
    });
    // A post without a summary shows an empty one (Conduit's description is a string).
    expect(body.articles[1].description).toBe('');
  });

  it('personalises the list for a signed-in caller: favorited and following', async () => {
    const res = await list({ author: author.username }, reader).expect(200);
    const body = res.body as ArticleList;
    expect(body.articles.map((a) => [a.favorited, a.favoritesCount])).toEqual([
      [true, 1],
      [false, 0],
      [true, 1],
    ]);
    expect(body.articles.every((a) => a.author.following)).toBe(true);
  });

  it('filters by tag and by favorited, with /api’s totals as articlesCount', async () => {
    const byTag = (await list({ tag: tag.toUpperCase() }).expect(200)).body as ArticleList;
    expect(byTag.articles.map((a) => a.slug)).toEqual(articles.map((a) => a.slug).reverse());
    expect(byTag.articlesCount).toBe(3);

    const favourites = (await list({ favorited: reader.username }).expect(200)).body as ArticleList;
    expect(favourites.articles.map((a) => a.slug)).toEqual([articles[2].slug, articles[0].slug]);
    expect(favourites.articlesCount).toBe(2);
    // Each returned tag list stays whole under a filter.
    expect(favourites.articles[0].tagList).toEqual([tag, 'zeta'].sort());

    const both = (
      await list({ favorited: reader.username, tag: 'zeta', author: author.username }).expect(200)
    ).body as ArticleList;
    expect(both.articles.map((a) => a.slug)).toEqual([articles[2].slug]);
    expect(both.articlesCount).toBe(1);

    const nobody = (await list({ favorited: author.username }).expect(200)).body as ArticleList;
    expect(nobody).toEqual({ articles: [], articlesCount: 0 });
    const unknown = (await list({ author: 'no_such_user_here' }).expect(200)).body as ArticleList;
    expect(unknown).toEqual({ articles: [], articlesCount: 0 });

    // The same list through /api: the same total.
    for (const [conduit, api] of [
      [{ tag }, { tag }],
      [{ author: author.username }, { author: author.username }],
      [{}, {}],
    ] as const) {
      const c = (await list(conduit).expect(200)).body as ArticleList;
      const a = (await getList(t, '/api/posts', api).expect(200)).body as PostPage;
      expect(c.articlesCount).toBe(a.meta.total);
    }
  });

  it('pages with limit and offset, and refuses what /api refuses as a Conduit 422', async () => {
    const page = (await list({ tag, limit: 1, offset: 1 }).expect(200)).body as ArticleList;
    expect(page.articles.map((a) => a.slug)).toEqual([articles[1].slug]);
    expect(page.articlesCount).toBe(3);
    const past = (await list({ tag, offset: 10 }).expect(200)).body as ArticleList;
    expect(past).toEqual({ articles: [], articlesCount: 3 });

    for (const [query, field] of [
      [{ limit: 0 }, 'limit'],
      [{ limit: 101 }, 'limit'],
      [{ limit: 'ten' }, 'limit'],
      [{ limit: '1e1' }, 'limit'],
      [{ offset: -1 }, 'offset'],
      [{ offset: 10001 }, 'offset'],
      [{ tag: 'not a tag' }, 'tag'],
      [{ author: 'no spaces allowed' }, 'author'],
      [{ favorited: '' }, 'favorited'],
      [{ sort: 'title' }, 'sort'],
    ] as const) {
      const res = await list(query);
      expect([query, res.status]).toEqual([query, 422]);
      expect(Object.keys((res.body as { errors: object }).errors)).toContain(field);
    }
    const deepest = await list({ tag, offset: 10000 }).expect(200);
    expect((deepest.body as ArticleList).articles).toEqual([]);
  });

  it('shows drafts only to their author', async () => {
    const draft = await createPostAs(t, author, { title: `Draft ${tag}`, published: false });
    const rows: { slug: string }[] = await t.db.query('SELECT slug FROM posts WHERE id = $1', [
      draft.id,
    ]);
    const slug = rows[0].slug;
    await conduitGet(t, `/articles/${slug}`).expect(404, errors('article', 'not found'));
    await conduitGet(t, `/articles/${slug}`, reader).expect(404, errors('article', 'not found'));
    const own = await conduitGet(t, `/articles/${slug}`, author).expect(200);
    expect((own.body as { article: Article }).article.slug).toBe(slug);

    const anonymous = (await list({ author: author.username }).expect(200)).body as ArticleList;
    expect(anonymous.articles.map((a) => a.slug)).not.toContain(slug);
    expect(anonymous.articlesCount).toBe(3);
    // The author's own list holds it, as /api's does.
    const mine = (await list({ author: author.username }, author).expect(200)).body as ArticleList;
    expect(mine.articles.map((a) => a.slug)).toContain(slug);
    expect(mine.articlesCount).toBe(4);
    await t.http().delete(`/api/posts/${draft.id}`).set(author.auth).expect(204);
  });

  it('reads one article by slug, with its body', async () => {
    const res = await conduitGet(t, `/articles/${articles[0].slug}`, reader).expect(200);
    expect(res.body).toEqual({
      article: {
        ...articles[0],
        favorited: true,
        favoritesCount: 1,
        author: { ...articles[0].author, following: true },
      },
    });
    expect((res.body as { article: Article }).article.body).toBe('Body 0');
  });

  it('answers an unknown slug with a Conduit 404, whatever it looks like', async () => {
    for (const slug of ['no-such-article-0', 'UPPER', '%20', 'x'.repeat(100), 'dots.and_under']) {
      const res = await conduitGet(t, `/articles/${encodeURIComponent(slug)}`);
      expect([slug, res.status, res.body]).toEqual([slug, 404, errors('article', 'not found')]);
    }
    // Longer than any path parameter may be: refused before routing.
    const long = await conduitGet(t, `/articles/${'x'.repeat(101)}`);
    expect([long.status, Object.keys(long.body as object)]).toEqual([422, ['errors']]);
  });

  it('feed: followed authors’ articles for a signed-in caller, 401 without a token', async () => {
    await conduitGet(t, '/articles/feed').expect(401, errors('token', 'is missing'));
    const lonely = await registerUser(t);
    const empty = (await conduitGet(t, '/articles/feed', lonely).expect(200)).body as ArticleList;
    expect(empty).toEqual({ articles: [], articlesCount: 0 });

    const feed = (await conduitGet(t, '/articles/feed?limit=2', reader).expect(200))
      .body as ArticleList;
    expect(feed.articles.map((a) => a.slug)).toEqual([articles[2].slug, articles[1].slug]);
    expect(feed.articlesCount).toBe(3);
    expect(feed.articles[0]).not.toHaveProperty('body');
    expect(feed.articles[0].author.following).toBe(true);
    expect(feed.articles[0].favorited).toBe(true);
    const res = await conduitGet(t, '/articles/feed?limit=500', reader);
    expect(res.status).toBe(422);
  });
});
