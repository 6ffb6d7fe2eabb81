import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { registerUser, type RegisteredUser } from './support/api.js';
import { createTestApp, type TestApp } from './support/app.js';
import {
  conduitGet,
  createArticle,
  errors,
  footprint,
  tokenOf,
  type Article,
  type ConduitComment,
} from './support/conduit-articles.js';
import { CONDUIT } from './support/conduit.js';
import { follow } from './support/social.js';
import { pageRowsRead } from './support/explain.js';
import { CommentsRepository } from '../src/comments/comments.repository.js';
import { COMMENT_SORT } from '../src/comments/comment-sort.js';
import { defaultSort } from '../src/common/paging/sort.js';

/** /conduit/api/articles/:slug/comments: Agora's comments, flat. */
describe('Conduit comments', () => {
  let t: TestApp;
  let author: RegisteredUser;
  let commenter: RegisteredUser;
  let article: Article;
  let postId: number;

  beforeAll(async () => {
    t = await createTestApp();
    author = await registerUser(t);
    commenter = await registerUser(t);
    article = await createArticle(t, author);
    const rows: { id: number }[] = await t.db.query('SELECT id FROM posts WHERE slug = $1', [
      article.slug,
    ]);
    postId = rows[0].id;
    await t
      .http()
      .put('/api/users/me/profile')
      .set(commenter.auth)
      .send({ displayName: 'C', bio: 'Comments a lot.' })
      .expect(201);
  });

  afterAll(async () => {
    await t.close();
  });

  const add = (slug: string, body: unknown, user?: RegisteredUser) => {
    const req = t.http().post(`${CONDUIT}/articles/${slug}/comments`);
    return (user ? req.set(tokenOf(user)) : req).send(body as object);
  };
  const remove = (slug: string, id: number | string, user?: RegisteredUser) => {
    const req = t.http().delete(`${CONDUIT}/articles/${slug}/comments/${id}`);
    return user ? req.set(tokenOf(user)) : req;
  };

  it('adds a comment (201) and lists every comment flat, replies made through /api too, oldest first', async () => {
    const res = await add(article.slug, { comment: { body: '  First!  ' } }, commenter).expect(201);
    const first = (res.body as { comment: ConduitComment }).comment;
    expect(first).toEqual({
      id: expect.any(Number),
      createdAt: expect.stringMatching(/Z$/),
      updatedAt: first.createdAt,
      body: 'First!',
      author: {
        username: commenter.username,
        bio: 'Comments a lot.',
        image: null,
        following: false,
      },
    });
    const stored: { body: string; author_id: number; post_id: number }[] = await t.db.query(
      'SELECT body, author_id, post_id FROM comments WHERE id = $1',
      [first.id],
    );
    expect(stored).toEqual([{ body: 'First!', author_id: commenter.id, post_id: postId }]);

    const reply = await t
      .http()
      .post(`/api/posts/${postId}/comments`)
      .set(author.auth)
      .send({ body: 'A reply.', parentId: first.id })
      .expect(201);
    const second = (await add(article.slug, { comment: { body: 'Second' } }, author).expect(201))
      .body as { comment: ConduitComment };

    await follow(t, author, commenter);
    const listed = await conduitGet(t, `/articles/${article.slug}/comments`, author).expect(200);
    const comments = (listed.body as { comments: ConduitComment[] }).comments;
    expect(comments.map((c) => [c.id, c.body])).toEqual([
      [first.id, 'First!'],
      [reply.body.id as number, 'A reply.'],
      [second.comment.id, 'Second'],
    ]);
    expect(comments[0].author.following).toBe(true);
    expect(comments[1].author).toEqual({
      username: author.username,
      bio: null,
      image: null,
      following: false,
    });
    const anonymous = await conduitGet(t, `/articles/${article.slug}/comments`).expect(200);
    expect(
      (anonymous.body as { comments: ConduitComment[] }).comments.every((c) => !c.author.following),
    ).toBe(true);

    // The documented bound: limit and offset page a long thread.
    const page = await conduitGet(t, `/articles/${article.slug}/comments?limit=1&offset=1`);
    expect((page.body as { comments: ConduitComment[] }).comments.map((c) => c.body)).toEqual([
      'A reply.',
    ]);
    for (const query of ['limit=0', 'limit=1001', 'offset=-1', 'limit=x', 'parentId=1']) {
      const res = await conduitGet(t, `/articles/${article.slug}/comments?${query}`);
      expect([query, res.status]).toEqual([query, 422]);
    }
  });

  it('lists none for an article without comments; 404 for an unknown or hidden article', async () => {
    const quiet = await createArticle(t, author);
    await conduitGet(t, `/articles/${quiet.slug}/comments`).expect(200, { comments: [] });
    await conduitGet(t, '/articles/no-such-article-9/comments').expect(
      404,
      errors('article', 'not found'),
    );
    await t.http().patch(`/api/posts/${postId}`).set(author.auth).send({ published: false });
    try {
      await conduitGet(t, `/articles/${article.slug}/comments`, commenter).expect(
        404,
        errors('article', 'not found'),
      );
      await conduitGet(t, `/articles/${article.slug}/comments`, author).expect(200);
      const before = await footprint(t, commenter.id);
      const res = await add(article.slug, { comment: { body: 'Hidden?' } }, commenter);
      expect([res.status, res.body]).toEqual([404, errors('article', 'not found')]);
      expect(await footprint(t, commenter.id)).toEqual(before);
    } finally {
      await t.http().patch(`/api/posts/${postId}`).set(author.auth).send({ published: true });
    }
  });

  it('refuses a comment without a token (401 before 404) or with a malformed body (422); stores nothing', async () => {
    const before = await footprint(t, commenter.id);
    for (const slug of [article.slug, 'no-such-article-9']) {
      const res = await add(slug, { comment: { body: 'Hi' } });
      expect([res.status, res.body]).toEqual([401, errors('token', 'is missing')]);
    }
    for (const [body, field] of [
      [{}, 'comment'],
      [{ body: 'no envelope' }, 'comment'],
      [{ comment: 'text' }, 'comment'],
      [{ comment: {} }, 'body'],
      [{ comment: { body: '   ' } }, 'body'],
      [{ comment: { body: 5 } }, 'body'],
      [{ comment: { body: 'x'.repeat(5001) } }, 'body'],
      [{ comment: { body: 'ok', parentId: 1 } }, 'parentId'],
    ] as const) {
      const res = await add(article.slug, body, commenter);
      expect([body, res.status]).toEqual([body, 422]);
      expect(Object.keys((res.body as { errors: object }).errors)).toContain(field);
    }
    const blank = await add(article.slug, { comment: { body: '' } }, commenter);
    expect(blank.body).toEqual(errors('body', "can't be blank"));
    const unknown = await add('no-such-article-9', { comment: { body: 'Hi' } }, commenter);
    expect([unknown.status, unknown.body]).toEqual([404, errors('article', 'not found')]);
    expect(await footprint(t, commenter.id)).toEqual(before);
  });

  it('deletes a comment for its author; 401, 403 and 404 (another article’s comment too) otherwise', async () => {
    const mine = (
      (await add(article.slug, { comment: { body: 'Mine' } }, commenter).expect(201)).body as {
        comment: ConduitComment;
      }
    ).comment;
    const elsewhere = await createArticle(t, author);
    const stranger = await registerUser(t);
    const exists = async (id: number) => {
      const rows: unknown[] = await t.db.query('SELECT 1 FROM comments WHERE id = $1', [id]);
      return rows.length === 1;
    };

    const anonymous = await remove(article.slug, mine.id);
    expect([anonymous.status, anonymous.body]).toEqual([401, errors('token', 'is missing')]);
    const forbidden = await remove(article.slug, mine.id, stranger);
    expect([forbidden.status, forbidden.body]).toEqual([403, errors('comment', 'forbidden')]);
    const wrongArticle = await remove(elsewhere.slug, mine.id, commenter);
    expect([wrongArticle.status, wrongArticle.body]).toEqual([404, errors('comment', 'not found')]);
    const unknownArticle = await remove('no-such-article-9', mine.id, commenter);
    expect([unknownArticle.status, unknownArticle.body]).toEqual([
      404,
      errors('article', 'not found'),
    ]);
    const unknownComment = await remove(article.slug, 2147483647, commenter);
    expect([unknownComment.status, unknownComment.body]).toEqual([
      404,
      errors('comment', 'not found'),
    ]);
    const badId = await remove(article.slug, 'abc', commenter);
    expect(badId.status).toBe(422);
    expect(await exists(mine.id)).toBe(true);

    const res = await remove(article.slug, mine.id, commenter);
    expect([res.status, res.text]).toEqual([204, '']);
    expect(await exists(mine.id)).toBe(false);
    const again = await remove(article.slug, mine.id, commenter);
    expect([again.status, again.body]).toEqual([404, errors('comment', 'not found')]);
  });

  it('reads a long thread’s first 1,000 comments, oldest first, replies included, and only those', async () => {
    const long = await createArticle(t, author);
    const [{ id }]: { id: number }[] = await t.db.query('SELECT id FROM posts WHERE slug = $1', [
      long.slug,
    ]);
    // 1,200 top-level comments, a minute apart, and 1,300 replies between them.
    await t.db.query(
      `INSERT INTO comments (post_id, author_id, body, created_at)
       SELECT $1, $2, 'top ' || i, timestamptz '2021-01-01' + i * interval '1 minute'
         FROM generate_series(1, 1200) i`,
      [id, commenter.id],
    );
    await t.db.query(
      `INSERT INTO comments (post_id, author_id, body, parent_id, created_at)
       SELECT $1, $2, 'reply ' || i, c.id, c.created_at + interval '30 seconds'
         FROM generate_series(1, 1300) i
         JOIN comments c ON c.post_id = $1 AND c.body = 'top ' || (1 + i % 1200)`,
      [id, author.id],
    );
    await t.db.query('ANALYZE comments');
    const want: { id: number }[] = await t.db.query(
      'SELECT id FROM comments WHERE post_id = $1 ORDER BY created_at, id LIMIT 1000',
      [id],
    );
    const res = await conduitGet(t, `/articles/${long.slug}/comments`).expect(200);
    const { comments } = res.body as { comments: ConduitComment[] };
    expect(comments.map((c) => c.id)).toEqual(want.map((r) => r.id));
    // The page's statement reads its 1,001 rows (the page and one to tell
    // whether more follow), not the thread's 2,500: the (post, date) index.
    const list = t.app
      .get(CommentsRepository)
      .listQuery(id, 'all', undefined, defaultSort(COMMENT_SORT), 'article');
    expect(await pageRowsRead(t, list, 'comments', { take: 1001 })).toBe(1001);
  });
});
