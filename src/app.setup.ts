import { RequestMethod } from '@nestjs/common';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { SwaggerModule } from '@nestjs/swagger';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import type { DestinationStream } from 'pino';
import type { IncomingMessage } from 'node:http';
import { PinoNestLogger, RequestLogController, createRootLogger } from './http/logging.js';
import { ValidationProblemException, problem, sendProblem } from './common/problems/problem.js';
import { requestIdFor } from './common/request-id.js';
import { securityHeaders } from './http/security-headers.js';
import { openApiDocument } from './openapi/openapi-document.js';
import { useBodyParsers } from './http/body-parsers.js';
import { clientErrorHandler } from './http/client-errors.js';
import { illFormedFields, parseQueryString } from './http/request-text.js';
import type { AppConfig } from './config/app.config.js';
import { useErrorDialect } from './common/problems/error-dialects.js';
import { conduitErrorDialect } from './conduit/conduit-errors.js';
import { CONDUIT_PREFIX_EXCLUSION } from './conduit/conduit-prefix.js';
import { ReadRoutingInterceptor } from './database/read-routing.js';
import { ReplicaSet } from './database/replica-set.js';

export const BODY_LIMIT_BYTES = 100 * 1024;
/** Retry-After of the 503 a request gets when it arrives while the server shuts down. */
export const SHUTDOWN_RETRY_AFTER_SECONDS = 5;

/** The Fastify instance behind Nest: logger, body cap, request ids, proxy trust. */
export function createAdapter(
  config: AppConfig,
  logDestination?: DestinationStream,
): FastifyAdapter {
  const logger = createRootLogger(config, logDestination);
  return new FastifyAdapter({
    loggerInstance: logger,
    logController: new RequestLogController(),
    bodyLimit: BODY_LIMIT_BYTES,
    trustProxy: config.trustProxy,
    genReqId: (req: IncomingMessage) => requestIdFor(req),
    // Fastify's own closing answer is plain JSON; Agora answers those requests itself (configureApp).
    return503OnClosing: false,
    forceCloseConnections: 'idle',
    frameworkErrors: answerRoutingError,
    routerOptions: { querystringParser: parseQueryString },
    clientErrorHandler: clientErrorHandler(logger, securityHeaders()),
  });
}

/**
 * Errors Fastify meets before any route runs (so before Nest's exception
 * filter): a path that is not valid percent-encoding, or a path parameter over
 * 100 characters (no id or tag name is that long). A 400 problem, like every
 * other bad path parameter, instead of Fastify's own JSON.
 */
function answerRoutingError(
  error: FastifyError,
  request: FastifyRequest,
  reply: FastifyReply,
): void {
  const detail =
    error.code === 'FST_ERR_MAX_PARAM_LENGTH'
      ? 'A path parameter is too long.'
      : 'The path is not valid percent-encoding.';
  sendProblem(request, reply, problem(400, detail));
}

/** Everything main.ts and the e2e tests set up the same way on the app. */
/**
 * With DATABASE_REPLICA_URLS, every request passes ReadRoutingInterceptor
 * (global, after the guards: a read's replica is chosen for the caller the
 * token names). Without replicas it is not registered at all: Nest runs a
 * route without interceptors on a shorter path (no RxJS chain), and nothing
 * changes for an instance with one database.
 */
function useReadRouting(app: NestFastifyApplication): void {
  let replicas: ReplicaSet | undefined;
  try {
    replicas = app.get(ReplicaSet, { strict: false });
  } catch {
    // Nest's preview mode (openapi:export) instantiates no provider.
  }
  if (replicas?.enabled) {
    app.useGlobalInterceptors(app.get(ReadRoutingInterceptor, { strict: false }));
  }
}

export function configureApp(app: NestFastifyApplication, config: AppConfig): void {
  const fastify = app.getHttpAdapter().getInstance();
  app.useLogger(new PinoNestLogger(fastify.log));
  // Bodies are JSON (and the OAuth2 form on login): plain text gets a 415, not a string to validate.
  fastify.removeContentTypeParser('text/plain');
  useBodyParsers(app, BODY_LIMIT_BYTES);
  app.setGlobalPrefix('api', {
    exclude: [
      { path: 'health', method: RequestMethod.GET },
      { path: 'health/live', method: RequestMethod.GET },
      CONDUIT_PREFIX_EXCLUSION,
    ],
  });
  useReadRouting(app);
  // Errors under /conduit/api in RealWorld's format, wherever they are raised (error-dialects.ts).
  useErrorDialect(fastify, conduitErrorDialect);
  if (config.corsOrigins.length > 0) {
    app.enableCors({
      origin: config.corsOrigins,
      // Every method the API and the Conduit face route (the default is GET, HEAD and POST
      // only: a browser's PUT /conduit/api/user or DELETE preflight would be refused).
      methods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],
      allowedHeaders: ['Authorization', 'Content-Type', 'X-Request-Id'],
      exposedHeaders: ['X-Request-Id', 'Retry-After', 'WWW-Authenticate'],
    });
  }
  // Graceful shutdown. Once closing starts (SIGTERM, app.close()), requests that were
  // already running finish; a request arriving later on an open keep-alive connection
  // gets a 503 problem without reaching its route; and every response closes its
  // connection, so the server closes as soon as the last one is sent (not at the
  // keep-alive timeout).
  let closing = false;
  fastify.addHook('preClose', (done) => {
    closing = true;
    done();
  });
  // Security headers (helmet's, computed once) on every response, errors and Swagger UI included.
  const security = securityHeaders();
  fastify.addHook('onRequest', (request, reply, done) => {
    void reply.headers(security).header('X-Request-Id', request.id);
    if (!closing) {
      done();
      return;
    }
    // Sending from the hook (and not calling done) answers without the route.
    sendProblem(
      request,
      reply,
      problem(503, 'The server is shutting down; retry the request.', {
        retryAfter: SHUTDOWN_RETRY_AFTER_SECONDS,
      }),
    );
  });
  // Text that is not well-formed Unicode, or holds a NUL, is refused before any
  // guard, pipe or handler sees it, wherever it arrived (request-text.ts).
  fastify.addHook('preValidation', (request, reply, done) => {
    const errors = [
      ...illFormedFields(request.params),
      ...illFormedFields(request.query),
      ...(request.body === undefined ? [] : illFormedFields(request.body)),
    ];
    if (errors.length === 0) {
      done();
      return;
    }
    sendProblem(request, reply, new ValidationProblemException(errors).problem);
  });
  fastify.addHook('onSend', (_request, reply, payload, done) => {
    if (closing) void reply.header('Connection', 'close');
    done(null, payload);
  });
  setupSwagger(app);
}

function setupSwagger(app: NestFastifyApplication): void {
  SwaggerModule.setup('docs', app, openApiDocument(app), {
    useGlobalPrefix: false,
    jsonDocumentUrl: 'docs-json',
    swaggerOptions: { persistAuthorization: true },
  });
}
