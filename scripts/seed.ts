import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { existsSync, readFileSync } from 'node:fs';
import { parseArgs, parseEnv, type ParseArgsConfig } from 'node:util';
import { databaseSettings, type DatabaseConfig } from '../src/config/database.config.js';
import { validateEnv } from '../src/config/env.validation.js';
import { EmbeddedDatabase } from '../src/database/embedded-postgres.js';
import { prepareDatabase } from './seed/database.js';
import { Dataset, SeedSizeError } from './seed/dataset.js';
import { followedAuthors, MAX_FOLLOWED_AUTHORS } from './seed/followed-authors.js';
import { DEFAULT_OPTIONS, seed, SeedRefusedError, type SeedOptions } from './seed/load.js';
import { ConsoleReporter } from './seed/progress.js';

const USAGE = `Fills a PostgreSQL database with deterministic demo data.

Usage: npm run db:seed -- [options]

  --users N          users, the first being "demo" / demo@example.com  (default ${DEFAULT_OPTIONS.users})
  --posts N          posts, ~95% published                             (default ${DEFAULT_OPTIONS.posts})
  --votes N          votes, one per user and post                      (default ${DEFAULT_OPTIONS.votes})
  --tags N           tags                                              (default ${DEFAULT_OPTIONS.tags})
  --tag-links N      post-tag links, at most 10 per post               (default ${DEFAULT_OPTIONS.tagLinks})
  --follows N        follows                                           (default ${DEFAULT_OPTIONS.follows})
  --comments N       comments, ~30% of them replies                    (default ${DEFAULT_OPTIONS.comments})
  --demo-follows N   how many users "demo" follows (≤ users-1, ≤ follows; default ${DEFAULT_OPTIONS.demoFollows})
  --followed-authors N,M,…
                     extra users followed_N, followed_M, … with N, M, … followers each (as many
                     as there are users when fewer; never the demo user), on top of --users and
                     --follows; without posts (default: none)
  --seed N           random seed: same seed and sizes, same data       (default ${DEFAULT_OPTIONS.seed})
  --password TEXT    every seeded user's password (8-128 characters; default ${DEFAULT_OPTIONS.password})
  --reset            delete ALL users, posts, votes, tags, follows, comments and profiles first
                     (without it, a database that already has users is refused)
  --database-url URL the server and database; default DATABASE_URL, else the embedded
                     PostgreSQL that npm start uses (started and stopped here)
  --quiet            print errors only
  --help             this text
`;

const COUNTS = {
  users: 'users',
  posts: 'posts',
  votes: 'votes',
  tags: 'tags',
  'tag-links': 'tagLinks',
  follows: 'follows',
  comments: 'comments',
  'demo-follows': 'demoFollows',
} as const;
const MAX_COUNT = 100_000_000;

class UsageError extends Error {}

interface Cli {
  options: SeedOptions;
  databaseUrl?: string;
  quiet: boolean;
  help: boolean;
}

const ARGUMENTS: NonNullable<ParseArgsConfig['options']> = {
  ...Object.fromEntries(Object.keys(COUNTS).map((name) => [name, { type: 'string' as const }])),
  seed: { type: 'string' },
  'followed-authors': { type: 'string' },
  password: { type: 'string' },
  reset: { type: 'boolean' },
  'database-url': { type: 'string' },
  quiet: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
};

function parseCli(argv: string[]): Cli {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: ARGUMENTS, strict: true, allowPositionals: false });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const values = parsed.values as Record<string, string | boolean | undefined>;
  const options: SeedOptions = { ...DEFAULT_OPTIONS, reset: values.reset === true };
  for (const [flag, key] of Object.entries(COUNTS)) {
    const raw = values[flag];
    if (typeof raw === 'string') {
      options[key] = integer(flag, raw, key === 'users' ? 1 : 0, MAX_COUNT);
    }
  }
  if (typeof values.seed === 'string') options.seed = integer('seed', values.seed, 0, 0xffffffff);
  if (typeof values['followed-authors'] === 'string') {
    const list = values['followed-authors'].split(',').map((n) => n.trim());
    if (list.length > MAX_FOLLOWED_AUTHORS) {
      throw new UsageError(`--followed-authors takes at most ${MAX_FOLLOWED_AUTHORS} numbers`);
    }
    options.followedAuthors = list.map((n) => integer('followed-authors', n, 0, MAX_COUNT));
  }
  if (typeof values.password === 'string') {
    if (values.password.length < 8 || values.password.length > 128) {
      throw new UsageError('--password must be 8 to 128 characters long (the API refuses others)');
    }
    options.password = values.password;
  }
  const databaseUrl = values['database-url'];
  if (typeof databaseUrl === 'string' && !/^postgres(ql)?:\/\/\S+$/.test(databaseUrl)) {
    throw new UsageError('--database-url must be a postgres:// connection URL');
  }
  return {
    options,
    databaseUrl: typeof databaseUrl === 'string' ? databaseUrl : undefined,
    quiet: values.quiet === true,
    help: values.help === true,
  };
}

function integer(flag: string, raw: string, min: number, max: number): number {
  const value = /^\d+$/.test(raw.trim()) ? Number(raw.trim()) : NaN;
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new UsageError(`--${flag} must be an integer from ${min} to ${max}, not "${raw}"`);
  }
  return value;
}

/** The database settings from the environment and `.env`, as the app reads them (the real environment wins). */
function environment(): DatabaseConfig {
  if (existsSync('.env')) {
    for (const [key, value] of Object.entries(parseEnv(readFileSync('.env', 'utf8')))) {
      if (process.env[key] === undefined) process.env[key] = value;
    }
  }
  try {
    return databaseSettings(validateEnv(process.env));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

/** The URL without its password, for messages. */
function redact(url: string): string {
  const parsed = new URL(url);
  if (parsed.password) parsed.password = '***';
  return parsed.toString();
}

async function main(): Promise<number> {
  let cli: Cli;
  try {
    cli = parseCli(process.argv.slice(2));
    // Impossible sizes are refused before any database is touched.
    if (!cli.help) new Dataset(cli.options);
  } catch (error) {
    if (!(error instanceof UsageError || error instanceof SeedSizeError)) throw error;
    process.stderr.write(`db:seed: ${error.message}\nRun with --help for the options.\n`);
    return 1;
  }
  if (cli.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  if (cli.quiet) Logger.overrideLogger(['error']);

  let embedded: EmbeddedDatabase | undefined;
  let interrupted = false;
  const onSignal = (signal: string) => {
    interrupted = true;
    process.stderr.write(`\ndb:seed: ${signal}, stopping: the seed's transaction rolls back.\n`);
    void (embedded?.stop() ?? Promise.resolve()).finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    const settings = environment();
    let url = cli.databaseUrl ?? settings.url;
    if (!url) {
      embedded = await EmbeddedDatabase.start({
        dataDir: settings.embedded.dataDir,
        port: settings.embedded.port,
        persistent: true,
        database: 'agora',
      });
      url = embedded.url;
    }
    const reporter = new ConsoleReporter(process.stdout, process.stdout.isTTY === true);
    const applied = await prepareDatabase(url, settings);
    if (!cli.quiet) {
      process.stdout.write(`Seeding ${redact(url)} (seed ${cli.options.seed})\n`);
      if (applied.length > 0) process.stdout.write(`  applied migrations: ${applied.join(', ')}\n`);
    }
    const result = await seed(cli.options, url, cli.quiet ? {} : reporter);
    if (!cli.quiet) {
      reporter.summary(result, redact(url), cli.options.password);
      for (const author of followedAuthors(cli.options.users, cli.options.followedAuthors ?? [])) {
        process.stdout.write(
          `${author.username} has ${author.followers} followers` +
            (author.followers < author.wanted
              ? ` (${author.wanted} asked; not that many users)\n`
              : '\n'),
        );
      }
    }
    return 0;
  } catch (error) {
    if (interrupted) return 130;
    if (
      error instanceof SeedRefusedError ||
      error instanceof SeedSizeError ||
      error instanceof UsageError
    ) {
      process.stderr.write(`db:seed: ${error.message}\n`);
      return 1;
    }
    // Database and system errors (with a code) speak for themselves; anything else is a bug.
    const message =
      error instanceof Error
        ? 'code' in error
          ? `${error.message} (${String(error.code)})`
          : (error.stack ?? error.message)
        : String(error);
    process.stderr.write(`db:seed failed: ${message}\n`);
    return 1;
  } finally {
    // After a signal, onSignal is already stopping it.
    if (!interrupted) await embedded?.stop();
  }
}

// Explicitly: embedded-postgres's exit hook would turn a failure's exit code into 0 on beforeExit.
process.exit(await main());
