import { Logger } from '@nestjs/common';
import pg from 'pg';
import { DataSource, type Logger as TypeOrmLogger } from 'typeorm';
import type { DatabaseConfig } from '../config/database.config.js';
import { dataSourceOptions } from './data-source.js';
import { parseLsn } from './lsn.js';
import { runUnnamed } from './prepared.js';

/** What /health says of a replica. */
export type ReplicaState = 'up' | 'lagging' | 'down';

export interface ReplicaHealth {
  /** 1-based, in DATABASE_REPLICA_URLS' order (the URL itself is not shown). */
  replica: number;
  state: ReplicaState;
  /** How far behind the primary it was at its last check, in ms (null while it is down). */
  lagMs: number | null;
}

/** One primary WAL position and when it was asked for (its lower bound in time). */
interface Sample {
  at: number;
  lsn: bigint;
}

/** A monitor query that takes longer than this counts as a failed check. */
const CHECK_TIMEOUT_MS = 1000;

/**
 * One streaming replica: its own TypeORM data source (pool) for the reads
 * routed to it, and what the monitor last learnt of it.
 */
export class Replica {
  /** Initialised once the replica first answers (a replica down at boot does not stop Agora). */
  ready = false;
  /** The last WAL position it had replayed when checked (a lower bound from then on). */
  replayLsn: bigint | undefined;
  /**
   * It had replayed everything the primary had written by this time (ms):
   * the lag is `now - caughtUpAt`, growing by itself while checks fail.
   */
  caughtUpAt = Number.NEGATIVE_INFINITY;
  /** When its last successful check began. */
  checkedAt = Number.NEGATIVE_INFINITY;
  /** When a read last failed on it: it serves again after a later successful check. */
  failedAt = Number.NEGATIVE_INFINITY;
  down = true;
  client: pg.Client | undefined;
  /** While a check of it runs. */
  checking: Promise<void> | undefined;
  /** While its pool is being opened. */
  opening: Promise<void> | undefined;

  constructor(
    readonly index: number,
    readonly url: string,
    readonly dataSource: DataSource,
  ) {}

  lagMs(now: number): number {
    return Math.max(0, now - this.caughtUpAt);
  }

  usable(now: number, maxLagMs: number): boolean {
    return (
      this.ready && !this.down && this.checkedAt > this.failedAt && this.lagMs(now) <= maxLagMs
    );
  }
}

/**
 * The streaming replicas of DATABASE_REPLICA_URLS and their monitor. A few
 * times per second it reads the primary's WAL position
 * (`pg_current_wal_lsn()`) and then each replica's replayed one
 * (`pg_last_wal_replay_lsn()`), on connections of its own (not the pools, not
 * counted as the app's statements). A replica that has replayed the primary's
 * position sampled at time t has every commit acknowledged before t, so its
 * lag is at most `now - t` for the latest such sample: measured in time
 * without trusting `pg_last_xact_replay_timestamp()` (which stands still, and
 * so looks ever later, while nobody writes). A replica further behind than
 * REPLICA_MAX_LAG_MS, not answering, or whose read just failed, gets no
 * reads until a later check finds it well.
 */
export class ReplicaSet {
  private static readonly logger = new Logger('Replicas');
  readonly replicas: Replica[];
  readonly maxLagMs: number;
  readonly checkEveryMs: number;
  private samples: Sample[] = [];
  private primaryClient: pg.Client | undefined;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private next = 0;

  constructor(
    private readonly db: DatabaseConfig,
    private readonly primaryUrl: string,
    logger?: TypeOrmLogger,
  ) {
    this.maxLagMs = db.replicaMaxLagMs;
    // A few checks per lag bound, at most 4 per second.
    this.checkEveryMs = Math.min(250, Math.max(25, Math.floor(db.replicaMaxLagMs / 8)));
    this.replicas = db.replicaUrls.map((url, i) => {
      const dataSource = new DataSource(
        // A standby is read-only: TypeORM must not try CREATE EXTENSION there.
        Object.assign(dataSourceOptions(db, url, logger), {
          migrations: [],
          installExtensions: false,
        }),
      );
      // Behind a pooler in transaction mode, as the primary's (DB_PREPARED_STATEMENTS).
      if (!db.preparedStatements) runUnnamed(dataSource);
      return new Replica(i + 1, url, dataSource);
    });
  }

  get enabled(): boolean {
    return this.replicas.length > 0;
  }

  /** Checks once (so a fresh instance reads from a healthy replica at once), then keeps checking. */
  async start(): Promise<void> {
    if (!this.enabled) return;
    await Promise.all(await this.check());
    await Promise.all(this.replicas.map((r) => r.opening ?? Promise.resolve()));
    this.schedule();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    const clients = [this.primaryClient, ...this.replicas.map((r) => r.client)];
    await Promise.all(clients.map((c) => (c ? c.end().catch(() => undefined) : Promise.resolve())));
    await Promise.all(
      this.replicas.map((r) =>
        r.dataSource.isInitialized
          ? r.dataSource.destroy().catch(() => undefined)
          : Promise.resolve(),
      ),
    );
  }

  /**
   * A replica that may serve a read now: healthy, within the lag bound and,
   * for a caller with a recent write, past that write's WAL position.
   * Round-robin among those; undefined: read from the primary.
   */
  choose(minLsn?: bigint): Replica | undefined {
    const now = Date.now();
    const count = this.replicas.length;
    for (let i = 0; i < count; i++) {
      const replica = this.replicas[(this.next + i) % count];
      if (!replica.usable(now, this.maxLagMs)) continue;
      if (minLsn !== undefined && (replica.replayLsn === undefined || replica.replayLsn < minLsn))
        continue;
      this.next = (this.next + i + 1) % count;
      return replica;
    }
    return undefined;
  }

  /** Whether any replica may serve reads now (else reads need not look anything up). */
  anyUsable(): boolean {
    const now = Date.now();
    return this.replicas.some((r) => r.usable(now, this.maxLagMs));
  }

  /** A read failed on `replica`: no more reads there until a check after now succeeds. */
  failed(replica: Replica, error: unknown): void {
    const first = replica.checkedAt > replica.failedAt;
    replica.failedAt = Date.now();
    if (first) {
      ReplicaSet.logger.warn(
        `Replica ${replica.index}: a read failed (${(error as Error)?.message ?? String(error)}); ` +
          'reading from the primary until it checks well again',
      );
    }
  }

  health(): ReplicaHealth[] {
    const now = Date.now();
    return this.replicas.map((r) => ({
      replica: r.index,
      state: r.down || !r.ready ? 'down' : r.usable(now, this.maxLagMs) ? 'up' : 'lagging',
      lagMs: r.down ? null : Math.min(Math.round(r.lagMs(now)), 2_147_483_647),
    }));
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      void this.check().finally(() => this.schedule());
    }, this.checkEveryMs);
    this.timer.unref();
  }

  /**
   * Samples the primary, then starts a check of each replica whose previous
   * check has finished; answers those checks without waiting for them, so
   * that a replica that does not answer (up to CHECK_TIMEOUT_MS) delays
   * neither the primary's samples nor the other replicas' checks.
   */
  private async check(): Promise<Promise<void>[]> {
    const at = Date.now();
    const lsn = await this.ask(
      'primary',
      this.primaryUrl,
      'SELECT pg_current_wal_lsn()::text AS lsn',
    );
    if (lsn !== undefined) {
      this.samples.push({ at, lsn });
      // Older samples than the lag bound (and a margin) can no longer decide anything.
      const horizon = at - this.maxLagMs - 5000;
      while (this.samples.length > 1 && this.samples[0].at < horizon) this.samples.shift();
    }
    return this.replicas.map(
      (replica) =>
        (replica.checking ??= this.checkReplica(replica).finally(
          () => (replica.checking = undefined),
        )),
    );
  }

  private async checkReplica(replica: Replica): Promise<void> {
    const at = Date.now();
    const replayed = await this.ask(
      replica,
      replica.url,
      'SELECT pg_last_wal_replay_lsn()::text AS lsn',
    );
    if (replayed === undefined) {
      if (!replica.down) ReplicaSet.logger.warn(`Replica ${replica.index} does not answer`);
      replica.down = true;
      return;
    }
    if (replica.down) ReplicaSet.logger.log(`Replica ${replica.index} answers`);
    replica.down = false;
    replica.replayLsn = replayed;
    replica.checkedAt = at;
    for (let i = this.samples.length - 1; i >= 0; i--) {
      if (this.samples[i].lsn <= replayed) {
        replica.caughtUpAt = Math.max(replica.caughtUpAt, this.samples[i].at);
        break;
      }
    }
    if (!replica.ready && !replica.opening) {
      replica.opening = this.initialise(replica).finally(() => (replica.opening = undefined));
    }
  }

  private async initialise(replica: Replica): Promise<void> {
    try {
      await replica.dataSource.initialize();
      replica.ready = true;
    } catch (error) {
      ReplicaSet.logger.warn(
        `Replica ${replica.index}: could not open its pool (${(error as Error).message})`,
      );
    }
  }

  /** One monitor query on the server's own monitor connection; undefined when it fails. */
  private async ask(
    server: 'primary' | Replica,
    url: string,
    sql: string,
  ): Promise<bigint | undefined> {
    let client = server === 'primary' ? this.primaryClient : server.client;
    try {
      if (!client) {
        client = new pg.Client({
          connectionString: url,
          connectionTimeoutMillis: CHECK_TIMEOUT_MS,
          query_timeout: CHECK_TIMEOUT_MS,
          application_name: 'agora-replica-monitor',
        });
        client.on('error', () => undefined);
        if (server === 'primary') this.primaryClient = client;
        else server.client = client;
        await client.connect();
      }
      const { rows } = await client.query<{ lsn: string | null }>(sql);
      const text = rows[0]?.lsn;
      // NULL: not a standby (promoted, or pointed at a primary): never read from it.
      return text ? parseLsn(text) : undefined;
    } catch {
      if (server === 'primary') this.primaryClient = undefined;
      else server.client = undefined;
      await client?.end().catch(() => undefined);
      return undefined;
    }
  }
}
