import { Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiAuth } from '../common/auth/api-auth.decorator.js';
import { CurrentUser, type AuthUser } from '../common/auth/current-user.decorator.js';
import { Public } from '../common/auth/public.decorator.js';
import { ApiPageResponse, type Page } from '../common/paging/page.js';
import { PageQueryDto } from '../common/paging/page-query.dto.js';
import { ParseIdPipe } from '../common/parse-id.pipe.js';
import { ApiProblems } from '../common/problems/problem.response.js';
import { UserSummaryResponse } from '../users/user-summary.response.js';
import { VoteResponse } from './vote.response.js';
import { VotesService } from './votes.service.js';

@ApiTags('votes')
@Controller('posts/:id/votes')
export class VotesController {
  constructor(private readonly votes: VotesService) {}

  @Post()
  @ApiAuth()
  @ApiOperation({
    summary: 'Vote for a post',
    description: 'One vote per user per post; a second is a 409.',
  })
  @ApiCreatedResponse({ type: VoteResponse })
  @ApiProblems(400, 401, 404, 409)
  vote(@Param('id', ParseIdPipe) id: number, @CurrentUser() user: AuthUser): Promise<VoteResponse> {
    return this.votes.vote(id, user.id);
  }

  @Delete()
  @HttpCode(204)
  @ApiAuth()
  @ApiOperation({ summary: 'Take your vote back' })
  @ApiNoContentResponse({ description: 'Removed.' })
  @ApiProblems(400, 401, 404)
  unvote(@Param('id', ParseIdPipe) id: number, @CurrentUser() user: AuthUser): Promise<void> {
    return this.votes.unvote(id, user.id);
  }

  @Get()
  @Public()
  @ApiOperation({ summary: 'Who voted for a post', description: 'Newest vote first.' })
  @ApiPageResponse(UserSummaryResponse)
  @ApiProblems(400, 401, 404)
  voters(
    @Param('id', ParseIdPipe) id: number,
    @Query() query: PageQueryDto,
    @CurrentUser() viewer?: AuthUser,
  ): Promise<Page<UserSummaryResponse>> {
    return this.votes.voters(id, query, viewer?.id);
  }
}
