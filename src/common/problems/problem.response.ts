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
import { PROBLEM_CONTENT_TYPE } from './problem.js';

export class FieldErrorResponse {
  @ApiProperty({ example: 'email' })
  field!: string;

  @ApiProperty({ example: 'must be a valid email address' })
  message!: string;
}

/** RFC 9457 problem details, as every error is sent. */
export class ProblemResponse {
  @ApiProperty({ example: 'about:blank' })
  type!: string;

  @ApiProperty({ example: 'Bad Request' })
  title!: string;

  @ApiProperty({ type: 'integer', example: 400 })
  status!: number;

  @ApiProperty({ example: 'The request is invalid.' })
  detail!: string;

  @ApiPropertyOptional({ example: '/api/users' })
  instance?: string;

  @ApiPropertyOptional({ description: 'Quote it when reporting a problem.' })
  requestId?: string;

  @ApiPropertyOptional({ type: [FieldErrorResponse], description: 'One entry per invalid field.' })
  errors?: FieldErrorResponse[];

  @ApiPropertyOptional({ type: 'integer', description: 'Seconds to wait (429 and 503).' })
  retryAfter?: number;
}

const DESCRIPTIONS: Record<number, string> = {
  400: 'Invalid input: `errors` lists each broken field.',
  401: 'Missing, invalid, expired or revoked bearer token.',
  403: 'Not allowed for the caller.',
  404: 'Not found.',
  409: 'Conflicts with existing data.',
  413: 'Request body over 100 kB.',
  415: 'A body in a media type the operation does not read (JSON, and the OAuth2 form on login).',
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
 * unknown or malformed query parameter, 503 while the database is down, and on
 * the methods that carry a body 413 (over 100 kB) and 415 (not JSON). Added to
 * every operation of the document that does not list them already.
 */
export function addCommonProblems(document: OpenAPIObject): OpenAPIObject {
  const problem = (status: number) => ({
    description: DESCRIPTIONS[status] ?? STATUS_CODES[status] ?? String(status),
    content: { [PROBLEM_CONTENT_TYPE]: { schema: { $ref: getSchemaPath(ProblemResponse) } } },
  });
  for (const item of Object.values(document.paths)) {
    for (const method of ['get', 'post', 'put', 'patch', 'delete'] as const) {
      const operation = item[method];
      if (!operation) continue;
      const statuses = method === 'get' ? [400, 503] : [400, 413, 415, 503];
      for (const status of statuses) operation.responses[status] ??= problem(status);
    }
  }
  return document;
}
