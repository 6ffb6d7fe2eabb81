import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Public } from '../common/auth/public.decorator.js';
import { ApiProblems } from '../common/problems/problem.response.js';
import { StatsRepository } from './stats.repository.js';
import { StatsResponse } from './stats.response.js';

@ApiTags('stats')
@Controller('stats')
export class StatsController {
  constructor(private readonly stats: StatsRepository) {}

  @Get()
  @Public()
  @ApiOperation({
    summary: 'Totals and leaders',
    description: 'Over published posts only; one SQL statement.',
  })
  @ApiOkResponse({ type: StatsResponse })
  @ApiProblems(400, 401)
  async get(): Promise<StatsResponse> {
    return StatsResponse.from(await this.stats.compute());
  }
}
