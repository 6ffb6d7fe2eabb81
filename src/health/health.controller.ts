import { Controller, Get, HttpStatus, ServiceUnavailableException } from '@nestjs/common';
import {
  ApiExtraModels,
  ApiOkResponse,
  ApiOperation,
  ApiProperty,
  ApiPropertyOptional,
  ApiResponse,
  ApiTags,
  getSchemaPath,
} from '@nestjs/swagger';
import {
  HealthCheckService,
  TypeOrmHealthIndicator,
  type HealthCheckResult,
  type HealthIndicatorFunction,
} from '@nestjs/terminus';
import cluster from 'node:cluster';
import { Public } from '../common/auth/public.decorator.js';
import { DATABASE_RETRY_AFTER_SECONDS } from '../common/problems/database-errors.js';
import { PROBLEM_CONTENT_TYPE, ProblemException, problem } from '../common/problems/problem.js';
import { ApiProblems, ProblemResponse } from '../common/problems/problem.response.js';
import { ReplicaSet, type ReplicaState } from '../database/replica-set.js';
import { RateLimitRedisHealth } from './rate-limit-redis.health.js';

/** One read replica (DATABASE_REPLICA_URLS) as this instance's monitor last saw it. */
export class ReplicaHealthResponse {
  @ApiProperty({
    type: 'integer',
    format: 'int32',
    description: '1-based position in DATABASE_REPLICA_URLS (the URL itself is not shown).',
    minimum: 1,
    maximum: 1000,
  })
  replica!: number;

  @ApiProperty({
    enum: ['up', 'lagging', 'down'],
    description:
      '`up`: serves reads; `lagging`: further behind the primary than REPLICA_MAX_LAG_MS (or its last ' +
      'read failed), reads go to the primary until it catches up; `down`: does not answer.',
  })
  state!: ReplicaState;

  @ApiProperty({
    type: 'integer',
    format: 'int32',
    nullable: true,
    minimum: 0,
    maximum: 2_147_483_647,
    description: 'How far behind the primary it is, in milliseconds (null while down).',
  })
  lagMs!: number | null;
}

export class HealthResponse {
  @ApiProperty({ enum: ['ok'] })
  status!: 'ok';

  @ApiProperty({ enum: ['up'] })
  database!: 'up';

  @ApiPropertyOptional({
    enum: ['up', 'down'],
    description:
      'Only with REDIS_URL. `down`: requests are still served, but each instance counts the rate limits in its own memory.',
  })
  redis?: 'up' | 'down';

  @ApiPropertyOptional({
    type: 'integer',
    format: 'int32',
    minimum: 1,
    maximum: 2_147_483_647,
    description:
      "Only with WORKERS > 1: which worker process answered (node:cluster's id: 1 to WORKERS " +
      'at start, a replacement takes the next number).',
  })
  worker?: number;

  @ApiPropertyOptional({
    type: [ReplicaHealthResponse],
    maxItems: 1000,
    description:
      'Only with DATABASE_REPLICA_URLS. A replica that is down or lagging never makes this a 503: ' +
      'its reads go to the primary.',
  })
  replicas?: ReplicaHealthResponse[];
}

export class LivenessResponse {
  @ApiProperty({ enum: ['ok'] })
  status!: 'ok';
}

/** The 503 problem of the health check: `database` says why (absent while Agora shuts down). */
export class HealthProblemResponse extends ProblemResponse {
  @ApiPropertyOptional({ enum: ['down'] })
  database?: 'down';

  @ApiPropertyOptional({ enum: ['up', 'down'], description: 'Only with REDIS_URL.' })
  redis?: 'up' | 'down';

  @ApiPropertyOptional({
    type: [ReplicaHealthResponse],
    maxItems: 1000,
    description: 'Only with DATABASE_REPLICA_URLS.',
  })
  replicas?: ReplicaHealthResponse[];
}

/** The worker's id under node:cluster (WORKERS > 1); nothing for a single process. */
function workerField(): { worker?: number } {
  return cluster.isWorker && cluster.worker ? { worker: cluster.worker.id } : {};
}

/** How long the check waits for the database before calling it down. */
const CHECK_TIMEOUT_MS = 2000;

/**
 * Readiness and liveness, checked by @nestjs/terminus and answered in Agora's
 * own shape (API.md): terminus's `{ status, info, error, details }` becomes
 * `{ status, database, redis? }`, and its 503 a problem document.
 */
@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly database: TypeOrmHealthIndicator,
    private readonly redis: RateLimitRedisHealth,
    private readonly replicaSet: ReplicaSet,
  ) {}

  @Get()
  @Public()
  @ApiOperation({
    summary: 'Readiness: can this instance serve requests?',
    description:
      'Checks the database (and Redis with REDIS_URL). A 503 problem with `"database": "down"` ' +
      'while the database does not answer: take the instance out of rotation, it recovers by itself. ' +
      'Redis not answering is `"redis": "down"` with a 200: requests are still served, and each ' +
      'instance counts the rate limits in its own memory until Redis is back.',
  })
  @ApiOkResponse({ type: HealthResponse })
  @ApiProblems(400, 401)
  @ApiExtraModels(HealthProblemResponse)
  @ApiResponse({
    status: 503,
    description: 'The database does not answer, or Agora is shutting down; see Retry-After.',
    content: {
      [PROBLEM_CONTENT_TYPE]: { schema: { $ref: getSchemaPath(HealthProblemResponse) } },
    },
  })
  async check(): Promise<HealthResponse> {
    const checks: HealthIndicatorFunction[] = [
      () => this.database.pingCheck('database', { timeout: CHECK_TIMEOUT_MS }),
    ];
    if (this.redis.configured()) checks.push(() => this.redis.check('redis'));
    const result = await this.health.check(checks).catch((error: unknown) => {
      // Terminus answers a failed check with a 503 carrying the whole result.
      if (error instanceof ServiceUnavailableException) {
        return error.getResponse() as HealthCheckResult;
      }
      throw error;
    });
    const extra = {
      ...(result.details.redis
        ? { redis: result.details.redis.status === 'up' ? ('up' as const) : ('down' as const) }
        : {}),
      ...(this.replicaSet.enabled ? { replicas: this.replicaSet.health() } : {}),
    };
    if (result.details.database?.status === 'up') {
      return { status: 'ok', database: 'up', ...extra, ...workerField() };
    }
    throw new ProblemException(
      problem(HttpStatus.SERVICE_UNAVAILABLE, 'The database is unreachable.', {
        database: 'down',
        ...extra,
        retryAfter: DATABASE_RETRY_AFTER_SECONDS,
      }),
    );
  }

  @Get('live')
  @Public()
  @ApiOperation({
    summary: 'Liveness: is the process responsive?',
    description:
      'Always 200 while the process can answer HTTP; it checks no dependency, so a database ' +
      'outage never makes an orchestrator restart instances that will recover by themselves.',
  })
  @ApiOkResponse({ type: LivenessResponse })
  @ApiProblems(400, 401)
  live(): LivenessResponse {
    return { status: 'ok' };
  }
}
