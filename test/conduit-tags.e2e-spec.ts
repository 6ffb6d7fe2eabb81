import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createPostAs, marker, registerUser } from './support/api.js';
import { createTestApp, type TestApp } from './support/app.js';
import { CONDUIT, expectConduitError } from './support/conduit.js';

/** `GET /conduit/api/tags`: every tag in use, sorted by name, as Agora's tags count them. */
describe('Conduit tags', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });

  afterAll(async () => {
    await t.close();
  });

  it('lists every tag a published post carries, by name; not a draft’s, not an unused one', async () => {
    const author = await registerUser(t);
    const m = marker();
    const [b, a, c, draft] = [`${m}-b`, `${m}-a`, `${m}-c`, `${m}-draft`];
    await createPostAs(t, author, { tags: [b, a] });
    const gone = await createPostAs(t, author, { tags: [c] });
    await createPostAs(t, author, { tags: [draft], published: false });
    // More than a default page of tags: all of them are listed, not a top N.
    const many = Array.from({ length: 25 }, (_, i) => `${m}-n${String(i).padStart(2, '0')}`);
    for (let i = 0; i < many.length; i += 10) {
      await createPostAs(t, author, { tags: many.slice(i, i + 10) });
    }
    await t.http().delete(`/api/posts/${gone.id}`).set(author.auth).expect(204);

    const res = await t.http().get(`${CONDUIT}/tags`);
    expect(res.status).toBe(200);
    expect(Object.keys(res.body)).toEqual(['tags']);
    const tags = res.body.tags as string[];
    expect(tags).toEqual([...tags].sort());
    expect(tags.filter((tag) => tag.startsWith(m))).toEqual([a, b, ...many]);
  });

  it('is open to anyone; an invalid token is still a 401', async () => {
    await t
      .http()
      .get(`${CONDUIT}/tags`)
      .set('Authorization', `Bearer ${(await registerUser(t)).token}`)
      .expect(200);
    expectConduitError(await t.http().get(`${CONDUIT}/tags`).set('Authorization', 'Token x'), 401, {
      token: ['is invalid'],
    });
  });

  it('reads once', async () => {
    const statements = await t.countQueries(() => t.http().get(`${CONDUIT}/tags`).expect(200));
    expect(statements).toBe(1);
  });
});
