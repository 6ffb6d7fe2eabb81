import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { AppModule } from '../src/app.module.js';
import { configureApp, createAdapter } from '../src/app.setup.js';
import { openApiDocument } from '../src/openapi/openapi-document.js';
import { appConfig } from '../src/config/app.config.js';

/** The committed copy of the document (this file runs as dist/scripts/openapi-export.js). */
export const OPENAPI_FILE = fileURLToPath(new URL('../../openapi.json', import.meta.url));

/**
 * `npm run openapi:export`: writes the OpenAPI document /docs-json serves to
 * openapi.json. Nest's preview mode builds the module graph without
 * instantiating providers, so no database is needed (nor started).
 */
async function main(): Promise<void> {
  const config = appConfig();
  const app = await NestFactory.create<NestFastifyApplication>(AppModule, createAdapter(config), {
    preview: true,
    logger: false,
  });
  configureApp(app, config);
  const document = openApiDocument(app);
  await writeFile(OPENAPI_FILE, `${JSON.stringify(document, null, 2)}\n`);
  console.log(`wrote ${OPENAPI_FILE} (${Object.keys(document.paths).length} paths)`);
  await app.close();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
