import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  createPostAs,
  expectProblem,
  marker,
  type RegisteredUser,
  registerUser,
  type Schemas,
  uniqueName,
} from './support/api.js';
import { createTestApp, type TestApp } from './support/app.js';
import {
  exact,
  getList,
  ids,
  type PostPage,
  type Query,
  totalOf,
  UNCOUNTED,
} from './support/lists.js';
import { listPosts } from './support/posts.js';

/** Drafts: who sees them in lists, and what counts leave them out. */
describe('posts', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });

  afterAll(async () => {
    await t.close();
  });

  describe('drafts in lists and counts', () => {
    let author: RegisteredUser;
    let other: RegisteredUser;
    let m: string;
    let shared: string;
    let draftOnly: string;
    let published: Schemas['PostResponse'];
    let draft: Schemas['PostResponse'];

    beforeAll(async () => {
      author = await registerUser(t, { username: uniqueName('Dr') });
      other = await registerUser(t);
      m = marker();
      shared = `${m}-shared`;
      draftOnly = `${m}-draft`;
      published = await createPostAs(t, author, { title: `${m} published`, tags: [shared] });
      draft = await createPostAs(t, author, {
        title: `${m} draft`,
        tags: [shared, draftOnly],
        published: false,
      });
    });

    it('lists only published posts without author=<caller>, to anyone, and never counts drafts in meta.total', async () => {
      const totalOfPage = (body: unknown) => totalOf((body as PostPage).meta);
      for (const auth of [undefined, other.auth, author.auth]) {
        const res = await listPosts(t, { search: m }, auth).expect(200);
        expect(ids(res.body)).toEqual([published.id]);
        // A search is not counted.
        expect(totalOfPage(res.body)).toEqual(UNCOUNTED);
        // The tag's counter counts the published post only.
        const byTag = await listPosts(t, { tag: shared }, auth).expect(200);
        expect(ids(byTag.body)).toEqual([published.id]);
        expect(totalOfPage(byTag.body)).toEqual(exact(1));
      }
      for (const auth of [undefined, other.auth]) {
        const res = await listPosts(t, { search: m, author: String(author.id) }, auth).expect(200);
        expect(ids(res.body)).toEqual([published.id]);
        expect(totalOfPage(res.body)).toEqual(UNCOUNTED);
        // The author's counter (anonymous), or a count (signed in): the draft is in neither.
        for (const query of [
          { author: String(author.id) },
          { author: author.username, tag: shared },
        ] as Query[]) {
          const counted = await listPosts(t, query, auth).expect(200);
          expect(ids(counted.body)).toEqual([published.id]);
          expect(totalOfPage(counted.body)).toEqual(exact(1));
        }
      }
    });

    it('lists the caller’s own drafts with author=<caller>, by id and by username (any case)', async () => {
      for (const who of [String(author.id), author.username, author.username.toLowerCase()]) {
        const res = await listPosts(t, { search: m, author: who }, author.auth).expect(200);
        expect(ids(res.body)).toEqual([draft.id, published.id]);
        expect(totalOf((res.body as PostPage).meta)).toEqual(UNCOUNTED);
        expect((res.body as PostPage).data[0]).toEqual(draft);
        // Without search the caller's own list is counted, drafts included.
        const own = await listPosts(t, { author: who }, author.auth).expect(200);
        expect(ids(own.body)).toEqual([draft.id, published.id]);
        expect(totalOf((own.body as PostPage).meta)).toEqual(exact(2));
      }
      const byTag = await listPosts(
        t,
        { tag: draftOnly, author: author.username },
        author.auth,
      ).expect(200);
      expect(ids(byTag.body)).toEqual([draft.id]);
      expect(totalOf((byTag.body as PostPage).meta)).toEqual(exact(1));
    });

    it('lists drafts in GET /api/users/:id/posts only for their author', async () => {
      const own = await getList(t, `/api/users/${author.id}/posts`, {}, author.auth).expect(200);
      expect(ids(own.body)).toEqual([draft.id, published.id]);
      expect(totalOf((own.body as PostPage).meta)).toEqual(exact(2));
      for (const auth of [undefined, other.auth]) {
        const res = await getList(t, `/api/users/${author.id}/posts`, {}, auth).expect(200);
        expect(ids(res.body)).toEqual([published.id]);
        expect(totalOf((res.body as PostPage).meta)).toEqual(exact(1));
      }
    });

    it('never finds a draft by tag for others', async () => {
      for (const auth of [undefined, other.auth, author.auth]) {
        const res = await listPosts(t, { tag: draftOnly }, auth).expect(200);
        expect(res.body).toEqual({
          data: [],
          meta: { total: 0, totalExact: true, limit: 20, offset: 0, nextCursor: null },
        });
      }
      const sharedList = await listPosts(t, { tag: shared }).expect(200);
      expect(ids(sharedList.body)).toEqual([published.id]);
    });

    it('does not count drafts in counts.posts, nor in tag counts; a tag only a draft carries does not exist', async () => {
      for (const auth of [undefined, author.auth]) {
        const user = await getList(t, `/api/users/${author.id}`, {}, auth).expect(200);
        expect(user.body.counts.posts).toBe(1);
      }
      const tags = await getList(t, '/api/tags', { search: m }).expect(200);
      expect(tags.body).toEqual({
        data: [{ name: shared, posts: 1 }],
        meta: { total: null, totalExact: null, limit: 20, offset: 0, nextCursor: null },
      });
      expect((await t.http().get(`/api/tags/${shared}`).expect(200)).body).toEqual({
        name: shared,
        posts: 1,
      });
      expectProblem(await t.http().get(`/api/tags/${draftOnly}`), 404);
    });

    it('counts a draft everywhere once it is published, and forgets it when unpublished again', async () => {
      const u = await registerUser(t);
      const p = marker();
      const tag = `${p}-only`;
      const post = await createPostAs(t, u, { title: `${p} later`, tags: [tag], published: false });
      expectProblem(await t.http().get(`/api/tags/${tag}`), 404);

      await t
        .http()
        .patch(`/api/posts/${post.id}`)
        .set(u.auth)
        .send({ published: true })
        .expect(200);
      expect(ids((await listPosts(t, { search: p }).expect(200)).body)).toEqual([post.id]);
      for (const query of [{ tag }, { author: String(u.id) }] as Query[]) {
        const counted = (await listPosts(t, query).expect(200)).body as PostPage;
        expect({ query, ids: ids(counted), total: totalOf(counted.meta) }).toEqual({
          query,
          ids: [post.id],
          total: exact(1),
        });
      }
      expect((await t.http().get(`/api/users/${u.id}`).expect(200)).body.counts.posts).toBe(1);
      expect((await t.http().get(`/api/tags/${tag}`).expect(200)).body).toEqual({
        name: tag,
        posts: 1,
      });

      await t
        .http()
        .patch(`/api/posts/${post.id}`)
        .set(u.auth)
        .send({ published: false })
        .expect(200);
      expect(ids((await listPosts(t, { search: p }).expect(200)).body)).toEqual([]);
      for (const query of [{ tag }, { author: String(u.id) }] as Query[]) {
        expect({ query, body: (await listPosts(t, query).expect(200)).body as unknown }).toEqual({
          query,
          body: {
            data: [],
            meta: { total: 0, totalExact: true, limit: 20, offset: 0, nextCursor: null },
          },
        });
      }
      expect((await t.http().get(`/api/users/${u.id}`).expect(200)).body.counts.posts).toBe(0);
      expectProblem(await t.http().get(`/api/tags/${tag}`), 404);
      expect((await getList(t, '/api/tags', { search: p }).expect(200)).body.data).toEqual([]);
    });
  });
});
