import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { CONTENT_SECURITY_POLICY } from '../src/app.setup.js';
import { createTestApp, type TestApp } from './support/app.js';

/** The policy as a header carries it: `name value value; name value`. */
function directives(header: string): Record<string, string[]> {
  return Object.fromEntries(
    header
      .split(';')
      .map((part) => part.trim().split(/\s+/))
      .filter((words) => words[0] !== '')
      .map(([name, ...values]) => [name, values]),
  );
}

describe('security headers', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });

  afterAll(async () => {
    await t.close();
  });

  it.each([
    ['a JSON read', '/api/posts', 200],
    ['a problem', '/api/does-not-exist', 404],
    ['the health check', '/health', 200],
    ['Swagger UI', '/docs', 200],
  ])('sends them on %s, and no X-Powered-By', async (_name, path, status) => {
    const res = await t.http().get(path).redirects(2).expect(status);
    expect(directives(String(res.headers['content-security-policy']))).toEqual(
      Object.fromEntries(
        Object.entries(CONTENT_SECURITY_POLICY).map(([name, values]) => [name, [...values]]),
      ),
    );
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['x-frame-options']).toBe('DENY');
    expect(res.headers['referrer-policy']).toBe('no-referrer');
    expect(res.headers['cross-origin-opener-policy']).toBe('same-origin');
    expect(res.headers['strict-transport-security']).toMatch(/^max-age=\d+/);
    expect(res.headers['x-powered-by']).toBeUndefined();
  });

  it('lets Swagger UI load under the policy: no inline script, every script and stylesheet served by Agora', async () => {
    const page = await t.http().get('/docs').redirects(2).expect(200);
    const html = page.text;
    // script-src 'self' runs no inline script: each <script> must name a file.
    const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
    expect(scripts.length).toBeGreaterThanOrEqual(2);
    for (const [, attributes, body] of scripts) {
      expect(attributes).toMatch(/\bsrc=/);
      expect(body.trim()).toBe('');
    }
    const sources = [
      ...scripts.map(([, attributes]) => /\bsrc=['"]([^'"]+)['"]/.exec(attributes)?.[1]),
      ...[...html.matchAll(/<link\b[^>]*rel=['"]stylesheet['"][^>]*>/g)].map(
        ([tag]) => /\bhref=['"]([^'"]+)['"]/.exec(tag)?.[1],
      ),
    ];
    // Resolved as the browser does, against the page's own URL: all on Agora's origin.
    const pageUrl = 'http://agora.test/docs';
    const urls = sources.map((source) => new URL(source ?? '', pageUrl));
    expect(urls.map((url) => url.pathname)).toContain('/docs/swagger-ui-init.js');
    for (const url of urls) {
      expect(url.origin).toBe('http://agora.test');
      const res = await t.http().get(url.pathname).expect(200);
      expect(res.headers['content-type']).toMatch(/javascript|css/);
    }
  });
});

describe('CORS', () => {
  it('answers a preflight from an origin in CORS_ORIGINS, and only from those', async () => {
    const t = await createTestApp({ env: { CORS_ORIGINS: 'https://app.example.com' } });
    try {
      const allowed = await t
        .http()
        .options('/api/posts')
        .set('Origin', 'https://app.example.com')
        .set('Access-Control-Request-Method', 'POST')
        .set('Access-Control-Request-Headers', 'authorization,content-type');
      expect(allowed.status).toBe(204);
      expect(allowed.headers['access-control-allow-origin']).toBe('https://app.example.com');
      expect(String(allowed.headers['access-control-allow-methods'])).toContain('POST');

      const read = await t.http().get('/api/posts').set('Origin', 'https://app.example.com');
      expect(read.headers['access-control-allow-origin']).toBe('https://app.example.com');
      expect(String(read.headers['access-control-expose-headers'])).toContain('X-Request-Id');

      const other = await t.http().get('/api/posts').set('Origin', 'https://evil.example.com');
      expect(other.status).toBe(200);
      expect(other.headers['access-control-allow-origin']).toBeUndefined();
    } finally {
      await t.close();
    }
  });

  it('allows no cross-origin reads when CORS_ORIGINS is empty', async () => {
    const t = await createTestApp({ env: { CORS_ORIGINS: '' } });
    try {
      const res = await t.http().get('/api/posts').set('Origin', 'https://app.example.com');
      expect(res.status).toBe(200);
      expect(res.headers['access-control-allow-origin']).toBeUndefined();
    } finally {
      await t.close();
    }
  });
});
