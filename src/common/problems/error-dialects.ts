import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ProblemDetails } from './problem.js';

/**
 * Another error format, spoken under one path prefix (the Conduit face at
 * /conduit/api speaks RealWorld's `{ errors: { field: [message] } }`). Every
 * problem Agora sends goes through sendProblem, from the exception filter and
 * from the answers Fastify gives before Nest runs (routing errors, body and
 * text checks, shutdown); a dialect registered for the request's path gets
 * the problem (and the exception behind it, when there is one) and answers it
 * in its own words instead. Paths outside every prefix keep RFC 9457.
 */
export interface ErrorDialect {
  /** A path prefix without a trailing slash, e.g. `/conduit/api`. */
  readonly prefix: string;
  send(
    request: FastifyRequest,
    reply: FastifyReply,
    problem: ProblemDetails,
    headers: Record<string, string>,
    cause: unknown,
  ): void;
}

declare module 'fastify' {
  interface FastifyInstance {
    agoraErrorDialects?: ErrorDialect[];
  }
}

/**
 * Registers a dialect on the app's Fastify instance (a decoration: the
 * instances plugins encapsulate inherit it, so every request sees it).
 */
export function useErrorDialect(fastify: FastifyInstance, dialect: ErrorDialect): void {
  if (!fastify.hasDecorator('agoraErrorDialects')) fastify.decorate('agoraErrorDialects', []);
  fastify.agoraErrorDialects?.push(dialect);
}

/** The dialect the request's path is under, if any (read from the raw URL: routing may have failed). */
export function errorDialectOf(request: FastifyRequest): ErrorDialect | undefined {
  const dialects = request.server?.agoraErrorDialects;
  if (!dialects?.length) return undefined;
  const path = request.url.split('?')[0];
  return dialects.find((d) => path === d.prefix || path.startsWith(`${d.prefix}/`));
}
