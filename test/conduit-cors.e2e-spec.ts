import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestApp, type TestApp } from './support/app.js';
import { CONDUIT, registerConduitUser } from './support/conduit.js';

/**
 * A RealWorld frontend is a browser app on another origin: CORS_ORIGINS
 * applies to the Conduit face, its preflights for `content-type` and
 * `authorization` included.
 */
describe('Conduit CORS', () => {
  const origin = 'http://localhost:4100';
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({ env: { CORS_ORIGINS: `https://app.example.com, ${origin}` } });
  });

  afterAll(async () => {
    await t.close();
  });

  it('answers a preflight from an allowed origin for the headers a Conduit client sends', async () => {
    for (const [method, path] of [
      ['PUT', '/user'],
      ['POST', '/users/login'],
      ['DELETE', '/profiles/someone/follow'],
    ]) {
      const res = await t
        .http()
        .options(`${CONDUIT}${path}`)
        .set('Origin', origin)
        .set('Access-Control-Request-Method', method)
        .set('Access-Control-Request-Headers', 'authorization,content-type');
      expect(res.status).toBe(204);
      expect(res.headers['access-control-allow-origin']).toBe(origin);
      expect(String(res.headers['access-control-allow-methods'])).toContain(method);
      expect(
        String(res.headers['access-control-allow-headers']).toLowerCase().split(/, */),
      ).toEqual(expect.arrayContaining(['authorization', 'content-type']));
    }
  });

  it('lets the allowed origin read answers and errors', async () => {
    const user = await registerConduitUser(t);
    const ok = await t.http().get(`${CONDUIT}/user`).set('Origin', origin).set(user.auth);
    expect(ok.status).toBe(200);
    expect(ok.headers['access-control-allow-origin']).toBe(origin);
    const error = await t.http().get(`${CONDUIT}/user`).set('Origin', origin);
    expect(error.status).toBe(401);
    expect(error.headers['access-control-allow-origin']).toBe(origin);
    expect(String(error.headers['access-control-expose-headers'])).toContain('WWW-Authenticate');
  });

  it('gives another origin no Access-Control-Allow-Origin, preflight or not', async () => {
    const preflight = await t
      .http()
      .options(`${CONDUIT}/user`)
      .set('Origin', 'https://evil.example.com')
      .set('Access-Control-Request-Method', 'PUT')
      .set('Access-Control-Request-Headers', 'authorization,content-type');
    expect(preflight.headers['access-control-allow-origin']).toBeUndefined();
    const read = await t.http().get(`${CONDUIT}/tags`).set('Origin', 'https://evil.example.com');
    expect(read.status).toBe(200);
    expect(read.headers['access-control-allow-origin']).toBeUndefined();
  });
});
