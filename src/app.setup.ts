import helmet from '@fastify/helmet';
import { RequestMethod } from '@nestjs/common';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import type { DestinationStream } from 'pino';
import type { IncomingMessage } from 'node:http';
import { PinoNestLogger, RequestLogController, createRootLogger } from './common/logging.js';
import { PROBLEM_CONTENT_TYPE, problem } from './common/problems/problem.js';
import { addCommonProblems } from './common/problems/problem.response.js';
import { requestIdFor } from './common/request-id.js';
import type { AppConfig } from './config/app.config.js';

export const BODY_LIMIT_BYTES = 100 * 1024;

/** The Fastify instance behind Nest: logger, body cap, request ids, proxy trust. */
export function createAdapter(
  config: AppConfig,
  logDestination?: DestinationStream,
): FastifyAdapter {
  return new FastifyAdapter({
    loggerInstance: createRootLogger(config, logDestination),
    logController: new RequestLogController(),
    bodyLimit: BODY_LIMIT_BYTES,
    trustProxy: config.trustProxy,
    genReqId: (req: IncomingMessage) => requestIdFor(req),
    return503OnClosing: true,
    forceCloseConnections: 'idle',
    frameworkErrors: answerRoutingError,
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
  void reply
    .code(400)
    .headers({ 'Content-Type': PROBLEM_CONTENT_TYPE, 'X-Request-Id': String(request.id) })
    .send(
      JSON.stringify({
        ...problem(400, detail),
        instance: request.url.split('?')[0].slice(0, 200),
        requestId: String(request.id),
      }),
    );
}

/**
 * The Content-Security-Policy of every response. Swagger UI's page loads its
 * scripts and stylesheet from /docs (script-src 'self'; it has no inline
 * script), sets inline styles (style-src 'unsafe-inline'), draws icons from
 * data: URIs, and calls the API on the same origin (connect-src 'self'). The
 * API's own responses are JSON, which no policy loosens. No
 * upgrade-insecure-requests: Agora is served over plain HTTP on localhost, and
 * TLS is the proxy's business.
 */
export const CONTENT_SECURITY_POLICY = {
  'default-src': ["'self'"],
  'base-uri': ["'self'"],
  'connect-src': ["'self'"],
  'font-src': ["'self'", 'data:'],
  'form-action': ["'self'"],
  'frame-ancestors': ["'none'"],
  'img-src': ["'self'", 'data:'],
  'object-src': ["'none'"],
  'script-src': ["'self'"],
  'script-src-attr': ["'none'"],
  'style-src': ["'self'", "'unsafe-inline'"],
} as const;

/** Everything main.ts and the e2e tests set up the same way on the app. */
export async function configureApp(app: NestFastifyApplication, config: AppConfig): Promise<void> {
  const fastify = app.getHttpAdapter().getInstance();
  app.useLogger(new PinoNestLogger(fastify.log));
  // Security headers on every response, errors and Swagger UI included.
  await app.register(helmet, {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: Object.fromEntries(
        Object.entries(CONTENT_SECURITY_POLICY).map(([name, values]) => [name, [...values]]),
      ),
    },
    // A page framed elsewhere is refused by frame-ancestors and this alike.
    frameguard: { action: 'deny' },
  });
  // Bodies are JSON (and the OAuth2 form on login): plain text gets a 415, not a string to validate.
  fastify.removeContentTypeParser('text/plain');
  app.setGlobalPrefix('api', { exclude: [{ path: 'health', method: RequestMethod.GET }] });
  app.enableShutdownHooks();
  if (config.corsOrigins.length > 0) {
    app.enableCors({
      origin: config.corsOrigins,
      exposedHeaders: ['X-Request-Id', 'Retry-After', 'WWW-Authenticate'],
    });
  }
  fastify.addHook('onRequest', (request, reply, done) => {
    void reply.header('X-Request-Id', request.id);
    done();
  });
  // Graceful shutdown: once closing starts, in-flight responses end their keep-alive
  // connections, so the server closes as soon as they are sent (not at the keep-alive timeout).
  let closing = false;
  fastify.addHook('preClose', (done) => {
    closing = true;
    done();
  });
  fastify.addHook('onSend', (_request, reply, payload, done) => {
    if (closing) void reply.header('Connection', 'close');
    done(null, payload);
  });
  setupSwagger(app);
}

function setupSwagger(app: NestFastifyApplication): void {
  const document = addCommonProblems(
    SwaggerModule.createDocument(
      app,
      new DocumentBuilder()
        .setTitle('Agora API')
        .setDescription(
          'A social publishing API: users and profiles, posts with tags and votes, follows, threaded comments. ' +
            'Errors are RFC 9457 `application/problem+json`. Use **Authorize** with your username (or email) and password.',
        )
        .setVersion('0.1.0')
        .addOAuth2(
          { type: 'oauth2', flows: { password: { tokenUrl: '/api/auth/login', scopes: {} } } },
          'oauth2',
        )
        .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' }, 'bearer')
        .build(),
    ),
  );
  SwaggerModule.setup('docs', app, document, {
    useGlobalPrefix: false,
    jsonDocumentUrl: 'docs-json',
    swaggerOptions: { persistAuthorization: true },
  });
}
