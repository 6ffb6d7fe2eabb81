import { SetMetadata } from '@nestjs/common';

export const TOKEN_SCHEMES = 'agora:tokenSchemes';

/** The Authorization scheme every route reads a token from, unless it says otherwise. */
export const DEFAULT_TOKEN_SCHEMES = ['Bearer'] as const;

/**
 * The Authorization schemes whose credentials are the access token on these
 * routes (compared case-insensitively), in place of Bearer alone: the Conduit
 * face takes `Token <jwt>`, as RealWorld clients send it, and `Bearer <jwt>`.
 */
export const TokenSchemes = (...schemes: string[]): MethodDecorator & ClassDecorator =>
  SetMetadata(TOKEN_SCHEMES, schemes);
