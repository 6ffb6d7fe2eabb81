import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  type Auth,
  createPostAs,
  expectInvalid,
  expectProblem,
  marker,
  registerUser,
  type Schemas,
} from './support/api.js';
import { createTestApp, type TestApp } from './support/app.js';
import { count } from './support/db.js';
import { exact, getList, ids, type PostPage, totalOf } from './support/lists.js';
import { linkedTags, listPosts, postRow } from './support/posts.js';
import { ISO_UTC, POST_KEYS } from './support/shapes.js';
import { setDisplayName, vote } from './support/social.js';

/** PATCH and DELETE /api/posts/:id, and what deleting an account removes of its posts. */
describe('posts', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });

  afterAll(async () => {
    await t.close();
  });

  describe('PATCH /api/posts/:id', () => {
    function patch(id: number | string, body: unknown, auth?: Auth) {
      const req = t.http().patch(`/api/posts/${id}`);
      return (auth ? req.set(auth) : req).send(body as object);
    }

    it('lets the author change title and content: 200 Post, persisted, updatedAt moves forward', async () => {
      const author = await registerUser(t);
      const tag = marker();
      const created = await createPostAs(t, author, { tags: [tag] });
      const res = await patch(
        created.id,
        { title: '  New title  ', content: 'New content' },
        author.auth,
      ).expect(200);
      expect(Object.keys(res.body).sort()).toEqual(POST_KEYS);
      expect(res.body).toEqual({
        ...created,
        title: 'New title',
        content: 'New content',
        updatedAt: expect.stringMatching(ISO_UTC),
      });
      const updated = res.body as Schemas['PostResponse'];
      expect(Date.parse(updated.updatedAt)).toBeGreaterThanOrEqual(Date.parse(created.updatedAt));
      expect(await postRow(t, created.id)).toEqual({
        author_id: author.id,
        title: 'New title',
        description: null,
        slug: `new-title-${created.id}`,
        content: 'New content',
        published: true,
        moved: true,
      });
      expect(await linkedTags(t, created.id)).toEqual([tag]);
      const view = await t.http().get(`/api/posts/${created.id}`).expect(200);
      expect(view.body).toEqual(res.body);
    });

    it('moves updatedAt forward when only the tags change', async () => {
      const author = await registerUser(t);
      const created = await createPostAs(t, author);
      expect((await postRow(t, created.id))?.moved).toBe(false);
      await patch(created.id, { tags: [marker()] }, author.auth).expect(200);
      expect((await postRow(t, created.id))?.moved).toBe(true);
    });

    it('toggles published: a draft is published, a published post becomes a draft', async () => {
      const author = await registerUser(t);
      const created = await createPostAs(t, author, { published: false });
      const published = await patch(created.id, { published: true }, author.auth).expect(200);
      expect(published.body.published).toBe(true);
      expect((await postRow(t, created.id))?.published).toBe(true);
      await t.http().get(`/api/posts/${created.id}`).expect(200);

      const unpublished = await patch(created.id, { published: false }, author.auth).expect(200);
      expect(unpublished.body.published).toBe(false);
      expect((await postRow(t, created.id))?.published).toBe(false);
      expectProblem(await t.http().get(`/api/posts/${created.id}`), 404);
    });

    it('replaces the whole tag set with tags, keeps it without, and clears it with []', async () => {
      const author = await registerUser(t);
      const p = marker();
      const [a, b, c] = [`${p}-a`, `${p}-b`, `${p}-c`];
      const created = await createPostAs(t, author, { tags: [a, b] });
      expect(created.tags).toEqual([a, b]);

      const replaced = await patch(
        created.id,
        { tags: [` ${c.toUpperCase()} `, b, c] },
        author.auth,
      ).expect(200);
      expect(replaced.body.tags).toEqual([b, c]);
      expect(await linkedTags(t, created.id)).toEqual([b, c]);

      const kept = await patch(created.id, { title: 'Still tagged' }, author.auth).expect(200);
      expect(kept.body.tags).toEqual([b, c]);
      expect(await linkedTags(t, created.id)).toEqual([b, c]);

      const cleared = await patch(created.id, { tags: [] }, author.auth).expect(200);
      expect(cleared.body.tags).toEqual([]);
      expect(await count(t, 'post_tags WHERE post_id = $1', [created.id])).toBe(0);
      expect((await t.http().get(`/api/posts/${created.id}`).expect(200)).body.tags).toEqual([]);
    });

    it('answers 403 to another user for a published post, changing nothing', async () => {
      const author = await registerUser(t);
      const other = await registerUser(t);
      const tag = marker();
      const created = await createPostAs(t, author, { title: 'Mine', tags: [tag] });
      const res = await patch(created.id, { title: 'Theirs', tags: [] }, other.auth);
      expectProblem(res, 403);
      expect((await postRow(t, created.id))?.title).toBe('Mine');
      expect(await linkedTags(t, created.id)).toEqual([tag]);
    });

    it("answers 404 to another user for the author's draft, changing nothing", async () => {
      const author = await registerUser(t);
      const other = await registerUser(t);
      const draft = await createPostAs(t, author, { title: 'Draft', published: false });
      expectProblem(await patch(draft.id, { title: 'Theirs' }, other.auth), 404);
      expectProblem(await patch(draft.id, { published: true }, other.auth), 404);
      expect(await postRow(t, draft.id)).toMatchObject({ title: 'Draft', published: false });
    });

    it('answers 404 for a post that does not exist and 400 for a bad id', async () => {
      const author = await registerUser(t);
      expectProblem(await patch(2147483647, { title: 'x' }, author.auth), 404);
      expectInvalid(await patch('0x10', { title: 'x' }, author.auth), 'id');
      expectInvalid(await patch('99999999999', { title: 'x' }, author.auth), 'id');
    });

    const invalid: [string, Record<string, unknown>, string][] = [
      ['an empty title', { title: '' }, 'title'],
      ['a title of 201 characters', { title: 'T'.repeat(201) }, 'title'],
      ['a null title', { title: null }, 'title'],
      ['an empty content', { content: ' ' }, 'content'],
      ['a content of 20001 characters', { content: 'C'.repeat(20001) }, 'content'],
      ['a null content', { content: null }, 'content'],
      ['a description of 501 characters', { description: 'D'.repeat(501) }, 'description'],
      ['a numeric description', { description: 5 }, 'description'],
      ['the unknown property slug', { slug: 'mine' }, 'slug'],
      ['a string published', { published: 'no' }, 'published'],
      ['a null published', { published: null }, 'published'],
      ['tags not an array', { tags: 'math' }, 'tags'],
      ['null tags', { tags: null }, 'tags'],
      ['a bad tag', { tags: ['a b'] }, 'tags'],
      ['11 tags', { tags: Array.from({ length: 11 }, (_, i) => `t${i}`) }, 'tags'],
      ['the unknown property authorId', { authorId: 1 }, 'authorId'],
      ['the unknown property id', { id: 1 }, 'id'],
      ['the unknown property votes', { votes: 9 }, 'votes'],
    ];

    it.each(invalid)(
      'answers 400 naming the field for %s, changing nothing',
      async (_, body, field) => {
        const author = await registerUser(t);
        const tag = marker();
        const created = await createPostAs(t, author, {
          title: 'Kept',
          description: 'Kept',
          content: 'Kept',
          tags: [tag],
        });
        expectInvalid(await patch(created.id, { ...body }, author.auth), field);
        expect(await postRow(t, created.id)).toEqual({
          author_id: author.id,
          title: 'Kept',
          description: 'Kept',
          slug: `kept-${created.id}`,
          content: 'Kept',
          published: true,
          moved: false,
        });
        expect(await linkedTags(t, created.id)).toEqual([tag]);
      },
    );

    it('answers 401 without a token, changing nothing', async () => {
      const author = await registerUser(t);
      const created = await createPostAs(t, author, { title: 'Kept' });
      const res = await patch(created.id, { title: 'Changed' });
      expectProblem(res, 401);
      expect(res.headers['www-authenticate']).toMatch(/^Bearer/);
      expect((await postRow(t, created.id))?.title).toBe('Kept');
    });
  });

  describe('DELETE /api/posts/:id', () => {
    it('answers 204 and removes the post, its votes and its tag links', async () => {
      const author = await registerUser(t);
      const voter = await registerUser(t);
      const tag = marker();
      const post = await createPostAs(t, author, { tags: [tag, `${tag}-2`] });
      await vote(t, voter, post.id);
      await vote(t, author, post.id);
      expect(await count(t, 'votes WHERE post_id = $1', [post.id])).toBe(2);
      expect(await count(t, 'post_tags WHERE post_id = $1', [post.id])).toBe(2);

      const res = await t.http().delete(`/api/posts/${post.id}`).set(author.auth).expect(204);
      expect(res.text).toBe('');
      expect(await count(t, 'posts WHERE id = $1', [post.id])).toBe(0);
      expect(await count(t, 'votes WHERE post_id = $1', [post.id])).toBe(0);
      expect(await count(t, 'post_tags WHERE post_id = $1', [post.id])).toBe(0);
      expectProblem(await t.http().get(`/api/posts/${post.id}`).set(author.auth), 404);
      expectProblem(await t.http().delete(`/api/posts/${post.id}`).set(author.auth), 404);
      expectProblem(await t.http().get(`/api/tags/${tag}`), 404);
    });

    it('deletes the author’s own draft', async () => {
      const author = await registerUser(t);
      const draft = await createPostAs(t, author, { published: false });
      await t.http().delete(`/api/posts/${draft.id}`).set(author.auth).expect(204);
      expect(await count(t, 'posts WHERE id = $1', [draft.id])).toBe(0);
    });

    it('answers 403 to another user (404 for a draft), deleting nothing', async () => {
      const author = await registerUser(t);
      const other = await registerUser(t);
      const post = await createPostAs(t, author, { tags: [marker()] });
      await vote(t, other, post.id);
      expectProblem(await t.http().delete(`/api/posts/${post.id}`).set(other.auth), 403);
      expect(await count(t, 'posts WHERE id = $1', [post.id])).toBe(1);
      expect(await count(t, 'votes WHERE post_id = $1', [post.id])).toBe(1);
      expect(await count(t, 'post_tags WHERE post_id = $1', [post.id])).toBe(1);

      const draft = await createPostAs(t, author, { published: false });
      expectProblem(await t.http().delete(`/api/posts/${draft.id}`).set(other.auth), 404);
      expect(await count(t, 'posts WHERE id = $1', [draft.id])).toBe(1);
    });

    it('answers 404 for a missing post, 400 for a bad id, 401 without a token', async () => {
      const author = await registerUser(t);
      const post = await createPostAs(t, author);
      expectProblem(await t.http().delete('/api/posts/2147483647').set(author.auth), 404);
      expectInvalid(await t.http().delete('/api/posts/1e3').set(author.auth), 'id');
      const anonymous = await t.http().delete(`/api/posts/${post.id}`);
      expectProblem(anonymous, 401);
      expect(anonymous.headers['www-authenticate']).toMatch(/^Bearer/);
      expect(await count(t, 'posts WHERE id = $1', [post.id])).toBe(1);
    });
  });

  describe('DELETE /api/users/me cascade', () => {
    it("removes the user's posts, their votes, the votes on their posts and their posts' tag links", async () => {
      const user = await registerUser(t);
      const other = await registerUser(t);
      const m = marker();
      const own = `${m}-own`;
      const shared = `${m}-shared`;
      await setDisplayName(t, user, 'Leaving');
      const mine = await createPostAs(t, user, { title: `${m} mine`, tags: [own, shared] });
      const draft = await createPostAs(t, user, {
        title: `${m} draft`,
        tags: [own],
        published: false,
      });
      const theirs = await createPostAs(t, other, { title: `${m} theirs`, tags: [shared] });
      await vote(t, user, theirs.id);
      await vote(t, user, mine.id);
      await vote(t, other, mine.id);

      const before = await getList(t, '/api/tags', { search: m }).expect(200);
      expect(before.body.data).toEqual([
        { name: shared, posts: 2 },
        { name: own, posts: 1 },
      ]);
      const postIds = [mine.id, draft.id];
      expect(await count(t, 'post_tags WHERE post_id = ANY($1)', [postIds])).toBe(3);

      await t.http().delete('/api/users/me').set(user.auth).expect(204);

      expect(await count(t, 'posts WHERE author_id = $1', [user.id])).toBe(0);
      expect(await count(t, 'posts WHERE id = ANY($1)', [postIds])).toBe(0);
      expect(await count(t, 'votes WHERE user_id = $1', [user.id])).toBe(0);
      expect(await count(t, 'votes WHERE post_id = ANY($1)', [postIds])).toBe(0);
      expect(await count(t, 'post_tags WHERE post_id = ANY($1)', [postIds])).toBe(0);
      expect(await linkedTags(t, theirs.id)).toEqual([shared]);

      const after = await getList(t, '/api/tags', { search: m }).expect(200);
      expect(after.body).toEqual({
        data: [{ name: shared, posts: 1 }],
        meta: { total: null, totalExact: null, limit: 20, offset: 0, nextCursor: null },
      });
      expectProblem(await t.http().get(`/api/tags/${own}`), 404);
      // The tag's counter dropped with the cascade: the single-tag list's exact total.
      const tagged = (await listPosts(t, { tag: shared }).expect(200)).body as PostPage;
      expect(ids(tagged)).toEqual([theirs.id]);
      expect(totalOf(tagged.meta)).toEqual(exact(1));
      const view = await t.http().get(`/api/posts/${theirs.id}`).set(other.auth).expect(200);
      expect(view.body).toMatchObject({ votes: 0, voted: false, tags: [shared] });
      expect(ids((await listPosts(t, { search: m }).expect(200)).body)).toEqual([theirs.id]);
      expectProblem(await t.http().get(`/api/posts/${mine.id}`), 404);
    });
  });
});
