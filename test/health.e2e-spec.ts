import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { HealthCheckService } from '@nestjs/terminus';
import { expectProblem } from './support/api.js';
import { createTestApp, type TestApp } from './support/app.js';
import { TcpProxy } from '../drills/tcp-proxy.js';

describe('health and docs', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });

  afterAll(async () => {
    await t.close();
  });

  it('GET /health checks the database', async () => {
    const res = await t.http().get('/health').expect(200);
    expect(res.body).toEqual({ status: 'ok', database: 'up' });
  });

  it('GET /health runs its checks through @nestjs/terminus', async () => {
    const check = jest.spyOn(HealthCheckService.prototype, 'check');
    try {
      await t.http().get('/health').expect(200);
      expect(check).toHaveBeenCalledTimes(1);
    } finally {
      check.mockRestore();
    }
  });

  it('GET /health/live answers 200 without checking anything', async () => {
    const res = await t.http().get('/health/live').expect(200);
    expect(res.body).toEqual({ status: 'ok' });
  });

  it('serves Swagger UI on /docs and the OpenAPI document on /docs-json', async () => {
    const ui = await t.http().get('/docs').redirects(1).expect(200);
    expect(ui.text).toContain('swagger-ui');
    const doc = await t.http().get('/docs-json').expect(200);
    expect(doc.body.openapi).toMatch(/^3\./);
    expect(doc.body.paths['/api/users/me'].get).toBeDefined();
    expect(doc.body.paths['/health'].get).toBeDefined();
  });

  it('echoes a sane X-Request-Id and replaces an insane one', async () => {
    const echoed = await t.http().get('/health').set('X-Request-Id', 'client-id-123').expect(200);
    expect(echoed.headers['x-request-id']).toBe('client-id-123');
    const replaced = await t
      .http()
      .get('/health')
      .set('X-Request-Id', 'bad id <script>')
      .expect(200);
    expect(replaced.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    const generated = await t.http().get('/api/nope').expect(404);
    expect(generated.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(generated.body.requestId).toBe(generated.headers['x-request-id']);
  });
});

describe('health during a database outage', () => {
  let t: TestApp;
  let proxy: TcpProxy;

  beforeAll(async () => {
    const real = new URL(process.env.DATABASE_URL ?? '');
    proxy = await TcpProxy.start({ host: real.hostname, port: Number(real.port || 5432) });
    const viaProxy = new URL(real.toString());
    viaProxy.hostname = '127.0.0.1';
    viaProxy.port = String(proxy.port);
    t = await createTestApp({
      env: { DATABASE_URL: viaProxy.toString(), DB_CONNECT_TIMEOUT_MS: '1000' },
    });
  });

  afterAll(async () => {
    await proxy.up().catch(() => undefined);
    await t.close();
    await proxy.down();
  });

  it('answers 503 problem+json while the database is down, and recovers by itself', async () => {
    await t.http().get('/health').expect(200);
    await proxy.down();

    const down = await t.http().get('/health');
    const body = expectProblem(down, 503);
    expect(body.database).toBe('down');
    expect(down.headers['retry-after']).toBeDefined();

    const users = await t.http().get('/api/users');
    expectProblem(users, 503);
    expect(users.headers['retry-after']).toBe('5');
    expect(JSON.stringify(users.body)).not.toMatch(/ECONNREFUSED|terminated|at \w+ \(/);

    await proxy.up();
    const recovered = await t.http().get('/health');
    expect(recovered.status).toBe(200);
    await t.http().get('/api/users').expect(200);
  });

  it('keeps GET /health/live at 200 while the database is down: the process is alive', async () => {
    await proxy.down();
    try {
      expectProblem(await t.http().get('/health'), 503);
      const live = await t.http().get('/health/live').expect(200);
      expect(live.body).toEqual({ status: 'ok' });
    } finally {
      await proxy.up();
    }
    await t.http().get('/health').expect(200);
  });
});
