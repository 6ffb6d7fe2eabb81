import { applyDecorators } from '@nestjs/common';
import {
  type OpenAPIObject,
  ApiExtraModels,
  ApiProperty,
  ApiPropertyOptional,
  ApiResponse,
  getSchemaPath,
} from '@nestjs/swagger';
import { STATUS_CODES } from 'node:http';
import { type OpenApiOperation, operationsOf } from '../openapi-operations.js';
import { SANE_ID } from '../request-id.js';
import { PROBLEM_CONTENT_TYPE, PROBLEM_LIMITS } from './problem.js';

export class FieldErrorResponse {
  @ApiProperty({ maxLength: PROBLEM_LIMITS.field, example: 'email' })
  field!: string;

  @ApiProperty({ maxLength: PROBLEM_LIMITS.message, example: 'must be a valid email address' })
  message!: string;
}

/** RFC 9457 problem details, as every error is sent. */
export class ProblemResponse {
  @ApiProperty({ maxLength: 200, example: 'about:blank' })
  type!: string;

  @ApiProperty({ maxLength: 100, example: 'Bad Request' })
  title!: string;

  @ApiProperty({ type: 'integer', format: 'int32', minimum: 400, maximum: 599, example: 400 })
  status!: number;

  @ApiProperty({ maxLength: PROBLEM_LIMITS.detail, example: 'The request is invalid.' })
  detail!: string;

  @ApiPropertyOptional({
    maxLength: PROBLEM_LIMITS.instance,
    description: `The request's path (its first ${PROBLEM_LIMITS.instance} characters).`,
    example: '/api/users',
  })
  instance?: string;

  @ApiPropertyOptional({
    maxLength: 128,
    pattern: SANE_ID.source,
    description: 'Quote it when reporting a problem (the `X-Request-Id` of the response).',
  })
  requestId?: string;

  @ApiPropertyOptional({
    type: [FieldErrorResponse],
    maxItems: PROBLEM_LIMITS.errors,
    description: `One entry per invalid field (the first ${PROBLEM_LIMITS.errors}).`,
  })
  errors?: FieldErrorResponse[];

  @ApiPropertyOptional({
    type: 'integer',
    format: 'int32',
    minimum: 1,
    // LOGIN_WINDOW_SECONDS is at most a day, and the login limiter never asks for longer.
    maximum: 86_400,
    description: 'Seconds to wait (429 and 503).',
  })
  retryAfter?: number;
}

const DESCRIPTIONS: Record<number, string> = {
  400: 'Invalid input: `errors` lists each broken field.',
  401: 'Missing, invalid, expired or revoked bearer token.',
  403: 'Not allowed for the caller.',
  404: 'Not found.',
  408: 'The request line and headers did not arrive in time (answered before routing; the connection closes).',
  409: 'Conflicts with existing data.',
  413: 'Request body over 100 kB.',
  415: 'A body in a media type the operation does not read (JSON, and the OAuth2 form on login).',
  431: 'The request line and headers exceed 16 KiB (answered before routing; the connection closes).',
  429: 'Too many requests; see Retry-After.',
  503: 'The database is unavailable, or the server is shutting down; see Retry-After.',
};

/** Documents error statuses as application/problem+json. */
export function ApiProblems(...statuses: number[]) {
  return applyDecorators(
    ApiExtraModels(ProblemResponse, FieldErrorResponse),
    ...statuses.map((status) =>
      ApiResponse({
        status,
        description: DESCRIPTIONS[status] ?? STATUS_CODES[status],
        content: { [PROBLEM_CONTENT_TYPE]: { schema: { $ref: getSchemaPath(ProblemResponse) } } },
      }),
    ),
  );
}

/**
 * The errors any operation can answer, whatever its handler does: 400 for an
 * unknown or malformed query parameter (or a request that is not well-formed
 * HTTP), 401 for a bearer token that is sent but invalid (also where a token is
 * optional), 408 and 431 from the HTTP parser, 503 while the database is down,
 * and on the methods that carry a body 413 (over 100 kB) and 415 (not JSON).
 * Added to every operation of the document that does not list them already.
 */
export function addCommonProblems(document: OpenAPIObject): OpenAPIObject {
  const problem = (status: number, description = DESCRIPTIONS[status]) => ({
    description: description ?? STATUS_CODES[status] ?? String(status),
    content: { [PROBLEM_CONTENT_TYPE]: { schema: { $ref: getSchemaPath(ProblemResponse) } } },
  });

  for (const { path, method, operation } of operationsOf(document)) {
    const statuses = method === 'get' ? [400, 503] : [400, 413, 415, 503];
    for (const status of [...statuses, 401, 408, 431]) {
      // Operations open to anyone list no 401 of their own: a token is optional there.
      operation.responses[status] ??= problem(status, status === 401 ? PUBLIC_401 : undefined);
    }
    addProblemExamples(path, operation.responses);
  }
  return document;
}

const PUBLIC_401 =
  'A bearer token was sent but is invalid, expired or revoked (a token is optional here).';

/** Statuses the HTTP parser answers before routing: their problems carry no `instance`. */
const BEFORE_ROUTING = new Set([408, 431]);

/** Example details per status, in Agora's words where the status has one cause. */
const EXAMPLE_DETAILS: Record<number, Partial<ProblemResponse>> = {
  400: {
    detail: 'The request is invalid.',
    errors: [{ field: 'title', message: 'must be 1 to 200 characters long' }],
  },
  401: { detail: 'A valid bearer token is required.' },
  403: { detail: 'Only the author may change this post.' },
  404: { detail: 'Nothing with id 42 exists here.' },
  409: { detail: 'That username is taken.' },
  413: { detail: 'The request body is larger than the 100 kB limit.' },
  415: { detail: 'This content type is not supported; send application/json.' },
  408: { detail: 'The request did not arrive in time.' },
  431: { detail: 'The request line and headers are larger than the 16 KiB limit.' },
  429: { detail: 'Too many failed logins; try again later.', retryAfter: 60 },
  503: { detail: 'The database is unavailable. Try again shortly.', retryAfter: 5 },
};

/**
 * An example for each problem response of an operation, with its own status
 * and title (Swagger UI would otherwise show the schema's 400 example under
 * every status).
 */
function addProblemExamples(path: string, responses: OpenApiOperation['responses']): void {
  for (const [code, response] of Object.entries(responses)) {
    if (!response || '$ref' in response) continue;
    const media = response.content?.[PROBLEM_CONTENT_TYPE];
    if (!media || media.example !== undefined) continue;
    const status = Number(code);
    media.example = {
      type: 'about:blank',
      title: STATUS_CODES[status] ?? 'Error',
      status,
      detail: STATUS_CODES[status] ?? 'Error',
      ...EXAMPLE_DETAILS[status],
      ...(BEFORE_ROUTING.has(status) ? {} : { instance: path.replace(/\{[^}]+\}/g, '42') }),
      requestId: '3f0c8a52-6f1e-4a4b-9c61-0d5f3e2b7a19',
    };
  }
}
