import { MAX_TAGS_PER_POST, TAG_NAME } from '../../src/tags/tag-name.js';
import { withFollowedAuthors } from './followed-authors.js';
import { allocate, Random, sampleDistinct, WeightedSampler } from './random.js';
import * as words from './words.js';

/** How much of everything to make, and from which seed. */
export interface SeedSizes {
  users: number;
  posts: number;
  votes: number;
  tags: number;
  tagLinks: number;
  follows: number;
  comments: number;
  /** Capped at users - 1 and at follows. */
  demoFollows: number;
  seed: number;
  /** Extra users with this many followers each, on top of the rest (see followed-authors.ts). */
  followedAuthors?: number[];
}

/** One table's rows, as lines of COPY text format, in id order. */
export interface TableData {
  table: string;
  columns: readonly string[];
  /** Tables whose `id` the database assigns: ids come out 1..rows in row order. */
  identity: boolean;
  rows: number;
  lines: () => Iterable<string>;
}

/** Sizes that cannot be met (more votes than user-post pairs, ...). */
export class SeedSizeError extends Error {}

export const DEMO_USERNAME = 'demo';
export const DEMO_EMAIL = 'demo@example.com';

/**
 * The clock the data is built around, fixed so a seed always produces the same
 * rows: posts span the year before it, accounts the two years before it.
 */
export const SEED_EPOCH = Date.UTC(2026, 0, 1);
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const USERNAME_MAX = 30;
const REPLY_SHARE = 0.3;

/** Deterministic demo data for a set of sizes: validated up front, generated lazily per table. */
export class Dataset {
  readonly demoFollows: number;
  private readonly userCreated: Float64Array;
  private readonly postCreated: Float64Array;
  private readonly published: Uint8Array;
  private readonly popularity: Float64Array;
  private readonly publishedCount: number;
  private usernames: string[] = [];
  private firstNames = new Uint16Array(0);
  private lastNames = new Uint16Array(0);
  /** Which users have a profile (~70%, the demo user always), drawn on its own so the count is known first. */
  private hasProfile?: Uint8Array;
  private votesPerPost?: Int32Array;
  private commentsPerPost?: Int32Array;

  constructor(private readonly sizes: SeedSizes) {
    const { users, posts } = sizes;
    if (users < 1) throw new SeedSizeError('--users must be at least 1 (the demo user)');
    this.demoFollows = Math.min(sizes.demoFollows, users - 1, sizes.follows);

    // Accounts: the demo user first, the others over the two years before the epoch.
    const random = new Random(sizes.seed, 'timeline');
    this.userCreated = sortedTimes(random, users, SEED_EPOCH - 730 * DAY, SEED_EPOCH - 30 * DAY);
    this.userCreated[0] = SEED_EPOCH - 731 * DAY;
    this.postCreated = sortedTimes(random, posts, SEED_EPOCH - 365 * DAY, SEED_EPOCH - HOUR);

    // ~95% published (the first post always, so votes and comments have somewhere to go).
    this.published = new Uint8Array(posts);
    this.popularity = new Float64Array(posts);
    let publishedCount = 0;
    for (let p = 0; p < posts; p += 1) {
      this.published[p] = p === 0 || random.next() >= 0.05 ? 1 : 0;
      publishedCount += this.published[p];
      // Heavy-tailed: a few posts draw most votes and comments, many get one or two.
      this.popularity[p] = this.published[p] ? random.pareto(1.2) : 0;
    }
    this.publishedCount = publishedCount;
    this.validate();
  }

  /** Refuses sizes that cannot be met without duplicates, before anything is written. */
  private validate(): void {
    const { users, posts, votes, tags, tagLinks, follows, comments } = this.sizes;
    const tagSlots = posts * Math.min(MAX_TAGS_PER_POST, tags);
    if (tagLinks > tagSlots) {
      throw new SeedSizeError(
        `--tag-links ${tagLinks} is more than ${posts} posts × min(${MAX_TAGS_PER_POST}, ${tags} tags) = ${tagSlots}`,
      );
    }
    const voteSlots = this.publishedCount * users;
    if (votes > voteSlots) {
      throw new SeedSizeError(
        `--votes ${votes} is more than ${this.publishedCount} published posts × ${users} users = ${voteSlots} (one vote per user per post)`,
      );
    }
    const followSlots = (users - 1) * (users - 1) + this.demoFollows;
    if (follows > followSlots) {
      throw new SeedSizeError(
        `--follows ${follows} is more than ${users} users can make (${followSlots} distinct pairs)`,
      );
    }
    if (comments > 0 && this.publishedCount === 0) {
      throw new SeedSizeError('--comments needs at least one post to comment on');
    }
  }

  /** Every table, in load order (referenced tables first); every user gets `passwordHash`. */
  tables(passwordHash: string): TableData[] {
    return withFollowedAuthors(this.baseTables(passwordHash), {
      users: this.sizes.users,
      wanted: this.sizes.followedAuthors ?? [],
      seed: this.sizes.seed,
      passwordHash,
      userCreated: this.userCreated,
      epoch: SEED_EPOCH,
      row,
    });
  }

  private baseTables(passwordHash: string): TableData[] {
    const s = this.sizes;
    return [
      {
        table: 'users',
        columns: ['email', 'username', 'password_hash', 'created_at', 'updated_at'],
        identity: true,
        rows: s.users,
        lines: () => this.users(passwordHash),
      },
      {
        table: 'profiles',
        columns: ['user_id', 'display_name', 'bio', 'avatar_url', 'location', 'updated_at'],
        identity: false,
        rows: this.profileCount(),
        lines: () => this.profiles(),
      },
      { table: 'tags', columns: ['name'], identity: true, rows: s.tags, lines: () => this.tags() },
      {
        table: 'posts',
        columns: ['author_id', 'title', 'content', 'published', 'created_at', 'updated_at'],
        identity: true,
        rows: s.posts,
        lines: () => this.posts(),
      },
      {
        table: 'post_tags',
        columns: ['post_id', 'tag_id', 'published', 'created_at'],
        identity: false,
        rows: s.tagLinks,
        lines: () => this.postTags(),
      },
      {
        table: 'votes',
        columns: ['post_id', 'user_id', 'created_at'],
        identity: false,
        rows: s.votes,
        lines: () => this.votes(),
      },
      {
        table: 'follows',
        columns: ['follower_id', 'followee_id', 'created_at'],
        identity: false,
        rows: s.follows,
        lines: () => this.follows(),
      },
      {
        table: 'comments',
        columns: ['post_id', 'author_id', 'parent_id', 'body', 'created_at'],
        identity: true,
        rows: s.comments,
        lines: () => this.comments(),
      },
    ];
  }

  // Users ---------------------------------------------------------------------

  private *users(passwordHash: string): Generator<string> {
    this.makeUsernames();
    const random = new Random(this.sizes.seed, 'users');
    for (let u = 0; u < this.sizes.users; u += 1) {
      const username = this.usernames[u];
      const email =
        u === 0 ? DEMO_EMAIL : `${username.toLowerCase()}@${random.pick(words.EMAIL_DOMAINS)}`;
      const created = this.userCreated[u];
      const updated = random.chance(0.3) ? between(random, created, SEED_EPOCH) : created;
      yield row(email, username, passwordHash, iso(created), iso(updated));
    }
  }

  /**
   * Usernames built from first and last names (`ada_lovelace`, `GraceHopper`,
   * `linus1991`), unique case-insensitively, within ^[A-Za-z0-9_]{3,30}$.
   */
  private makeUsernames(): void {
    if (this.usernames.length === this.sizes.users) return;
    const random = new Random(this.sizes.seed, 'usernames');
    const n = this.sizes.users;
    const taken = new Set<string>([DEMO_USERNAME]);
    const nextSuffix = new Map<string, number>();
    this.usernames = [DEMO_USERNAME];
    this.firstNames = new Uint16Array(n);
    this.lastNames = new Uint16Array(n);
    for (let u = 1; u < n; u += 1) {
      const fi = random.int(words.FIRST_NAMES.length);
      const li = random.int(words.LAST_NAMES.length);
      this.firstNames[u] = fi;
      this.lastNames[u] = li;
      let name = usernameFor(random, words.FIRST_NAMES[fi], words.LAST_NAMES[li]);
      if (taken.has(name.toLowerCase())) {
        const base = name.toLowerCase();
        let suffix = nextSuffix.get(base) ?? 2;
        let candidate: string;
        do {
          const digits = String(suffix);
          candidate = name.slice(0, USERNAME_MAX - digits.length) + digits;
          suffix += 1;
        } while (taken.has(candidate.toLowerCase()));
        nextSuffix.set(base, suffix);
        name = candidate;
      }
      taken.add(name.toLowerCase());
      this.usernames.push(name);
    }
  }

  // Profiles ------------------------------------------------------------------

  private profileFlags(): Uint8Array {
    if (!this.hasProfile) {
      const random = new Random(this.sizes.seed, 'profile-flags');
      this.hasProfile = new Uint8Array(this.sizes.users);
      for (let u = 0; u < this.sizes.users; u += 1) {
        this.hasProfile[u] = u === 0 || random.chance(0.7) ? 1 : 0;
      }
    }
    return this.hasProfile;
  }

  private profileCount(): number {
    return this.profileFlags().reduce((sum, flag) => sum + flag, 0);
  }

  private *profiles(): Generator<string> {
    this.makeUsernames();
    const flags = this.profileFlags();
    const random = new Random(this.sizes.seed, 'profiles');
    for (let u = 0; u < this.sizes.users; u += 1) {
      if (!flags[u]) continue;
      const updated = between(random, this.userCreated[u], SEED_EPOCH);
      if (u === 0) {
        const bio = 'The demo account of this Agora instance. Everything here is made up.';
        yield row(1, 'Demo User', bio, null, null, iso(updated));
        continue;
      }
      const first = words.FIRST_NAMES[this.firstNames[u]];
      const last = words.LAST_NAMES[this.lastNames[u]];
      const style = random.int(10);
      const displayName =
        style < 7 ? `${first} ${last}` : style < 9 ? `${first} ${last[0]}.` : first;
      const bio = random.chance(0.8)
        ? `${random.pick(words.ROLES)} at ${random.pick(words.COMPANIES)}. Into ${random.pick(words.INTERESTS)} and ${random.pick(words.INTERESTS)}.`
        : null;
      const avatar = random.chance(0.3)
        ? `https://avatars.example.com/${this.usernames[u].toLowerCase()}.png`
        : null;
      const location = random.chance(0.5) ? random.pick(words.CITIES) : null;
      yield row(u + 1, displayName, bio, avatar, location, iso(updated));
    }
  }

  // Tags ----------------------------------------------------------------------

  /** The list's names first (most popular first), then hyphenated pairs, then numbered ones. */
  private *tags(): Generator<string> {
    const random = new Random(this.sizes.seed, 'tags');
    const base = words.TAGS;
    const taken = new Set<string>();
    for (let t = 0; t < this.sizes.tags; t += 1) {
      let name = t < base.length ? base[t] : '';
      for (let attempt = 0; !name && attempt < 20; attempt += 1) {
        const [first, second] = [random.pick(base), random.pick(base)];
        const pair = `${first}-${second}`;
        if (first !== second && pair.length <= 30 && !taken.has(pair)) name = pair;
      }
      if (!name) name = `${base[t % base.length]}-${Math.floor(t / base.length) + 1}`;
      if (!TAG_NAME.test(name) || taken.has(name)) throw new Error(`bad tag name ${name}`);
      taken.add(name);
      yield row(name);
    }
  }

  // Posts ---------------------------------------------------------------------

  private *posts(): Generator<string> {
    const random = new Random(this.sizes.seed, 'posts');
    // A few prolific authors, many occasional ones, a third who never post.
    const authorWeights = new Float64Array(this.sizes.users);
    for (let u = 0; u < this.sizes.users; u += 1) {
      authorWeights[u] = u === 0 ? 5 : random.chance(0.35) ? 0 : random.pareto(1.4);
    }
    const authors = new WeightedSampler(authorWeights);
    for (let p = 0; p < this.sizes.posts; p += 1) {
      const created = this.postCreated[p];
      const author = this.userBefore(random, authors, created);
      const updated = random.chance(0.3) ? between(random, created, SEED_EPOCH) : created;
      yield row(
        author + 1,
        title(random),
        paragraphs(random),
        this.published[p] ? 't' : 'f',
        iso(created),
        iso(updated),
      );
    }
  }

  /** post_tags: 0 to 10 tags a post (~10% untagged, a few at the maximum), drawn toward the popular tags. */
  private *postTags(): Generator<string> {
    const { posts, tags, tagLinks, seed } = this.sizes;
    if (tagLinks === 0) return;
    const random = new Random(seed, 'post-tags');
    const cap = Math.min(MAX_TAGS_PER_POST, tags);
    // Untagged posts only while the others have room for their links.
    const untagged = tagLinks <= posts * cap * 0.5 ? 0.1 : 0;
    const perPost = new Float64Array(posts);
    for (let p = 0; p < posts; p += 1) {
      perPost[p] = random.chance(untagged) ? 0 : random.pareto(2.5);
    }
    const counts = allocate(tagLinks, perPost, cap);
    const tagWeights = Float64Array.from({ length: tags }, (_, t) => 1 / Math.pow(t + 1, 0.9));
    const popular = new WeightedSampler(tagWeights);
    const draw = () => popular.draw(random);
    for (let p = 0; p < posts; p += 1) {
      const published = this.published[p] ? 't' : 'f';
      const created = iso(this.postCreated[p]);
      for (const t of sampleDistinct(counts[p], tags, random, draw)) {
        yield row(p + 1, t + 1, published, created);
      }
    }
  }

  /** Votes: heavy-tailed per post (many ties among the small counts), published posts only. */
  private *votes(): Generator<string> {
    const { users, posts, votes, seed } = this.sizes;
    if (votes === 0) return;
    const random = new Random(seed, 'votes');
    const counts = this.voteCounts();
    const activity = Float64Array.from({ length: users }, () => random.pareto(1.5));
    const voters = new WeightedSampler(activity);
    const draw = () => voters.draw(random);
    for (let p = 0; p < posts; p += 1) {
      const created = this.postCreated[p];
      for (const u of sampleDistinct(counts[p], users, random, draw)) {
        const at = between(random, Math.max(created, this.userCreated[u]), SEED_EPOCH);
        yield row(p + 1, u + 1, iso(at));
      }
    }
  }

  /** Follows: the demo user follows exactly `demoFollows`; the rest toward a few popular accounts. */
  private *follows(): Generator<string> {
    const { users, follows, seed } = this.sizes;
    if (follows === 0) return;
    const random = new Random(seed, 'follows');
    const activity = new Float64Array(users);
    const fame = new Float64Array(users);
    for (let u = 0; u < users; u += 1) {
      activity[u] = u === 0 ? 0 : random.pareto(1.5);
      fame[u] = random.pareto(1);
    }
    const counts = allocate(follows - this.demoFollows, activity, users - 1);
    counts[0] = this.demoFollows;
    const famous = new WeightedSampler(fame);
    const draw = () => famous.draw(random);
    for (let u = 0; u < users; u += 1) {
      for (const v of sampleDistinct(counts[u], users, random, draw, u)) {
        const since = Math.max(this.userCreated[u], this.userCreated[v]);
        yield row(u + 1, v + 1, iso(between(random, since, SEED_EPOCH)));
      }
    }
  }

  /** Votes per post: many posts get a few, popular ones thousands. Drawn without randomness, so posts() knows them first. */
  private voteCounts(): Int32Array {
    const { posts, votes, users } = this.sizes;
    this.votesPerPost ??=
      votes === 0 ? new Int32Array(posts) : allocate(votes, this.popularity, users);
    return this.votesPerPost;
  }

  /** Comments per post, less skewed than votes; known before posts() like voteCounts(). */
  private commentCounts(): Int32Array {
    const { posts, comments } = this.sizes;
    this.commentsPerPost ??=
      comments === 0
        ? new Int32Array(posts)
        : allocate(
            comments,
            this.popularity.map((w) => Math.pow(w, 0.7)),
            comments,
          );
    return this.commentsPerPost;
  }

  /**
   * Comments on published posts, numbered in time order. Within a post each
   * comment after the first answers an earlier one of the same post with a
   * probability chosen so that ~30% of all comments are replies.
   */
  private *comments(): Generator<string> {
    const { users, posts, comments: total, seed } = this.sizes;
    if (total === 0) return;
    this.makeUsernames();
    const random = new Random(seed, 'comments');
    const counts = this.commentCounts();
    let commented = 0;
    for (let p = 0; p < posts; p += 1) if (counts[p] > 0) commented += 1;
    const replyChance = Math.min(1, (REPLY_SHARE * total) / Math.max(1, total - commented));

    const activity = Float64Array.from({ length: users }, () => random.pareto(1.3));
    const commenters = new WeightedSampler(activity);
    const postOf = new Int32Array(total);
    const authorOf = new Int32Array(total);
    const parentOf = new Int32Array(total).fill(-1);
    const time = new Float64Array(total);
    let g = 0;
    for (let p = 0; p < posts; p += 1) {
      const n = counts[p];
      if (n === 0) continue;
      const first = g;
      const offsets = Float64Array.from({ length: n }, () => random.next()).sort();
      const start = this.postCreated[p];
      let previous = start;
      for (let i = 0; i < n; i += 1, g += 1) {
        // Strictly after the post and the previous comment: a parent is always older.
        const at = Math.max(
          previous + 1,
          Math.round(start + 60_000 + offsets[i] * (SEED_EPOCH - start)),
        );
        previous = at;
        postOf[g] = p;
        time[g] = at;
        authorOf[g] = this.userBefore(random, commenters, at);
        if (i > 0 && random.chance(replyChance)) parentOf[g] = first + random.int(i);
      }
    }

    // Ids follow time across the whole site; ties keep generation order.
    const order = Array.from({ length: total }, (_, i) => i).sort(
      (a, b) => time[a] - time[b] || a - b,
    );
    const idOf = new Int32Array(total);
    order.forEach((gIndex, rank) => (idOf[gIndex] = rank + 1));
    for (const c of order) {
      const parent = parentOf[c];
      const body = commentBody(random, parent >= 0 ? this.usernames[authorOf[parent]] : undefined);
      yield row(
        postOf[c] + 1,
        authorOf[c] + 1,
        parent >= 0 ? idOf[parent] : null,
        body,
        iso(time[c]),
      );
    }
  }

  /** A user drawn from `sampler` who already had an account at `time` (the demo user is the oldest). */
  private userBefore(random: Random, sampler: WeightedSampler, time: number): number {
    for (let attempt = 0; attempt < 8; attempt += 1) {
      const u = sampler.draw(random);
      if (this.userCreated[u] <= time) return u;
    }
    // Users are numbered in sign-up order: those before `time` are a prefix.
    let lo = 1;
    let hi = this.userCreated.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.userCreated[mid] <= time) lo = mid + 1;
      else hi = mid;
    }
    return random.int(lo);
  }
}

// Text ------------------------------------------------------------------------

function usernameFor(random: Random, first: string, last: string): string {
  const f = first.toLowerCase();
  const l = last.toLowerCase();
  switch (random.int(9)) {
    case 0:
      return `${f}_${l}`;
    case 1:
      return `${first}${last}`;
    case 2:
      return `${f}${random.between(1970, 2008)}`;
    case 3:
      return `${f[0]}${l}`;
    case 4:
      return `${f}_${l[0]}`;
    case 5:
      return `${l}_${f}`;
    case 6:
      return `${f}${random.pick(['dev', 'codes', 'builds', '_io', 'hacks', 'ops'])}`;
    case 7:
      return `${first}${last[0]}${random.between(1, 99)}`;
    default:
      return `the_real_${f}`.slice(0, USERNAME_MAX);
  }
}

function title(random: Random): string {
  const pattern = random.pick(words.TITLE_PATTERNS);
  const text = pattern.replace(/\{(\w+)\}/g, (_, slot: string) => {
    switch (slot) {
      case 'noun':
        return random.pick(words.NOUNS);
      case 'nouns':
        return plural(random.pick(words.NOUNS));
      case 'adjective':
        return random.pick(words.ADJECTIVES);
      case 'verb':
        return random.pick(words.VERBS);
      case 'verbBase':
        return baseForm(random.pick(words.VERBS));
      case 'verbPast':
        return random.pick(words.VERBS_PAST);
      case 'tech':
        return random.pick(words.TECH);
      case 'n':
        return String(random.between(3, 12));
      default:
        return slot;
    }
  });
  return capitalise(articles(text));
}

function paragraphs(random: Random): string {
  const count = random.between(1, 4);
  const out: string[] = [];
  for (let i = 0; i < count; i += 1) {
    const sentences: string[] = [];
    const n = random.between(2, 5);
    for (let j = 0; j < n; j += 1) sentences.push(sentence(random));
    out.push(sentences.join(' '));
  }
  return out.join('\n\n');
}

/** One sentence; `capital` false when it continues an opener such as "Good point, but". */
function sentence(random: Random, capital = true): string {
  const opener = random.chance(0.3) ? `${random.pick(words.OPENERS)} ` : '';
  const tail = random.chance(0.35) ? ` ${random.pick(words.TAILS)}` : '';
  const text = articles(
    `${opener}${phrase(random)} ${random.pick(words.VERBS)} ${phrase(random)}${tail}.`,
  );
  // Openers and phrases start lowercase unless a proper name (Go, PostgreSQL) leads.
  return capital ? capitalise(text) : opener ? lowerFirst(text) : text;
}

function phrase(random: Random): string {
  switch (random.int(6)) {
    case 0:
      return `the ${random.pick(words.ADJECTIVES)} ${random.pick(words.NOUNS)}`;
    case 1:
      return `our ${random.pick(words.NOUNS)}`;
    case 2:
      return `every ${random.pick(words.NOUNS)}`;
    case 3:
      return `a ${random.pick(words.ADJECTIVES)} ${random.pick(words.NOUNS)}`;
    case 4:
      return random.pick(words.TECH);
    default:
      return `the ${random.pick(words.NOUNS)}`;
  }
}

function commentBody(random: Random, replyTo: string | undefined): string {
  const openers = replyTo === undefined ? words.COMMENT_OPENERS : words.REPLY_OPENERS;
  const mention = replyTo !== undefined && random.chance(0.3) ? `@${replyTo} ` : '';
  const opener = random.chance(replyTo === undefined ? 0.4 : 0.6) ? random.pick(openers) : '';
  const sentences: string[] = [];
  const n = random.between(1, 3);
  // After "Good point, but" the sentence goes on in lowercase.
  for (let i = 0; i < n; i += 1)
    sentences.push(sentence(random, i > 0 || !/[,:a-z]$/.test(opener)));
  return `${mention}${opener ? `${opener} ` : ''}${sentences.join(' ')}`;
}

/** "breaks" → "break", "fixes" → "fix", "simplifies" → "simplify", "depends on" → "depend on". */
function baseForm(verb: string): string {
  return verb.replace(/^(\S+?)(ies|(?<=sh|ch|x|ss)es|s)\b/, (_, stem: string, ending: string) =>
    ending === 'ies' ? `${stem}y` : stem,
  );
}

function plural(noun: string): string {
  if (/(s|x|ch|sh)$/.test(noun)) return `${noun}es`;
  if (/[^aeiou]y$/.test(noun)) return `${noun.slice(0, -1)}ies`;
  return `${noun}s`;
}

/** "a" before a vowel becomes "an". */
function articles(text: string): string {
  return text.replace(/\b([Aa]) (?=[aeiouAEIOU])/g, '$1n ');
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

// Rows ------------------------------------------------------------------------

/** n sorted integer times in [from, to). */
function sortedTimes(random: Random, n: number, from: number, to: number): Float64Array {
  return Float64Array.from({ length: n }, () =>
    Math.floor(from + random.next() * (to - from)),
  ).sort();
}

function between(random: Random, from: number, to: number): number {
  return Math.floor(from + random.next() * Math.max(0, to - from));
}

function iso(time: number): string {
  return new Date(time).toISOString();
}

/** One line of COPY text format: tab-separated, \N for NULL, backslash escapes. */
function row(...values: (string | number | null)[]): string {
  let line = '';
  for (let i = 0; i < values.length; i += 1) {
    const value = values[i];
    if (i > 0) line += '\t';
    if (value === null) line += '\\N';
    else if (typeof value === 'number') line += String(value);
    else line += /[\\\t\n\r]/.test(value) ? escapeCopy(value) : value;
  }
  return `${line}\n`;
}

function escapeCopy(value: string): string {
  return value.replace(/[\\\t\n\r]/g, (c) =>
    c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r',
  );
}
