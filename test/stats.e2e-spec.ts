import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import {
  expectProblem,
  registerUser,
  uniqueName,
  type RegisteredUser,
  createPostAs,
  type Schemas,
} from './support/api.js';
import { createTestApp, type TestApp } from './support/app.js';
import { nullability, refOf, type JsonSchema } from './support/contract.js';
import { ownDatabase } from './support/own-database.js';

const STATS_KEYS = [
  'comments',
  'mostProlificAuthor',
  'mostUsedTag',
  'mostVotedPost',
  'posts',
  'tags',
  'users',
  'votes',
];

const EMPTY = {
  users: 0,
  posts: 0,
  votes: 0,
  tags: 0,
  comments: 0,
  mostUsedTag: null,
  mostProlificAuthor: null,
  mostVotedPost: null,
};

/** A Post as the contract types it. */
type PostBody = Schemas['PostResponse'];

interface SchemaObject {
  properties: Record<string, JsonSchema>;
  required: string[];
}

/**
 * The figures are totals over the whole database, and other test files write
 * to the shared one concurrently: this file runs the app against a database of
 * its own on the same server, emptied before each test.
 */
describe('GET /api/stats', () => {
  const own = ownDatabase('agora_stats');
  let t: TestApp | undefined;

  function app(): TestApp {
    if (!t) throw new Error('the app did not start');
    return t;
  }

  beforeAll(async () => {
    // A default collation that ignores punctuation, as glibc's en_US.UTF-8 does
    // ('ab' < 'a-c'), so the byte-order tie-break must come from the query itself.
    // Servers built without ICU get the server's default collation.
    try {
      await own.admin(
        `CREATE DATABASE "${own.name}" TEMPLATE template0 LOCALE_PROVIDER icu ICU_LOCALE 'en-US-u-ka-shifted'`,
      );
    } catch {
      await own.admin(`CREATE DATABASE "${own.name}"`);
    }
    t = await createTestApp({ env: { DATABASE_URL: own.url } });
  });

  afterAll(async () => {
    await t?.close();
    await own.drop();
  });

  beforeEach(async () => {
    await app().db.query('TRUNCATE users, tags RESTART IDENTITY CASCADE');
  });

  async function stats(): Promise<Record<string, unknown>> {
    const res = await app().http().get('/api/stats').expect(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(Object.keys(res.body as object).sort()).toEqual(STATS_KEYS);
    return res.body as Record<string, unknown>;
  }

  async function count(table: string): Promise<number> {
    const rows: { n: number }[] = await app().db.query(`SELECT count(*)::int AS n FROM ${table}`);
    return rows[0].n;
  }

  const createPost = (user: RegisteredUser, fields: Partial<Schemas['CreatePostDto']> = {}) =>
    createPostAs(app(), user, fields);

  async function unpublish(user: RegisteredUser, post: PostBody): Promise<void> {
    await app()
      .http()
      .patch(`/api/posts/${post.id}`)
      .set(user.auth)
      .send({ published: false })
      .expect(200);
  }

  async function vote(post: PostBody, ...voters: RegisteredUser[]): Promise<void> {
    for (const voter of voters) {
      await app().http().post(`/api/posts/${post.id}/votes`).set(voter.auth).expect(201);
    }
  }

  async function comment(user: RegisteredUser, post: PostBody, parentId?: number): Promise<number> {
    const res = await app()
      .http()
      .post(`/api/posts/${post.id}/comments`)
      .set(user.auth)
      .send(parentId === undefined ? { body: 'A comment' } : { body: 'A reply', parentId });
    expect(res.status).toBe(201);
    return (res.body as { id: number }).id;
  }

  /** Users registered in this order, so their ids ascend; usernames in the opposite order. */
  async function users(n: number): Promise<RegisteredUser[]> {
    const registered: RegisteredUser[] = [];
    for (let i = 0; i < n; i += 1) {
      const prefix = String.fromCharCode('z'.charCodeAt(0) - i);
      registered.push(await registerUser(app(), { username: uniqueName(prefix) }));
    }
    return registered;
  }

  it('answers zero totals and null leaders on an empty database', async () => {
    expect(await stats()).toEqual(EMPTY);
  });

  it('counts every account but leaves drafts out, with their votes, comments and tags', async () => {
    const [u1, u2, u3] = await users(3);
    // Published while it gathered votes, comments and tags, then made a draft.
    const former = await createPost(u3, { title: 'Former', tags: ['zz', 'mixed'] });
    await vote(former, u1, u2, u3);
    await comment(u2, former, await comment(u1, former));
    await unpublish(u3, former);
    const draft = await createPost(u3, { title: 'Draft', tags: ['zz'], published: false });
    await vote(draft, u3);
    await comment(u3, draft);

    expect(await count('posts')).toBe(2);
    expect(await count('votes')).toBe(4);
    expect(await count('comments')).toBe(3);
    expect(await count('post_tags')).toBe(3);
    expect(await stats()).toEqual({ ...EMPTY, users: 3 });

    // A published post without tags or votes: only the author leads.
    await createPost(u2, { title: 'Bare' });
    expect(await stats()).toEqual({
      ...EMPTY,
      users: 3,
      posts: 1,
      mostProlificAuthor: { id: u2.id, username: u2.username, posts: 1 },
    });
  });

  it('computes every figure over published posts, ties going to the documented winners', async () => {
    const [u1, u2, u3, u4] = await users(4);
    expect([u1.id, u2.id, u3.id, u4.id]).toEqual([1, 2, 3, 4].map((i) => u1.id + i - 1));

    // u3's drafts: the most posts, the most used tags, the most voted post, if drafts counted.
    const former = await createPost(u3, { title: 'Former', tags: ['zz', 'mixed'] });
    await vote(former, u1, u2, u4);
    await comment(u2, former, await comment(u1, former));
    await unpublish(u3, former);
    const d2 = await createPost(u3, { title: 'D2', tags: ['zz', 'mixed'], published: false });
    await vote(d2, u3);
    await comment(u3, d2);
    await createPost(u3, { title: 'D3', tags: ['zz'], published: false });

    // Published: u1 and u2 tie at 2 posts (u1 is the earlier account, u2's name sorts first);
    // 'ab' and 'a-c' tie at 2 posts ('a-c' is first in byte order, 'ab' in most locales).
    const a1 = await createPost(u1, { title: 'Alpha one', tags: ['ab'] });
    const a2 = await createPost(u1, { title: 'Zeta', tags: ['a-c'] });
    const b1 = await createPost(u2, { title: 'Alpha', tags: ['ab', 'a-c'] });
    await createPost(u2, { title: 'Beta' });
    const c1 = await createPost(u3, { title: 'Gamma', tags: ['mixed'] });
    // Deleted: its tag stays in the tags table, carried by no post; its votes and comments go.
    const temp = await createPost(u4, { title: 'Temp', tags: ['orphan'] });
    await vote(temp, u1, u2, u3, u4);
    await comment(u1, temp);
    await app().http().delete(`/api/posts/${temp.id}`).set(u4.auth).expect(204);

    // a2 and b1 tie at 2 votes (a2 is older, b1's title sorts first).
    await vote(a2, u2, u3);
    await vote(b1, u4, u1);
    await vote(c1, u1);
    // 4 comments on published posts, replies included.
    await comment(u3, a1, await comment(u1, a1, await comment(u2, a1)));
    await comment(u4, b1);

    expect(await count('posts')).toBe(8);
    expect(await count('votes')).toBe(9);
    expect(await count('comments')).toBe(7);
    expect(await count('tags')).toBe(5);
    expect(await stats()).toEqual({
      users: 4,
      posts: 5,
      votes: 5,
      tags: 3,
      comments: 4,
      mostUsedTag: { name: 'a-c', posts: 2 },
      mostProlificAuthor: { id: u1.id, username: u1.username, posts: 2 },
      mostVotedPost: { id: a2.id, title: 'Zeta', votes: 2 },
    });
  });

  it('crowns the highest count over an earlier or first-sorting rival', async () => {
    const [u1, u2] = await users(2);
    const p1 = await createPost(u1, { title: 'First', tags: ['a-a'] });
    const p2 = await createPost(u2, { title: 'Second', tags: ['b-b'] });
    const p3 = await createPost(u2, { title: 'Third', tags: ['b-b', 'a-b'] });
    await vote(p1, u1);
    await vote(p3, u1, u2);
    await comment(u1, p2);

    expect(await stats()).toEqual({
      users: 2,
      posts: 3,
      votes: 3,
      tags: 3,
      comments: 1,
      mostUsedTag: { name: 'b-b', posts: 2 },
      mostProlificAuthor: { id: u2.id, username: u2.username, posts: 2 },
      mostVotedPost: { id: p3.id, title: 'Third', votes: 2 },
    });

    // A user who leaves takes their posts, votes and comments out of every figure.
    await app().http().delete('/api/users/me').set(u2.auth).expect(204);
    expect(await stats()).toEqual({
      users: 1,
      posts: 1,
      votes: 1,
      tags: 1,
      comments: 0,
      mostUsedTag: { name: 'a-a', posts: 1 },
      mostProlificAuthor: { id: u1.id, username: u1.username, posts: 1 },
      mostVotedPost: { id: p1.id, title: 'First', votes: 1 },
    });
  });

  it('runs at most 2 SQL statements for an anonymous caller, whatever the data', async () => {
    const empty = await app().countQueries(() => app().http().get('/api/stats').expect(200));
    expect(empty).toBeGreaterThan(0);
    expect(empty).toBeLessThanOrEqual(2);

    const [u1, u2] = await users(2);
    for (const [i, user] of [u1, u2, u1].entries()) {
      const post = await createPost(user, { title: `Post ${i}`, tags: [`t-${i}`, 'shared'] });
      await vote(post, u1, u2);
      await comment(u2, post, await comment(u1, post));
    }
    let body: Record<string, unknown> | undefined;
    const populated = await app().countQueries(async () => {
      body = (await app().http().get('/api/stats').expect(200)).body as Record<string, unknown>;
    });
    expect(body).toMatchObject({ users: 2, posts: 3, votes: 6, tags: 4, comments: 6 });
    expect(populated).toBeGreaterThan(0);
    expect(populated).toBeLessThanOrEqual(2);
  });

  it('is public, yet answers 401 for an invalid token and 400 for a query parameter', async () => {
    const [user] = await users(1);
    const signedIn = await app().http().get('/api/stats').set(user.auth).expect(200);
    expect(signedIn.body).toEqual({ ...EMPTY, users: 1 });
    expectProblem(
      await app().http().get('/api/stats').set('Authorization', `Bearer ${user.token}x`),
      401,
    );
    const res = await app().http().get('/api/stats?users=0');
    const problem = expectProblem(res, 400);
    expect(problem.errors).toEqual([expect.objectContaining({ field: 'users' })]);
  });

  it('is described in the OpenAPI document with exactly the keys sent, all required, the leaders nullable', async () => {
    const doc = await app().http().get('/docs-json').expect(200);
    const schemas = (doc.body.components as { schemas: Record<string, SchemaObject> }).schemas;
    const [user] = await users(1);
    const post = await createPost(user, { tags: ['only'] });
    await vote(post, user);
    const body = await stats();
    const keys = Object.keys(body).sort();

    const schema = schemas.StatsResponse;
    expect(Object.keys(schema.properties).sort()).toEqual(keys);
    expect([...schema.required].sort()).toEqual(keys);
    const leaders: Record<string, string> = {
      mostUsedTag: 'MostUsedTag',
      mostProlificAuthor: 'MostProlificAuthor',
      mostVotedPost: 'MostVotedPost',
    };
    for (const key of keys) {
      const property = schema.properties[key];
      const leader = leaders[key];
      expect({ key, nullable: nullability(property).nullable }).toEqual({
        key,
        nullable: leader !== undefined,
      });
      if (leader === undefined) {
        expect({ key, type: property.type }).toEqual({ key, type: 'integer' });
        continue;
      }
      expect(refOf(property)).toBe(`#/components/schemas/${leader}`);
      const nested = schemas[leader];
      const sent = Object.keys(body[key] as object).sort();
      expect(Object.keys(nested.properties).sort()).toEqual(sent);
      expect([...nested.required].sort()).toEqual(sent);
    }
  });
});
