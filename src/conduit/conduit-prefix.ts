import { RequestMethod } from '@nestjs/common';

/**
 * Where the Conduit face is mounted: beside `/api`, not under it. Its
 * controllers' paths start with it (ConduitController) and it is excluded
 * from the global `api` prefix (configureApp).
 */
export const CONDUIT_PREFIX = 'conduit/api';

/** The same as a URL path. */
export const CONDUIT_PATH = `/${CONDUIT_PREFIX}`;

/** The exclusion from `setGlobalPrefix('api')` that keeps the face at /conduit/api. */
export const CONDUIT_PREFIX_EXCLUSION = {
  path: `${CONDUIT_PREFIX}/{*rest}`,
  method: RequestMethod.ALL,
} as const;
