import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { Writable } from 'node:stream';
import request from 'supertest';
import type { DataSource } from 'typeorm';
import { AppModule } from '../../src/app.module.js';
import { configureApp, createAdapter } from '../../src/app.setup.js';
import { appConfig, type AppConfig } from '../../src/config/app.config.js';
import { QueryCounter } from '../../src/database/query-counter.js';

export interface TestApp {
  app: NestFastifyApplication;
  /** supertest against the app's HTTP server. */
  http: () => ReturnType<typeof request>;
  /** Direct SQL, to check what is stored. */
  db: DataSource;
  /** Runs fn and returns how many SQL statements the app sent meanwhile. */
  countQueries: (fn: () => Promise<unknown>) => Promise<number>;
  close: () => Promise<void>;
}

export interface TestAppOptions {
  /** Environment variables for this app only (read while the app is built). */
  env?: Record<string, string>;
  /** Receives the app's JSON log lines. */
  logStream?: Writable;
}

/**
 * The real AppModule and the same adapter and setup as main.ts, against the
 * run's PostgreSQL database.
 */
export async function createTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const saved = new Map(Object.keys(options.env ?? {}).map((k) => [k, process.env[k]]));
  Object.assign(process.env, options.env);
  try {
    const moduleRef = await Test.createTestingModule({ imports: [AppModule] }).compile();
    const config = moduleRef.get<AppConfig>(appConfig.KEY);
    const app = moduleRef.createNestApplication<NestFastifyApplication>(
      createAdapter(config, options.logStream),
    );
    await configureApp(app, config);
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
    const counter = app.get(QueryCounter);
    return {
      app,
      http: () => request(app.getHttpServer()),
      db: app.get<DataSource>(getDataSourceToken()),
      countQueries: async (fn) => {
        const before = counter.total;
        await fn();
        return counter.total - before;
      },
      close: () => app.close(),
    };
  } finally {
    for (const [key, value] of saved) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  }
}
