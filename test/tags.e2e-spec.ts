import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import {
  expectInvalid,
  expectProblem,
  flipAt,
  type RegisteredUser,
  registerUser,
  type Schemas,
  uniqueName,
} from './support/api.js';
import { createTestApp, type TestApp } from './support/app.js';
import { missingId } from './support/db.js';
import {
  exact,
  type Page,
  type PostPage,
  totalOf,
  UNCOUNTED,
  walkCursor as walkPages,
  walkOffset as walkOffsetPages,
} from './support/lists.js';
import { POST_KEYS } from './support/shapes.js';

/** A Tag as the contract types it. */
type Tag = Schemas['TagResponse'];

type TagsBody = Page<Tag>;

/** A tag-name prefix no other test uses: `t` + 6 hex digits + `-` (8 characters). */
function tagPrefix(): string {
  return `t${randomBytes(3).toString('hex')}-`;
}

/** Byte order, as the API sorts tag names. */
const byName = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

describe('tags', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });

  afterAll(async () => {
    await t.close();
  });

  async function createPost(
    author: RegisteredUser,
    fields: { published?: boolean; tags?: string[] } = {},
  ): Promise<{ id: number; tags: string[] }> {
    const res = await t
      .http()
      .post('/api/posts')
      .set(author.auth)
      .send({ title: uniqueName('Post '), content: 'Some content.', ...fields })
      .expect(201);
    return { id: res.body.id as number, tags: res.body.tags as string[] };
  }

  function list(query: Record<string, string | number>) {
    return t.http().get('/api/tags').query(query);
  }

  function getTag(name: string) {
    return t.http().get(`/api/tags/${encodeURIComponent(name)}`);
  }

  function putTag(postId: number | string, name: string, user?: RegisteredUser) {
    const req = t.http().put(`/api/posts/${postId}/tags/${encodeURIComponent(name)}`);
    return user ? req.set(user.auth) : req;
  }

  function deleteTag(postId: number | string, name: string, user?: RegisteredUser) {
    const req = t.http().delete(`/api/posts/${postId}/tags/${encodeURIComponent(name)}`);
    return user ? req.set(user.auth) : req;
  }

  /** The post's tag names as stored, sorted. */
  async function storedTags(postId: number): Promise<string[]> {
    const rows: { name: string }[] = await t.db.query(
      'SELECT t.name FROM post_tags pt JOIN tags t ON t.id = pt.tag_id WHERE pt.post_id = $1',
      [postId],
    );
    return rows.map((r) => r.name).sort(byName);
  }

  async function tagRows(name: string): Promise<number> {
    const rows: { n: number }[] = await t.db.query(
      'SELECT count(*)::int AS n FROM tags WHERE name = $1',
      [name],
    );
    return rows[0].n;
  }

  async function linkRows(name: string): Promise<number> {
    const rows: { n: number }[] = await t.db.query(
      'SELECT count(*)::int AS n FROM post_tags pt JOIN tags t ON t.id = pt.tag_id WHERE t.name = $1',
      [name],
    );
    return rows[0].n;
  }

  describe('GET /api/tags', () => {
    let p: string;
    /** Published posts per tag; `draft` is carried by a draft only. */
    let counts: Record<string, number>;
    let names: Record<string, string>;

    beforeAll(async () => {
      p = tagPrefix();
      names = {
        math: `${p}math`,
        art: `${p}art`,
        zoo: `${p}zoo`,
        bio: `${p}bio`,
        chem: `${p}chem`,
        xray: `${p}xray`,
        draft: `${p}draft`,
      };
      const n = names;
      const author = await registerUser(t);
      const other = await registerUser(t);
      await createPost(author, { tags: [n.math, n.art, n.zoo, n.bio] });
      await createPost(other, { tags: [n.math, n.art, n.zoo] });
      await createPost(author, { tags: [n.math, n.chem] });
      await createPost(other, { tags: [n.xray] });
      // Drafts count for nothing: art stays at 2, and `draft` is not listed at all.
      await createPost(author, { published: false, tags: [n.art, n.draft] });
      await createPost(other, { published: false, tags: [n.draft] });
      counts = { math: 3, art: 2, zoo: 2, bio: 1, chem: 1, xray: 1 };
    });

    const tagsOf = (keys: string[]) => keys.map((k) => ({ name: names[k], posts: counts[k] }));

    const sorts: [string, string[]][] = [
      ['-posts', ['math', 'zoo', 'art', 'xray', 'chem', 'bio']],
      ['posts', ['bio', 'chem', 'xray', 'art', 'zoo', 'math']],
      ['name', ['art', 'bio', 'chem', 'math', 'xray', 'zoo']],
      ['-name', ['zoo', 'xray', 'math', 'chem', 'bio', 'art']],
      ['-posts,name', ['math', 'art', 'zoo', 'bio', 'chem', 'xray']],
      ['posts,-name', ['xray', 'chem', 'bio', 'zoo', 'art', 'math']],
    ];

    it('answers { data: [{ name, posts }], meta }, counting published posts only, by default most used first, equal counts a→z', async () => {
      const res = await list({ search: p }).expect(200);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      expect(Object.keys(res.body).sort()).toEqual(['data', 'meta']);
      const body = res.body as TagsBody;
      // A list with search is not counted: the six tags are on this one page.
      expect(body.meta).toEqual({
        total: null,
        totalExact: null,
        limit: 20,
        offset: 0,
        nextCursor: null,
      });
      expect(body.data).toHaveLength(6);
      // Equal counts are ordered by name in the direction of the last sort term.
      // The default is -posts,name.
      expect(body.data).toEqual(tagsOf(sorts.find(([sort]) => sort === '-posts,name')?.[1] ?? []));
      for (const item of body.data) expect(Object.keys(item).sort()).toEqual(['name', 'posts']);
      expect(body.data.map((x) => x.name)).not.toContain(names.draft);
    });

    it('answers the same count as the exact total of the tag’s posts (GET /api/posts?tag=)', async () => {
      for (const key of Object.keys(counts)) {
        const res = await t.http().get('/api/posts').query({ tag: names[key] }).expect(200);
        const page = res.body as PostPage;
        expect({ key, total: totalOf(page.meta) }).toEqual({ key, total: exact(counts[key]) });
        expect(page.data).toHaveLength(counts[key]);
      }
      // A tag only drafts carry counts none, exactly.
      const drafts = await t.http().get('/api/posts').query({ tag: names.draft }).expect(200);
      expect(drafts.body).toEqual({
        data: [],
        meta: { total: 0, totalExact: true, limit: 20, offset: 0, nextCursor: null },
      });
    });

    it.each(sorts)('sort=%s orders by count, then name', async (sort, expected) => {
      const res = await list({ search: p, sort }).expect(200);
      expect((res.body as TagsBody).data).toEqual(tagsOf(expected));
    });

    it('searches a case-insensitive prefix, trimmed', async () => {
      for (const search of [p.toUpperCase(), ` ${p} `]) {
        const res = await list({ search, sort: 'name' }).expect(200);
        expect(totalOf((res.body as TagsBody).meta)).toEqual(UNCOUNTED);
        expect((res.body as TagsBody).data).toEqual(tagsOf(sorts[2][1]));
      }
      const ma = await list({ search: `${p}MA` }).expect(200);
      expect(ma.body).toEqual({
        data: tagsOf(['math']),
        meta: { total: null, totalExact: null, limit: 20, offset: 0, nextCursor: null },
      });
      const exact = await list({ search: names.xray }).expect(200);
      expect((exact.body as TagsBody).data).toEqual(tagsOf(['xray']));
      // Inside a name is not a prefix.
      for (const search of [`${p}th`, `${p}ath`, p.slice(1)]) {
        const res = await list({ search }).expect(200);
        expect((res.body as TagsBody).data.map((x) => x.name)).not.toContain(names.math);
      }
      const none = await list({ search: `${p}q` }).expect(200);
      expect(none.body).toEqual({
        data: [],
        meta: { total: null, totalExact: null, limit: 20, offset: 0, nextCursor: null },
      });
    });

    it('counts the list without search up to 1,000 (1000, totalExact false); with search not at all', async () => {
      const q = tagPrefix();
      const author = await registerUser(t);
      const post = await createPost(author);
      // 1,000 tags in use at once, straight into the tables (the API caps a post at 10).
      await t.db.query(
        `INSERT INTO tags (name) SELECT $1 || i FROM generate_series(1, 1000) AS i`,
        [q],
      );
      await t.db.query(
        `INSERT INTO post_tags (post_id, tag_id) SELECT $1, id FROM tags WHERE name LIKE $2 || '%'`,
        [post.id, q],
      );
      try {
        const all = await list({ limit: 1 }).expect(200);
        expect((all.body as TagsBody).data).toHaveLength(1);
        expect(all.body.meta).toEqual({
          total: 1000,
          totalExact: false,
          limit: 1,
          offset: 0,
          nextCursor: expect.any(String),
        });
        const searched = await list({ search: q, limit: 100 }).expect(200);
        expect((searched.body as TagsBody).data).toHaveLength(100);
        expect((searched.body as TagsBody).data.every((x) => x.name.startsWith(q))).toBe(true);
        expect(searched.body.meta).toEqual({
          total: null,
          totalExact: null,
          limit: 100,
          offset: 0,
          nextCursor: expect.any(String),
        });
      } finally {
        await t.db.query('DELETE FROM posts WHERE id = $1', [post.id]);
        await t.db.query(`DELETE FROM tags WHERE name LIKE $1 || '%'`, [q]);
      }
    });

    it("refuses search text no tag name can start with ('%', '_', 'a b', '\\'): 400 naming search", async () => {
      for (const search of ['%', '_', `${p}%`, `${p}_`, 'a b', `${p}\\`, "'", `${p}ä`]) {
        expectInvalid(await list({ search }), 'search');
      }
    });

    it.each([
      ['an unknown sort field', { sort: 'count' }, 'sort'],
      ['sorting by id', { sort: 'id' }, 'sort'],
      ['a sort expression', { sort: 'lower(name)' }, 'sort'],
      ['a repeated sort field', { sort: 'name,-name' }, 'sort'],
      ['an injection in sort', { sort: 'name; DROP TABLE tags' }, 'sort'],
      ['limit 0', { limit: '0' }, 'limit'],
      ['limit 101', { limit: '101' }, 'limit'],
      ['offset -1', { offset: '-1' }, 'offset'],
      ['offset and cursor together', { offset: '0', cursor: 'abc.def' }, 'cursor'],
      ['a garbage cursor', { cursor: 'garbage' }, 'cursor'],
      ['an unknown query parameter', { tag: 'math' }, 'tag'],
      ['a search over 30 characters', { search: 'a'.repeat(31) }, 'search'],
    ] as [string, Record<string, string>, string][])(
      'answers 400 (%s)',
      async (_, query, field) => {
        expectInvalid(await list(query), field);
      },
    );

    describe('paging', () => {
      /** The offset walk (search is not counted: it ends on nextCursor null). */
      async function walkOffset(sort: string, limit: number): Promise<string[]> {
        const rows = await walkOffsetPages<{ name: string }>(
          (offset) => list({ search: p, sort, limit, offset }),
          { limit, total: null, maxPages: 50 },
        );
        expect(rows).toHaveLength(6);
        return rows.map((x) => x.name);
      }

      async function walkCursor(sort: string, limit: number): Promise<string[]> {
        const rows = await walkPages<{ name: string }>(
          (cursor) => list({ search: p, sort, limit, ...(cursor === null ? {} : { cursor }) }),
          { limit, total: null, maxPages: 50 },
        );
        return rows.map((x) => x.name);
      }

      it.each(sorts)(
        'sort=%s: offset and cursor walks give the same order, without duplicates',
        async (sort, expected) => {
          const want = expected.map((k) => names[k]);
          for (const limit of [2, 4]) {
            expect(await walkOffset(sort, limit)).toEqual(want);
            expect(await walkCursor(sort, limit)).toEqual(want);
          }
        },
      );

      it('refuses a tampered cursor and a cursor issued for another sort', async () => {
        const first = await list({ search: p, sort: 'name', limit: 2 }).expect(200);
        const cursor = (first.body as TagsBody).meta.nextCursor ?? '';
        expect(cursor).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
        const [payload, signature] = cursor.split('.');
        const ok = await list({ search: p, sort: 'name', limit: 2, cursor }).expect(200);
        expect((ok.body as TagsBody).data.map((x) => x.name)).toEqual([names.chem, names.math]);

        const forged = Buffer.from(JSON.stringify(['tags:name,id', names.zoo])).toString(
          'base64url',
        );
        for (const bad of [
          `${flipAt(payload, 2)}.${signature}`,
          `${flipAt(payload, -1)}.${signature}`,
          `${payload}.${flipAt(signature, 0)}`,
          `${payload}.`,
          `.${signature}`,
          `${forged}.${signature}`,
        ]) {
          expectInvalid(await list({ search: p, sort: 'name', limit: 2, cursor: bad }), 'cursor');
        }
        for (const sort of ['-name', 'posts', '-posts']) {
          expectInvalid(await list({ search: p, sort, limit: 2, cursor }), 'cursor');
        }
        expectInvalid(await list({ search: p, limit: 2, cursor }), 'cursor');
      });
    });

    describe('GET /api/tags/:name', () => {
      it('answers 200 exactly { name, posts } with the published count', async () => {
        const res = await getTag(names.art).expect(200);
        expect(res.headers['content-type']).toMatch(/^application\/json/);
        expect(res.body).toEqual({ name: names.art, posts: 2 });
        expect((await getTag(names.math).expect(200)).body).toEqual({
          name: names.math,
          posts: 3,
        });
      });

      it('trims and lowercases the name', async () => {
        for (const name of [names.math.toUpperCase(), ` ${names.math} `, `${p}MaTh`]) {
          const res = await getTag(name).expect(200);
          expect(res.body).toEqual({ name: names.math, posts: 3 });
        }
      });

      it('answers 404 for an unknown tag and for a tag only drafts carry', async () => {
        expectProblem(await getTag(`${p}unknown`), 404);
        expect(await tagRows(names.draft)).toBe(1);
        expectProblem(await getTag(names.draft), 404);
      });

      it.each([
        ['a space inside', 'a b'],
        ['31 characters', 'a'.repeat(31)],
        ['a non-ASCII letter', 'ä'],
        ['an underscore', 'a_b'],
        ['a percent sign', '%'],
        ['only spaces', '   '],
      ])('answers 400 (name) for %s', async (_, name) => {
        expectInvalid(await getTag(name), 'name');
      });

      it('accepts 30 characters', async () => {
        // Valid, merely unknown.
        expectProblem(await getTag(`${p}${'a'.repeat(22)}`), 404);
      });
    });
  });

  describe('PUT /api/posts/:id/tags/:name', () => {
    it('answers 200 Post with the tag added, sorted; creates the tag; is idempotent', async () => {
      const p = tagPrefix();
      const author = await registerUser(t);
      const post = await createPost(author, { tags: [`${p}m`, `${p}b`] });
      expect(await tagRows(`${p}k`)).toBe(0);

      const res = await putTag(post.id, `${p}k`, author).expect(200);
      expect(Object.keys(res.body).sort()).toEqual(POST_KEYS);
      expect(res.body).toMatchObject({
        id: post.id,
        published: true,
        author: { id: author.id, username: author.username, displayName: null },
        tags: [`${p}b`, `${p}k`, `${p}m`],
        voted: false,
      });
      expect(await tagRows(`${p}k`)).toBe(1);
      expect(await storedTags(post.id)).toEqual([`${p}b`, `${p}k`, `${p}m`]);
      expect((await getTag(`${p}k`).expect(200)).body).toEqual({ name: `${p}k`, posts: 1 });

      const again = await putTag(post.id, `${p}k`, author).expect(200);
      expect(again.body).toMatchObject({ id: post.id, tags: [`${p}b`, `${p}k`, `${p}m`] });
      expect(await linkRows(`${p}k`)).toBe(1);
      expect(await tagRows(`${p}k`)).toBe(1);

      const seen = await t.http().get(`/api/posts/${post.id}`).expect(200);
      expect(seen.body.tags).toEqual([`${p}b`, `${p}k`, `${p}m`]);
    });

    it('links an existing tag without creating another', async () => {
      const p = tagPrefix();
      const author = await registerUser(t);
      await createPost(author, { tags: [`${p}shared`] });
      const post = await createPost(author);
      const res = await putTag(post.id, `${p}shared`, author).expect(200);
      expect(res.body.tags).toEqual([`${p}shared`]);
      expect(await tagRows(`${p}shared`)).toBe(1);
      expect(await linkRows(`${p}shared`)).toBe(2);
      expect((await getTag(`${p}shared`).expect(200)).body).toEqual({
        name: `${p}shared`,
        posts: 2,
      });
    });

    it("normalises the name ('Zed' → 'zed', surrounding spaces trimmed)", async () => {
      const p = tagPrefix();
      const author = await registerUser(t);
      const post = await createPost(author);
      const res = await putTag(post.id, `${p}Zed`, author).expect(200);
      expect(res.body.tags).toEqual([`${p}zed`]);
      const spaced = await putTag(post.id, `  ${p.toUpperCase()}ZED `, author).expect(200);
      expect(spaced.body.tags).toEqual([`${p}zed`]);
      expect(await storedTags(post.id)).toEqual([`${p}zed`]);
      expect(await tagRows(`${p}Zed`)).toBe(0);
    });

    it('tags the author’s own draft, which lists nothing in GET /api/tags', async () => {
      const p = tagPrefix();
      const author = await registerUser(t);
      const draft = await createPost(author, { published: false });
      const res = await putTag(draft.id, `${p}secret`, author).expect(200);
      expect(res.body).toMatchObject({ published: false, tags: [`${p}secret`] });
      expectProblem(await getTag(`${p}secret`), 404);
      expect((await list({ search: p }).expect(200)).body.data).toEqual([]);
    });

    it.each([
      ['a space inside', 'a b'],
      ['31 characters', 'a'.repeat(31)],
      ['a non-ASCII letter', 'ä'],
      ['an underscore', 'a_b'],
    ])('answers 400 (name) for %s and adds nothing', async (_, name) => {
      const author = await registerUser(t);
      const post = await createPost(author);
      expectInvalid(await putTag(post.id, name, author), 'name');
      expect(await storedTags(post.id)).toEqual([]);
    });

    it('answers 400 when the post already has 10 tags, and adds nothing', async () => {
      const p = tagPrefix();
      const author = await registerUser(t);
      const ten = Array.from({ length: 10 }, (_, i) => `${p}${String(i).padStart(2, '0')}`);
      const post = await createPost(author, { tags: ten });
      expect(post.tags).toEqual(ten);

      expectInvalid(await putTag(post.id, `${p}eleven`, author), 'name');
      expect(await storedTags(post.id)).toEqual(ten);
      expectProblem(await getTag(`${p}eleven`), 404);
      // A tag the post already carries is still fine: nothing to add.
      const same = await putTag(post.id, ten[3], author).expect(200);
      expect(same.body.tags).toEqual(ten);
    });

    it("answers 403 for another user's post and 404 for another user's draft, adding nothing", async () => {
      const p = tagPrefix();
      const author = await registerUser(t);
      const intruder = await registerUser(t);
      const post = await createPost(author);
      const draft = await createPost(author, { published: false });
      expectProblem(await putTag(post.id, `${p}x`, intruder), 403);
      expectProblem(await putTag(draft.id, `${p}x`, intruder), 404);
      expect(await storedTags(post.id)).toEqual([]);
      expect(await storedTags(draft.id)).toEqual([]);
      expect(await linkRows(`${p}x`)).toBe(0);
    });

    it('answers 404 for a missing post, 400 for a bad id and 401 without a token', async () => {
      const p = tagPrefix();
      const user = await registerUser(t);
      expectProblem(await putTag(await missingId(t, 'posts'), `${p}x`, user), 404);
      for (const id of ['0', 'abc', '1e3', '99999999999']) {
        expectInvalid(await putTag(id, `${p}x`, user), 'id');
      }
      const post = await createPost(user);
      const anonymous = await putTag(post.id, `${p}x`);
      expectProblem(anonymous, 401);
      expect(anonymous.headers['www-authenticate']).toMatch(/^Bearer/);
      expect(await storedTags(post.id)).toEqual([]);
      expect(await tagRows(`${p}x`)).toBe(0);
    });
  });

  describe('DELETE /api/posts/:id/tags/:name', () => {
    it('answers 204, unlinks the tag, and a tag no published post carries is no longer listed', async () => {
      const p = tagPrefix();
      const author = await registerUser(t);
      const post = await createPost(author, { tags: [`${p}keep`, `${p}gone`] });
      expect((await getTag(`${p}gone`).expect(200)).body).toEqual({ name: `${p}gone`, posts: 1 });

      const res = await deleteTag(post.id, `${p}GONE`, author).expect(204);
      expect(res.text).toBe('');
      expect(await storedTags(post.id)).toEqual([`${p}keep`]);
      const seen = await t.http().get(`/api/posts/${post.id}`).expect(200);
      expect(seen.body.tags).toEqual([`${p}keep`]);
      expectProblem(await getTag(`${p}gone`), 404);
      const listed = await list({ search: p }).expect(200);
      expect(listed.body.data).toEqual([{ name: `${p}keep`, posts: 1 }]);

      // Gone already: 404, as is a name the post never carried.
      expectProblem(await deleteTag(post.id, `${p}gone`, author), 404);
      expectProblem(await deleteTag(post.id, `${p}never`, author), 404);
      expect(await storedTags(post.id)).toEqual([`${p}keep`]);
    });

    it('keeps the tag listed while another published post carries it', async () => {
      const p = tagPrefix();
      const author = await registerUser(t);
      const one = await createPost(author, { tags: [`${p}both`] });
      await createPost(author, { tags: [`${p}both`] });
      await deleteTag(one.id, `${p}both`, author).expect(204);
      expect((await getTag(`${p}both`).expect(200)).body).toEqual({ name: `${p}both`, posts: 1 });
    });

    it('answers 404 when the post does not carry an existing tag', async () => {
      const p = tagPrefix();
      const author = await registerUser(t);
      await createPost(author, { tags: [`${p}elsewhere`] });
      const post = await createPost(author, { tags: [`${p}own`] });
      expectProblem(await deleteTag(post.id, `${p}elsewhere`, author), 404);
      expect(await storedTags(post.id)).toEqual([`${p}own`]);
      expect(await linkRows(`${p}elsewhere`)).toBe(1);
    });

    it("answers 403 for another user's post and 404 for a missing post or another user's draft", async () => {
      const p = tagPrefix();
      const author = await registerUser(t);
      const intruder = await registerUser(t);
      const post = await createPost(author, { tags: [`${p}a`] });
      const draft = await createPost(author, { published: false, tags: [`${p}a`] });
      expectProblem(await deleteTag(post.id, `${p}a`, intruder), 403);
      expectProblem(await deleteTag(draft.id, `${p}a`, intruder), 404);
      expectProblem(await deleteTag(await missingId(t, 'posts'), `${p}a`, intruder), 404);
      expect(await storedTags(post.id)).toEqual([`${p}a`]);
      expect(await storedTags(draft.id)).toEqual([`${p}a`]);
    });

    it('answers 400 for a bad name or id and 401 without a token', async () => {
      const p = tagPrefix();
      const author = await registerUser(t);
      const post = await createPost(author, { tags: [`${p}a`] });
      expectInvalid(await deleteTag(post.id, 'a b', author), 'name');
      expectInvalid(await deleteTag('0', `${p}a`, author), 'id');
      const anonymous = await deleteTag(post.id, `${p}a`);
      expectProblem(anonymous, 401);
      expect(anonymous.headers['www-authenticate']).toMatch(/^Bearer/);
      expect(await storedTags(post.id)).toEqual([`${p}a`]);
    });
  });

  describe('query budgets', () => {
    it('GET /api/tags runs at most 3 statements whatever the page size, GET /api/tags/:name one', async () => {
      const p = tagPrefix();
      const author = await registerUser(t);
      await createPost(author, { tags: Array.from({ length: 8 }, (_, i) => `${p}${i}`) });
      const one = await t.countQueries(() => list({ search: p, limit: 1 }).expect(200));
      const all = await t.countQueries(() => list({ search: p, limit: 100 }).expect(200));
      expect(one).toBeGreaterThan(0);
      expect(all).toBe(one);
      expect(all).toBeLessThanOrEqual(3);
      expect(await t.countQueries(() => getTag(`${p}0`).expect(200))).toBe(1);
    });
  });

  describe('races', () => {
    it.each([2, 8])(
      '%i posts created concurrently with the same new tag: all 201, one tag row',
      async (n) => {
        const p = tagPrefix();
        const name = `${p}fresh`;
        const author = await registerUser(t);
        const responses = await Promise.all(
          Array.from({ length: n }, (_, i) =>
            t
              .http()
              .post('/api/posts')
              .set(author.auth)
              .send({ title: `Race ${i}`, content: 'Same new tag.', tags: [name, `${p}x${i}`] }),
          ),
        );
        expect(responses.map((r) => r.status)).toEqual(Array<number>(n).fill(201));
        for (const [i, res] of responses.entries()) {
          expect(res.body.tags).toEqual([name, `${p}x${i}`]);
        }
        expect(await tagRows(name)).toBe(1);
        expect(await linkRows(name)).toBe(n);
        expect((await getTag(name).expect(200)).body).toEqual({ name, posts: n });
      },
    );

    it('posts created concurrently with the same new tags in opposite orders never deadlock', async () => {
      const author = await registerUser(t);
      for (let round = 0; round < 10; round++) {
        const p = tagPrefix();
        const names = Array.from({ length: 10 }, (_, i) => `${p}n${i}`);
        const responses = await Promise.all(
          Array.from({ length: 4 }, (_, i) =>
            t
              .http()
              .post('/api/posts')
              .set(author.auth)
              .send({
                title: `Order ${round}.${i}`,
                content: 'Same tags, another order.',
                tags: i % 2 === 0 ? names : [...names].reverse(),
              }),
          ),
        );
        expect(responses.map((r) => r.status)).toEqual([201, 201, 201, 201]);
        for (const name of names) {
          expect(await tagRows(name)).toBe(1);
          expect(await linkRows(name)).toBe(4);
        }
      }
    });

    it('10 concurrent PUTs of new tags on a post with 5: five 200, five 400, ten tags, never a 500', async () => {
      const p = tagPrefix();
      const author = await registerUser(t);
      const initial = Array.from({ length: 5 }, (_, i) => `${p}old${i}`);
      const post = await createPost(author, { tags: initial });
      const candidates = Array.from({ length: 10 }, (_, i) => `${p}new${i}`);

      const responses = await Promise.all(candidates.map((name) => putTag(post.id, name, author)));
      const statuses = responses.map((r) => r.status).sort((a, b) => a - b);
      expect(statuses).toEqual([...Array<number>(5).fill(200), ...Array<number>(5).fill(400)]);
      for (const res of responses.filter((r) => r.status === 400)) expectInvalid(res, 'name');

      const added = candidates.filter((_, i) => responses[i].status === 200);
      const final = [...initial, ...added].sort(byName);
      expect(await storedTags(post.id)).toEqual(final);
      const seen = await t.http().get(`/api/posts/${post.id}`).expect(200);
      expect(seen.body.tags).toEqual(final);
      expect(seen.body.tags).toHaveLength(10);
    });
  });
});
