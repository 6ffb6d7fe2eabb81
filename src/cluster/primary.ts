import { Logger } from '@nestjs/common';
import cluster, { type Worker } from 'node:cluster';
import { randomBytes } from 'node:crypto';
import { appConfig } from '../config/app.config.js';
import { databaseSettings } from '../config/database.config.js';
import { validateEnv } from '../config/env.validation.js';
import { EmbeddedDatabase } from '../database/embedded-postgres.js';
import { PinoNestLogger, createRootLogger } from '../http/logging.js';

/** A worker that exits before it listens this many times in a row: the primary gives up. */
export const MAX_BOOT_FAILURES = 3;
/** Wait before replacing a worker that died; doubled for each death in a row, up to the cap. */
const FIRST_RESTART_DELAY_MS = 200;
const MAX_RESTART_DELAY_MS = 10_000;
/** A worker that ran this long before it died starts its slot's back-off afresh. */
const STABLE_AFTER_MS = 30_000;
const SIGNALS = ['SIGTERM', 'SIGINT', 'SIGHUP'] as const;

/** One of the WORKERS places: the worker filling it now, and how its predecessors fared. */
interface Slot {
  worker?: Worker;
  startedAt: number;
  /** The current worker has listened (booted). */
  listening: boolean;
  /** Workers of this slot that exited before listening, in a row. */
  bootFailures: number;
  /** Deaths in a row (each without STABLE_AFTER_MS of life): the back-off's exponent. */
  deaths: number;
  restart?: NodeJS.Timeout;
}

/**
 * The cluster primary of `WORKERS=N` (N > 1): it serves no request itself.
 *
 * What must be one per machine lives here: embedded PostgreSQL (started once,
 * stopped after the last worker), and, outside production without JWT_SECRET,
 * the random signing key, generated once and given to every worker so that a
 * token (and a cursor: its key derives from this one) issued by one worker is
 * good on all. Each worker is Agora as `WORKERS=1` runs it (main.ts), on the
 * port they share (node:cluster hands the connections round-robin).
 *
 * A worker that dies unexpectedly is replaced after a back-off; one that dies
 * before listening MAX_BOOT_FAILURES times in a row (a database that refuses
 * it, a broken migration) makes the primary give up and exit 1. SIGTERM,
 * SIGINT or SIGHUP: every worker gets SIGTERM, finishes its requests in flight
 * and exits (Nest's shutdown hooks, as one process does); the primary exits
 * once all have, with 0 when all exited cleanly.
 */
export async function runPrimary(): Promise<void> {
  const env = validateEnv(process.env);
  const config = appConfig();
  const logger = createRootLogger(config);
  Logger.overrideLogger(new PinoNestLogger(logger));
  const log = new Logger('Cluster');
  const count = env.WORKERS;

  const workerEnv: Record<string, string> = {};
  if (!env.JWT_SECRET) {
    // Outside production only: validateEnv refuses a production start without it.
    workerEnv.JWT_SECRET = randomBytes(48).toString('base64url');
    log.warn(
      `JWT_SECRET is not set: using a random secret shared by the ${count} workers ` +
        '(tokens will not survive a restart). Set JWT_SECRET in production.',
    );
  }
  if (!env.REDIS_URL) {
    log.warn(
      `REDIS_URL is not set: each of the ${count} workers counts the rate limits in its own ` +
        `memory, so a client may get up to ${count} times the failed-login and write limits. ` +
        'Set REDIS_URL to count them together.',
    );
  }
  const db = databaseSettings(env);
  let embedded: EmbeddedDatabase | undefined;
  if (!db.url) {
    embedded = await EmbeddedDatabase.start({
      dataDir: db.embedded.dataDir,
      port: db.embedded.port,
      persistent: true,
      database: 'agora',
    });
    workerEnv.DATABASE_URL = embedded.url;
  }

  const slots: Slot[] = Array.from({ length: count }, () => ({
    startedAt: 0,
    listening: false,
    bootFailures: 0,
    deaths: 0,
  }));
  const slotOf = (worker: Worker) => slots.find((s) => s.worker === worker);
  const live = () => slots.filter((s) => s.worker !== undefined).length;
  let stopping = false;
  let exitCode = 0;

  const fork = (slot: Slot) => {
    slot.restart = undefined;
    slot.listening = false;
    slot.startedAt = Date.now();
    slot.worker = cluster.fork(workerEnv);
  };

  const finish = async () => {
    if (embedded) await embedded.stop();
    log.log(`All workers have exited; exiting with code ${exitCode}`);
    process.exit(exitCode);
  };

  const stopAll = (reason: string) => {
    stopping = true;
    for (const slot of slots) clearTimeout(slot.restart);
    log.log(`${reason}: asking the ${live()} workers to finish their requests and exit`);
    for (const slot of slots) slot.worker?.process.kill('SIGTERM');
    if (live() === 0) void finish();
  };

  cluster.on('listening', (worker, address) => {
    const slot = slotOf(worker);
    if (!slot) return;
    slot.listening = true;
    slot.bootFailures = 0;
    log.log(`Worker ${worker.id} (pid ${worker.process.pid}) is listening on port ${address.port}`);
  });

  cluster.on('exit', (worker, code, signal) => {
    const slot = slotOf(worker);
    if (!slot) return;
    slot.worker = undefined;
    const how = signal ? `signal ${signal}` : `code ${code}`;
    const name = `Worker ${worker.id} (pid ${worker.process.pid})`;
    if (stopping) {
      // A worker still booting when the signal came (ours, or Ctrl-C's to the whole group)
      // had no handler yet: the signal ended it, with no request to lose.
      const benign = code === 0 || SIGNALS.some((s) => s === signal);
      if (!benign) exitCode = 1;
      log.log(`${name} exited (${how})`);
      if (live() === 0) void finish();
      return;
    }
    if (!slot.listening) slot.bootFailures += 1;
    if (slot.bootFailures >= MAX_BOOT_FAILURES) {
      log.error(
        `${name} exited (${how}) before listening, as did the ${MAX_BOOT_FAILURES - 1} ` +
          'started before it in its place: giving up (the workers logged why above).',
      );
      exitCode = 1;
      stopAll('Giving up');
      return;
    }
    if (Date.now() - slot.startedAt >= STABLE_AFTER_MS) slot.deaths = 0;
    const delay = Math.min(FIRST_RESTART_DELAY_MS * 2 ** slot.deaths, MAX_RESTART_DELAY_MS);
    slot.deaths += 1;
    log.error(`${name} exited unexpectedly (${how}); starting another in ${delay} ms`);
    slot.restart = setTimeout(() => fork(slot), delay);
  });

  for (const signal of SIGNALS) {
    process.on(signal, () => {
      // Ctrl-C signals the workers too (one process group); a second signal changes nothing.
      if (stopping) return;
      stopAll(signal);
    });
  }

  log.log(`Starting ${count} workers`);
  for (const slot of slots) fork(slot);
}
