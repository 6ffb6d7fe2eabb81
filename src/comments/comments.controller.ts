import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiAuth } from '../common/auth/api-auth.decorator.js';
import { CurrentUser, type AuthUser } from '../common/auth/current-user.decorator.js';
import { Public } from '../common/auth/public.decorator.js';
import { ApiPageResponse, type Page } from '../common/paging/page.js';
import { ParseIdPipe } from '../common/parse-id.pipe.js';
import { ApiProblems } from '../common/problems/problem.response.js';
import { CommentResponse } from './comment.response.js';
import { CommentsService } from './comments.service.js';
import { CommentsQueryDto } from './dto/comments-query.dto.js';
import { CreateCommentDto } from './dto/create-comment.dto.js';

@ApiTags('comments')
@Controller()
export class CommentsController {
  constructor(private readonly comments: CommentsService) {}

  @Get('posts/:id/comments')
  @Public()
  @ApiOperation({
    summary: "A post's comments",
    description: 'Top-level comments, or with `parentId` the direct replies of one; oldest first.',
  })
  @ApiPageResponse(CommentResponse)
  @ApiProblems(400, 401, 404)
  list(
    @Param('id', ParseIdPipe) id: number,
    @Query() query: CommentsQueryDto,
    @CurrentUser() viewer?: AuthUser,
  ): Promise<Page<CommentResponse>> {
    return this.comments.list(id, query, viewer?.id);
  }

  @Post('posts/:id/comments')
  @ApiAuth()
  @ApiOperation({
    summary: 'Comment on a post',
    description:
      'With `parentId`, a reply to a comment of the same post (another post’s is a 400).',
  })
  @ApiCreatedResponse({ type: CommentResponse })
  @ApiProblems(400, 401, 404)
  create(
    @Param('id', ParseIdPipe) id: number,
    @Body() dto: CreateCommentDto,
    @CurrentUser() user: AuthUser,
  ): Promise<CommentResponse> {
    return this.comments.create(id, dto, user.id);
  }

  @Delete('comments/:id')
  @HttpCode(204)
  @ApiAuth()
  @ApiOperation({
    summary: 'Delete a comment',
    description: "By the comment's author or the post's author; its replies go with it.",
  })
  @ApiNoContentResponse({ description: 'Deleted.' })
  @ApiProblems(400, 401, 403, 404)
  delete(@Param('id', ParseIdPipe) id: number, @CurrentUser() user: AuthUser): Promise<void> {
    return this.comments.delete(id, user.id);
  }
}
