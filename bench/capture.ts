/**
 * Runs in its own process (`node dist/bench/capture.js input.json output.json`,
 * with Agora's environment): boots the real AppModule with the same adapter and
 * setup as main.ts, listens to every statement TypeORM sends (a subscriber's
 * beforeQuery/afterQuery: the text and parameters exactly as `pg` receives
 * them), and calls the routes in-process through Fastify's inject. So the SQL
 * the ceiling server and the EXPLAIN check use is whatever the repositories
 * emit today, never a copy.
 */
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { getDataSourceToken } from '@nestjs/typeorm';
import { readFile, writeFile } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import type { AfterQueryEvent, BeforeQueryEvent, DataSource, QueryRunner } from 'typeorm';
import { AppModule } from '../src/app.module.js';
import { configureApp, createAdapter } from '../src/app.setup.js';
import { appConfig } from '../src/config/app.config.js';
import type {
  CaptureInput,
  CaptureOutput,
  CapturedRequest,
  CapturedStatement,
} from './statements.js';

/** Collects the statements sent between start() and stop(). */
class StatementRecorder {
  private statements: CapturedStatement[] | undefined;
  private readonly inFlight = new Map<QueryRunner, CapturedStatement>();
  private origin = 0;

  start(): void {
    this.statements = [];
    this.origin = performance.now();
  }

  stop(): CapturedStatement[] {
    const statements = this.statements ?? [];
    this.statements = undefined;
    return statements;
  }

  beforeQuery(event: BeforeQueryEvent): void {
    if (!this.statements) return;
    const statement: CapturedStatement = {
      sql: event.query,
      params: Array.isArray(event.parameters) ? [...(event.parameters as unknown[])] : [],
      start: performance.now() - this.origin,
      end: Number.NaN,
    };
    this.statements.push(statement);
    this.inFlight.set(event.queryRunner, statement);
  }

  afterQuery(event: AfterQueryEvent): void {
    const statement = this.inFlight.get(event.queryRunner);
    if (!statement) return;
    statement.end = performance.now() - this.origin;
    this.inFlight.delete(event.queryRunner);
  }
}

async function main(): Promise<void> {
  const [inputPath, outputPath] = process.argv.slice(2);
  if (!inputPath || !outputPath) throw new Error('usage: capture.js <input.json> <output.json>');
  const input = JSON.parse(await readFile(inputPath, 'utf8')) as CaptureInput;

  const config = appConfig();
  const app = await NestFactory.create<NestFastifyApplication>(AppModule, createAdapter(config), {
    logger: false,
  });
  configureApp(app, config);
  await app.init();
  const fastify = app.getHttpAdapter().getInstance();
  await fastify.ready();

  const recorder = new StatementRecorder();
  const dataSource = app.get<DataSource>(getDataSourceToken());
  dataSource.subscribers.push({
    beforeQuery: (event: BeforeQueryEvent) => recorder.beforeQuery(event),
    afterQuery: (event: AfterQueryEvent) => recorder.afterQuery(event),
  });

  try {
    const login = await fastify.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: input.login,
    });
    if (login.statusCode !== 200) {
      throw new Error(`capture: login answered ${login.statusCode}: ${login.body}`);
    }
    const { accessToken } = login.json<{ accessToken: string }>();

    const requests: CapturedRequest[] = [];
    for (const request of input.requests) {
      const call = () =>
        fastify.inject({
          method: request.method,
          url: request.url,
          headers: request.auth ? { authorization: `Bearer ${accessToken}` } : {},
        });
      // The second call is the one kept: nothing first-time (a new pooled connection) counts.
      await call();
      recorder.start();
      const response = await call();
      const statements = recorder.stop();
      requests.push({
        ...request,
        status: response.statusCode,
        body: response.json<unknown>(),
        statements,
      });
    }
    const output: CaptureOutput = { requests };
    await writeFile(outputPath, JSON.stringify(output));
  } finally {
    await app.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
