import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import {
  expectInvalid,
  expectProblem,
  flipAt,
  marker,
  type RegisteredUser,
  registerUser,
  uniqueName,
  createPostAs,
  type Schemas,
} from './support/api.js';
import { createTestApp, type TestApp } from './support/app.js';

const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const POST_KEYS = [
  'author',
  'comments',
  'content',
  'createdAt',
  'id',
  'published',
  'tags',
  'title',
  'updatedAt',
  'voted',
  'votes',
];
const SUMMARY_KEYS = ['displayName', 'id', 'username'];

/** A Post as the contract types it. */
type PostBody = Schemas['PostResponse'];

interface Meta {
  total: number | null;
  limit: number;
  offset: number | null;
  nextCursor: string | null;
}

interface ListBody {
  data: PostBody[];
  meta: Meta;
}

type Query = Record<string, string | number | string[]>;
type Auth = { Authorization: string };

/** Query strings with repeated keys for arrays (`tag=a&tag=b`). */
function queryString(query: Query): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    for (const item of Array.isArray(value) ? value : [value]) params.append(key, String(item));
  }
  return params.toString();
}

const ids = (body: unknown) => (body as ListBody).data.map((p) => p.id);

describe('posts', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });

  afterAll(async () => {
    await t.close();
  });

  async function count(sql: string, params: unknown[]): Promise<number> {
    const rows: { n: number }[] = await t.db.query(`SELECT count(*)::int AS n FROM ${sql}`, params);
    return rows[0].n;
  }

  async function postRow(id: number): Promise<
    | {
        author_id: number;
        title: string;
        content: string;
        published: boolean;
        moved: boolean;
      }
    | undefined
  > {
    const rows: {
      author_id: number;
      title: string;
      content: string;
      published: boolean;
      moved: boolean;
    }[] = await t.db.query(
      'SELECT author_id, title, content, published, updated_at > created_at AS moved FROM posts WHERE id = $1',
      [id],
    );
    return rows[0];
  }

  /** The tag names linked to a post in post_tags, sorted. */
  async function linkedTags(postId: number): Promise<string[]> {
    const rows: { name: string }[] = await t.db.query(
      `SELECT t.name FROM post_tags pt JOIN tags t ON t.id = pt.tag_id
        WHERE pt.post_id = $1 ORDER BY t.name COLLATE "C"`,
      [postId],
    );
    return rows.map((r) => r.name);
  }

  const createPost = (user: RegisteredUser, fields: Partial<Schemas['CreatePostDto']> = {}) =>
    createPostAs(t, user, fields);

  async function vote(user: RegisteredUser, postId: number): Promise<void> {
    const res = await t.http().post(`/api/posts/${postId}/votes`).set(user.auth);
    expect(res.status).toBe(201);
  }

  function getList(path: string, query: Query, auth?: Auth) {
    const qs = queryString(query);
    const req = t.http().get(qs ? `${path}?${qs}` : path);
    return auth ? req.set(auth) : req;
  }

  const list = (query: Query, auth?: Auth) => getList('/api/posts', query, auth);

  async function setDisplayName(user: RegisteredUser, displayName: string): Promise<void> {
    await t.http().put('/api/users/me/profile').set(user.auth).send({ displayName }).expect(201);
  }

  describe('POST /api/posts', () => {
    it('answers 201 Post with exactly its fields, tags normalised and sorted, and stores the post and its tag links', async () => {
      const user = await registerUser(t);
      await setDisplayName(user, 'Ada Lovelace');
      const p = marker();
      const res = await t
        .http()
        .post('/api/posts')
        .set(user.auth)
        .send({
          title: '  On the Analytical Engine  ',
          content: 'It weaves algebraic patterns.',
          tags: [` ${p}Math `, `${p}engines`, `${p}math`, `${p}b-2`, `${p.toUpperCase()}B-2`],
        })
        .expect(201);

      expect(res.headers['content-type']).toMatch(/^application\/json/);
      expect(Object.keys(res.body).sort()).toEqual(POST_KEYS);
      expect(Object.keys(res.body.author).sort()).toEqual(SUMMARY_KEYS);
      const tags = [`${p}b-2`, `${p}engines`, `${p}math`];
      expect(res.body).toEqual({
        id: expect.any(Number),
        title: 'On the Analytical Engine',
        content: 'It weaves algebraic patterns.',
        published: true,
        createdAt: expect.stringMatching(ISO_UTC),
        updatedAt: expect.stringMatching(ISO_UTC),
        author: { id: user.id, username: user.username, displayName: 'Ada Lovelace' },
        tags,
        votes: 0,
        comments: 0,
        voted: false,
      });
      const post = res.body as PostBody;
      expect(post.id).toBeGreaterThan(0);
      expect(post.updatedAt).toBe(post.createdAt);

      expect(await postRow(post.id)).toEqual({
        author_id: user.id,
        title: 'On the Analytical Engine',
        content: 'It weaves algebraic patterns.',
        published: true,
        moved: false,
      });
      expect(await linkedTags(post.id)).toEqual(tags);
      expect(await count('tags WHERE name LIKE $1', [`${p.toLowerCase()}%`])).toBe(3);

      const view = await t.http().get(`/api/posts/${post.id}`).expect(200);
      expect(view.body).toEqual(res.body);
    });

    it('answers author.displayName null without a profile, and an empty tag list without tags', async () => {
      const user = await registerUser(t);
      const post = await createPost(user, { title: 'No profile', content: 'Body' });
      expect(post.author).toEqual({ id: user.id, username: user.username, displayName: null });
      expect(post.tags).toEqual([]);
      expect(await linkedTags(post.id)).toEqual([]);
    });

    it('stores a draft with published false', async () => {
      const user = await registerUser(t);
      const post = await createPost(user, { published: false });
      expect(post.published).toBe(false);
      expect((await postRow(post.id))?.published).toBe(false);
      const published = await createPost(user, { published: true });
      expect((await postRow(published.id))?.published).toBe(true);
    });

    it('reuses an existing tag: two posts with one new tag give one tags row and two links', async () => {
      const user = await registerUser(t);
      const name = marker();
      const first = await createPost(user, { tags: [name] });
      const second = await createPost(user, { tags: [name.toUpperCase()] });
      expect(first.tags).toEqual([name]);
      expect(second.tags).toEqual([name]);
      expect(await count('tags WHERE name = $1', [name])).toBe(1);
      expect(
        await count('post_tags pt JOIN tags t ON t.id = pt.tag_id WHERE t.name = $1', [name]),
      ).toBe(2);
    });

    it('accepts the boundaries: title of 200, content of 20000, 10 tags of up to 30 characters, 11 names that normalise to 10', async () => {
      const user = await registerUser(t);
      const p = marker();
      const ten = Array.from({ length: 10 }, (_, i) => `${p}-${i}`);
      ten[9] = `${p}-`.padEnd(30, 'z');
      expect(ten[9]).toHaveLength(30);
      const post = await createPost(user, {
        title: 'T'.repeat(200),
        content: 'C'.repeat(20000),
        tags: ten,
      });
      expect(post.title).toHaveLength(200);
      expect(post.content).toHaveLength(20000);
      expect(post.tags).toEqual([...ten].sort());
      expect(await linkedTags(post.id)).toEqual([...ten].sort());

      const eleven = await createPost(user, { tags: [...ten, ten[0].toUpperCase()] });
      expect(eleven.tags).toHaveLength(10);
    });

    const invalid: [string, (m: string) => Record<string, unknown>, string][] = [
      ['an empty title', () => ({ title: '' }), 'title'],
      ['a blank title', () => ({ title: '   ' }), 'title'],
      ['a title of 201 characters', () => ({ title: 'T'.repeat(201) }), 'title'],
      ['a null title', () => ({ title: null }), 'title'],
      ['a numeric title', () => ({ title: 7 }), 'title'],
      ['a missing title', () => ({ title: undefined }), 'title'],
      ['an empty content', () => ({ content: '' }), 'content'],
      ['a content of 20001 characters', () => ({ content: 'C'.repeat(20001) }), 'content'],
      ['a null content', () => ({ content: null }), 'content'],
      ['a missing content', () => ({ content: undefined }), 'content'],
      ['tags as a string', (m) => ({ tags: `${m}a` }), 'tags'],
      ['tags as an object', (m) => ({ tags: { name: `${m}a` } }), 'tags'],
      ['null tags', () => ({ tags: null }), 'tags'],
      ['a tag with a space', (m) => ({ tags: [`${m}a`, 'a b'] }), 'tags'],
      ['a tag with a non-ASCII letter', (m) => ({ tags: [`${m}a`, 'ä'] }), 'tags'],
      ['a tag of 31 characters', (m) => ({ tags: [`${m}a`, 'a'.repeat(31)] }), 'tags'],
      ['an empty tag', (m) => ({ tags: [`${m}a`, ' '] }), 'tags'],
      ['a numeric tag', (m) => ({ tags: [`${m}a`, 5] }), 'tags'],
      [
        '11 distinct tags',
        (m) => ({ tags: Array.from({ length: 11 }, (_, i) => `${m}${i}`) }),
        'tags',
      ],
      ['published as a string', () => ({ published: 'yes' }), 'published'],
      ['published as a number', () => ({ published: 1 }), 'published'],
      ['a null published', () => ({ published: null }), 'published'],
      ['the unknown property authorId', () => ({ authorId: 1 }), 'authorId'],
      ['the unknown property id', () => ({ id: 1 }), 'id'],
      ['the unknown property votes', () => ({ votes: 100 }), 'votes'],
      [
        'the unknown property createdAt',
        () => ({ createdAt: '2020-01-01T00:00:00Z' }),
        'createdAt',
      ],
    ];

    it.each(invalid)(
      'answers 400 naming the field for %s, and writes nothing',
      async (_, mutate, field) => {
        const user = await registerUser(t);
        const m = marker();
        const res = await t
          .http()
          .post('/api/posts')
          .set(user.auth)
          .send({ title: `${m} title`, content: `${m} content`, tags: [`${m}a`], ...mutate(m) });
        expectInvalid(res, field);
        expect(await count('posts WHERE author_id = $1', [user.id])).toBe(0);
        expect(await count('tags WHERE name LIKE $1', [`${m}%`])).toBe(0);
      },
    );

    it('answers 400 for a JSON array body', async () => {
      const user = await registerUser(t);
      const res = await t
        .http()
        .post('/api/posts')
        .set(user.auth)
        .set('Content-Type', 'application/json')
        .send(JSON.stringify([{ title: 'a', content: 'b' }]));
      expectProblem(res, 400);
      expect(await count('posts WHERE author_id = $1', [user.id])).toBe(0);
    });

    it('answers 401 with WWW-Authenticate without a token or with a bad one, and writes nothing', async () => {
      const m = marker();
      const body = { title: `${m} title`, content: 'Body' };
      const anonymous = await t.http().post('/api/posts').send(body);
      expectProblem(anonymous, 401);
      expect(anonymous.headers['www-authenticate']).toMatch(/^Bearer/);
      const bad = await t
        .http()
        .post('/api/posts')
        .set('Authorization', 'Bearer not.a.jwt')
        .send(body);
      expectProblem(bad, 401);
      expect(await count('posts WHERE title = $1', [`${m} title`])).toBe(0);
    });
  });

  describe('GET /api/posts/:id', () => {
    it('answers 200 Post to anyone, with voted for the caller', async () => {
      const author = await registerUser(t);
      const voter = await registerUser(t);
      const other = await registerUser(t);
      const created = await createPost(author, { tags: [marker()] });
      await vote(voter, created.id);

      const anonymous = await t.http().get(`/api/posts/${created.id}`).expect(200);
      expect(Object.keys(anonymous.body).sort()).toEqual(POST_KEYS);
      expect(anonymous.body).toEqual({ ...created, votes: 1, voted: false });
      const asVoter = await t.http().get(`/api/posts/${created.id}`).set(voter.auth).expect(200);
      expect(asVoter.body).toEqual({ ...created, votes: 1, voted: true });
      const asOther = await t.http().get(`/api/posts/${created.id}`).set(other.auth).expect(200);
      expect(asOther.body).toEqual({ ...created, votes: 1, voted: false });
    });

    it('answers 404 for ids that do not exist, up to the int4 maximum', async () => {
      const rows: { max: number }[] = await t.db.query(
        'SELECT coalesce(max(id), 0)::int AS max FROM posts',
      );
      for (const id of [String(rows[0].max + 1_000_000), '2147483647']) {
        expectProblem(await t.http().get(`/api/posts/${id}`), 404);
      }
    });

    it.each(['0x10', '1e3', '0', '-1', '007', 'abc', '1.5', '99999999999', '2147483648'])(
      'answers 400 (id) for the id %s',
      async (id) => {
        expectInvalid(await t.http().get(`/api/posts/${id}`), 'id');
      },
    );

    it('answers 404 for a draft to anonymous callers and other users, 200 to its author', async () => {
      const author = await registerUser(t);
      const other = await registerUser(t);
      const draft = await createPost(author, { published: false });
      expectProblem(await t.http().get(`/api/posts/${draft.id}`), 404);
      expectProblem(await t.http().get(`/api/posts/${draft.id}`).set(other.auth), 404);
      const own = await t.http().get(`/api/posts/${draft.id}`).set(author.auth).expect(200);
      expect(own.body).toEqual(draft);
    });

    it('answers 401 for an invalid token even though the route is public', async () => {
      const author = await registerUser(t);
      const post = await createPost(author);
      const res = await t
        .http()
        .get(`/api/posts/${post.id}`)
        .set('Authorization', `Bearer ${author.token}x`);
      expectProblem(res, 401);
    });
  });

  describe('PATCH /api/posts/:id', () => {
    function patch(id: number | string, body: unknown, auth?: Auth) {
      const req = t.http().patch(`/api/posts/${id}`);
      return (auth ? req.set(auth) : req).send(body as object);
    }

    it('lets the author change title and content: 200 Post, persisted, updatedAt moves forward', async () => {
      const author = await registerUser(t);
      const tag = marker();
      const created = await createPost(author, { tags: [tag] });
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
      const updated = res.body as PostBody;
      expect(Date.parse(updated.updatedAt)).toBeGreaterThanOrEqual(Date.parse(created.updatedAt));
      expect(await postRow(created.id)).toEqual({
        author_id: author.id,
        title: 'New title',
        content: 'New content',
        published: true,
        moved: true,
      });
      expect(await linkedTags(created.id)).toEqual([tag]);
      const view = await t.http().get(`/api/posts/${created.id}`).expect(200);
      expect(view.body).toEqual(res.body);
    });

    it('moves updatedAt forward when only the tags change', async () => {
      const author = await registerUser(t);
      const created = await createPost(author);
      expect((await postRow(created.id))?.moved).toBe(false);
      await patch(created.id, { tags: [marker()] }, author.auth).expect(200);
      expect((await postRow(created.id))?.moved).toBe(true);
    });

    it('toggles published: a draft is published, a published post becomes a draft', async () => {
      const author = await registerUser(t);
      const created = await createPost(author, { published: false });
      const published = await patch(created.id, { published: true }, author.auth).expect(200);
      expect(published.body.published).toBe(true);
      expect((await postRow(created.id))?.published).toBe(true);
      await t.http().get(`/api/posts/${created.id}`).expect(200);

      const unpublished = await patch(created.id, { published: false }, author.auth).expect(200);
      expect(unpublished.body.published).toBe(false);
      expect((await postRow(created.id))?.published).toBe(false);
      expectProblem(await t.http().get(`/api/posts/${created.id}`), 404);
    });

    it('replaces the whole tag set with tags, keeps it without, and clears it with []', async () => {
      const author = await registerUser(t);
      const p = marker();
      const [a, b, c] = [`${p}-a`, `${p}-b`, `${p}-c`];
      const created = await createPost(author, { tags: [a, b] });
      expect(created.tags).toEqual([a, b]);

      const replaced = await patch(
        created.id,
        { tags: [` ${c.toUpperCase()} `, b, c] },
        author.auth,
      ).expect(200);
      expect(replaced.body.tags).toEqual([b, c]);
      expect(await linkedTags(created.id)).toEqual([b, c]);

      const kept = await patch(created.id, { title: 'Still tagged' }, author.auth).expect(200);
      expect(kept.body.tags).toEqual([b, c]);
      expect(await linkedTags(created.id)).toEqual([b, c]);

      const cleared = await patch(created.id, { tags: [] }, author.auth).expect(200);
      expect(cleared.body.tags).toEqual([]);
      expect(await count('post_tags WHERE post_id = $1', [created.id])).toBe(0);
      expect((await t.http().get(`/api/posts/${created.id}`).expect(200)).body.tags).toEqual([]);
    });

    it('answers 403 to another user for a published post, changing nothing', async () => {
      const author = await registerUser(t);
      const other = await registerUser(t);
      const tag = marker();
      const created = await createPost(author, { title: 'Mine', tags: [tag] });
      const res = await patch(created.id, { title: 'Theirs', tags: [] }, other.auth);
      expectProblem(res, 403);
      expect((await postRow(created.id))?.title).toBe('Mine');
      expect(await linkedTags(created.id)).toEqual([tag]);
    });

    it("answers 404 to another user for the author's draft, changing nothing", async () => {
      const author = await registerUser(t);
      const other = await registerUser(t);
      const draft = await createPost(author, { title: 'Draft', published: false });
      expectProblem(await patch(draft.id, { title: 'Theirs' }, other.auth), 404);
      expectProblem(await patch(draft.id, { published: true }, other.auth), 404);
      expect(await postRow(draft.id)).toMatchObject({ title: 'Draft', published: false });
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
        const created = await createPost(author, { title: 'Kept', content: 'Kept', tags: [tag] });
        expectInvalid(await patch(created.id, { ...body }, author.auth), field);
        expect(await postRow(created.id)).toEqual({
          author_id: author.id,
          title: 'Kept',
          content: 'Kept',
          published: true,
          moved: false,
        });
        expect(await linkedTags(created.id)).toEqual([tag]);
      },
    );

    it('answers 401 without a token, changing nothing', async () => {
      const author = await registerUser(t);
      const created = await createPost(author, { title: 'Kept' });
      const res = await patch(created.id, { title: 'Changed' });
      expectProblem(res, 401);
      expect(res.headers['www-authenticate']).toMatch(/^Bearer/);
      expect((await postRow(created.id))?.title).toBe('Kept');
    });
  });

  describe('DELETE /api/posts/:id', () => {
    it('answers 204 and removes the post, its votes and its tag links', async () => {
      const author = await registerUser(t);
      const voter = await registerUser(t);
      const tag = marker();
      const post = await createPost(author, { tags: [tag, `${tag}-2`] });
      await vote(voter, post.id);
      await vote(author, post.id);
      expect(await count('votes WHERE post_id = $1', [post.id])).toBe(2);
      expect(await count('post_tags WHERE post_id = $1', [post.id])).toBe(2);

      const res = await t.http().delete(`/api/posts/${post.id}`).set(author.auth).expect(204);
      expect(res.text).toBe('');
      expect(await count('posts WHERE id = $1', [post.id])).toBe(0);
      expect(await count('votes WHERE post_id = $1', [post.id])).toBe(0);
      expect(await count('post_tags WHERE post_id = $1', [post.id])).toBe(0);
      expectProblem(await t.http().get(`/api/posts/${post.id}`).set(author.auth), 404);
      expectProblem(await t.http().delete(`/api/posts/${post.id}`).set(author.auth), 404);
      expectProblem(await t.http().get(`/api/tags/${tag}`), 404);
    });

    it('deletes the author’s own draft', async () => {
      const author = await registerUser(t);
      const draft = await createPost(author, { published: false });
      await t.http().delete(`/api/posts/${draft.id}`).set(author.auth).expect(204);
      expect(await count('posts WHERE id = $1', [draft.id])).toBe(0);
    });

    it('answers 403 to another user (404 for a draft), deleting nothing', async () => {
      const author = await registerUser(t);
      const other = await registerUser(t);
      const post = await createPost(author, { tags: [marker()] });
      await vote(other, post.id);
      expectProblem(await t.http().delete(`/api/posts/${post.id}`).set(other.auth), 403);
      expect(await count('posts WHERE id = $1', [post.id])).toBe(1);
      expect(await count('votes WHERE post_id = $1', [post.id])).toBe(1);
      expect(await count('post_tags WHERE post_id = $1', [post.id])).toBe(1);

      const draft = await createPost(author, { published: false });
      expectProblem(await t.http().delete(`/api/posts/${draft.id}`).set(other.auth), 404);
      expect(await count('posts WHERE id = $1', [draft.id])).toBe(1);
    });

    it('answers 404 for a missing post, 400 for a bad id, 401 without a token', async () => {
      const author = await registerUser(t);
      const post = await createPost(author);
      expectProblem(await t.http().delete('/api/posts/2147483647').set(author.auth), 404);
      expectInvalid(await t.http().delete('/api/posts/1e3').set(author.auth), 'id');
      const anonymous = await t.http().delete(`/api/posts/${post.id}`);
      expectProblem(anonymous, 401);
      expect(anonymous.headers['www-authenticate']).toMatch(/^Bearer/);
      expect(await count('posts WHERE id = $1', [post.id])).toBe(1);
    });
  });

  describe('drafts in lists and counts', () => {
    let author: RegisteredUser;
    let other: RegisteredUser;
    let m: string;
    let shared: string;
    let draftOnly: string;
    let published: PostBody;
    let draft: PostBody;

    beforeAll(async () => {
      author = await registerUser(t, { username: uniqueName('Dr') });
      other = await registerUser(t);
      m = marker();
      shared = `${m}-shared`;
      draftOnly = `${m}-draft`;
      published = await createPost(author, { title: `${m} published`, tags: [shared] });
      draft = await createPost(author, {
        title: `${m} draft`,
        tags: [shared, draftOnly],
        published: false,
      });
    });

    it('lists only published posts without author=<caller>, to anyone, and never counts drafts in meta.total', async () => {
      for (const auth of [undefined, other.auth, author.auth]) {
        const res = await list({ search: m }, auth).expect(200);
        expect(ids(res.body)).toEqual([published.id]);
        expect(res.body.meta.total).toBe(1);
      }
      for (const auth of [undefined, other.auth]) {
        const res = await list({ search: m, author: String(author.id) }, auth).expect(200);
        expect(ids(res.body)).toEqual([published.id]);
        expect(res.body.meta.total).toBe(1);
      }
    });

    it('lists the caller’s own drafts with author=<caller>, by id and by username (any case)', async () => {
      for (const who of [String(author.id), author.username, author.username.toLowerCase()]) {
        const res = await list({ search: m, author: who }, author.auth).expect(200);
        expect(ids(res.body)).toEqual([draft.id, published.id]);
        expect(res.body.meta.total).toBe(2);
        expect((res.body as ListBody).data[0]).toEqual(draft);
      }
      const byTag = await list({ tag: draftOnly, author: author.username }, author.auth).expect(
        200,
      );
      expect(ids(byTag.body)).toEqual([draft.id]);
    });

    it('lists drafts in GET /api/users/:id/posts only for their author', async () => {
      const own = await getList(`/api/users/${author.id}/posts`, {}, author.auth).expect(200);
      expect(ids(own.body)).toEqual([draft.id, published.id]);
      expect(own.body.meta.total).toBe(2);
      for (const auth of [undefined, other.auth]) {
        const res = await getList(`/api/users/${author.id}/posts`, {}, auth).expect(200);
        expect(ids(res.body)).toEqual([published.id]);
        expect(res.body.meta.total).toBe(1);
      }
    });

    it('never finds a draft by tag for others', async () => {
      for (const auth of [undefined, other.auth, author.auth]) {
        const res = await list({ tag: draftOnly }, auth).expect(200);
        expect(res.body).toEqual({
          data: [],
          meta: { total: 0, limit: 20, offset: 0, nextCursor: null },
        });
      }
      const sharedList = await list({ tag: shared }).expect(200);
      expect(ids(sharedList.body)).toEqual([published.id]);
    });

    it('does not count drafts in counts.posts, nor in tag counts; a tag only a draft carries does not exist', async () => {
      for (const auth of [undefined, author.auth]) {
        const user = await getList(`/api/users/${author.id}`, {}, auth).expect(200);
        expect(user.body.counts.posts).toBe(1);
      }
      const tags = await getList('/api/tags', { search: m }).expect(200);
      expect(tags.body).toEqual({
        data: [{ name: shared, posts: 1 }],
        meta: { total: 1, limit: 20, offset: 0, nextCursor: null },
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
      const post = await createPost(u, { title: `${p} later`, tags: [tag], published: false });
      expectProblem(await t.http().get(`/api/tags/${tag}`), 404);

      await t
        .http()
        .patch(`/api/posts/${post.id}`)
        .set(u.auth)
        .send({ published: true })
        .expect(200);
      expect(ids((await list({ search: p }).expect(200)).body)).toEqual([post.id]);
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
      expect((await list({ search: p }).expect(200)).body.meta.total).toBe(0);
      expect((await t.http().get(`/api/users/${u.id}`).expect(200)).body.counts.posts).toBe(0);
      expectProblem(await t.http().get(`/api/tags/${tag}`), 404);
      expect((await getList('/api/tags', { search: p }).expect(200)).body.data).toEqual([]);
    });
  });

  describe('GET /api/posts filters', () => {
    it('answers the list envelope of Post items', async () => {
      const author = await registerUser(t);
      const m = marker();
      const a = await createPost(author, { title: `${m} a`, tags: [`${m}-x`] });
      const b = await createPost(author, { title: `${m} b` });
      const res = await list({ search: m }).expect(200);
      expect(Object.keys(res.body).sort()).toEqual(['data', 'meta']);
      expect(res.body).toEqual({
        data: [b, a],
        meta: { total: 2, limit: 20, offset: 0, nextCursor: null },
      });
      for (const item of (res.body as ListBody).data) {
        expect(Object.keys(item).sort()).toEqual(POST_KEYS);
      }
    });

    it('searches title or content, case-insensitively', async () => {
      const author = await registerUser(t);
      const m = marker();
      const inTitle = await createPost(author, { title: `On ${m.toUpperCase()} engines` });
      const inContent = await createPost(author, {
        title: 'Unrelated',
        content: `Some text about ${m} here`,
      });
      await createPost(author, { title: `${m.slice(0, 7)} ${m.slice(7)}`, content: 'split' });
      for (const search of [m, m.toUpperCase(), ` ${m.slice(0, 5).toUpperCase()}${m.slice(5)} `]) {
        const res = await list({ search }).expect(200);
        expect(ids(res.body)).toEqual([inContent.id, inTitle.id]);
        expect(res.body.meta.total).toBe(2);
      }
      const titleOnly = await list({ search: `on ${m} eng` }).expect(200);
      expect(ids(titleOnly.body)).toEqual([inTitle.id]);
    });

    it("matches '%', '_' and '\\' literally", async () => {
      const author = await registerUser(t);
      const m = marker();
      const percent = await createPost(author, { title: `${m} 50% off` });
      const underscore = await createPost(author, { title: `${m} a_b` });
      const backslash = await createPost(author, { title: `${m} back\\slash` });
      const decoyPercent = await createPost(author, { title: `${m} 50x off` });
      const decoyUnderscore = await createPost(author, { title: `${m} axb` });
      const all = await list({ search: m, limit: 100 }).expect(200);
      expect(all.body.meta.total).toBe(5);

      const expectations: [string, number[]][] = [
        [`${m} 50%`, [percent.id]],
        [`${m} 50% off`, [percent.id]],
        [`${m} a_b`, [underscore.id]],
        [`${m} back\\`, [backslash.id]],
        [`${m} back\\slash`, [backslash.id]],
        [`${m} 50x`, [decoyPercent.id]],
        [`${m} axb`, [decoyUnderscore.id]],
        [`${m} 5%`, []],
        [`${m} a%`, []],
        [`${m}%`, []],
        [`${m}_`, []],
        [`${m} _`, []],
        [`${m}\\`, []],
        [`${m} back\\\\`, []],
        [`${m} a\\_b`, []],
      ];
      for (const [search, expected] of expectations) {
        const res = await list({ search }).expect(200);
        expect({ search, ids: ids(res.body) }).toEqual({ search, ids: expected });
      }
    });

    it('treats injection attempts in search as literal text: 200, no rows, the table intact', async () => {
      const author = await registerUser(t);
      const m = marker();
      const literal = await createPost(author, {
        title: `${m} it's '; DROP TABLE posts; -- here`,
      });
      const attempts = [
        "'; DROP TABLE posts; --",
        "%' OR '1'='1",
        "' OR 1=1 --",
        '"; DELETE FROM posts; --',
        "x') UNION SELECT * FROM users --",
        '$1',
        ':search',
      ];
      for (const attempt of attempts) {
        const scoped = await list({ search: `${m}${attempt}` }).expect(200);
        expect({ attempt, body: scoped.body }).toEqual({
          attempt,
          body: { data: [], meta: { total: 0, limit: 20, offset: 0, nextCursor: null } },
        });
        // Unscoped: whatever matches must contain the text literally.
        const open = await list({ search: attempt, limit: 100 }).expect(200);
        for (const post of (open.body as ListBody).data) {
          const text = `${post.title}\n${post.content}`.toLowerCase();
          expect({ attempt, contains: text.includes(attempt.toLowerCase()) }).toEqual({
            attempt,
            contains: true,
          });
        }
      }
      const found = await list({ search: `${m} it's '; DROP TABLE posts; --` }).expect(200);
      expect(ids(found.body)).toEqual([literal.id]);
      expect(await count('posts WHERE id = $1', [literal.id])).toBe(1);
      expect(await count('users WHERE id = $1', [author.id])).toBe(1);
    });

    it('filters by tag while keeping each post’s full tag list; a repeated tag requires all', async () => {
      const author = await registerUser(t);
      const m = marker();
      const [a, b, c] = [`${m}-a`, `${m}-b`, `${m}-c`];
      const abc = await createPost(author, { tags: [c, b, a] });
      const ab = await createPost(author, { tags: [a, b] });
      const onlyA = await createPost(author, { tags: [a] });
      const onlyC = await createPost(author, { tags: [c] });

      const byA = await list({ tag: a }).expect(200);
      expect(byA.body.meta.total).toBe(3);
      expect((byA.body as ListBody).data.map((p) => [p.id, p.tags])).toEqual([
        [onlyA.id, [a]],
        [ab.id, [a, b]],
        [abc.id, [a, b, c]],
      ]);
      const byUpper = await list({ tag: ` ${a.toUpperCase()} ` }).expect(200);
      expect(ids(byUpper.body)).toEqual([onlyA.id, ab.id, abc.id]);

      const cases: [string[], number[]][] = [
        [
          [a, b],
          [ab.id, abc.id],
        ],
        [
          [b, a],
          [ab.id, abc.id],
        ],
        [[a, c], [abc.id]],
        [[c, b, a], [abc.id]],
        [[c], [onlyC.id, abc.id]],
        [
          [a, a],
          [onlyA.id, ab.id, abc.id],
        ],
        [[a, `${m}-none`], []],
        [[`${m}-none`], []],
      ];
      for (const [tag, expected] of cases) {
        const res = await list({ tag }).expect(200);
        expect({ tag, ids: ids(res.body), total: res.body.meta.total }).toEqual({
          tag,
          ids: expected,
          total: expected.length,
        });
      }
      const byBC = (await list({ tag: [b, c] }).expect(200)).body as ListBody;
      expect(byBC.data[0].tags).toEqual([a, b, c]);
    });

    it('combines search, tag and author', async () => {
      const author = await registerUser(t);
      const other = await registerUser(t);
      const m = marker();
      const tag = `${m}-t`;
      const match = await createPost(author, { title: `${m} match`, tags: [tag] });
      await createPost(author, { title: `${m} untagged` });
      await createPost(author, { title: 'no marker', tags: [tag] });
      await createPost(other, { title: `${m} match`, tags: [tag] });
      const res = await list({ search: `${m} match`, tag, author: author.username }).expect(200);
      expect(ids(res.body)).toEqual([match.id]);
      expect(res.body.meta.total).toBe(1);
    });

    it('filters by author id or username, case-insensitively; an unknown author gives an empty list', async () => {
      const first = await registerUser(t, { username: uniqueName('AuThor') });
      const second = await registerUser(t);
      const m = marker();
      const p1 = await createPost(first, { title: `${m} one` });
      const p2 = await createPost(first, { title: `${m} two` });
      const q = await createPost(second, { title: `${m} three` });

      expect(ids((await list({ search: m }).expect(200)).body)).toEqual([q.id, p2.id, p1.id]);
      for (const author of [
        String(first.id),
        first.username,
        first.username.toUpperCase(),
        first.username.toLowerCase(),
        ` ${first.username} `,
      ]) {
        const res = await list({ search: m, author }).expect(200);
        expect({ author, ids: ids(res.body) }).toEqual({ author, ids: [p2.id, p1.id] });
      }
      expect(ids((await list({ search: m, author: second.username }).expect(200)).body)).toEqual([
        q.id,
      ]);
      for (const author of [uniqueName('nobody'), '2147483647']) {
        const res = await list({ search: m, author }).expect(200);
        expect(res.body).toEqual({
          data: [],
          meta: { total: 0, limit: 20, offset: 0, nextCursor: null },
        });
      }
    });

    it('takes a username that looks like a hexadecimal number as a username, never as an id', async () => {
      const hexLike = `0x${randomBytes(4).toString('hex')}`;
      const user = await registerUser(t, { username: hexLike });
      const m = marker();
      const post = await createPost(user, { title: `${m} hex` });
      const res = await list({ search: m, author: hexLike }).expect(200);
      expect(ids(res.body)).toEqual([post.id]);
    });

    it.each([
      ['an author with a space', { author: 'a b' }, 'author'],
      ['an author of 2 characters', { author: 'ab' }, 'author'],
      ['a negative author id', { author: '-1' }, 'author'],
      ['a decimal author id', { author: '1.5' }, 'author'],
      ['an author id out of int4 range', { author: '99999999999' }, 'author'],
      ['an author id just past int4', { author: '2147483648' }, 'author'],
      ['a zero-padded author id', { author: '007' }, 'author'],
      ['the author id 0', { author: '0' }, 'author'],
      ['an empty author', { author: '' }, 'author'],
      ['a tag with a space', { tag: 'a b' }, 'tag'],
      ['a tag of 31 characters', { tag: 'a'.repeat(31) }, 'tag'],
      ['11 tags', { tag: Array.from({ length: 11 }, (_, i) => `t${i}`) }, 'tag'],
      ['a search over 200 characters', { search: 's'.repeat(201) }, 'search'],
      ['limit 0', { limit: '0' }, 'limit'],
      ['limit 101', { limit: '101' }, 'limit'],
      ['offset -1', { offset: '-1' }, 'offset'],
      ['offset and cursor together', { offset: '0', cursor: 'abc.def' }, 'cursor'],
      ['a garbage cursor', { cursor: 'garbage' }, 'cursor'],
      ['an unknown query parameter', { page: '2' }, 'page'],
      ['an unknown query parameter authorId', { authorId: '1' }, 'authorId'],
      ['a published filter', { published: 'false' }, 'published'],
    ] as [string, Query, string][])('answers 400 (%s)', async (_, query, field) => {
      expectInvalid(await list(query), field);
    });

    it('answers 401 for an invalid token even though the route is public', async () => {
      expectProblem(await list({ search: marker() }, { Authorization: 'Bearer nope' }), 401);
    });

    it('sets voted per caller in a list', async () => {
      const author = await registerUser(t);
      const voter = await registerUser(t);
      const m = marker();
      const liked = await createPost(author, { title: `${m} liked` });
      const plain = await createPost(author, { title: `${m} plain` });
      await vote(voter, liked.id);
      const asVoter = (await list({ search: m }, voter.auth).expect(200)).body as ListBody;
      expect(asVoter.data.map((p) => [p.id, p.votes, p.voted])).toEqual([
        [plain.id, 0, false],
        [liked.id, 1, true],
      ]);
      const anonymous = (await list({ search: m }).expect(200)).body as ListBody;
      expect(anonymous.data.map((p) => [p.id, p.votes, p.voted])).toEqual([
        [plain.id, 0, false],
        [liked.id, 1, false],
      ]);
    });
  });

  describe('GET /api/posts sorting and paging', () => {
    // Created in this order: [title word, votes]. Two titles tie case-insensitively,
    // and vote counts tie in threes and twos.
    const seeds: [string, number][] = [
      ['delta', 2],
      ['Alpha', 0],
      ['echo', 3],
      ['charlie', 2],
      ['bravo', 0],
      ['Golf', 1],
      ['foxtrot', 2],
      ['alpha', 3],
    ];
    let m: string;
    let author: RegisteredUser;
    let posts: { id: number; word: string; votes: number }[];

    beforeAll(async () => {
      m = marker();
      author = await registerUser(t);
      const voters = [await registerUser(t), await registerUser(t), await registerUser(t)];
      posts = [];
      for (const [word, votes] of seeds) {
        const post = await createPost(author, {
          title: `${m} ${word}`,
          tags: [`${m}-all`, `${m}-${word.toLowerCase()}`],
        });
        for (const voter of voters.slice(0, votes)) await vote(voter, post.id);
        posts.push({ id: post.id, word: word.toLowerCase(), votes });
      }
      // A draft in the scope: never in these lists.
      await createPost(author, { title: `${m} zulu draft`, published: false });
    });

    type Row = { id: number; word: string; votes: number };
    const cmp = (a: number | string, b: number | string) => (a < b ? -1 : a > b ? 1 : 0);
    const order = (...keys: ((a: Row, b: Row) => number)[]) =>
      [...posts].sort((a, b) => keys.reduce((r, k) => r || k(a, b), 0)).map((p) => p.id);
    const byId = (a: Row, b: Row) => a.id - b.id;
    const byIdDesc = (a: Row, b: Row) => b.id - a.id;
    const byVotes = (a: Row, b: Row) => a.votes - b.votes;
    const byVotesDesc = (a: Row, b: Row) => b.votes - a.votes;
    const byTitle = (a: Row, b: Row) => cmp(a.word, b.word);
    const byTitleDesc = (a: Row, b: Row) => cmp(b.word, a.word);

    const sorts: [string, () => number[]][] = [
      ['createdAt', () => order(byId)],
      ['-createdAt', () => order(byIdDesc)],
      ['votes', () => order(byVotes, byId)],
      ['-votes', () => order(byVotesDesc, byIdDesc)],
      ['title', () => order(byTitle, byId)],
      ['-title', () => order(byTitleDesc, byIdDesc)],
      ['comments', () => order(byId)],
      ['-comments', () => order(byIdDesc)],
      ['-votes,title', () => order(byVotesDesc, byTitle, byId)],
      ['votes,-title', () => order(byVotes, byTitleDesc, byIdDesc)],
      ['-votes,-createdAt', () => order(byVotesDesc, byIdDesc)],
      ['votes,createdAt', () => order(byVotes, byId)],
      ['title,-votes', () => order(byTitle, byVotesDesc, byIdDesc)],
      ['-comments,votes,title', () => order(byVotes, byTitle, byId)],
    ];

    async function walkOffset(
      path: string,
      query: Query,
      limit: number,
      auth?: Auth,
    ): Promise<number[]> {
      const found: number[] = [];
      for (let offset = 0; offset < 100; offset += limit) {
        const body = (await getList(path, { ...query, limit, offset }, auth).expect(200))
          .body as ListBody;
        expect(body.meta.total).toBe(seeds.length);
        expect(body.meta.limit).toBe(limit);
        expect(body.meta.offset).toBe(offset);
        const last = offset + limit >= seeds.length;
        expect(body.meta.nextCursor === null).toBe(last);
        found.push(...body.data.map((p) => p.id));
        if (last) break;
      }
      return found;
    }

    async function walkCursor(
      path: string,
      query: Query,
      limit: number,
      auth?: Auth,
    ): Promise<number[]> {
      const found: number[] = [];
      let cursor: string | null = null;
      for (let page = 0; page < 100; page += 1) {
        const q: Query = { ...query, limit };
        if (cursor !== null) q.cursor = cursor;
        const body = (await getList(path, q, auth).expect(200)).body as ListBody;
        expect(body.meta.limit).toBe(limit);
        if (cursor === null) {
          expect(body.meta.total).toBe(seeds.length);
          expect(body.meta.offset).toBe(0);
        } else {
          expect(body.meta.total).toBeNull();
          expect(body.meta.offset).toBeNull();
        }
        expect(body.data.length).toBeGreaterThan(0);
        found.push(...body.data.map((p) => p.id));
        cursor = body.meta.nextCursor;
        if (cursor === null) break;
      }
      expect(cursor).toBeNull();
      return found;
    }

    it('returns the expected votes and tags on each item', async () => {
      const body = (await list({ search: m, sort: 'createdAt' }).expect(200)).body as ListBody;
      expect(body.data.map((p) => [p.id, p.votes, p.tags])).toEqual(
        posts.map((p) => [p.id, p.votes, [`${m}-all`, `${m}-${p.word}`].sort()]),
      );
    });

    it('sorts by -createdAt by default', async () => {
      const res = await list({ search: m }).expect(200);
      expect(ids(res.body)).toEqual(order(byIdDesc));
      expect(res.body.meta.total).toBe(seeds.length);
    });

    it.each(sorts)(
      'sort=%s: the offset walk and the cursor walk give the same complete order, without duplicates',
      async (sort, expected) => {
        const offsetIds = await walkOffset('/api/posts', { search: m, sort }, 2);
        const cursorIds = await walkCursor('/api/posts', { search: m, sort }, 2);
        expect(offsetIds).toEqual(expected());
        expect(cursorIds).toEqual(expected());
        expect(new Set(cursorIds).size).toBe(seeds.length);
        const single = await list({ search: m, sort, limit: 100 }).expect(200);
        expect(ids(single.body)).toEqual(expected());
      },
    );

    it('walks the same way with limit 3, by tag and authenticated', async () => {
      const query = { tag: `${m}-all`, sort: '-votes' };
      const expected = order(byVotesDesc, byIdDesc);
      expect(await walkCursor('/api/posts', query, 3, author.auth)).toEqual(expected);
      expect(await walkOffset('/api/posts', query, 3, author.auth)).toEqual(expected);
    });

    it('walks an author’s list (anonymously: without the draft) with offset and cursor alike', async () => {
      const path = `/api/users/${author.id}/posts`;
      for (const sort of ['-votes', 'title', 'createdAt']) {
        const expected = sorts.find(([s]) => s === sort)?.[1]() ?? [];
        expect(await walkOffset(path, { search: m, sort }, 2)).toEqual(expected);
        expect(await walkCursor(path, { search: m, sort }, 2)).toEqual(expected);
      }
    });

    it('accepts the cursor it issues after the longest title (200 control characters, 6 bytes each in JSON)', async () => {
      const author = await registerUser(t);
      const titles = ['\u0001'.repeat(200), `${'\u0001'.repeat(199)}b`, 'zz'];
      for (const title of titles) await createPost(author, { title });
      const seen: string[] = [];
      const cursors: string[] = [];
      let cursor: string | undefined;
      do {
        const res = await t
          .http()
          .get('/api/posts')
          .query({
            author: author.username,
            sort: 'title',
            limit: 1,
            ...(cursor ? { cursor } : {}),
          })
          .expect(200);
        const page = res.body as { data: { title: string }[]; meta: { nextCursor: string | null } };
        seen.push(...page.data.map((p) => p.title));
        cursor = page.meta.nextCursor ?? undefined;
        if (cursor) cursors.push(cursor);
      } while (cursor && seen.length < 5);
      expect(seen).toEqual(titles);
      // Longer than the 1,024 characters `cursor` used to be capped at, which refused it.
      expect(Math.max(...cursors.map((c) => c.length))).toBeGreaterThan(1024);
    });

    it('answers an empty last page past the end', async () => {
      const res = await list({ search: m, offset: seeds.length }).expect(200);
      expect(res.body).toEqual({
        data: [],
        meta: { total: seeds.length, limit: 20, offset: seeds.length, nextCursor: null },
      });
    });

    it.each([
      'unknown',
      'id',
      'created_at',
      'author',
      'title;DROP TABLE posts',
      'title; DROP TABLE posts; --',
      '(select 1)',
      'lower(title)',
      'title DESC',
      'votes,votes',
      'title,-title',
      'title,',
      '-',
      '--title',
      '+title',
      '1',
      'constructor',
      '__proto__',
    ])('answers 400 (sort) for sort=%p, and the table is intact', async (sort) => {
      expectInvalid(await list({ search: m, sort }), 'sort');
      expect(await count('posts WHERE id = ANY($1)', [posts.map((p) => p.id)])).toBe(seeds.length);
    });

    it('refuses a tampered cursor, a cursor issued for another sort or list, and offset with cursor', async () => {
      const first = (await list({ search: m, sort: '-votes', limit: 2 }).expect(200))
        .body as ListBody;
      const cursor = first.meta.nextCursor ?? '';
      expect(cursor).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
      const [payload, signature] = cursor.split('.');

      const ok = await list({ search: m, sort: '-votes', limit: 2, cursor }).expect(200);
      expect(ids(ok.body)).toEqual(order(byVotesDesc, byIdDesc).slice(2, 4));

      const forged = Buffer.from(JSON.stringify(['posts:-votes,-id', '99', '1'])).toString(
        'base64url',
      );
      for (const bad of [
        `${flipAt(payload, 2)}.${signature}`,
        `${flipAt(payload, -1)}.${signature}`,
        `${payload}.${flipAt(signature, 0)}`,
        `${payload}.${flipAt(signature, -1)}`,
        `${payload}.`,
        `.${signature}`,
        payload,
        `${cursor}.x`,
        `${forged}.${signature}`,
      ]) {
        expectInvalid(await list({ search: m, sort: '-votes', limit: 2, cursor: bad }), 'cursor');
      }
      for (const sort of ['votes', '-createdAt', 'title', '-votes,title', '-comments']) {
        expectInvalid(await list({ search: m, sort, limit: 2, cursor }), 'cursor');
      }
      // No sort means the default -createdAt, not the order the cursor was issued for.
      expectInvalid(await list({ search: m, limit: 2, cursor }), 'cursor');
      expectInvalid(await list({ search: m, sort: '-votes', offset: 2, cursor }), 'cursor');
      expectInvalid(await list({ search: m, sort: '-votes', offset: 0, cursor }), 'cursor');
      // A users-list cursor is not a posts-list cursor, even under a shared sort name.
      const users = await getList('/api/users', { sort: 'createdAt', limit: 1 }).expect(200);
      const userCursor = (users.body as { meta: Meta }).meta.nextCursor;
      expect(userCursor).toEqual(expect.any(String));
      expectInvalid(
        await list({ search: m, sort: 'createdAt', cursor: userCursor ?? '' }),
        'cursor',
      );
      // The posts list and a user's posts list share cursors only for the same order.
      const authorCursor = (
        await getList(`/api/users/${author.id}/posts`, { sort: '-votes', limit: 2 }).expect(200)
      ).body.meta.nextCursor as string;
      expectInvalid(await list({ search: m, sort: 'votes', cursor: authorCursor }), 'cursor');
    });
  });

  describe('GET /api/users/:id/posts', () => {
    it("answers the author's published posts with the same filters, sorted and paged", async () => {
      const author = await registerUser(t);
      const other = await registerUser(t);
      const voter = await registerUser(t);
      const m = marker();
      const tag = `${m}-t`;
      const a = await createPost(author, { title: `${m} apple`, tags: [tag] });
      const b = await createPost(author, { title: `${m} banana` });
      const c = await createPost(author, { title: `Cherry`, content: `${m} inside`, tags: [tag] });
      await createPost(other, { title: `${m} not theirs`, tags: [tag] });
      await vote(voter, b.id);
      const path = `/api/users/${author.id}/posts`;

      const all = await getList(path, {}).expect(200);
      expect(all.body).toEqual({
        data: [c, { ...b, votes: 1 }, a],
        meta: { total: 3, limit: 20, offset: 0, nextCursor: null },
      });
      expect(ids((await getList(path, { search: m }).expect(200)).body)).toEqual([
        c.id,
        b.id,
        a.id,
      ]);
      expect(ids((await getList(path, { search: `${m} a` }).expect(200)).body)).toEqual([a.id]);
      expect(ids((await getList(path, { tag }).expect(200)).body)).toEqual([c.id, a.id]);
      expect(ids((await getList(path, { sort: '-votes' }).expect(200)).body)).toEqual([
        b.id,
        c.id,
        a.id,
      ]);
      // 'cherry' sorts before the marker's 'm…'.
      expect(ids((await getList(path, { sort: 'title' }).expect(200)).body)).toEqual([
        c.id,
        a.id,
        b.id,
      ]);
      const page = await getList(path, { limit: 2, offset: 2 }).expect(200);
      expect(page.body).toEqual({
        data: [a],
        meta: { total: 3, limit: 2, offset: 2, nextCursor: null },
      });
      const voted = (await getList(path, { sort: '-votes' }, voter.auth).expect(200))
        .body as ListBody;
      expect(voted.data.map((p) => p.voted)).toEqual([true, false, false]);
    });

    it('answers an empty list for a user without posts', async () => {
      const user = await registerUser(t);
      const res = await getList(`/api/users/${user.id}/posts`, {}).expect(200);
      expect(res.body).toEqual({
        data: [],
        meta: { total: 0, limit: 20, offset: 0, nextCursor: null },
      });
    });

    it('answers 400 for the author parameter and other unknown or invalid parameters', async () => {
      const user = await registerUser(t);
      const path = `/api/users/${user.id}/posts`;
      expectInvalid(await getList(path, { author: String(user.id) }), 'author');
      expectInvalid(await getList(path, { author: user.username }, user.auth), 'author');
      expectInvalid(await getList(path, { page: '1' }), 'page');
      expectInvalid(await getList(path, { sort: 'title;DROP TABLE posts' }), 'sort');
      expectInvalid(await getList(path, { tag: 'a b' }), 'tag');
      expectInvalid(await getList(path, { cursor: 'x.y' }), 'cursor');
    });

    it('answers 404 for a user that does not exist and 400 for a bad id', async () => {
      const rows: { max: number }[] = await t.db.query(
        'SELECT coalesce(max(id), 0)::int AS max FROM users',
      );
      for (const id of [rows[0].max + 1_000_000, 2147483647]) {
        expectProblem(await getList(`/api/users/${id}/posts`, {}), 404);
        expectProblem(await getList(`/api/users/${id}/posts`, { search: 'x' }), 404);
      }
      for (const id of ['0x10', '1e3', '0', '-1', 'abc', '99999999999']) {
        expectInvalid(await getList(`/api/users/${id}/posts`, {}), 'id');
      }
    });

    it('answers 404 for a deleted user', async () => {
      const user = await registerUser(t);
      await createPost(user);
      await t.http().delete('/api/users/me').set(user.auth).expect(204);
      expectProblem(await getList(`/api/users/${user.id}/posts`, {}), 404);
    });
  });

  describe('query budgets', () => {
    let m: string;
    let author: RegisteredUser;
    let viewer: RegisteredUser;
    let firstId: number;

    beforeAll(async () => {
      m = marker();
      author = await registerUser(t);
      viewer = await registerUser(t);
      const voters = [viewer, await registerUser(t)];
      await setDisplayName(author, 'Counted Author');
      for (let i = 0; i < 12; i += 1) {
        const post = await createPost(author, {
          title: `${m} ${i}`,
          tags: [`${m}-all`, `${m}-${i % 3}`],
        });
        firstId ??= post.id;
        for (const voter of voters.slice(0, i % 3)) await vote(voter, post.id);
      }
    });

    it('GET /api/posts (authenticated, offset paging) runs the same ≤ 3 statements for 1 or 50 posts', async () => {
      let small: ListBody | undefined;
      let large: ListBody | undefined;
      const one = await t.countQueries(async () => {
        small = (await list({ search: m, limit: 1 }, viewer.auth).expect(200)).body as ListBody;
      });
      const fifty = await t.countQueries(async () => {
        large = (await list({ search: m, limit: 50 }, viewer.auth).expect(200)).body as ListBody;
      });
      expect(small?.data).toHaveLength(1);
      expect(large?.data).toHaveLength(12);
      expect(large?.meta.total).toBe(12);
      expect(large?.data.every((p) => p.tags.length === 2)).toBe(true);
      expect(large?.data.filter((p) => p.voted)).toHaveLength(8);
      expect(large?.data.reduce((sum, p) => sum + p.votes, 0)).toBe(12);
      expect(large?.data.every((p) => p.author.displayName === 'Counted Author')).toBe(true);
      expect(one).toBeGreaterThan(0);
      expect(fifty).toBe(one);
      expect(fifty).toBeLessThanOrEqual(3);

      const byTag = await t.countQueries(() =>
        list({ tag: [`${m}-all`, `${m}-1`], sort: '-votes,title', limit: 50 }, viewer.auth).expect(
          200,
        ),
      );
      expect(byTag).toBeLessThanOrEqual(3);

      // A tag filter resolves the tags' ids first: still 3 statements with a
      // cursor (token, tags, page) and the same rows as offset paging.
      const firstByTag = (await list({ tag: `${m}-1`, limit: 2 }, viewer.auth).expect(200))
        .body as ListBody;
      let nextByTag: ListBody | undefined;
      const tagCursorCount = await t.countQueries(async () => {
        nextByTag = (
          await list(
            { tag: `${m}-1`, limit: 50, cursor: firstByTag.meta.nextCursor ?? '' },
            viewer.auth,
          ).expect(200)
        ).body as ListBody;
      });
      const allByTag = (await list({ tag: `${m}-1`, limit: 50 }, viewer.auth).expect(200))
        .body as ListBody;
      expect(allByTag.meta.total).toBe(4);
      expect([...firstByTag.data, ...(nextByTag?.data ?? [])].map((p) => p.id)).toEqual(
        allByTag.data.map((p) => p.id),
      );
      expect(nextByTag?.meta.total).toBeNull();
      expect(tagCursorCount).toBeGreaterThan(0);
      expect(tagCursorCount).toBeLessThanOrEqual(3);

      let cursorPage: ListBody | undefined;
      const cursorCount = await t.countQueries(async () => {
        cursorPage = (
          await list(
            { search: m, limit: 50, cursor: small?.meta.nextCursor ?? '' },
            viewer.auth,
          ).expect(200)
        ).body as ListBody;
      });
      expect(cursorPage?.data).toHaveLength(11);
      expect(cursorCount).toBeGreaterThan(0);
      expect(cursorCount).toBeLessThanOrEqual(3);
    });

    it('GET /api/posts/:id (authenticated) runs at most 2 statements', async () => {
      let body: PostBody | undefined;
      const n = await t.countQueries(async () => {
        body = (await t.http().get(`/api/posts/${firstId}`).set(viewer.auth).expect(200))
          .body as PostBody;
      });
      expect(body?.id).toBe(firstId);
      expect(n).toBeGreaterThan(0);
      expect(n).toBeLessThanOrEqual(2);
    });

    it('GET /api/users/:id/posts (non-empty page) runs at most 3 statements', async () => {
      let body: ListBody | undefined;
      const n = await t.countQueries(async () => {
        body = (
          await getList(`/api/users/${author.id}/posts`, { limit: 50 }, viewer.auth).expect(200)
        ).body as ListBody;
      });
      expect(body?.data).toHaveLength(12);
      expect(n).toBeGreaterThan(0);
      expect(n).toBeLessThanOrEqual(3);
    });
  });

  describe('DELETE /api/users/me cascade', () => {
    it("removes the user's posts, their votes, the votes on their posts and their posts' tag links", async () => {
      const user = await registerUser(t);
      const other = await registerUser(t);
      const m = marker();
      const own = `${m}-own`;
      const shared = `${m}-shared`;
      await setDisplayName(user, 'Leaving');
      const mine = await createPost(user, { title: `${m} mine`, tags: [own, shared] });
      const draft = await createPost(user, { title: `${m} draft`, tags: [own], published: false });
      const theirs = await createPost(other, { title: `${m} theirs`, tags: [shared] });
      await vote(user, theirs.id);
      await vote(user, mine.id);
      await vote(other, mine.id);

      const before = await getList('/api/tags', { search: m }).expect(200);
      expect(before.body.data).toEqual([
        { name: shared, posts: 2 },
        { name: own, posts: 1 },
      ]);
      const postIds = [mine.id, draft.id];
      expect(await count('post_tags WHERE post_id = ANY($1)', [postIds])).toBe(3);

      await t.http().delete('/api/users/me').set(user.auth).expect(204);

      expect(await count('posts WHERE author_id = $1', [user.id])).toBe(0);
      expect(await count('posts WHERE id = ANY($1)', [postIds])).toBe(0);
      expect(await count('votes WHERE user_id = $1', [user.id])).toBe(0);
      expect(await count('votes WHERE post_id = ANY($1)', [postIds])).toBe(0);
      expect(await count('post_tags WHERE post_id = ANY($1)', [postIds])).toBe(0);
      expect(await linkedTags(theirs.id)).toEqual([shared]);

      const after = await getList('/api/tags', { search: m }).expect(200);
      expect(after.body).toEqual({
        data: [{ name: shared, posts: 1 }],
        meta: { total: 1, limit: 20, offset: 0, nextCursor: null },
      });
      expectProblem(await t.http().get(`/api/tags/${own}`), 404);
      const view = await t.http().get(`/api/posts/${theirs.id}`).set(other.auth).expect(200);
      expect(view.body).toMatchObject({ votes: 0, voted: false, tags: [shared] });
      expect(ids((await list({ search: m }).expect(200)).body)).toEqual([theirs.id]);
      expectProblem(await t.http().get(`/api/posts/${mine.id}`), 404);
    });
  });

  describe('OpenAPI document', () => {
    it('describes PostResponse and UserSummaryResponse with exactly the fields sent, all required', async () => {
      const doc = await t.http().get('/docs-json').expect(200);
      const schemas = (
        doc.body.components as {
          schemas: Record<
            string,
            {
              properties: Record<
                string,
                { nullable?: boolean; $ref?: string; allOf?: { $ref: string }[]; type?: string }
              >;
              required: string[];
            }
          >;
        }
      ).schemas;
      const user = await registerUser(t);
      const post = await createPost(user, { tags: [marker()] });
      const body = (await t.http().get(`/api/posts/${post.id}`).expect(200)).body as PostBody;

      const postSchema = schemas.PostResponse;
      expect(Object.keys(postSchema.properties).sort()).toEqual(Object.keys(body).sort());
      expect([...postSchema.required].sort()).toEqual(Object.keys(body).sort());
      const summary = schemas.UserSummaryResponse;
      expect(Object.keys(summary.properties).sort()).toEqual(Object.keys(body.author).sort());
      expect([...summary.required].sort()).toEqual(Object.keys(body.author).sort());
      expect(summary.properties.displayName.nullable).toBe(true);
      const author = postSchema.properties.author;
      expect(author.$ref ?? author.allOf?.[0]?.$ref).toBe(
        '#/components/schemas/UserSummaryResponse',
      );
      expect(postSchema.properties.tags.type).toBe('array');
      for (const key of Object.keys(body).filter((k) => k !== 'author')) {
        expect({ key, nullable: postSchema.properties[key].nullable ?? false }).toEqual({
          key,
          nullable: false,
        });
      }
    });
  });
});
