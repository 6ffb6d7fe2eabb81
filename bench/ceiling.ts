/**
 * The ceiling: what S1 and S5 could cost on a server tuned by hand, answering
 * exactly the JSON Agora answers (the bench checks it before measuring).
 * Everything a hand-tuned server would use:
 *
 * - Fastify and a `pg` pool of Agora's size, nothing in between;
 * - one statement per request, the best SQL for that JSON (written here, not
 *   Agora's captured statements): S1's page and its total in one round trip,
 *   the tag names looked up by primary key per link rather than joined
 *   against the whole `tags` table;
 * - named prepared statements (`client.query({ name, text, values })`):
 *   parsed once per connection, planned once PostgreSQL settles on a generic
 *   plan (the page's row count written into the text, so that it does);
 * - Agora's planner settings (`random_page_cost`, planner-settings.ts);
 * - rows as arrays (`rowMode: 'array'`), and a hand-written serializer that
 *   builds the body as one string.
 *
 * Runs in its own process: `node dist/bench/ceiling.js config.json`.
 */
import Fastify from 'fastify';
import { createHmac } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import pg from 'pg';
import { plannerOptions } from '../src/database/planner-settings.js';

export interface CeilingConfig {
  port: number;
  databaseUrl: string;
  poolSize: number;
  /** Signs nextCursor as Agora does (HMAC-SHA256 under the same key): the cursors come out identical. */
  cursorSecret: string;
  /** Where the per-post counters are: `post_counters` (bounded-cost schema) or `posts` (before it). */
  counters: 'post_counters' | 'posts';
  /** S1: GET /api/posts, anonymous. */
  list: {
    limit: number;
    /** The list and sort a cursor is bound to (`posts:-createdAt,-id`), read from one of Agora's cursors. */
    cursorScope: string;
    /** Whether Agora's meta has `totalExact` (the bounded-cost API). */
    totalExact: boolean;
  };
  /** Whether Agora's post has `description` (issue 19's schema): the column exists then, too. */
  description: boolean;
}

/**
 * The positions of the columns both statements select (rowMode 'array'); S1
 * adds created_at as text (the cursor's first value, as Agora's list selects
 * it) and the total.
 */
const Col = {
  Id: 0,
  Title: 1,
  Content: 2,
  Published: 3,
  CreatedAt: 4,
  UpdatedAt: 5,
  AuthorId: 6,
  Username: 7,
  DisplayName: 8,
  Votes: 9,
  Comments: 10,
  Tags: 11,
  Description: 12,
  SortCreatedAt: 13,
  Total: 14,
} as const;

function postColumns(counters: CeilingConfig['counters'], description: boolean): string {
  const [votes, comments] =
    counters === 'post_counters'
      ? ['c.votes', 'c.comments']
      : ['p.votes_count', 'p.comments_count'];
  return `p.id, p.title, p.content, p.published, p.created_at, p.updated_at,
          p.author_id, u.username, pr.display_name, ${votes}, ${comments},
          ARRAY(SELECT n FROM (SELECT (SELECT t.name FROM tags t WHERE t.id = pt.tag_id) AS n
                                 FROM post_tags pt WHERE pt.post_id = p.id) pn
                 ORDER BY n COLLATE "C") AS tags,
          ${description ? 'p.description' : 'NULL'}`;
}

function postJoins(counters: CeilingConfig['counters']): string {
  return `JOIN users u ON u.id = p.author_id
          LEFT JOIN profiles pr ON pr.user_id = u.id
          ${counters === 'post_counters' ? 'JOIN post_counters c ON c.post_id = p.id' : ''}`;
}

/** `take`, the page's rows and one more, written into the text: PostgreSQL then settles on one plan. */
function listSql(counters: CeilingConfig['counters'], description: boolean, take: number): string {
  return `SELECT ${postColumns(counters, description)},
                 p.created_at::text AS sort_created_at,
                 (SELECT value::int FROM counters WHERE name = 'published_posts') AS total
            FROM (SELECT * FROM posts WHERE published
                   ORDER BY created_at DESC, id DESC LIMIT ${take}) p
            ${postJoins(counters)}
           ORDER BY p.created_at DESC, p.id DESC`;
}

function itemSql(counters: CeilingConfig['counters'], description: boolean): string {
  return `SELECT ${postColumns(counters, description)}
            FROM posts p
            ${postJoins(counters)}
           WHERE p.id = $1 AND p.published`;
}

const TOTAL_SQL = `SELECT value::int AS total FROM counters WHERE name = 'published_posts'`;

type Row = unknown[];

/** JSON of one post, keys in the order of Agora's PostResponse. */
function postJson(r: Row, description: boolean): string {
  const displayName = r[Col.DisplayName] as string | null;
  const summary = r[Col.Description] as string | null;
  return (
    `{"id":${r[Col.Id] as number},"title":${JSON.stringify(r[Col.Title])},` +
    (description ? `"description":${summary === null ? 'null' : JSON.stringify(summary)},` : '') +
    `"content":${JSON.stringify(r[Col.Content])},"published":${r[Col.Published] as boolean},` +
    `"createdAt":"${(r[Col.CreatedAt] as Date).toISOString()}",` +
    `"updatedAt":"${(r[Col.UpdatedAt] as Date).toISOString()}",` +
    `"author":{"id":${r[Col.AuthorId] as number},"username":${JSON.stringify(r[Col.Username])},` +
    `"displayName":${displayName === null ? 'null' : JSON.stringify(displayName)}},` +
    `"tags":${JSON.stringify(r[Col.Tags])},"votes":${r[Col.Votes] as number},` +
    `"comments":${r[Col.Comments] as number},"voted":false}`
  );
}

async function main(): Promise<void> {
  const path = process.argv[2];
  if (!path) throw new Error('usage: ceiling.js <config.json>');
  const config = JSON.parse(await readFile(path, 'utf8')) as CeilingConfig;
  const pool = new pg.Pool({
    connectionString: config.databaseUrl,
    max: config.poolSize,
    application_name: 'agora-ceiling',
    // Agora's planner settings: the same plans for the same SQL.
    options: plannerOptions(),
  });
  const cursorKey = createHmac('sha256', config.cursorSecret).update('agora:cursor:v1').digest();
  const list = {
    name: 'ceiling_list',
    text: listSql(config.counters, config.description, config.list.limit + 1),
    rowMode: 'array' as const,
  };
  const item = {
    name: 'ceiling_item',
    text: itemSql(config.counters, config.description),
    rowMode: 'array' as const,
  };
  const { limit, cursorScope, totalExact } = config.list;
  const { description } = config;

  function cursorOf(row: Row): string {
    const payload = Buffer.from(
      JSON.stringify([cursorScope, row[Col.SortCreatedAt], String(row[Col.Id] as number)]),
    ).toString('base64url');
    const signature = createHmac('sha256', cursorKey)
      .update(payload)
      .digest()
      .subarray(0, 18)
      .toString('base64url');
    return `${payload}.${signature}`;
  }

  const app = Fastify({ logger: false });
  // Said on stderr (the bench shows a server's first lines): a 500 here is a bug of the ceiling's.
  app.setErrorHandler((error, _request, reply) => {
    console.error(`ceiling: ${error instanceof Error ? error.message : String(error)}`);
    void reply.code(500).send({ status: 500, title: 'Internal Server Error' });
  });

  app.get('/health', () => ({ status: 'ok' }));

  app.get('/api/posts', async (_request, reply) => {
    const { rows } = await pool.query<Row>(list);
    const hasMore = rows.length > limit;
    const count = hasMore ? limit : rows.length;
    // The total rides on every row; an empty page asks for it alone.
    const total =
      rows.length > 0
        ? (rows[0][Col.Total] as number | null)
        : ((await pool.query<{ total: number }>(TOTAL_SQL)).rows[0]?.total ?? 0);
    let data = '';
    for (let i = 0; i < count; i++) data += (i === 0 ? '' : ',') + postJson(rows[i], description);
    const nextCursor = hasMore ? `"${cursorOf(rows[count - 1])}"` : 'null';
    return reply
      .type('application/json; charset=utf-8')
      .send(
        `{"data":[${data}],"meta":{"total":${total ?? 0},` +
          (totalExact ? '"totalExact":true,' : '') +
          `"limit":${limit},"offset":0,"nextCursor":${nextCursor}}}`,
      );
  });

  app.get<{ Params: { id: string } }>('/api/posts/:id', async (request, reply) => {
    const { id } = request.params;
    if (!/^\d{1,10}$/.test(id) || Number(id) < 1 || Number(id) > 2_147_483_647) {
      return reply.code(400).send({ status: 400, title: 'Bad Request' });
    }
    const { rows } = await pool.query<Row>({ ...item, values: [Number(id)] });
    if (rows.length === 0) return reply.code(404).send({ status: 404, title: 'Not Found' });
    return reply.type('application/json; charset=utf-8').send(postJson(rows[0], description));
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
