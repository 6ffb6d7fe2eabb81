import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createPostAs, expectInvalid, expectProblem, marker, registerUser } from './support/api.js';
import { createTestApp, type TestApp } from './support/app.js';
import { exact, getList, ids, type PostPage, totalOf, UNCOUNTED } from './support/lists.js';
import { vote } from './support/social.js';

/** GET /api/users/:id/posts. */
describe('posts', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });

  afterAll(async () => {
    await t.close();
  });

  describe('GET /api/users/:id/posts', () => {
    it("answers the author's published posts with the same filters, sorted and paged", async () => {
      const author = await registerUser(t);
      const other = await registerUser(t);
      const voter = await registerUser(t);
      const m = marker();
      const tag = `${m}-t`;
      const a = await createPostAs(t, author, { title: `${m} apple`, tags: [tag] });
      const b = await createPostAs(t, author, { title: `${m} banana` });
      const c = await createPostAs(t, author, {
        title: `Cherry`,
        content: `${m} inside`,
        tags: [tag],
      });
      await createPostAs(t, other, { title: `${m} not theirs`, tags: [tag] });
      await vote(t, voter, b.id);
      const path = `/api/users/${author.id}/posts`;

      const all = await getList(t, path, {}).expect(200);
      expect(all.body).toEqual({
        data: [c, { ...b, votes: 1 }, a],
        // The author's counter of published posts answers the total.
        meta: { total: 3, totalExact: true, limit: 20, offset: 0, nextCursor: null },
      });
      const searched = (await getList(t, path, { search: m }).expect(200)).body as PostPage;
      expect(ids(searched)).toEqual([c.id, b.id, a.id]);
      // A search is not counted.
      expect(totalOf(searched.meta)).toEqual(UNCOUNTED);
      expect(ids((await getList(t, path, { search: `${m} a` }).expect(200)).body)).toEqual([a.id]);
      const tagged = (await getList(t, path, { tag }).expect(200)).body as PostPage;
      expect(ids(tagged)).toEqual([c.id, a.id]);
      // The author and a tag: counted (up to 1,000), exact here.
      expect(totalOf(tagged.meta)).toEqual(exact(2));
      expect(ids((await getList(t, path, { sort: '-votes' }).expect(200)).body)).toEqual([
        b.id,
        c.id,
        a.id,
      ]);
      // 'cherry' sorts before the marker's 'm…'.
      expect(ids((await getList(t, path, { sort: 'title' }).expect(200)).body)).toEqual([
        c.id,
        a.id,
        b.id,
      ]);
      const page = await getList(t, path, { limit: 2, offset: 2 }).expect(200);
      expect(page.body).toEqual({
        data: [a],
        meta: { total: 3, totalExact: true, limit: 2, offset: 2, nextCursor: null },
      });
      const voted = (await getList(t, path, { sort: '-votes' }, voter.auth).expect(200))
        .body as PostPage;
      expect(voted.data.map((p) => p.voted)).toEqual([true, false, false]);
    });

    it('answers an empty list for a user without posts', async () => {
      const user = await registerUser(t);
      const res = await getList(t, `/api/users/${user.id}/posts`, {}).expect(200);
      expect(res.body).toEqual({
        data: [],
        meta: { total: 0, totalExact: true, limit: 20, offset: 0, nextCursor: null },
      });
    });

    it('answers 400 for the author parameter and other unknown or invalid parameters', async () => {
      const user = await registerUser(t);
      const path = `/api/users/${user.id}/posts`;
      expectInvalid(await getList(t, path, { author: String(user.id) }), 'author');
      expectInvalid(await getList(t, path, { author: user.username }, user.auth), 'author');
      expectInvalid(await getList(t, path, { page: '1' }), 'page');
      expectInvalid(await getList(t, path, { sort: 'title;DROP TABLE posts' }), 'sort');
      expectInvalid(await getList(t, path, { tag: 'a b' }), 'tag');
      expectInvalid(await getList(t, path, { cursor: 'x.y' }), 'cursor');
    });

    it('answers 404 for a user that does not exist and 400 for a bad id', async () => {
      const rows: { max: number }[] = await t.db.query(
        'SELECT coalesce(max(id), 0)::int AS max FROM users',
      );
      for (const id of [rows[0].max + 1_000_000, 2147483647]) {
        expectProblem(await getList(t, `/api/users/${id}/posts`, {}), 404);
        expectProblem(await getList(t, `/api/users/${id}/posts`, { search: 'x' }), 404);
      }
      for (const id of ['0x10', '1e3', '0', '-1', 'abc', '99999999999']) {
        expectInvalid(await getList(t, `/api/users/${id}/posts`, {}), 'id');
      }
    });

    it('answers 404 for a deleted user', async () => {
      const user = await registerUser(t);
      await createPostAs(t, user);
      await t.http().delete('/api/users/me').set(user.auth).expect(204);
      expectProblem(await getList(t, `/api/users/${user.id}/posts`, {}), 404);
    });
  });
});
