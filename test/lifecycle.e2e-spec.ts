import { describe, expect, it } from '@jest/globals';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { uniqueName } from './support/api.js';
import { createTestApp } from './support/app.js';

describe('boot', () => {
  it('refuses to start on an invalid environment, naming each broken variable', async () => {
    const boot = createTestApp({ env: { PORT: 'eighty', DB_STATEMENT_TIMEOUT_MS: '-5' } });
    await expect(boot).rejects.toThrow(/Invalid environment configuration/);
    await expect(createTestApp({ env: { PORT: 'eighty' } })).rejects.toThrow(
      /PORT: .*must be an integer/,
    );
    await expect(createTestApp({ env: { DB_STATEMENT_TIMEOUT_MS: '-5' } })).rejects.toThrow(
      /DB_STATEMENT_TIMEOUT_MS/,
    );
  });

  it('refuses to start in production without a JWT_SECRET, or with a short one', async () => {
    await expect(
      createTestApp({ env: { NODE_ENV: 'production', JWT_SECRET: '' } }),
    ).rejects.toThrow(/JWT_SECRET: is required in production/);
    await expect(
      createTestApp({ env: { NODE_ENV: 'production', JWT_SECRET: 'too-short' } }),
    ).rejects.toThrow(/JWT_SECRET: must be at least 32 characters/);
  });
});

describe('graceful shutdown', () => {
  it('lets in-flight requests finish before the pool closes, and answers none with an error', async () => {
    const t = await createTestApp();
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    const server = t.app.getHttpServer();
    const { port } = server.address() as AddressInfo;

    const names = Array.from({ length: 12 }, () => uniqueName('bye'));
    let arrived = 0;
    let closing = false;
    // Which requests were answered once close() had begun (the others finished before it).
    const answeredWhileClosing = new Map<string, boolean>();
    const allArrived = new Promise<void>((resolve) => {
      server.on('request', (req: IncomingMessage, res: ServerResponse) => {
        const name = String(req.headers['x-test-name']);
        res.on('finish', () => answeredWhileClosing.set(name, closing));
        arrived += 1;
        if (arrived === names.length) resolve();
      });
    });
    // Registrations hash a password (argon2id), so they are still running when close() begins.
    const responses = names.map((username) =>
      fetch(`http://127.0.0.1:${port}/api/users`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-test-name': username },
        body: JSON.stringify({
          email: `${username.toLowerCase()}@example.com`,
          username,
          password: 'correct horse battery',
        }),
      }),
    );
    await allArrived;
    closing = true;
    await t.close();

    const settled = await Promise.all(responses);
    expect(settled.map((r) => r.status)).toEqual(names.map(() => 201));
    // Most were still hashing when close() began (a busy machine may finish a few before it)...
    const inFlight = names.filter((n) => answeredWhileClosing.get(n) === true);
    expect(inFlight.length).toBeGreaterThan(0);
    // ...and their keep-alive connections were told to close, so close() did not wait for the keep-alive timeout.
    expect(
      names
        .map((n, i) => [n, settled[i].headers.get('connection')] as const)
        .filter(([n]) => inFlight.includes(n))
        .map(([, connection]) => connection),
    ).toEqual(inFlight.map(() => 'close'));
    expect(t.db.isInitialized).toBe(false);

    const client = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await client.connect();
    try {
      const { rows } = await client.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM users WHERE username = ANY($1)',
        [names],
      );
      expect(rows[0].n).toBe(names.length);
    } finally {
      await client.end();
    }
    await expect(fetch(`http://127.0.0.1:${port}/health`)).rejects.toThrow();
  });

  it('answers a request that arrives while it closes with a 503 problem, and closes that connection', async () => {
    const t = await createTestApp();
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    const server = t.app.getHttpServer();
    const { port } = server.address() as AddressInfo;

    // A connection whose request has begun (half its headers sent) is not idle, so
    // closing waits for it; the request itself only reaches Agora once closing began.
    const socket = connect(port, '127.0.0.1');
    let received = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (received += chunk));
    const ended = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    socket.write('GET /api/posts HTTP/1.1\r\nHost: 127.0.0.1\r\n');
    await sleep(200);
    const closed = t.close();
    for (let waited = 0; server.listening && waited < 5000; waited += 10) await sleep(10);
    expect(server.listening).toBe(false);
    socket.write('Accept: application/json\r\n\r\n');
    await ended;
    await closed;

    const [head, body] = received.split('\r\n\r\n');
    expect(head).toMatch(/^HTTP\/1\.1 503 /);
    expect(head).toMatch(/^content-type: application\/problem\+json/im);
    expect(head).toMatch(/^retry-after: 5$/im);
    expect(head).toMatch(/^connection: close$/im);
    expect(head).toMatch(/^x-request-id: \S+$/im);
    expect(JSON.parse(body)).toMatchObject({
      type: 'about:blank',
      title: 'Service Unavailable',
      status: 503,
      detail: 'The server is shutting down; retry the request.',
      instance: '/api/posts',
      retryAfter: 5,
    });
  });
});
