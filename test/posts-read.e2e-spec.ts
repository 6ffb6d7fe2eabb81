import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  createPostAs,
  expectInvalid,
  expectProblem,
  marker,
  registerUser,
  type Schemas,
} from './support/api.js';
import { createTestApp, type TestApp } from './support/app.js';
import { nullability, refOf, type JsonSchema } from './support/contract.js';
import { POST_KEYS } from './support/shapes.js';
import { vote } from './support/social.js';

/** GET /api/posts/:id, and the Post schema the OpenAPI document describes. */
describe('posts', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });

  afterAll(async () => {
    await t.close();
  });

  describe('GET /api/posts/:id', () => {
    it('answers 200 Post to anyone, with voted for the caller', async () => {
      const author = await registerUser(t);
      const voter = await registerUser(t);
      const other = await registerUser(t);
      const created = await createPostAs(t, author, { tags: [marker()] });
      await vote(t, voter, created.id);

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
      const draft = await createPostAs(t, author, { published: false });
      expectProblem(await t.http().get(`/api/posts/${draft.id}`), 404);
      expectProblem(await t.http().get(`/api/posts/${draft.id}`).set(other.auth), 404);
      const own = await t.http().get(`/api/posts/${draft.id}`).set(author.auth).expect(200);
      expect(own.body).toEqual(draft);
    });

    it('answers 401 for an invalid token even though the route is public', async () => {
      const author = await registerUser(t);
      const post = await createPostAs(t, author);
      const res = await t
        .http()
        .get(`/api/posts/${post.id}`)
        .set('Authorization', `Bearer ${author.token}x`);
      expectProblem(res, 401);
    });
  });

  describe('OpenAPI document', () => {
    it('describes PostResponse and UserSummaryResponse with exactly the fields sent, all required', async () => {
      const doc = await t.http().get('/docs-json').expect(200);
      const schemas = (
        doc.body.components as {
          schemas: Record<string, { properties: Record<string, JsonSchema>; required: string[] }>;
        }
      ).schemas;
      const user = await registerUser(t);
      const post = await createPostAs(t, user, { tags: [marker()] });
      const body = (await t.http().get(`/api/posts/${post.id}`).expect(200))
        .body as Schemas['PostResponse'];

      const postSchema = schemas.PostResponse;
      expect(Object.keys(postSchema.properties).sort()).toEqual(Object.keys(body).sort());
      expect([...postSchema.required].sort()).toEqual(Object.keys(body).sort());
      const summary = schemas.UserSummaryResponse;
      expect(Object.keys(summary.properties).sort()).toEqual(Object.keys(body.author).sort());
      expect([...summary.required].sort()).toEqual(Object.keys(body.author).sort());
      expect(nullability(summary.properties.displayName).nullable).toBe(true);
      const author = postSchema.properties.author;
      expect(refOf(author)).toBe('#/components/schemas/UserSummaryResponse');
      expect(nullability(author).nullable).toBe(false);
      expect(postSchema.properties.tags.type).toBe('array');
      // The one nullable field of a post: its optional summary.
      expect(nullability(postSchema.properties.description).nullable).toBe(true);
      for (const key of Object.keys(body).filter((k) => k !== 'author' && k !== 'description')) {
        expect({ key, nullable: nullability(postSchema.properties[key]).nullable }).toEqual({
          key,
          nullable: false,
        });
      }
    });
  });
});
