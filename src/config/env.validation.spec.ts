import { describe, expect, it } from '@jest/globals';
import { parseDurationSeconds, validateEnv } from './env.validation.js';

describe('validateEnv', () => {
  it('applies defaults to an empty environment outside production', () => {
    const env = validateEnv({});
    expect(env.PORT).toBe(3000);
    expect(env.NODE_ENV).toBe('development');
    expect(env.DATABASE_URL).toBeUndefined();
    expect(env.EMBEDDED_DB_PORT).toBe(54329);
    expect(env.DB_POOL_SIZE).toBe(10);
    expect(env.DB_STATEMENT_TIMEOUT_MS).toBe(5000);
    expect(env.JWT_SECRET).toBeUndefined();
  });

  it('converts numeric strings', () => {
    expect(validateEnv({ PORT: '8080', DB_POOL_SIZE: '4' })).toMatchObject({
      PORT: 8080,
      DB_POOL_SIZE: 4,
    });
  });

  it('names every invalid variable in one error', () => {
    expect(() =>
      validateEnv({
        PORT: 'eighty',
        DATABASE_URL: 'mysql://x',
        LOG_LEVEL: 'loud',
        DB_POOL_SIZE: '1',
      }),
    ).toThrow(/PORT[\s\S]*DATABASE_URL[\s\S]*DB_POOL_SIZE[\s\S]*LOG_LEVEL|PORT/);
    try {
      validateEnv({
        PORT: 'eighty',
        DATABASE_URL: 'mysql://x',
        LOG_LEVEL: 'loud',
        DB_POOL_SIZE: '1',
      });
    } catch (error) {
      const message = (error as Error).message;
      for (const name of ['PORT', 'DATABASE_URL', 'LOG_LEVEL', 'DB_POOL_SIZE'])
        expect(message).toContain(name);
    }
  });

  it('rejects a short JWT_SECRET, and a missing one in production', () => {
    expect(() => validateEnv({ JWT_SECRET: 'short' })).toThrow(
      /JWT_SECRET: must be at least 32 characters/,
    );
    expect(() => validateEnv({ NODE_ENV: 'production' })).toThrow(
      /JWT_SECRET: is required in production/,
    );
    expect(
      validateEnv({ NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(32) }).JWT_SECRET,
    ).toHaveLength(32);
  });

  it('accepts TRUST_PROXY keywords and address lists, and nothing else', () => {
    for (const value of ['false', 'true', 'loopback', '10.0.0.1', '10.0.0.0/8, 192.168.1.1']) {
      expect(validateEnv({ TRUST_PROXY: value }).TRUST_PROXY).toBe(value);
    }
    expect(() => validateEnv({ TRUST_PROXY: 'everyone' })).toThrow(/TRUST_PROXY/);
  });

  it('reads DATABASE_REPLICA_URLS as a comma-separated list of postgres URLs', () => {
    expect(validateEnv({}).DATABASE_REPLICA_URLS).toBe('');
    expect(
      validateEnv({ DATABASE_REPLICA_URLS: 'postgres://a@h1/db, postgresql://b@h2:5433/db' })
        .DATABASE_REPLICA_URLS,
    ).toBe('postgres://a@h1/db, postgresql://b@h2:5433/db');
    for (const bad of ['mysql://h/db', 'postgres://h/db,', 'postgres://h/db,,postgres://i/db']) {
      expect(() => validateEnv({ DATABASE_REPLICA_URLS: bad })).toThrow(/DATABASE_REPLICA_URLS/);
    }
    expect(validateEnv({}).REPLICA_MAX_LAG_MS).toBe(2000);
    expect(() => validateEnv({ REPLICA_MAX_LAG_MS: '10' })).toThrow(/REPLICA_MAX_LAG_MS/);
  });

  it('validates JWT_EXPIRES_IN as a duration', () => {
    expect(() => validateEnv({ JWT_EXPIRES_IN: 'soon' })).toThrow(/JWT_EXPIRES_IN/);
    expect(parseDurationSeconds('90')).toBe(90);
    expect(parseDurationSeconds('15m')).toBe(900);
    expect(parseDurationSeconds('1h')).toBe(3600);
    expect(parseDurationSeconds('7d')).toBe(604_800);
  });

  it('keeps JWT_EXPIRES_IN between 1 second and the largest int32 of seconds', () => {
    expect(() => validateEnv({ JWT_EXPIRES_IN: '0' })).toThrow(/JWT_EXPIRES_IN: must be 1 to/);
    expect(() => validateEnv({ JWT_EXPIRES_IN: '24856d' })).toThrow(/JWT_EXPIRES_IN/);
    expect(validateEnv({ JWT_EXPIRES_IN: '2147483647' }).JWT_EXPIRES_IN).toBe('2147483647');
    expect(validateEnv({ JWT_EXPIRES_IN: '24855d' }).JWT_EXPIRES_IN).toBe('24855d');
  });
});

describe('.env.example', () => {
  it('takes WORKERS from 1 to 64, 1 by default', () => {
    expect(validateEnv({}).WORKERS).toBe(1);
    expect(validateEnv({ WORKERS: '4' }).WORKERS).toBe(4);
    for (const value of ['0', '65', 'two', '1.5']) {
      expect(() => validateEnv({ WORKERS: value })).toThrow(/WORKERS/);
    }
  });

  it('takes DB_PREPARED_STATEMENTS as true or false, true by default', () => {
    expect(validateEnv({}).DB_PREPARED_STATEMENTS).toBe('true');
    expect(validateEnv({ DB_PREPARED_STATEMENTS: 'false' }).DB_PREPARED_STATEMENTS).toBe('false');
    expect(() => validateEnv({ DB_PREPARED_STATEMENTS: 'no' })).toThrow(
      /DB_PREPARED_STATEMENTS: must be true or false/,
    );
  });

  it('documents exactly the variables Agora reads, each with a comment', async () => {
    const { readFile } = await import('node:fs/promises');
    const text = await readFile(new URL('../../.env.example', import.meta.url), 'utf8');
    const lines = text.split('\n');
    const documented = lines.filter((l) => /^[A-Z_]+=/.test(l)).map((l) => l.split('=')[0]);
    const { EnvironmentVariables } = await import('./env.validation.js');
    expect(documented.sort()).toEqual(Object.keys(new EnvironmentVariables()).sort());
    for (const name of documented) {
      const index = lines.findIndex((l) => l.startsWith(`${name}=`));
      const above = lines
        .slice(0, index)
        .reverse()
        .find((l) => !/^[A-Z_]+=/.test(l));
      expect(above?.startsWith('#')).toBe(true);
    }
  });
});
