import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { ROUTE_ARGS_METADATA } from '@nestjs/common/constants.js';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum.js';
import type { FastifyRequest } from 'fastify';
import { ValidationProblemException } from './problems/problem.js';

/**
 * Unknown query parameters are a 400 everywhere. Handlers with a query DTO get
 * that from the ValidationPipe (forbidNonWhitelisted); this guard covers the
 * handlers that take no query at all, where nothing would look at it.
 */
@Injectable()
export class StrictQueryGuard implements CanActivate {
  private readonly takesQuery = new WeakMap<object, boolean>();

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const query = request.query as Record<string, unknown> | undefined;
    if (!query || Object.keys(query).length === 0) return true;
    if (this.handlerTakesQuery(context)) return true;
    throw new ValidationProblemException(
      Object.keys(query).map((field) => ({
        field,
        message: 'is not a parameter of this operation',
      })),
    );
  }

  private handlerTakesQuery(context: ExecutionContext): boolean {
    const handler = context.getHandler();
    let known = this.takesQuery.get(handler);
    if (known === undefined) {
      const args = (Reflect.getMetadata(ROUTE_ARGS_METADATA, context.getClass(), handler.name) ??
        {}) as Record<string, unknown>;
      known = Object.keys(args).some((key) => key.split(':')[0] === String(RouteParamtypes.QUERY));
      this.takesQuery.set(handler, known);
    }
    return known;
  }
}
