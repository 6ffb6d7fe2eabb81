import { HttpException, HttpStatus } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { STATUS_CODES } from 'node:http';
import { errorDialectOf } from './error-dialects.js';

export interface FieldError {
  field: string;
  message: string;
}

/** RFC 9457 problem details, plus Agora's extension members. */
export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance?: string;
  requestId?: string;
  errors?: FieldError[];
  [extension: string]: unknown;
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/**
 * Bounds of a problem's text and lists, as the OpenAPI document states them.
 * Agora's own words stay well within them; they cap what a problem echoes of
 * the request (its path, the names of unknown fields), whatever was sent.
 */
export const PROBLEM_LIMITS = {
  detail: 1000,
  instance: 200,
  /** `errors` entries: the first ones are kept. */
  errors: 100,
  field: 200,
  message: 500,
} as const;

/** The problem with `detail`, `instance` and `errors` cut to PROBLEM_LIMITS. */
export function withinLimits(body: ProblemDetails): ProblemDetails {
  const bounded: ProblemDetails = { ...body, detail: body.detail.slice(0, PROBLEM_LIMITS.detail) };
  if (body.instance !== undefined) {
    bounded.instance = body.instance.slice(0, PROBLEM_LIMITS.instance);
  }
  if (body.errors !== undefined) {
    bounded.errors = body.errors.slice(0, PROBLEM_LIMITS.errors).map((error) => ({
      field: error.field.slice(0, PROBLEM_LIMITS.field),
      message: error.message.slice(0, PROBLEM_LIMITS.message),
    }));
  }
  return bounded;
}

/**
 * Answers `request` with `body`: its path and request id added, cut to
 * PROBLEM_LIMITS, `Retry-After` from `retryAfter`. The exception filter and
 * the answers Fastify gives before Nest (routing errors, shutdown) all send
 * problems through here; under a prefix with an error dialect of its own
 * (error-dialects.ts), the dialect answers instead, given the exception
 * (`cause`) when there is one.
 */
export function sendProblem(
  request: FastifyRequest,
  reply: FastifyReply,
  body: ProblemDetails,
  headers: Record<string, string> = {},
  cause?: unknown,
): void {
  const dialect = errorDialectOf(request);
  if (dialect) {
    dialect.send(request, reply, body, headers, cause);
    return;
  }
  const sent = withinLimits({
    ...body,
    instance: request.url.split('?')[0],
    requestId: String(request.id),
  });
  const retry =
    typeof sent.retryAfter === 'number' ? { 'Retry-After': String(sent.retryAfter) } : {};
  void reply
    .status(sent.status)
    .headers({
      ...headers,
      ...retry,
      'Content-Type': PROBLEM_CONTENT_TYPE,
      'X-Request-Id': String(request.id),
    })
    .send(sent);
}

export function problem(
  status: number,
  detail: string,
  extensions: Partial<ProblemDetails> = {},
): ProblemDetails {
  return {
    type: 'about:blank',
    title: STATUS_CODES[status] ?? 'Error',
    status,
    detail,
    ...extensions,
  };
}

/**
 * An HTTP error carrying a complete problem document (extension members and
 * response headers included). Services throw the Nest exceptions; this is for
 * the few answers that need more than a status and a message.
 */
export class ProblemException extends HttpException {
  constructor(
    readonly problem: ProblemDetails,
    readonly headers: Record<string, string> = {},
  ) {
    super(problem.detail, problem.status);
  }
}

export class ValidationProblemException extends ProblemException {
  constructor(errors: FieldError[], detail = 'The request is invalid.') {
    super(
      problem(HttpStatus.BAD_REQUEST, detail, {
        type: 'about:blank',
        errors,
      }),
    );
  }
}

/** 400 for one bad field, in the same shape as body validation. */
export function invalidField(field: string, message: string): ValidationProblemException {
  return new ValidationProblemException([{ field, message }]);
}
