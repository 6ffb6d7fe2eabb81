import { HttpException, HttpStatus } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ErrorDialect } from '../common/problems/error-dialects.js';
import {
  PROBLEM_LIMITS,
  ProblemException,
  problem,
  type FieldError,
  type ProblemDetails,
} from '../common/problems/problem.js';
import { CONDUIT_PATH } from './conduit-prefix.js';

/**
 * RealWorld's error body: `{ "errors": { "<field or resource>": ["<message>"] } }`.
 * Clients print each entry as `<key> <message>` ("email can't be blank").
 */
export interface ConduitErrorBody {
  errors: Record<string, string[]>;
}

/**
 * An error the Conduit face answers in exactly these words. It is a
 * ProblemException too (status, detail), so the filter, logs and the login
 * limits (which look at the status) treat it as any other.
 */
export class ConduitException extends ProblemException {
  constructor(
    status: number,
    readonly errors: Record<string, string[]>,
    headers: Record<string, string> = {},
  ) {
    super(problem(status, sentence(errors)), headers);
  }
}

/** `conduitError(404, 'article', 'not found')` → 404 `{ errors: { article: ['not found'] } }`. */
export function conduitError(status: number, field: string, message: string): ConduitException {
  return new ConduitException(status, { [field]: [message] });
}

/** 404 `{ errors: { <resource>: ['not found'] } }` */
export const conduitNotFound = (resource: string): ConduitException =>
  conduitError(HttpStatus.NOT_FOUND, resource, 'not found');

/** 403 `{ errors: { <resource>: ['forbidden'] } }` */
export const conduitForbidden = (resource: string): ConduitException =>
  conduitError(HttpStatus.FORBIDDEN, resource, 'forbidden');

/** 422 `{ errors: { <field>: [message] } }` */
export const conduitInvalid = (field: string, message: string): ConduitException =>
  conduitError(HttpStatus.UNPROCESSABLE_ENTITY, field, message);

/**
 * Conduit's words for Agora's field messages (class-validator's, the shared
 * field rules', the database filter's), Rails' where RealWorld uses them.
 * `null` drops a message that only repeats another.
 */
const MESSAGES: [RegExp, string | null][] = [
  [/^must be a valid email address$/, 'is invalid'],
  [/^must be shorter than or equal to (\d+) characters$/, 'is too long (maximum is $1 characters)'],
  [/^must be longer than or equal to (\d+) characters$/, 'is too short (minimum is $1 characters)'],
  [/^is already taken$/, 'has already been taken'],
  [/^must be a JSON object$/, 'must be an object'],
  [/^nested property .* must be either object or array$/, null],
];

/** Fastify's codes for a body it could not read, in Conduit's words (status kept). */
const BODY_ERRORS: Record<string, string> = {
  FST_ERR_CTP_INVALID_JSON_BODY: 'is not valid JSON',
  FST_ERR_CTP_BODY_TOO_LARGE: 'is too large (maximum is 100 kB)',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'must be application/json',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'does not match its Content-Length',
};

const BLANK = "can't be blank";

/**
 * What a problem becomes at the Conduit prefix. Validation (Agora's 400 with
 * field errors, and any other 400) is Conduit's 422; a 401 names the token
 * (missing or invalid, from the challenge the JWT guard wrote); a 409 names
 * the taken field; the rest keep their status under a key that says what
 * failed. A ConduitException says it itself.
 */
export function conduitErrorsOf(
  body: ProblemDetails,
  headers: Record<string, string>,
  cause: unknown,
): { status: number; errors: Record<string, string[]>; headers: Record<string, string> } {
  if (cause instanceof ConduitException) {
    return { status: cause.getStatus(), errors: cause.errors, headers };
  }
  const status = body.status;
  const fromBody = fastifyCode(cause);
  if (fromBody && BODY_ERRORS[fromBody]) {
    const bodyStatus = status === 400 ? HttpStatus.UNPROCESSABLE_ENTITY : status;
    return { status: bodyStatus, errors: { body: [BODY_ERRORS[fromBody]] }, headers };
  }
  if (status === 401) {
    const invalid = /invalid_token/.test(headers['WWW-Authenticate'] ?? '');
    return {
      status,
      errors: { token: [invalid ? 'is invalid' : 'is missing'] },
      headers: {
        ...headers,
        'WWW-Authenticate': invalid ? 'Token error="invalid_token"' : 'Token',
      },
    };
  }
  if (body.errors?.length) {
    return {
      status: status === 400 ? HttpStatus.UNPROCESSABLE_ENTITY : status,
      errors: fieldErrors(body.errors),
      headers,
    };
  }
  const retry = typeof body.retryAfter === 'number' ? `; retry after ${body.retryAfter} s` : '';
  switch (status) {
    case 400:
      return { status: 422, errors: { request: [lowerFirst(body.detail)] }, headers };
    case 403:
      return { status, errors: { request: ['forbidden'] }, headers };
    case 404:
      return { status, errors: { path: ['not found'] }, headers };
    case 429:
      return { status, errors: { request: [`was refused: too many attempts${retry}`] }, headers };
    default:
      if (status >= 500) {
        const why =
          status === 503
            ? `is unavailable${retry}`
            : `failed (request id ${body.requestId ?? 'unknown'})`;
        return { status, errors: { server: [why] }, headers };
      }
      return { status, errors: { request: [lowerFirst(body.detail)] }, headers };
  }
}

/**
 * `user.email` → `email` (the envelope's name is not the field's); messages
 * in Conduit's words.
 */
function fieldErrors(errors: FieldError[]): Record<string, string[]> {
  // Field names are the client's (`constructor`, `__proto__` are refused by name): no prototype.
  const result = Object.create(null) as Record<string, string[]>;
  for (const error of errors) {
    const segments = error.field.split('.');
    const field = segments[1] ?? segments[0];
    const messages = error.message
      .split('; ')
      .map(conduitMessage)
      .filter((m): m is string => m !== null);
    const list = (result[field] ??= []);
    for (const message of messages) if (!list.includes(message)) list.push(message);
  }
  // A blank or mistyped value says only that: its other checks add nothing.
  return Object.fromEntries(
    Object.entries(result).map(([field, list]) => {
      const first = [BLANK, 'must be a string'].find((m) => list.includes(m));
      return [field, first ? [first] : list.length === 0 ? ['is invalid'] : list];
    }),
  );
}

function conduitMessage(message: string): string | null {
  for (const [pattern, words] of MESSAGES) {
    if (pattern.test(message)) return words === null ? null : message.replace(pattern, words);
  }
  return message;
}

function fastifyCode(cause: unknown): string | undefined {
  if (!(cause instanceof HttpException)) return undefined;
  const code = (cause.cause as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' ? code : undefined;
}

function lowerFirst(text: string): string {
  const trimmed = text.replace(/\.$/, '');
  return trimmed.charAt(0).toLowerCase() + trimmed.slice(1);
}

function sentence(errors: Record<string, string[]>): string {
  return Object.entries(errors)
    .map(([field, messages]) => `${field} ${messages.join(', ')}`)
    .join('; ');
}

/** Entries and text cut to the same bounds as a problem's (the OpenAPI document states them). */
function withinLimits(errors: Record<string, string[]>): Record<string, string[]> {
  return Object.fromEntries(
    Object.entries(errors)
      .slice(0, PROBLEM_LIMITS.errors)
      .map(([field, messages]) => [
        field.slice(0, PROBLEM_LIMITS.field),
        messages.slice(0, 10).map((m) => m.slice(0, PROBLEM_LIMITS.message)),
      ]),
  );
}

/** The Conduit face's error format, for every request under its prefix (see error-dialects.ts). */
export const conduitErrorDialect: ErrorDialect = {
  prefix: CONDUIT_PATH,
  send(
    request: FastifyRequest,
    reply: FastifyReply,
    body: ProblemDetails,
    headers: Record<string, string>,
    cause: unknown,
  ): void {
    const answer = conduitErrorsOf({ ...body, requestId: String(request.id) }, headers, cause);
    const retry =
      typeof body.retryAfter === 'number' ? { 'Retry-After': String(body.retryAfter) } : {};
    const sent: ConduitErrorBody = { errors: withinLimits(answer.errors) };
    void reply
      .status(answer.status)
      .headers({
        ...answer.headers,
        ...retry,
        'Content-Type': 'application/json; charset=utf-8',
        'X-Request-Id': String(request.id),
      })
      .send(sent);
  },
};
