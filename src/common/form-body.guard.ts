import {
  Injectable,
  SetMetadata,
  UnsupportedMediaTypeException,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';

const ACCEPTS_FORM = 'agora:acceptsForm';

/** The handler also takes an `application/x-www-form-urlencoded` body (the OAuth2 token request). */
export const AcceptsForm = (): MethodDecorator => SetMetadata(ACCEPTS_FORM, true);

/** Request bodies are JSON: a form body is a 415 except where a handler opts in with @AcceptsForm(). */
@Injectable()
export class FormBodyGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const type = request.headers['content-type'];
    if (!type?.toLowerCase().startsWith('application/x-www-form-urlencoded')) return true;
    if (this.reflector.get<boolean>(ACCEPTS_FORM, context.getHandler())) return true;
    throw new UnsupportedMediaTypeException('This operation takes a JSON body (application/json).');
  }
}
