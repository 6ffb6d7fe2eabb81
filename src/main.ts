import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { AppModule } from './app.module.js';
import { configureApp, createAdapter } from './app.setup.js';
import { appConfig } from './config/app.config.js';

async function bootstrap(): Promise<void> {
  const config = appConfig();
  const app = await NestFactory.create<NestFastifyApplication>(AppModule, createAdapter(config), {
    bufferLogs: true,
  });
  await configureApp(app, config);
  await app.listen({ port: config.port, host: config.host });
  const url = `http://localhost:${config.port}`;
  app
    .getHttpAdapter()
    .getInstance()
    .log.info(`Agora is listening: API ${url}/api, Swagger UI ${url}/docs`);
}

bootstrap().catch((error: unknown) => {
  // A bad environment or an unreachable database: say why, without a stack trace for the former.
  const message = error instanceof Error ? error.message : String(error);
  console.error(message.startsWith('Invalid environment') ? message : error);
  process.exit(1);
});
