import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { HealthController } from './health.controller.js';
import { RateLimitRedisHealth } from './rate-limit-redis.health.js';

// Terminus would log every failed check; a database outage is already answered (503) and logged elsewhere.
@Module({
  imports: [TerminusModule.forRoot({ logger: false })],
  controllers: [HealthController],
  providers: [RateLimitRedisHealth],
})
export class HealthModule {}
