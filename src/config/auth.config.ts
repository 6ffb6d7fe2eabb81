import { Logger } from '@nestjs/common';
import { registerAs } from '@nestjs/config';
import { randomBytes } from 'node:crypto';
import { parseDurationSeconds, validateEnv } from './env.validation.js';

let generatedSecret: string | undefined;

/** A secret for this process only: tokens stop working on restart, which is fine for development. */
function developmentSecret(): string {
  if (!generatedSecret) {
    generatedSecret = randomBytes(48).toString('base64url');
    new Logger('Config').warn(
      'JWT_SECRET is not set: using a random secret for this process (tokens will not survive a restart). Set JWT_SECRET in production.',
    );
  }
  return generatedSecret;
}

export const authConfig = registerAs('auth', () => {
  const env = validateEnv(process.env);
  return {
    jwtSecret: env.JWT_SECRET ?? developmentSecret(),
    jwtExpiresInSeconds: parseDurationSeconds(env.JWT_EXPIRES_IN),
    /** Failed logins allowed per account, then per client, within the window. */
    loginMaxFailures: env.LOGIN_MAX_FAILURES,
    loginMaxFailuresPerClient: env.LOGIN_MAX_FAILURES_PER_CLIENT,
    loginWindowSeconds: env.LOGIN_WINDOW_SECONDS,
  };
});

export type AuthConfig = ReturnType<typeof authConfig>;
