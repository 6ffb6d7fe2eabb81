import { Body, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiParam,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
} from '@nestjs/swagger';
import { CurrentUser, type AuthUser } from '../common/auth/current-user.decorator.js';
import { ParseIdPipe } from '../common/parse-id.pipe.js';
import { ConduitArticlesService } from './articles.service.js';
import { MultipleCommentsResponse, SingleCommentResponse } from './comment.response.js';
import { ApiConduitErrors } from './conduit-errors.response.js';
import {
  ConduitAuthOptional,
  ConduitAuthRequired,
  ConduitController,
} from './conduit.decorators.js';
import { CommentsQueryDto, MAX_COMMENTS, SLUG_PARAM } from './dto/articles-query.dto.js';
import { NewCommentDto } from './dto/comment-body.dto.js';

/** RealWorld's comments: Agora's, flat (replies made through /api are listed too). */
@ConduitController('articles/:slug/comments')
export class ConduitArticleCommentsController {
  constructor(private readonly articles: ConduitArticlesService) {}

  @Get()
  @ConduitAuthOptional()
  @ApiParam(SLUG_PARAM)
  @ApiOperation({
    summary: "An article's comments",
    description: `Every comment, replies included, oldest first. A read costs its page: at most the first ${MAX_COMMENTS} (\`limit\` and \`offset\`, which Conduit clients do not send, page through longer threads).`,
  })
  @ApiOkResponse({ type: MultipleCommentsResponse })
  @ApiConduitErrors(404)
  list(
    @Param('slug') slug: string,
    @Query() query: CommentsQueryDto,
    @CurrentUser() viewer?: AuthUser,
  ): Promise<MultipleCommentsResponse> {
    return this.articles.listComments(slug, query, viewer?.id);
  }

  @Post()
  @ConduitAuthRequired()
  @ApiParam(SLUG_PARAM)
  @ApiOperation({ summary: 'Comment on an article' })
  @ApiCreatedResponse({ type: SingleCommentResponse })
  @ApiConduitErrors(404)
  create(
    @Param('slug') slug: string,
    @Body() dto: NewCommentDto,
    @CurrentUser() user: AuthUser,
  ): Promise<SingleCommentResponse> {
    return this.articles.addComment(slug, dto, user.id);
  }

  @Delete(':id')
  @HttpCode(204)
  @ConduitAuthRequired()
  @ApiParam(SLUG_PARAM)
  @ApiOperation({
    summary: 'Delete a comment',
    description:
      "By the comment's author (or the article's author, as in /api); replies made through /api go with it. A comment of another article is a 404.",
  })
  @ApiNoContentResponse({ description: 'Deleted.' })
  @ApiConduitErrors(403, 404)
  delete(
    @Param('slug') slug: string,
    @Param('id', ParseIdPipe) id: number,
    @CurrentUser() user: AuthUser,
  ): Promise<void> {
    return this.articles.deleteComment(slug, id, user.id);
  }
}
