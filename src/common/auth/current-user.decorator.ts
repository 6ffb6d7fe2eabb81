import { createParamDecorator, type ExecutionContext } from '@nestjs/common';

/** The authenticated caller, as the JWT guard resolved it. */
export interface AuthUser {
  id: number;
}

/** The caller, or undefined on a public route called anonymously. */
export const CurrentUser = createParamDecorator(
  (_: unknown, context: ExecutionContext): AuthUser | undefined =>
    context.switchToHttp().getRequest<{ user?: AuthUser }>().user,
);
