/**
 * OpenAPI schema fragments for values of one kind everywhere, with the bounds
 * that hold for them (so clients and linters can rely on them).
 */

/** The largest PostgreSQL `integer` (int4): every id and count column is one. */
export const INT4_MAX = 2_147_483_647;

/** An id: a positive int4 (`GENERATED ALWAYS AS IDENTITY` columns). */
export const ID_SCHEMA = {
  type: 'integer',
  format: 'int32',
  minimum: 1,
  maximum: INT4_MAX,
} as const;

/** A count: an int4 counter column or a `COUNT(*)::int`, so never past int4. */
export const COUNT_SCHEMA = {
  type: 'integer',
  format: 'int32',
  minimum: 0,
  maximum: INT4_MAX,
} as const;

/**
 * A timestamp as `Date#toISOString()` writes it: 24 characters
 * (`2025-01-01T00:00:00.000Z`), 27 for years past 9999.
 */
export const TIMESTAMP_SCHEMA = { type: 'string', format: 'date-time', maxLength: 30 } as const;

/** A username as stored (`users.username varchar(30)`). */
export const USERNAME_SCHEMA = { type: 'string', maxLength: 30, example: 'ada_l' } as const;

/** A tag name as stored (`ck_tags_name`): 1–30 of a-z, 0-9 and -. */
export const TAG_NAME_SCHEMA = {
  type: 'string',
  minLength: 1,
  maxLength: 30,
  pattern: '^[a-z0-9-]{1,30}$',
  example: 'math',
} as const;
