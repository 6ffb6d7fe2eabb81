import { Controller, Get, HttpStatus } from '@nestjs/common';
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
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Public } from '../common/auth/public.decorator.js';
import { DATABASE_RETRY_AFTER_SECONDS } from '../common/problems/database-errors.js';
import { PROBLEM_CONTENT_TYPE, ProblemException, problem } from '../common/problems/problem.js';
import { ApiProblems, ProblemResponse } from '../common/problems/problem.response.js';
import { RateLimitStore } from '../rate-limits/rate-limit-store.js';

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
}

/** The 503 problem of the health check: `database` says why (absent while Agora shuts down). */
export class HealthProblemResponse extends ProblemResponse {
  @ApiPropertyOptional({ enum: ['down'] })
  database?: 'down';

  @ApiPropertyOptional({ enum: ['up', 'down'], description: 'Only with REDIS_URL.' })
  redis?: 'up' | 'down';
}

/** How long the check waits for the database before calling it down. */
const CHECK_TIMEOUT_MS = 2000;

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly rateLimits: RateLimitStore,
  ) {}

  @Get()
  @Public()
  @ApiOperation({
    summary: 'Liveness and database check',
    description: 'A 503 problem with `"database": "down"` while the database does not answer.',
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
    const redis = this.rateLimits.redisState();
    const extra = redis ? { redis } : {};
    if (await this.databaseAnswers()) return { status: 'ok', database: 'up', ...extra };
    throw new ProblemException(
      problem(HttpStatus.SERVICE_UNAVAILABLE, 'The database is unreachable.', {
        database: 'down',
        ...extra,
        retryAfter: DATABASE_RETRY_AFTER_SECONDS,
      }),
    );
  }

  private async databaseAnswers(): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), CHECK_TIMEOUT_MS);
    });
    const query = this.dataSource.query('SELECT 1').then(
      () => true,
      () => false,
    );
    try {
      return await Promise.race([query, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }
}
