/**
 * The ceiling: what S1 and S5 could cost with nothing between HTTP and
 * PostgreSQL but Fastify, a `pg` pool and a plain row mapper. It runs the exact
 * statements Agora sent for those requests (captured at run time by
 * capture.ts, in the same concurrent groups), with S5's post id substituted
 * where Agora's parameters held it, and answers the same JSON.
 *
 * Runs in its own process: `node dist/bench/ceiling.js config.json`.
 */
import Fastify from 'fastify';
import { createHmac } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import pg from 'pg';
import { concurrentGroups, type CapturedStatement } from './statements.js';

export interface CeilingConfig {
  port: number;
  databaseUrl: string;
  poolSize: number;
  /** Signs nextCursor the way Agora does (HMAC-SHA256), so the work is alike. */
  cursorSecret: string;
  /** S1 as captured: GET /api/posts, anonymous. */
  list: { statements: CapturedStatement[]; limit: number };
  /** S5 as captured for one post id. */
  item: { statements: CapturedStatement[]; id: number };
}

/** A post row as Agora's read model selects it. */
interface PostRow {
  id: number;
  title: string;
  content: string;
  published: boolean;
  createdAt: Date;
  updatedAt: Date;
  authorId: number;
  authorUsername: string;
  authorDisplayName: string | null;
  votes: number;
  comments: number;
  voted: boolean;
  tags: string[];
}

type Row = Record<string, unknown>;

function toPost(row: PostRow) {
  return {
    id: row.id,
    title: row.title,
    content: row.content,
    published: row.published,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    author: { id: row.authorId, username: row.authorUsername, displayName: row.authorDisplayName },
    tags: row.tags,
    votes: row.votes,
    comments: row.comments,
    voted: row.voted,
  };
}

/** A statement whose parameters are fixed but for those that held the captured id. */
interface Template {
  sql: string;
  params: unknown[];
  idSlots: number[];
}

function template(statement: CapturedStatement, id?: number): Template {
  const idSlots =
    id === undefined
      ? []
      : statement.params.flatMap((value, i) => (value === id || value === String(id) ? [i] : []));
  return { sql: statement.sql, params: statement.params, idSlots };
}

async function main(): Promise<void> {
  const path = process.argv[2];
  if (!path) throw new Error('usage: ceiling.js <config.json>');
  const config = JSON.parse(await readFile(path, 'utf8')) as CeilingConfig;
  const pool = new pg.Pool({
    connectionString: config.databaseUrl,
    max: config.poolSize,
    application_name: 'agora-ceiling',
  });
  const cursorKey = createHmac('sha256', config.cursorSecret).update('agora:cursor:v1').digest();

  const listGroups = concurrentGroups(config.list.statements).map((g) => g.map((s) => template(s)));
  const itemGroups = concurrentGroups(config.item.statements).map((g) =>
    g.map((s) => template(s, config.item.id)),
  );
  if (!itemGroups.flat().some((t) => t.idSlots.length > 0)) {
    throw new Error('ceiling: no captured S5 statement takes the post id as a parameter');
  }

  /** Runs the groups one after the other, each group's statements together. */
  async function run(groups: Template[][], id?: number): Promise<pg.QueryResult<Row>[]> {
    const results: pg.QueryResult<Row>[] = [];
    for (const group of groups) {
      results.push(
        ...(await Promise.all(
          group.map((t) => {
            const params = [...t.params];
            for (const slot of t.idSlots) params[slot] = id;
            return pool.query<Row>(t.sql, params);
          }),
        )),
      );
    }
    return results;
  }

  const hasField = (result: pg.QueryResult<Row>, name: string) =>
    result.fields.some((f) => f.name === name);

  function cursorOf(row: Row): string {
    const values = Object.keys(row)
      .filter((k) => k.startsWith('__sort_'))
      .map((k) => row[k]);
    const payload = Buffer.from(JSON.stringify(['posts', ...values])).toString('base64url');
    const signature = createHmac('sha256', cursorKey)
      .update(payload)
      .digest()
      .subarray(0, 18)
      .toString('base64url');
    return `${payload}.${signature}`;
  }

  const app = Fastify({ logger: false });

  app.get('/health', () => ({ status: 'ok' }));

  app.get('/api/posts', async () => {
    const results = await run(listGroups);
    const page = results.find((r) => hasField(r, 'title'));
    const count = results.find((r) => hasField(r, 'total'));
    const rows = (page?.rows ?? []) as unknown as PostRow[];
    const limit = config.list.limit;
    const hasMore = rows.length > limit;
    const pageRows = hasMore ? rows.slice(0, limit) : rows;
    const last = pageRows[pageRows.length - 1] as unknown as Row | undefined;
    return {
      data: pageRows.map(toPost),
      meta: {
        total: count ? Number(count.rows[0]?.total ?? 0) : null,
        limit,
        offset: 0,
        nextCursor: hasMore && last ? cursorOf(last) : null,
      },
    };
  });

  app.get<{ Params: { id: string } }>('/api/posts/:id', async (request, reply) => {
    const { id } = request.params;
    if (!/^\d{1,10}$/.test(id) || Number(id) < 1 || Number(id) > 2_147_483_647) {
      return reply.code(400).send({ status: 400, title: 'Bad Request' });
    }
    const results = await run(itemGroups, Number(id));
    const row = results.find((r) => hasField(r, 'title'))?.rows[0] as unknown as
      PostRow | undefined;
    if (!row) return reply.code(404).send({ status: 404, title: 'Not Found' });
    return toPost(row);
  });

  const close = () => {
    void app.close().then(() => pool.end());
  };
  process.once('SIGTERM', close);
  process.once('SIGINT', close);
  await app.listen({ port: config.port, host: '127.0.0.1' });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
