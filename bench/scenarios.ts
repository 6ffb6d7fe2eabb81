import type { Dataset } from './database.js';
import { DEMO_LOGIN, withClient } from './database.js';
import type { LoadPlan } from './load.js';
import type { ScenarioId } from './options.js';
import type { CaptureRequest } from './statements.js';

export interface ScenarioInfo {
  id: ScenarioId;
  title: string;
  /** Read-only: compared with the small dataset and counted in the non-2xx check of reads. */
  read: boolean;
  /** Served by the ceiling server too. */
  ceiling: boolean;
}

export const SCENARIOS: Record<ScenarioId, ScenarioInfo> = {
  S1: { id: 'S1', title: 'GET /api/posts (first page, anonymous)', read: true, ceiling: true },
  S2: { id: 'S2', title: 'GET /api/posts?sort=-votes', read: true, ceiling: false },
  S3: { id: 'S3', title: 'GET /api/posts?cursor=<50k rows deep>', read: true, ceiling: false },
  S4: { id: 'S4', title: 'GET /api/posts?tag=…&search=…', read: true, ceiling: false },
  S5: { id: 'S5', title: 'GET /api/posts/:id (random published ids)', read: true, ceiling: true },
  S6: { id: 'S6', title: 'GET /api/feed (demo, signed in)', read: true, ceiling: false },
  // S1 as demo: what being signed in costs (the token's check, `voted`), the part of S6 that is not the feed's.
  S10: {
    id: 'S10',
    title: 'GET /api/posts (first page, demo signed in)',
    read: true,
    ceiling: false,
  },
  S7: { id: 'S7', title: 'POST + DELETE /api/posts/:id/votes (demo)', read: false, ceiling: false },
  S8: {
    id: 'S8',
    title: 'POST /api/posts (published, 2 tags) + DELETE /api/posts/:id',
    read: false,
    ceiling: false,
  },
  S9: {
    id: 'S9',
    title: 'GET /conduit/api/articles (first page, anonymous)',
    read: true,
    ceiling: false,
  },
};

/** Which of S8's two authors a prepared S8 runs as. */
export type AuthorRole = 'agora' | 'fewFollowers';

/** One scenario, prepared against one dataset and its running Agora. */
export interface PreparedScenario {
  info: ScenarioInfo;
  /** A fresh plan per autocannon run (S7 hands each connection its own posts anew). */
  plan: () => LoadPlan;
  /** The request whose SQL is captured (S1–S6); S5 names one of its ids. */
  capture?: CaptureRequest;
  /** What was picked from the data, for the report. */
  details: Record<string, string | number>;
  /**
   * S8 comes twice: as the author with 10,000 followers (role `agora`, the
   * dataset's own) and as the one with 10 (`fewFollowers`); the label says who.
   */
  role?: AuthorRole;
  label?: string;
}

/** What one dataset's scenarios need, read from its data and its Agora. */
export interface ScenarioContext {
  dataset: Dataset;
  agoraUrl: string;
  connections: number;
}

export async function login(agoraUrl: string, username = DEMO_LOGIN.username): Promise<string> {
  const response = await fetch(`${agoraUrl}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    // Every seeded user has the demo user's password.
    body: JSON.stringify({ username, password: DEMO_LOGIN.password }),
  });
  const body = (await response.json()) as { accessToken?: string };
  if (response.status !== 200 || !body.accessToken) {
    throw new Error(`login as ${username} answered ${response.status}`);
  }
  return body.accessToken;
}

export async function prepareScenarios(
  ids: ScenarioId[],
  context: ScenarioContext,
): Promise<PreparedScenario[]> {
  const token = await login(context.agoraUrl);
  const bearer = { authorization: `Bearer ${token}` };
  const prepared: PreparedScenario[] = [];
  for (const id of ids) {
    const info = SCENARIOS[id];
    switch (id) {
      case 'S1':
        prepared.push(fixed(info, '/api/posts'));
        break;
      case 'S2':
        prepared.push(fixed(info, '/api/posts?sort=-votes'));
        break;
      case 'S3': {
        const { url, pages, rows } = await deepCursor(context);
        prepared.push({ ...fixed(info, url), details: { pagesWalked: pages, rowsSkipped: rows } });
        break;
      }
      case 'S4': {
        const { tag, word, url } = await tagAndWord(context);
        prepared.push({ ...fixed(info, url), details: { tag, word } });
        break;
      }
      case 'S5': {
        const postIds = await publishedIds(context.dataset, 10_000, 'random');
        prepared.push({
          info,
          plan: () => ({
            requests: [
              {
                method: 'GET',
                setupRequest: (request) => ({ ...request, path: `/api/posts/${pick(postIds)}` }),
              },
            ],
          }),
          capture: { scenario: id, method: 'GET', url: `/api/posts/${postIds[0]}`, auth: false },
          details: { ids: postIds.length },
        });
        break;
      }
      case 'S9':
        // S1's list through the Conduit face: the same statement with the article view.
        prepared.push(fixed(info, '/conduit/api/articles'));
        break;
      case 'S6':
        prepared.push({
          info,
          plan: () => ({ path: '/api/feed', headers: bearer }),
          capture: { scenario: id, method: 'GET', url: '/api/feed', auth: true },
          details: { follows: context.dataset.counts.demoFollows },
        });
        break;
      case 'S10':
        prepared.push({
          info,
          plan: () => ({ path: '/api/posts', headers: bearer }),
          capture: { scenario: id, method: 'GET', url: '/api/posts', auth: true },
          details: {},
        });
        break;
      case 'S7': {
        const postIds = await publishedIds(context.dataset, 64 * context.connections, 'id');
        // Up to 64 posts per connection; on a small dataset as many as go round.
        const perConnection = Math.floor(postIds.length / context.connections);
        if (perConnection < 1) throw new Error('S7: fewer published posts than connections');
        prepared.push({
          info,
          plan: () => votePlan(postIds, perConnection, bearer),
          details: { postsPerConnection: perConnection },
        });
        break;
      }
      case 'S8': {
        const tags = await popularTags(context.dataset, 2 * context.connections);
        const [many, few] = context.dataset.authors;
        if (!many || !few) throw new Error('S8: the dataset has no followed authors');
        for (const [author, role] of [
          [many, 'agora'],
          [few, 'fewFollowers'],
        ] as const) {
          const authorBearer = {
            authorization: `Bearer ${await login(context.agoraUrl, author.username)}`,
          };
          prepared.push({
            info,
            plan: () => publishPlan(tags, authorBearer),
            details: {
              [`${role === 'agora' ? 'author' : 'fewFollowersAuthor'}`]: author.username,
              [`${role === 'agora' ? 'followers' : 'fewFollowersFollowers'}`]: author.followers,
              ...(role === 'agora' ? { tagsUsed: tags.length } : {}),
            },
            role,
            label:
              `Agora, ${author.username} (${author.followers} followers` +
              (author.followers < author.wanted ? `, not ${author.wanted}: too few users` : '') +
              ')',
          });
        }
        break;
      }
    }
  }
  return prepared;
}

function fixed(info: ScenarioInfo, url: string): PreparedScenario {
  return {
    info,
    plan: () => ({ path: url }),
    capture: { scenario: info.id, method: 'GET', url, auth: false },
    details: {},
  };
}

interface PostList {
  data: unknown[];
  meta: { nextCursor: string | null };
}

async function getList(agoraUrl: string, path: string): Promise<PostList> {
  const response = await fetch(`${agoraUrl}${path}`);
  if (response.status !== 200) throw new Error(`GET ${path} answered ${response.status}`);
  return (await response.json()) as PostList;
}

/**
 * S3: the cursor of a page deep in the default order, reached the way a client
 * would: following meta.nextCursor 100 rows at a time (500 pages on the full
 * dataset, the same share of the posts on smaller ones); the measured request
 * then asks for a default-sized page (20) there, as S1 does at the top.
 */
async function deepCursor(
  context: ScenarioContext,
): Promise<{ url: string; pages: number; rows: number }> {
  let cursor: string | null = null;
  let pages = 0;
  let rows = 0;
  for (let i = 0; i < context.dataset.spec.cursorPages; i++) {
    const path: string =
      cursor === null
        ? '/api/posts?limit=100'
        : `/api/posts?limit=100&cursor=${encodeURIComponent(cursor)}`;
    const page = await getList(context.agoraUrl, path);
    if (page.meta.nextCursor === null) break;
    cursor = page.meta.nextCursor;
    pages += 1;
    rows += page.data.length;
  }
  if (cursor === null) throw new Error('S3: the post list has a single page: no cursor to follow');
  // Measured with the default page size, as S1 is: the cursor carries the
  // position and the order, not the page size.
  return { url: `/api/posts?cursor=${encodeURIComponent(cursor)}`, pages, rows };
}

/** Words nobody searches for, however frequent in titles. */
const STOP_WORDS = [
  'about',
  'after',
  'again',
  'against',
  'before',
  'being',
  'between',
  'could',
  'does',
  'doing',
  'down',
  'during',
  'each',
  'from',
  'have',
  'having',
  'here',
  'into',
  'just',
  'more',
  'most',
  'only',
  'other',
  'over',
  'same',
  'should',
  'some',
  'such',
  'than',
  'that',
  'their',
  'them',
  'then',
  'there',
  'these',
  'they',
  'this',
  'those',
  'through',
  'under',
  'until',
  'very',
  'what',
  'when',
  'where',
  'which',
  'while',
  'will',
  'with',
  'without',
  'would',
  'your',
  'yours',
];

/**
 * S4: the tag most published posts carry, and the most frequent word (4+
 * letters, not a stop word) in the titles of those posts, so the filtered page
 * is not empty and the search is one a reader might type.
 */
async function tagAndWord(
  context: ScenarioContext,
): Promise<{ tag: string; word: string; url: string }> {
  const { tag, word } = await withClient(context.dataset.url, async (client) => {
    const tagRow = (
      await client.query<{ name: string }>(
        `SELECT t.name FROM tags t
           JOIN post_tags pt ON pt.tag_id = t.id
           JOIN posts p ON p.id = pt.post_id AND p.published
          GROUP BY t.name ORDER BY COUNT(*) DESC, t.name LIMIT 1`,
      )
    ).rows[0];
    if (!tagRow) throw new Error('S4: no published post has a tag');
    const wordRow = (
      await client.query<{ word: string }>(
        `SELECT w AS word FROM (
           SELECT regexp_split_to_table(lower(p.title), '[^a-z]+') AS w
             FROM posts p
             JOIN post_tags pt ON pt.post_id = p.id
             JOIN tags t ON t.id = pt.tag_id
            WHERE t.name = $1 AND p.published) words
          WHERE length(w) >= 4 AND NOT (w = ANY($2))
          GROUP BY w ORDER BY COUNT(*) DESC, w LIMIT 1`,
        [tagRow.name, STOP_WORDS],
      )
    ).rows[0];
    if (!wordRow) throw new Error(`S4: no word of 4+ letters in the titles tagged ${tagRow.name}`);
    return { tag: tagRow.name, word: wordRow.word };
  });
  const url = `/api/posts?tag=${encodeURIComponent(tag)}&search=${encodeURIComponent(word)}`;
  const page = await getList(context.agoraUrl, url);
  if (page.data.length === 0) throw new Error(`S4: ${url} is empty`);
  return { tag, word, url };
}

async function publishedIds(
  dataset: Dataset,
  count: number,
  order: 'random' | 'id',
): Promise<number[]> {
  return withClient(dataset.url, async (client) => {
    await client.query('SELECT setseed(0.42)');
    const { rows } = await client.query<{ id: number }>(
      `SELECT id FROM posts WHERE published ORDER BY ${order === 'random' ? 'random()' : 'id'} LIMIT $1`,
      [count],
    );
    if (rows.length < Math.min(count, 1)) throw new Error('no published posts');
    return rows.map((r) => r.id);
  });
}

/**
 * S7: each connection votes for one of its own posts, then takes the vote
 * back, cycling through its slice of the ids, so no two requests ever race on
 * one post and every answer should be a 201 then a 204.
 */
function votePlan(
  postIds: number[],
  perConnection: number,
  headers: Record<string, string>,
): LoadPlan {
  let nextSlot = 0;
  return {
    headers,
    setupClient: (client) => {
      const slot = nextSlot++;
      const mine = postIds.slice(slot * perConnection, (slot + 1) * perConnection);
      let turn = 0;
      let current = mine[0];
      client.setRequests([
        {
          method: 'POST',
          headers,
          setupRequest: (request) => {
            current = mine[turn++ % mine.length];
            return { ...request, path: `/api/posts/${current}/votes` };
          },
        },
        {
          method: 'DELETE',
          headers,
          setupRequest: (request) => ({ ...request, path: `/api/posts/${current}/votes` }),
        },
      ]);
    },
  };
}

/** The names of the tags most published posts carry, most first. */
async function popularTags(dataset: Dataset, count: number): Promise<string[]> {
  const rows = await withClient(dataset.url, async (client) =>
    (
      await client.query<{ name: string }>(
        `SELECT t.name FROM tags t JOIN post_tags pt ON pt.tag_id = t.id
          GROUP BY t.id, t.name ORDER BY COUNT(*) DESC, t.name LIMIT $1`,
        [count],
      )
    ).rows.map((r) => r.name),
  );
  if (rows.length < 2) throw new Error('S8: fewer than two tags in use');
  return rows;
}

const S8_CONTENT =
  'A benchmark post: published, then deleted by the same connection right after. ' +
  'Its author has a known number of followers, so the cost of publishing can be ' +
  'compared between an author with many and one with few.';

/**
 * S8: each connection publishes a post (two tags, published) and deletes it
 * once created, over and over: every answer should be a 201 then a 204. The
 * connections' tag pairs are taken in turn from the most used tags (two per
 * connection while there are enough), so that what is measured is the post's
 * own cost, not 32 connections queueing on the same two tags' rows.
 */
function publishPlan(tags: string[], headers: Record<string, string>): LoadPlan {
  let nextSlot = 0;
  return {
    headers,
    setupClient: (client) => {
      const slot = nextSlot++;
      const pair = [tags[(2 * slot) % tags.length], tags[(2 * slot + 1) % tags.length]];
      let created: number | undefined;
      let turn = 0;
      client.setRequests([
        {
          method: 'POST',
          path: '/api/posts',
          headers: { ...headers, 'content-type': 'application/json' },
          setupRequest: (request) => ({
            ...request,
            body: JSON.stringify({
              title: `Publishing cost, post ${slot}.${turn++}`,
              content: S8_CONTENT,
              published: true,
              tags: pair,
            }),
          }),
          onResponse: (status, body) => {
            created = status === 201 ? (JSON.parse(body) as { id: number }).id : undefined;
          },
        },
        {
          method: 'DELETE',
          headers,
          // After a failed create, a path that answers 404: the failure shows, nothing is deleted.
          setupRequest: (request) => ({ ...request, path: `/api/posts/${created ?? 2147483647}` }),
        },
      ]);
    },
  };
}

function pick<T>(items: T[]): T {
  return items[Math.floor(Math.random() * items.length)];
}
