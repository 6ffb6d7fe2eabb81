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
import { UserResponse } from '../users/user.response.js';
import { FollowsService } from './follows.service.js';

@ApiTags('follows')
@Controller('users/:id')
export class FollowsController {
  constructor(private readonly follows: FollowsService) {}

  @Post('follow')
  @ApiAuth()
  @ApiOperation({
    summary: 'Follow a user',
    description: 'Answers their view; following twice is a 409.',
  })
  @ApiCreatedResponse({ type: UserResponse })
  @ApiProblems(400, 401, 404, 409)
  follow(
    @Param('id', ParseIdPipe) id: number,
    @CurrentUser() user: AuthUser,
  ): Promise<UserResponse> {
    return this.follows.follow(user.id, id);
  }

  @Delete('follow')
  @HttpCode(204)
  @ApiAuth()
  @ApiOperation({ summary: 'Stop following a user' })
  @ApiNoContentResponse({ description: 'Unfollowed.' })
  @ApiProblems(400, 401, 404)
  unfollow(@Param('id', ParseIdPipe) id: number, @CurrentUser() user: AuthUser): Promise<void> {
    return this.follows.unfollow(user.id, id);
  }

  @Get('followers')
  @Public()
  @ApiOperation({ summary: "A user's followers", description: 'Newest follower first.' })
  @ApiPageResponse(UserSummaryResponse)
  @ApiProblems(400, 401, 404)
  followers(
    @Param('id', ParseIdPipe) id: number,
    @Query() query: PageQueryDto,
  ): Promise<Page<UserSummaryResponse>> {
    return this.follows.list('followers', id, query);
  }

  @Get('following')
  @Public()
  @ApiOperation({ summary: 'Whom a user follows', description: 'Newest follow first.' })
  @ApiPageResponse(UserSummaryResponse)
  @ApiProblems(400, 401, 404)
  following(
    @Param('id', ParseIdPipe) id: number,
    @Query() query: PageQueryDto,
  ): Promise<Page<UserSummaryResponse>> {
    return this.follows.list('following', id, query);
  }
}
