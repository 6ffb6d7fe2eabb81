import { applyDecorators } from '@nestjs/common';
import { plainToInstance, Transform } from 'class-transformer';
import {
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateBy,
  validateSync,
} from 'class-validator';

const toInt = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value.trim()) : value;

/** An integer variable within [min, max], given as decimal text. */
const IntSetting = (min: number, max: number): PropertyDecorator =>
  applyDecorators(Transform(toInt), IsInt(), Min(min), Max(max));

const emptyToUndefined = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' && value.trim() === '' ? undefined : value;

/** `900`, `15m`, `1h`, `7d`: a duration in seconds. */
export function parseDurationSeconds(value: string): number {
  const match = /^(\d+)([smhd]?)$/.exec(value);
  if (!match) throw new Error(`Invalid duration: ${value}`);
  const factor = { '': 1, s: 1, m: 60, h: 3600, d: 86_400 }[match[2]] ?? 1;
  return Number(match[1]) * factor;
}

/** Longest access-token lifetime: `expiresIn` is an int32 number of seconds. */
export const MAX_TOKEN_LIFETIME_SECONDS = 2_147_483_647;

/** A well-formed duration (the format is @Matches' to check) of 1 s to MAX_TOKEN_LIFETIME_SECONDS. */
const IsTokenLifetime = (): PropertyDecorator =>
  ValidateBy(
    {
      name: 'isTokenLifetime',
      validator: {
        validate: (value: unknown) => {
          if (typeof value !== 'string' || !/^\d+[smhd]?$/.test(value)) return true;
          const seconds = parseDurationSeconds(value);
          return seconds >= 1 && seconds <= MAX_TOKEN_LIFETIME_SECONDS;
        },
      },
    },
    { message: `must be 1 to ${MAX_TOKEN_LIFETIME_SECONDS} seconds long` },
  );

export const NODE_ENVS = ['development', 'production', 'test'] as const;
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** Every variable Agora reads, with its rules. `.env.example` documents each one. */
export class EnvironmentVariables {
  @IsIn(NODE_ENVS)
  NODE_ENV: (typeof NODE_ENVS)[number] = 'development';

  @IntSetting(0, 65535)
  PORT = 3000;

  @IsString()
  @MinLength(1)
  HOST = '0.0.0.0';

  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^postgres(ql)?:\/\/\S+$/, { message: 'must be a postgres:// connection URL' })
  DATABASE_URL?: string;

  @IntSetting(1024, 65535)
  EMBEDDED_DB_PORT = 54329;

  @IsString()
  @MinLength(1)
  EMBEDDED_DB_DIR = './.data/postgres';

  // Two at least: migrations hold one connection for their lock and use another.
  @IntSetting(2, 200)
  DB_POOL_SIZE = 10;

  @IntSetting(100, 600_000)
  DB_CONNECT_TIMEOUT_MS = 5000;

  @IntSetting(100, 600_000)
  DB_STATEMENT_TIMEOUT_MS = 5000;

  /**
   * `false`: the hot statements run unnamed (parsed per run), as a pooler in
   * transaction mode (PgBouncer `pool_mode=transaction`) needs: a named
   * statement lives in one server session, which the next transaction may not get.
   */
  @IsIn(['true', 'false'], { message: 'must be true or false' })
  DB_PREPARED_STATEMENTS: 'true' | 'false' = 'true';

  /** Node processes serving the port (node:cluster); 1 = one process, no cluster primary. */
  @IntSetting(1, 64)
  WORKERS = 1;

  /**
   * Streaming replicas of DATABASE_URL's server (comma-separated postgres:// URLs, same
   * database): lag-tolerant reads go there; empty = every statement on the primary.
   */
  @Matches(/^\s*(postgres(ql)?:\/\/[^\s,]+(\s*,\s*postgres(ql)?:\/\/[^\s,]+)*)?\s*$/, {
    message: 'must be a comma-separated list of postgres:// connection URLs',
  })
  DATABASE_REPLICA_URLS = '';

  /** How far behind the primary a replica may be and still serve reads of other users' data. */
  @IntSetting(100, 600_000)
  REPLICA_MAX_LAG_MS = 2000;

  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  @MinLength(32, { message: 'must be at least 32 characters' })
  @MaxLength(512)
  JWT_SECRET?: string;

  @Matches(/^\d+[smhd]?$/, {
    message: 'must be a number of seconds or a duration like 15m, 1h, 7d',
  })
  @IsTokenLifetime()
  JWT_EXPIRES_IN = '1h';

  @IsString()
  CORS_ORIGINS = '';

  @IsIn(LOG_LEVELS)
  LOG_LEVEL: (typeof LOG_LEVELS)[number] = 'info';

  /** Which peers may set X-Forwarded-For: false, true, loopback, or addresses/CIDRs. */
  @Matches(/^(false|true|loopback|[\d.:a-fA-F/]+(\s*,\s*[\d.:a-fA-F/]+)*)$/, {
    message: 'must be false, true, loopback, or a comma-separated list of proxy addresses',
  })
  TRUST_PROXY = 'false';

  @IntSetting(1, 1000)
  LOGIN_MAX_FAILURES = 5;

  @IntSetting(1, 10_000)
  LOGIN_MAX_FAILURES_PER_CLIENT = 20;

  @IntSetting(1, 86_400)
  LOGIN_WINDOW_SECONDS = 900;

  /** Writes (POST, PUT, PATCH, DELETE) one client may send per window; 0 turns the limit off. */
  @IntSetting(0, 10_000_000)
  WRITE_RATE_LIMIT = 30_000;

  @IntSetting(1, 3600)
  WRITE_RATE_LIMIT_WINDOW_SECONDS = 10;

  /** A Redis server where every Agora instance keeps the rate limits; unset = each in its own memory. */
  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^rediss?:\/\/\S+$/, { message: 'must be a redis:// or rediss:// URL' })
  REDIS_URL?: string;

  /** Prepended to every key Agora writes to Redis, so instances of other apps can share the server. */
  @Matches(/^[\w:.-]{1,64}$/, { message: 'must be 1 to 64 of letters, digits, _ : . -' })
  REDIS_KEY_PREFIX = 'agora:';
}

/**
 * Validates the raw environment. Throws one error naming every broken variable,
 * so a bad deployment stops at boot instead of failing on the first request.
 */
export function validateEnv(raw: Record<string, unknown>): EnvironmentVariables {
  const input: Record<string, unknown> = {};
  for (const key of Object.keys(new EnvironmentVariables())) {
    if (raw[key] !== undefined) input[key] = raw[key];
  }
  const env = plainToInstance(EnvironmentVariables, input);
  const errors = validateSync(env, { skipMissingProperties: false });
  if (errors.length > 0) {
    const lines = errors.map((e) => {
      const messages = Object.values(e.constraints ?? {}).map((m) =>
        m.startsWith(`${e.property} `) ? m.slice(e.property.length + 1) : m,
      );
      return `  ${e.property}: ${messages.join('; ')}`;
    });
    throw new Error(`Invalid environment configuration:\n${lines.join('\n')}`);
  }
  if (env.NODE_ENV === 'production' && !env.JWT_SECRET) {
    throw new Error(
      'Invalid environment configuration:\n  JWT_SECRET: is required in production (at least 32 characters)',
    );
  }
  return env;
}
