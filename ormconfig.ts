import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { databaseSettings } from './src/config/database.config.js';
import { validateEnv } from './src/config/env.validation.js';
import { dataSourceOptions, embeddedDatabaseUrl } from './src/database/data-source.js';

/**
 * The TypeORM CLI's data source (npm run migration:*), built from the same
 * definition as the app's. Without DATABASE_URL it targets the embedded server
 * that `npm start` runs.
 */
const db = databaseSettings(validateEnv(process.env));
export default new DataSource(dataSourceOptions(db, db.url ?? embeddedDatabaseUrl(db)));
