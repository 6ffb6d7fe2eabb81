import type { LoggerService } from '@nestjs/common';
import {
  LogController,
  type FastifyBaseLogger,
  type FastifyReply,
  type FastifyRequest,
} from 'fastify';
import { pino, type DestinationStream, type Logger } from 'pino';
import type { AppConfig } from '../config/app.config.js';

/**
 * The process's root logger: structured JSON lines. Fastify gives each request
 * a child carrying its `requestId`; the request's own line (see app.setup.ts)
 * holds only id, method, path, status and duration, never headers or bodies,
 * and the redaction below guards every other line against secrets.
 */
export function createRootLogger(config: AppConfig, destination?: DestinationStream): Logger {
  return pino(
    {
      level: config.logLevel,
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: {
        paths: [
          'password',
          'passwordHash',
          'currentPassword',
          'accessToken',
          'access_token',
          'token',
          'authorization',
          '*.password',
          '*.passwordHash',
          '*.authorization',
          'headers.authorization',
        ],
        censor: '[redacted]',
      },
    },
    destination,
  );
}

/** Nest's own logging (bootstrap, services' Logger) into the same pino logger. */
export class PinoNestLogger implements LoggerService {
  constructor(private readonly logger: FastifyBaseLogger) {}

  log(message: unknown, context?: string): void {
    this.write('info', message, context);
  }

  error(message: unknown, stackOrContext?: string, context?: string): void {
    this.write('error', message, context ?? stackOrContext);
  }

  warn(message: unknown, context?: string): void {
    this.write('warn', message, context);
  }

  debug(message: unknown, context?: string): void {
    this.write('debug', message, context);
  }

  verbose(message: unknown, context?: string): void {
    this.write('trace', message, context);
  }

  fatal(message: unknown, context?: string): void {
    this.write('fatal', message, context);
  }

  private write(
    level: 'info' | 'error' | 'warn' | 'debug' | 'trace' | 'fatal',
    message: unknown,
    context?: string,
  ): void {
    // Nothing to build for a level that is off (the SQL trace calls this once per statement).
    if (pino.levels.values[level] < pino.levels.values[this.logger.level]) return;
    if (typeof message === 'object' && message !== null && !(message instanceof Error)) {
      const { msg, ...fields } = message as { msg?: string };
      this.logger[level]({ context, ...fields }, msg);
    } else if (message instanceof Error) {
      this.logger[level]({ context, err: message }, message.message);
    } else {
      this.logger[level]({ context }, String(message));
    }
  }
}

/**
 * Exactly one line per request, when it completes: id (as `requestId`),
 * method, path (no query string), status and duration. Nothing else about the
 * request is logged, so no header, body or token can leak into the logs.
 */
export class RequestLogController extends LogController {
  constructor() {
    super({ requestIdLogLabel: 'requestId' });
  }

  override incomingRequest(): void {}

  override routeNotFound(): void {}

  override requestCompleted(
    error: Error | null | undefined,
    request: FastifyRequest,
    reply: FastifyReply,
  ): void {
    const status = reply.statusCode;
    const line = {
      method: request.method,
      path: request.url.split('?')[0],
      status,
      durationMs: Math.round(reply.elapsedTime * 100) / 100,
    };
    if (error || status >= 500) reply.log.error(line, 'request completed');
    else if (status >= 400) reply.log.warn(line, 'request completed');
    else reply.log.info(line, 'request completed');
  }
}
