import pg from 'pg';

export default async function globalTeardown(): Promise<void> {
  const database = globalThis.__agoraTestDatabase;
  if (database?.embedded) await database.embedded.stop();
  if (database?.external) {
    const client = new pg.Client({ connectionString: database.external.adminUrl });
    await client.connect();
    await client.query(`DROP DATABASE IF EXISTS "${database.external.name}" WITH (FORCE)`);
    await client.end();
  }
}
