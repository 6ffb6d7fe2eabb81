import { Injectable, Logger } from '@nestjs/common';
import type { Logger as TypeOrmLogger } from 'typeorm';

/**
 * The TypeORM logger: counts every statement sent to PostgreSQL, so tests can
 * assert a request's query budget, and traces SQL at LOG_LEVEL=trace.
 */
@Injectable()
export class QueryCounter implements TypeOrmLogger {
  private readonly logger = new Logger('SQL');
  private count = 0;
  /** While a test captures: the text of each statement sent. */
  private captured: string[] | undefined;

  /** Statements sent since the process started. */
  get total(): number {
    return this.count;
  }

  /** Runs fn and returns the SQL text of every statement sent meanwhile (for tests). */
  async capture(fn: () => Promise<unknown>): Promise<string[]> {
    const captured: string[] = [];
    this.captured = captured;
    try {
      await fn();
    } finally {
      this.captured = undefined;
    }
    return captured;
  }

  logQuery(query: string): void {
    this.count += 1;
    this.captured?.push(query);
    this.logger.verbose?.(query);
  }

  logQueryError(): void {
    // Failed statements are counted by logQuery already; the exception filter reports them.
  }

  logQuerySlow(time: number, query: string): void {
    this.logger.warn(`slow query (${time} ms): ${query}`);
  }

  logSchemaBuild(message: string): void {
    this.logger.debug?.(message);
  }

  logMigration(message: string): void {
    this.logger.log(message);
  }

  log(level: 'log' | 'info' | 'warn', message: unknown): void {
    if (level === 'warn') this.logger.warn(String(message));
    else this.logger.debug?.(String(message));
  }
}
