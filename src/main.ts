import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import cluster from 'node:cluster';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DataSource } from 'typeorm';
import { AppModule } from './app.module.js';
import { configureApp, createAdapter } from './app.setup.js';
import { runPrimary } from './cluster/primary.js';
import { appConfig } from './config/app.config.js';
import { validateEnv } from './config/env.validation.js';
import { limitHeapGrowth } from './heap.js';

async function bootstrap(): Promise<void> {
  limitHeapGrowth();
  const config = appConfig();
  const app = await NestFactory.create<NestFastifyApplication>(AppModule, createAdapter(config), {
    bufferLogs: true,
  });
  configureApp(app, config);
  // On SIGTERM (or Ctrl+C, or the terminal closing): stop taking requests, finish those
  // in flight, close the pool, stop embedded PostgreSQL, then exit with code 0 (by
  // default Nest re-raises the signal, and the exit status would say "killed").
  app.enableShutdownHooks(['SIGTERM', 'SIGINT', 'SIGHUP'], { useProcessExit: true });
  if (cluster.isWorker) {
    // A worker gets two signals on Ctrl-C: the terminal's SIGINT (one process group) and
    // the primary's SIGTERM. Nest ignores the second while it shuts down, but it removes
    // its listeners before process.exit(0) has finished (exit handlers, flushing stdout to
    // a pipe), and a signal landing then took the default action: the worker died of
    // SIGTERM after draining (seen once in CI). A listener of our own keeps it handled.
    for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) process.on(signal, () => {});
  }
  await app.listen({ port: config.port, host: config.host });
  const url = `http://localhost:${config.port}`;
  const log = app.getHttpAdapter().getInstance().log;
  log.info(`Agora is listening: API ${url}/api, Swagger UI ${url}/docs`);
  // One hint per start, not one per worker.
  if (!cluster.isWorker || cluster.worker?.id === 1) {
    await suggestDemoData(app.get(DataSource), (message) => log.info(message));
  }
}

/**
 * WORKERS=1: this process is Agora. WORKERS=N: the first process is the
 * cluster primary (src/cluster/primary.ts), and each worker it forks runs
 * `bootstrap` as a single process would.
 */
async function start(): Promise<void> {
  if (cluster.isPrimary && validateEnv(process.env).WORKERS > 1) await runPrimary();
  else await bootstrap();
}

/** A newcomer's first start has nothing to show: say how to fill it. Never fails the boot. */
async function suggestDemoData(db: DataSource, say: (message: string) => void): Promise<void> {
  try {
    const [{ empty }] = await db.query<{ empty: boolean }[]>(
      'SELECT NOT EXISTS (SELECT 1 FROM users) AS empty',
    );
    if (empty) {
      say(
        'The database is empty: run `npm run db:seed` to add demo data ' +
          '(then sign in as demo / agora-demo-password).',
      );
    }
  } catch {
    // Only a hint; the health check reports a database that stopped answering.
  }
}

start().catch((error: unknown) => {
  // A bad environment or an unreachable database: say why, without a stack trace for the former.
  const message = error instanceof Error ? error.message : String(error);
  console.error(message.startsWith('Invalid environment') ? message : error);
  process.exit(1);
});
