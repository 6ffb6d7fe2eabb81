import { registerAs } from '@nestjs/config';
import { validateEnv } from './env.validation.js';

export const appConfig = registerAs('app', () => {
  const env = validateEnv(process.env);
  return {
    nodeEnv: env.NODE_ENV,
    isProduction: env.NODE_ENV === 'production',
    port: env.PORT,
    host: env.HOST,
    logLevel: env.LOG_LEVEL,
    corsOrigins: env.CORS_ORIGINS.split(',')
      .map((o) => o.trim())
      .filter((o) => o.length > 0),
    trustProxy: parseTrustProxy(env.TRUST_PROXY),
  };
});

export type AppConfig = ReturnType<typeof appConfig>;

function parseTrustProxy(value: string): boolean | string | string[] {
  if (value === 'true') return true;
  if (value === 'false') return false;
  if (value === 'loopback') return 'loopback';
  return value.split(',').map((v) => v.trim());
}
