import { Random, sampleDistinct } from './random.js';
import type { TableData } from './dataset.js';

/**
 * Extra users with a known number of followers (`--followed-authors
 * 10000,10`), for measuring what a write costs as the author's audience grows
 * (the bench's S8). They come on top of `--users` and `--follows`: the regular
 * users, their posts, votes, comments and follows are the same rows as without
 * them.
 *
 * The author asking for N followers is the user `followed_<N>`
 * (`followed_<N>_2`, … if the same N is asked again), with no profile and no
 * posts. Its followers are N users drawn from everyone but the demo user (so
 * the demo user's follows, and its feed, stay as they are): the regular users
 * and the other extra authors. Fewer when there are not that many: on a
 * dataset of 100 users an author asking for 10,000 gets 100.
 */
export interface FollowedAuthor {
  username: string;
  email: string;
  /** Followers asked for. */
  wanted: number;
  /** Followers it gets: min(wanted, users - 1 + other extra authors). */
  followers: number;
}

/** Most extra authors a seed takes (each is a user row and up to `users` follows). */
export const MAX_FOLLOWED_AUTHORS = 10;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

export function followedAuthors(users: number, wanted: readonly number[]): FollowedAuthor[] {
  if (wanted.length > MAX_FOLLOWED_AUTHORS) {
    throw new Error(`at most ${MAX_FOLLOWED_AUTHORS} followed authors`);
  }
  // Everyone but the demo user and the author itself.
  const pool = users - 1 + wanted.length - 1;
  const seen = new Map<number, number>();
  return wanted.map((n) => {
    const repeat = (seen.get(n) ?? 0) + 1;
    seen.set(n, repeat);
    const username = repeat === 1 ? `followed_${n}` : `followed_${n}_${repeat}`;
    return {
      username,
      email: `${username}@example.com`,
      wanted: n,
      followers: Math.min(n, Math.max(0, pool)),
    };
  });
}

/**
 * The users and follows tables with the extra authors added: the authors'
 * rows after the regular users (ids users+1, users+2, …), their followers'
 * rows after the regular follows.
 */
export function withFollowedAuthors(
  tables: TableData[],
  options: {
    users: number;
    wanted: readonly number[];
    seed: number;
    passwordHash: string;
    /** Sign-up time of each regular user (ms), by index. */
    userCreated: ArrayLike<number>;
    epoch: number;
    row: (...values: (string | number | null)[]) => string;
  },
): TableData[] {
  const authors = followedAuthors(options.users, options.wanted);
  if (authors.length === 0) return tables;
  const { users, epoch, row } = options;
  // Older than every regular user but the demo user, so any of them can follow from sign-up on.
  const authorCreated = epoch - 730 * DAY - HOUR;
  const iso = (time: number) => new Date(time).toISOString();
  const createdOf = (u: number) => (u < users ? options.userCreated[u] : authorCreated);

  function* authorRows(): Generator<string> {
    for (const author of authors) {
      const at = iso(authorCreated);
      yield row(author.email, author.username, options.passwordHash, at, at);
    }
  }

  function* followRows(): Generator<string> {
    const random = new Random(options.seed, 'followed-authors');
    for (const [a, author] of authors.entries()) {
      const self = users + a;
      // Candidates: regular users 1..users-1 (not the demo user, index 0), then the other authors.
      const candidates = users - 1 + authors.length - 1;
      const userOf = (i: number) => {
        if (i < users - 1) return i + 1;
        const other = users + (i - (users - 1));
        return other >= self ? other + 1 : other;
      };
      const picked = sampleDistinct(author.followers, candidates, random, () =>
        random.int(candidates),
      );
      for (const i of picked) {
        const follower = userOf(i);
        const since = Math.max(createdOf(follower), authorCreated);
        const at = Math.floor(since + random.next() * Math.max(0, epoch - since));
        yield row(follower + 1, self + 1, iso(at));
      }
    }
  }

  const extraFollows = authors.reduce((n, a) => n + a.followers, 0);
  return tables.map((table) => {
    if (table.table === 'users') {
      return {
        ...table,
        rows: table.rows + authors.length,
        lines: function* () {
          yield* table.lines();
          yield* authorRows();
        },
      };
    }
    if (table.table === 'follows') {
      return {
        ...table,
        rows: table.rows + extraFollows,
        lines: function* () {
          yield* table.lines();
          yield* followRows();
        },
      };
    }
    return table;
  });
}
