import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyInstance } from 'fastify';
import { Test } from '@nestjs/testing';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { Writable } from 'node:stream';
import request from 'supertest';
import type { DataSource } from 'typeorm';
import { AppModule } from '../../src/app.module.js';
import { configureApp, createAdapter } from '../../src/app.setup.js';
import { appConfig, type AppConfig } from '../../src/config/app.config.js';
import { QueryCounter } from '../../src/database/query-counter.js';
import { Contract, type OpenApiDocument } from './contract.js';

export interface TestApp {
  app: NestFastifyApplication;
  /** supertest against the app's HTTP server. */
  http: () => ReturnType<typeof request>;
  /** Direct SQL, to check what is stored. */
  db: DataSource;
  /** Runs fn and returns how many SQL statements the app sent meanwhile. */
  countQueries: (fn: () => Promise<unknown>) => Promise<number>;
  /** Runs fn and returns the SQL text of the statements the app sent meanwhile. */
  captureQueries: (fn: () => Promise<unknown>) => Promise<string[]>;
  close: () => Promise<void>;
}

export interface TestAppOptions {
  /** Environment variables for this app only (read while the app is built). */
  env?: Record<string, string>;
  /** Receives the app's JSON log lines. */
  logStream?: Writable;
  /** Called on the Fastify instance before the contract check's hook is added (to tamper with responses). */
  beforeContractHook?: (fastify: FastifyInstance) => void;
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
    configureApp(app, config);
    const fastify = app.getHttpAdapter().getInstance();
    options.beforeContractHook?.(fastify);
    // Every response the suite receives is checked against the served OpenAPI document.
    const guard: { contract?: Contract } = {};
    fastify.addHook('onSend', (request, reply, payload, done) => {
      if (guard.contract) {
        recordViolations(guard.contract, request.method, request.url, reply, payload);
      }
      done(null, payload);
    });
    await app.init();
    await fastify.ready();
    guard.contract = await contractOf(app);
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
      captureQueries: (fn) => counter.capture(fn),
      close: () => app.close(),
    };
  } finally {
    for (const [key, value] of saved) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  }
}

/** One Contract per document (every app of a run serves the same one). */
const contracts = new Map<string, Contract>();

async function contractOf(app: NestFastifyApplication): Promise<Contract> {
  // supertest, not Fastify's inject: light-my-request cannot load under Jest's ESM mode.
  const served = await request(app.getHttpServer()).get('/docs-json');
  if (served.status !== 200) throw new Error(`/docs-json answered ${served.status}`);
  let contract = contracts.get(served.text);
  if (!contract) {
    contract = Contract.fromDocument(JSON.parse(served.text) as OpenApiDocument);
    contracts.set(served.text, contract);
  }
  return contract;
}

declare global {
  var __agoraContractViolations: string[] | undefined;
}

/**
 * What `contract` finds wrong with a response, kept for test/support/contract-guard.ts,
 * which fails the test that received it. Responses to requests outside the
 * document (/docs, unknown paths) are not part of the contract.
 */
function recordViolations(
  contract: Contract,
  method: string,
  url: string,
  reply: { statusCode: number; getHeaders(): Record<string, unknown> },
  payload: unknown,
): void {
  if (!contract.match(method, url)) return;
  let body: unknown;
  if (typeof payload === 'string' || Buffer.isBuffer(payload)) {
    const text = payload.toString();
    try {
      body = text === '' ? undefined : JSON.parse(text);
    } catch {
      body = text;
    }
  } else if (payload !== undefined && payload !== null) {
    body = '(a stream)';
  }
  const headers = Object.fromEntries(
    Object.entries(reply.getHeaders()).map(([name, value]) => [name, String(value)]),
  );
  const found = contract.check(method, url, { status: reply.statusCode, headers, body });
  if (found.length > 0) (globalThis.__agoraContractViolations ??= []).push(...found);
}

/** The violations recorded since the last call. */
export function takeContractViolations(): string[] {
  const found = globalThis.__agoraContractViolations ?? [];
  globalThis.__agoraContractViolations = [];
  return found;
}
