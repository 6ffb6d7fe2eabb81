import {
  Catch,
  HttpException,
  HttpStatus,
  type ArgumentsHost,
  type ExceptionFilter,
} from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { databaseProblem } from './database-errors.js';
import { ProblemException, problem, sendProblem, type ProblemDetails } from './problem.js';

/** Friendlier words for the framework's own request errors (their codes are stable). */
const FASTIFY_DETAILS: Record<string, string> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'The request body is larger than the 100 kB limit.',
  FST_ERR_CTP_INVALID_JSON_BODY: 'The request body is not valid JSON.',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'This content type is not supported; send application/json.',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'The Content-Length header does not match the body.',
};

/**
 * Every error leaves as RFC 9457 application/problem+json. Nothing from a stack
 * trace, SQL or the driver reaches the client; a 500 carries only the request id.
 */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  catch(exception: unknown, host: ArgumentsHost): void {
    const request = host.switchToHttp().getRequest<FastifyRequest>();
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const { body, headers } = request.raw.readableAborted
      ? // The client broke off its own body (the connection is gone): not the database's fault.
        { body: problem(400, 'The request body was cut off.'), headers: {} }
      : this.toProblem(exception);
    const unavailable = body.status === 503;
    if (body.status >= 500 && !unavailable) {
      request.log.error({ err: exception }, 'Unhandled error');
    } else if (unavailable) {
      request.log.warn({ reason: describe(exception) }, body.detail);
    }
    if (body.status === 401 && !headers['WWW-Authenticate']) {
      headers['WWW-Authenticate'] = 'Bearer';
    }
    sendProblem(request, reply, body, headers, exception);
  }

  private toProblem(exception: unknown): { body: ProblemDetails; headers: Record<string, string> } {
    if (exception instanceof ProblemException) {
      return { body: { ...exception.problem }, headers: { ...exception.headers } };
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const code = fastifyCode(exception.cause);
      const detail = (code && FASTIFY_DETAILS[code]) ?? httpDetail(exception);
      return { body: problem(status, detail), headers: {} };
    }
    const fromDatabase = databaseProblem(exception);
    if (fromDatabase) return { body: fromDatabase, headers: {} };
    return {
      body: problem(
        HttpStatus.INTERNAL_SERVER_ERROR,
        'The server failed to handle this request. Quote the request id when reporting it.',
      ),
      headers: {},
    };
  }
}

function httpDetail(exception: HttpException): string {
  const response = exception.getResponse();
  if (typeof response === 'string') return response;
  const message = (response as { message?: unknown }).message;
  if (Array.isArray(message)) return message.join('; ');
  if (typeof message === 'string') return message;
  return exception.message;
}

function fastifyCode(cause: unknown): string | undefined {
  const code = (cause as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' ? code : undefined;
}

function describe(exception: unknown): string {
  return exception instanceof Error ? exception.message : String(exception);
}
