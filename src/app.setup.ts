import { RequestMethod } from '@nestjs/common';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { DestinationStream } from 'pino';
import type { IncomingMessage } from 'node:http';
import { PinoNestLogger, RequestLogController, createRootLogger } from './common/logging.js';
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
  });
}

/** Everything main.ts and the e2e tests set up the same way on the app. */
export function configureApp(app: NestFastifyApplication, config: AppConfig): void {
  const fastify = app.getHttpAdapter().getInstance();
  app.useLogger(new PinoNestLogger(fastify.log));
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
  const document = SwaggerModule.createDocument(
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
  );
  SwaggerModule.setup('docs', app, document, {
    useGlobalPrefix: false,
    jsonDocumentUrl: 'docs-json',
    swaggerOptions: { persistAuthorization: true },
  });
}
