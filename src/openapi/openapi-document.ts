import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule, getSchemaPath, type OpenAPIObject } from '@nestjs/swagger';
import { STATUS_CODES } from 'node:http';
import { ID_SCHEMA } from '../common/api-schema.js';
import { PROBLEM_CONTENT_TYPE } from '../common/problems/problem.js';
import {
  PROBLEM_DESCRIPTIONS as DESCRIPTIONS,
  ProblemResponse,
} from '../common/problems/problem.response.js';
import {
  conduitCommonErrorStatuses,
  conduitErrorResponse,
} from '../conduit/conduit-errors.response.js';
import { CONDUIT_PATH } from '../conduit/conduit-prefix.js';
import { CONDUIT_SECURITY, CONDUIT_TAG } from '../conduit/conduit.decorators.js';
import { asOpenApi31 } from './openapi-3-1.js';
import { operationsOf, type OpenApiOperation } from './operations.js';

/**
 * The OpenAPI document: what Nest builds from the controllers' decorators,
 * then completed by passes over every operation (what the global pipeline
 * answers everywhere, how path ids and sorts are read). /docs-json serves it
 * and `npm run openapi:export` writes it to openapi.json.
 */

/** What the access tokens are, for the security schemes (see src/auth). */
const JWT_PRACTICES =
  'Access tokens follow RFC8725 (JSON Web Token Best Current Practices): signed and verified ' +
  'with HS256 only (the algorithm is pinned: `none` and any other `alg` are refused), with ' +
  '`exp` and `iat` required; they expire after `expiresIn` seconds (JWT_EXPIRES_IN, 1 hour by ' +
  'default) and are revoked by a password change or the account’s deletion. There are no ' +
  'refresh tokens: log in again.';

/**
 * The OpenAPI document of an app set up by configureApp: what /docs-json
 * serves, and what `npm run openapi:export` writes to openapi.json. Nest
 * builds OpenAPI 3.0; the last pass makes it 3.1 (see openapi-3-1.ts).
 */
export function openApiDocument(app: NestFastifyApplication): OpenAPIObject {
  const document = documentPathIds(
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
          {
            type: 'oauth2',
            description: `The OAuth2 password flow of \`POST /api/auth/login\`, which answers a bearer JWT. ${JWT_PRACTICES}`,
            flows: { password: { tokenUrl: '/api/auth/login', scopes: {} } },
          },
          'oauth2',
        )
        .addBearerAuth(
          {
            type: 'http',
            scheme: 'bearer',
            bearerFormat: 'JWT',
            description: `A JWT from \`POST /api/auth/login\`, sent as \`Authorization: Bearer <token>\`. ${JWT_PRACTICES}`,
          },
          'bearer',
        )
        .addApiKey(
          {
            type: 'apiKey',
            in: 'header',
            name: 'Authorization',
            description:
              'The Conduit face’s scheme: `Token <jwt>` in the Authorization header (type the word ' +
              '`Token`, a space and the JWT that `POST /conduit/api/users/login` answers). The same ' +
              `tokens as /api; \`Bearer <jwt>\` is accepted too. ${JWT_PRACTICES}`,
          },
          CONDUIT_SECURITY,
        )
        .addTag(
          CONDUIT_TAG,
          'The RealWorld (Conduit) API at /conduit/api, over the same data as /api: wrapped bodies ' +
            '(`{ user: {…} }`), `Authorization: Token <jwt>`, and errors as ' +
            '`{ errors: { field: [message] } }` with 422 for invalid input.',
        )
        .build(),
    ),
  );
  return asOpenApi31(addCommonProblems(documentSortParameters(document)));
}

/**
 * Documents every `{id}` path parameter as what ParseIdPipe, which reads them
 * all, accepts (Nest infers only the handler's `number`).
 */
export function documentPathIds(document: OpenAPIObject): OpenAPIObject {
  for (const { operation } of operationsOf(document)) {
    for (const parameter of operation.parameters ?? []) {
      if ('in' in parameter && parameter.in === 'path' && parameter.name === 'id') {
        parameter.schema = { ...ID_SCHEMA };
      }
    }
  }
  return document;
}

/**
 * `sort` as OpenAPI states a comma-separated list (`style: form, explode:
 * false`): an array of the enum the query DTO gives (`enum: sortValues(spec)`),
 * so Swagger UI offers the values to pick and clients serialise `-votes,title`.
 * Each field may appear once, so at most half the values.
 */
export function documentSortParameters(document: OpenAPIObject): OpenAPIObject {
  for (const { operation } of operationsOf(document)) {
    for (const parameter of operation.parameters ?? []) {
      if (!('in' in parameter) || parameter.in !== 'query' || parameter.name !== 'sort') continue;
      const schema = parameter.schema;
      if (!schema || '$ref' in schema || !Array.isArray(schema.enum)) continue;
      const values = schema.enum.map(String);
      parameter.style = 'form';
      parameter.explode = false;
      parameter.schema = {
        type: 'array',
        items: { type: 'string', enum: values },
        minItems: 1,
        maxItems: values.length / 2,
        default: String(schema.default).split(','),
        example: String(schema.example ?? schema.default).split(','),
      };
    }
  }
  return document;
}

/**
 * The errors any operation can answer, whatever its handler does: 400 for an
 * unknown or malformed query parameter (or a request that is not well-formed
 * HTTP), 401 for a bearer token that is sent but invalid (also where a token is
 * optional), 408 and 431 from the HTTP parser, 503 while the database is down,
 * and on the methods that carry a body 413 (over 100 kB), 415 (not JSON) and
 * 429 (the per-client write limit, src/rate-limits). Added to every operation
 * of the document that does not list them already.
 */
export function addCommonProblems(document: OpenAPIObject): OpenAPIObject {
  const problem = (status: number, description = DESCRIPTIONS[status]) => ({
    description: description ?? STATUS_CODES[status] ?? String(status),
    content: { [PROBLEM_CONTENT_TYPE]: { schema: { $ref: getSchemaPath(ProblemResponse) } } },
  });

  for (const { path, method, operation } of operationsOf(document)) {
    if (path.startsWith(`${CONDUIT_PATH}/`)) {
      addConduitErrors(method, operation);
      addProblemExamples(path, operation.responses);
      continue;
    }
    const statuses = method === 'get' ? [400, 503] : [400, 413, 415, 429, 503];
    for (const status of [...statuses, 401, 408, 431]) {
      // Operations open to anyone list no 401 of their own: a token is optional there.
      operation.responses[status] ??= problem(status, status === 401 ? PUBLIC_401 : undefined);
    }
    addProblemExamples(path, operation.responses);
  }
  return document;
}

/**
 * The Conduit face answers in its own format (conduit-errors.ts), except what
 * the HTTP parser refuses before any route: a request that is not HTTP/1.1
 * (400), too slow (408) or with headers too large (431) is answered as a problem.
 */
function addConduitErrors(method: string, operation: OpenApiOperation): void {
  for (const status of conduitCommonErrorStatuses(method)) {
    operation.responses[status] ??= conduitErrorResponse(status);
  }
  const beforeRouting: Record<number, string> = {
    400: 'The request is not well-formed HTTP/1.1',
    408: 'The request line and headers did not arrive in time',
    431: 'The request line and headers exceed 16 KiB',
  };
  for (const [status, why] of Object.entries(beforeRouting)) {
    operation.responses[status] ??= {
      description: `${why} (answered by the HTTP parser before routing, as an RFC 9457 problem; the connection closes).`,
      content: { [PROBLEM_CONTENT_TYPE]: { schema: { $ref: getSchemaPath(ProblemResponse) } } },
    };
  }
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
  429: { detail: 'Too many requests from this client. Try again later.', retryAfter: 10 },
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
