import pg from 'pg';
import { DataSource } from 'typeorm';
import type { DatabaseConfig } from '../../src/config/database.config.js';
import { dataSourceOptions, runMigrations } from '../../src/database/data-source.js';
import { createDatabaseIfMissing } from '../../src/database/embedded-postgres.js';

/**
 * Makes the database at `url` ready for the seed: created when it does not
 * exist yet, then migrated exactly as the app does on start. Returns the
 * migrations it applied.
 */
export async function prepareDatabase(url: string, settings: DatabaseConfig): Promise<string[]> {
  if (!(await databaseExists(url))) {
    const target = new URL(url);
    const name = decodeURIComponent(target.pathname.slice(1));
    if (!name) throw new Error(`${url} names no database, and the default one does not exist`);
    target.pathname = '/postgres';
    await createDatabaseIfMissing(target.toString(), name);
  }
  const dataSource = await new DataSource(dataSourceOptions(settings, url)).initialize();
  try {
    return await runMigrations(dataSource);
  } finally {
    await dataSource.destroy();
  }
}

/** Connecting tells; only "does not exist" (3D000) is a no, anything else is an error. */
async function databaseExists(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url });
  try {
    await client.connect();
    return true;
  } catch (error) {
    if ((error as { code?: string }).code === '3D000') return false;
    throw error;
  } finally {
    await client.end().catch(() => undefined);
  }
}
