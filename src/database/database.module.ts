import {
  Global,
  Inject,
  Injectable,
  Logger,
  Module,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { databaseConfig, type DatabaseConfig } from '../config/database.config.js';
import { rateLimitConfig, type RateLimitConfig } from '../config/rate-limit.config.js';
import { dataSourceOptions, runMigrations } from './data-source.js';
import { EmbeddedDatabase } from './embedded-postgres.js';
import { runUnnamed } from './prepared.js';
import { QueryCounter } from './query-counter.js';
import { ReadRouting, ReadRoutingInterceptor } from './read-routing.js';
import { ReplicaSet } from './replica-set.js';
import { WritePositions } from './write-positions.js';

export const DATABASE_SERVER = Symbol('DATABASE_SERVER');

/** Where the database is: an external server (DATABASE_URL) or one Agora started. */
export interface DatabaseServer {
  url: string;
  stop(): Promise<void>;
}

@Global()
@Module({
  providers: [
    QueryCounter,
    {
      provide: DATABASE_SERVER,
      inject: [databaseConfig.KEY],
      useFactory: async (db: DatabaseConfig): Promise<DatabaseServer> => {
        if (db.url) return { url: db.url, stop: () => Promise.resolve() };
        return EmbeddedDatabase.start({
          dataDir: db.embedded.dataDir,
          port: db.embedded.port,
          persistent: true,
          database: 'agora',
        });
      },
    },
  ],
  exports: [DATABASE_SERVER, QueryCounter],
})
class DatabaseServerModule implements OnApplicationShutdown {
  constructor(
    @Inject(DATABASE_SERVER) private readonly server: DatabaseServer,
    private readonly moduleRef: ModuleRef,
  ) {}

  /** Close the pool first, then the server it talks to. */
  async onApplicationShutdown(): Promise<void> {
    const dataSource = this.moduleRef.get(DataSource, { strict: false });
    if (dataSource.isInitialized) await dataSource.destroy();
    await this.server.stop();
  }
}

/** DB_PREPARED_STATEMENTS=false: the app's data source runs every statement unnamed. */
@Injectable()
class StatementNaming {
  constructor(@Inject(databaseConfig.KEY) db: DatabaseConfig, dataSource: DataSource) {
    if (!db.preparedStatements) runUnnamed(dataSource);
  }
}

/**
 * The read replicas (DATABASE_REPLICA_URLS), their monitor, users' write
 * positions, and ReadRouting, through which repositories' lag-tolerant reads
 * find their data source. Inert without replicas.
 */
@Global()
@Module({
  providers: [
    {
      provide: ReplicaSet,
      inject: [databaseConfig.KEY, DATABASE_SERVER, QueryCounter],
      useFactory: async (db: DatabaseConfig, server: DatabaseServer, counter: QueryCounter) => {
        const replicas = new ReplicaSet(db, server.url, counter);
        await replicas.start();
        return replicas;
      },
    },
    {
      provide: WritePositions,
      inject: [databaseConfig.KEY, rateLimitConfig.KEY],
      useFactory: (db: DatabaseConfig, limits: RateLimitConfig) =>
        new WritePositions(
          // Past the lag bound any replica still in use has replayed the write anyway.
          db.replicaMaxLagMs + 3000,
          db.replicaUrls.length > 0 && limits.redisUrl
            ? { url: limits.redisUrl, keyPrefix: limits.redisKeyPrefix }
            : undefined,
        ),
    },
    ReadRouting,
    ReadRoutingInterceptor,
  ],
  exports: [ReplicaSet, WritePositions, ReadRouting, ReadRoutingInterceptor],
})
class ReadRoutingModule implements OnApplicationShutdown {
  constructor(
    private readonly replicas: ReplicaSet,
    private readonly positions: WritePositions,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    this.positions.close();
    await this.replicas.stop();
  }
}

@Module({
  providers: [StatementNaming],
  imports: [
    DatabaseServerModule,
    ReadRoutingModule,
    TypeOrmModule.forRootAsync({
      imports: [DatabaseServerModule],
      inject: [databaseConfig.KEY, DATABASE_SERVER, QueryCounter],
      useFactory: (db: DatabaseConfig, server: DatabaseServer, counter: QueryCounter) =>
        dataSourceOptions(db, server.url, counter),
      dataSourceFactory: async (options) => {
        if (!options) throw new Error('No data source options');
        const dataSource = await new DataSource(options).initialize();
        const applied = await runMigrations(dataSource);
        if (applied.length > 0) new Logger('Migrations').log(`Applied ${applied.join(', ')}`);
        return dataSource;
      },
    }),
  ],
})
export class DatabaseModule {}
