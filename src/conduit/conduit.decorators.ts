import { Controller, applyDecorators } from '@nestjs/common';
import { ApiSecurity, ApiTags } from '@nestjs/swagger';
import { Public } from '../common/auth/public.decorator.js';
import { TokenSchemes } from '../common/auth/token-schemes.decorator.js';
import { CONDUIT_PREFIX } from './conduit-prefix.js';

/** The Conduit face's tag and security scheme in the OpenAPI document. */
export const CONDUIT_TAG = 'Conduit';
export const CONDUIT_SECURITY = 'token';

/**
 * A controller of the Conduit face: its path is under /conduit/api (beside
 * /api: configureApp keeps the global prefix off it), it reads `Authorization: Token <jwt>` as well as
 * Bearer, and its operations sit under the Conduit tag.
 */
export const ConduitController = (path: string) =>
  applyDecorators(
    Controller(path ? `${CONDUIT_PREFIX}/${path}` : CONDUIT_PREFIX),
    TokenSchemes('Token', 'Bearer'),
    ApiTags(CONDUIT_TAG),
  );

/** The operation needs a token (the default: the global JWT guard denies without one). */
export const ConduitAuthRequired = () => ApiSecurity(CONDUIT_SECURITY);

/** A token is optional and only personalises the answer (`following`, `favorited`); one sent must be valid. */
export const ConduitAuthOptional = () =>
  applyDecorators(Public(), ApiSecurity(CONDUIT_SECURITY), ApiSecurity({}));

/**
 * Anyone, and no token is read (registering, logging in): a client that still
 * sends an expired token is not refused the way to a new one.
 */
export const ConduitOpen = () => applyDecorators(Public(), TokenSchemes());
