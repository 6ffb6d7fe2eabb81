import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { tokenFromHeader } from '../auth/jwt-auth.guard.js';

/** The access token the caller sent (the JWT guard has verified it), for `GET /user` to hand back. */
export const CallerToken = createParamDecorator(
  (_: unknown, context: ExecutionContext): string =>
    tokenFromHeader(context.switchToHttp().getRequest<FastifyRequest>()) ?? '',
);
