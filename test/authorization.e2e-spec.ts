import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestApp, type TestApp } from './support/app.js';
import { Contract, type ContractOperation } from './support/contract.js';
import {
  expectProblem,
  marker,
  registerUser,
  type HttpResult,
  type RegisteredUser,
} from './support/api.js';
import { CONDUIT, expectConduitError } from './support/conduit.js';

/**
 * The authorization matrix (OWASP API1 and API5): every mutating operation of
 * the OpenAPI document is called as anonymous, as another user and as the
 * owner of what it targets. Anonymous gets 401; another user gets 403 or 404,
 * or acts on their own behalf only; the owner succeeds. After the wrong
 * callers, nothing the owner owns has changed; after the owner, it has.
 */

interface Actors {
  owner: RegisteredUser;
  other: RegisteredUser;
  postId: number;
  commentId: number;
  tag: string;
  /** The post's slug: the Conduit face names it so. */
  slug: string;
}

interface Case {
  /** Builds what the operation acts on; returns the path's parameters. */
  arrange?: (t: TestApp, a: Actors) => Promise<void>;
  params: (a: Actors) => Record<string, string | number>;
  body?: (caller: RegisteredUser | undefined, a: Actors) => Record<string, unknown>;
  /** What another user gets: refused (403/404), or an answer about their own data only. */
  other: 'refused' | 'own';
  owner: number;
}

/** The Conduit face's articles, favourites and comments: the owner's post and comment as above. */
const CONDUIT_ARTICLE_CASES: Record<string, Case> = {
  'POST /conduit/api/articles': {
    params: () => ({}),
    body: () => ({ article: { title: 'New', description: 'New', body: 'A new article.' } }),
    other: 'own',
    owner: 201,
  },
  'PUT /conduit/api/articles/{slug}': {
    params: (a) => ({ slug: a.slug }),
    body: () => ({ article: { title: 'Taken over', tagList: ['hijacked'] } }),
    other: 'refused',
    owner: 200,
  },
  'DELETE /conduit/api/articles/{slug}': {
    params: (a) => ({ slug: a.slug }),
    other: 'refused',
    owner: 204,
  },
  'POST /conduit/api/articles/{slug}/favorite': {
    params: (a) => ({ slug: a.slug }),
    other: 'own',
    owner: 200,
  },
  'DELETE /conduit/api/articles/{slug}/favorite': {
    arrange: async (t, a) => {
      await t.http().post(`/api/posts/${a.postId}/votes`).set(a.owner.auth).expect(201);
    },
    params: (a) => ({ slug: a.slug }),
    other: 'own',
    owner: 200,
  },
  'POST /conduit/api/articles/{slug}/comments': {
    params: (a) => ({ slug: a.slug }),
    body: () => ({ comment: { body: 'A comment.' } }),
    other: 'own',
    owner: 201,
  },
  'DELETE /conduit/api/articles/{slug}/comments/{id}': {
    params: (a) => ({ slug: a.slug, id: a.commentId }),
    other: 'refused',
    owner: 204,
  },
};

const CASES: Record<string, Case> = {
  ...CONDUIT_ARTICLE_CASES,
  'PATCH /api/users/me': {
    params: () => ({}),
    body: (caller) => ({ username: `${caller?.username ?? 'anon'}`.slice(0, 26) + 'x2' }),
    other: 'own',
    owner: 200,
  },
  'DELETE /api/users/me': { params: () => ({}), other: 'own', owner: 204 },
  'PUT /api/users/me/profile': {
    params: () => ({}),
    body: () => ({ displayName: 'Changed' }),
    other: 'own',
    owner: 200,
  },
  'DELETE /api/users/me/profile': { params: () => ({}), other: 'own', owner: 204 },
  'POST /api/posts': {
    params: () => ({}),
    body: () => ({ title: 'New', content: 'A new post.', tags: ['matrix'] }),
    other: 'own',
    owner: 201,
  },
  'PATCH /api/posts/{id}': {
    params: (a) => ({ id: a.postId }),
    body: () => ({ title: 'Taken over', published: false, tags: ['hijacked'] }),
    other: 'refused',
    owner: 200,
  },
  'DELETE /api/posts/{id}': { params: (a) => ({ id: a.postId }), other: 'refused', owner: 204 },
  'POST /api/posts/{id}/votes': { params: (a) => ({ id: a.postId }), other: 'own', owner: 201 },
  'DELETE /api/posts/{id}/votes': {
    arrange: async (t, a) => {
      await t.http().post(`/api/posts/${a.postId}/votes`).set(a.owner.auth).expect(201);
    },
    params: (a) => ({ id: a.postId }),
    other: 'own',
    owner: 204,
  },
  'PUT /api/posts/{id}/tags/{name}': {
    params: (a) => ({ id: a.postId, name: 'added-by-put' }),
    other: 'refused',
    owner: 200,
  },
  'DELETE /api/posts/{id}/tags/{name}': {
    params: (a) => ({ id: a.postId, name: a.tag }),
    other: 'refused',
    owner: 204,
  },
  'POST /api/users/{id}/follow': {
    params: (a) => ({ id: a.other.id }),
    other: 'own',
    owner: 201,
  },
  'DELETE /api/users/{id}/follow': {
    arrange: async (t, a) => {
      await t.http().post(`/api/users/${a.other.id}/follow`).set(a.owner.auth).expect(201);
    },
    params: (a) => ({ id: a.other.id }),
    other: 'own',
    owner: 204,
  },
  'POST /api/posts/{id}/comments': {
    params: (a) => ({ id: a.postId }),
    body: () => ({ body: 'A comment.' }),
    other: 'own',
    owner: 201,
  },
  'DELETE /api/comments/{id}': {
    params: (a) => ({ id: a.commentId }),
    other: 'refused',
    owner: 204,
  },
  // The Conduit face (a Bearer token works there too).
  'PUT /conduit/api/user': {
    params: () => ({}),
    body: () => ({ user: { bio: 'Changed through Conduit' } }),
    other: 'own',
    owner: 200,
  },
  'POST /conduit/api/profiles/{username}/follow': {
    params: (a) => ({ username: a.other.username }),
    other: 'own',
    owner: 200,
  },
  'DELETE /conduit/api/profiles/{username}/follow': {
    arrange: async (t, a) => {
      await t.http().post(`/api/users/${a.other.id}/follow`).set(a.owner.auth).expect(201);
    },
    params: (a) => ({ username: a.other.username }),
    other: 'own',
    owner: 200,
  },
};

/** Operations anyone may call: registering and logging in. */
const PUBLIC = [
  'POST /api/users',
  'POST /api/auth/login',
  'POST /conduit/api/users',
  'POST /conduit/api/users/login',
];

/** An error in the format of the face the URL is under: a problem, or Conduit's `{ errors }`. */
function expectError(url: string, res: HttpResult, status: number): void {
  if (url.startsWith(`${CONDUIT}/`)) expectConduitError(res, status);
  else expectProblem(res, status);
}

/**
 * Everything the owner owns, as stored: their account, profile, posts, the
 * tags on those posts, and the votes, follows and comments they made (less
 * the counters other users' actions move: published posts, replies).
 */
async function ownedBy(t: TestApp, userId: number): Promise<unknown> {
  const rows: { snapshot: unknown }[] = await t.db.query(
    `SELECT json_build_object(
       'user', (SELECT to_jsonb(u) - 'published_posts' FROM users u WHERE u.id = $1),
       'profile', (SELECT to_jsonb(pr) FROM profiles pr WHERE pr.user_id = $1),
       'posts', (SELECT json_agg(to_jsonb(p) ORDER BY p.id)
                   FROM posts p WHERE p.author_id = $1),
       'tags', (SELECT json_agg(json_build_array(pt.post_id, t.name) ORDER BY pt.post_id, t.name)
                  FROM post_tags pt JOIN posts p ON p.id = pt.post_id JOIN tags t ON t.id = pt.tag_id
                 WHERE p.author_id = $1),
       'votes', (SELECT json_agg(to_jsonb(v) ORDER BY v.post_id) FROM votes v WHERE v.user_id = $1),
       'follows', (SELECT json_agg(to_jsonb(f) ORDER BY f.followee_id) FROM follows f WHERE f.follower_id = $1),
       'comments', (SELECT json_agg(to_jsonb(c) - 'replies' ORDER BY c.id) FROM comments c WHERE c.author_id = $1)
     ) AS snapshot`,
    [userId],
  );
  return rows[0].snapshot;
}

function fill(path: string, params: Record<string, string | number>): string {
  return path.replace(/\{(\w+)\}/g, (_, name: string) => {
    if (!(name in params)) throw new Error(`no value for {${name}} in ${path}`);
    return encodeURIComponent(String(params[name]));
  });
}

describe('authorization matrix, generated from the OpenAPI document', () => {
  let t: TestApp;
  let contract: Contract;
  let mutating: ContractOperation[];

  beforeAll(async () => {
    t = await createTestApp();
    contract = await Contract.load(t);
    mutating = contract.operations.filter((o) => o.method !== 'get');
  });

  afterAll(async () => {
    await t.close();
  });

  it('has a case for every mutating operation, and every one but registering and logging in requires a token', () => {
    expect(mutating.length).toBeGreaterThanOrEqual(Object.keys(CASES).length + PUBLIC.length);
    const names = mutating.map((o) => o.name).sort();
    expect(names).toEqual([...Object.keys(CASES), ...PUBLIC].sort());
    for (const operation of mutating) {
      expect([operation.name, operation.secured]).toEqual([
        operation.name,
        !PUBLIC.includes(operation.name),
      ]);
    }
  });

  async function arrange(): Promise<Actors> {
    const owner = await registerUser(t);
    const other = await registerUser(t);
    const tag = marker();
    await t
      .http()
      .put('/api/users/me/profile')
      .set(owner.auth)
      .send({ displayName: 'Owner' })
      .expect(201);
    const post = await t
      .http()
      .post('/api/posts')
      .set(owner.auth)
      .send({ title: 'Owned', content: 'The owner’s post.', tags: [tag] })
      .expect(201);
    const comment = await t
      .http()
      .post(`/api/posts/${post.body.id as number}/comments`)
      .set(owner.auth)
      .send({ body: 'The owner’s comment.' })
      .expect(201);
    const slugs: { slug: string }[] = await t.db.query('SELECT slug FROM posts WHERE id = $1', [
      post.body.id,
    ]);
    return {
      owner,
      other,
      postId: post.body.id as number,
      commentId: comment.body.id as number,
      tag,
      slug: slugs[0].slug,
    };
  }

  async function call(
    operation: ContractOperation,
    c: Case,
    a: Actors,
    caller: RegisteredUser | undefined,
  ) {
    const url = fill(operation.path, c.params(a));
    let req = t.http()[operation.method](url);
    if (caller) req = req.set(caller.auth);
    const body = c.body?.(caller, a);
    const res = body ? await req.send(body) : await req;
    const violations = contract.check(operation.method, url, res);
    expect(violations).toEqual([]);
    return res;
  }

  it.each(Object.entries(CASES))('%s', async (name, c) => {
    const operation = contract.operations.find((o) => o.name === name);
    if (!operation) throw new Error(`${name} is not in the OpenAPI document`);
    const a = await arrange();
    await c.arrange?.(t, a);
    const owned = await ownedBy(t, a.owner.id);
    const othersOwn = await ownedBy(t, a.other.id);

    const anonymous = await call(operation, c, a, undefined);
    expectError(operation.path, anonymous, 401);
    expect(await ownedBy(t, a.owner.id)).toEqual(owned);
    expect(await ownedBy(t, a.other.id)).toEqual(othersOwn);

    const other = await call(operation, c, a, a.other);
    if (c.other === 'refused') {
      expect([403, 404]).toContain(other.status);
      expectError(operation.path, other, other.status);
      expect(await ownedBy(t, a.other.id)).toEqual(othersOwn);
    } else {
      expect(other.status).toBeLessThan(500);
    }
    expect(await ownedBy(t, a.owner.id)).toEqual(owned);

    const owner = await call(operation, c, a, a.owner);
    expect([owner.status, owner.body]).toEqual([c.owner, owner.body]);
    expect(await ownedBy(t, a.owner.id)).not.toEqual(owned);
  });
});
