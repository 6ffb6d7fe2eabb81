import { Body, Delete, Get, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiParam,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
} from '@nestjs/swagger';
import { CurrentUser, type AuthUser } from '../common/auth/current-user.decorator.js';
import { MultipleArticlesResponse, SingleArticleResponse } from './article.response.js';
import { SLUG_PARAM } from './dto/articles-query.dto.js';
import { ConduitArticlesService } from './articles.service.js';
import { ApiConduitErrors } from './conduit-errors.response.js';
import {
  ConduitAuthOptional,
  ConduitAuthRequired,
  ConduitController,
} from './conduit.decorators.js';
import { ArticlesQueryDto, ConduitPageQueryDto } from './dto/articles-query.dto.js';
import { NewArticleDto, UpdateArticleDto } from './dto/article-body.dto.js';

/** RealWorld's articles and favourites: Agora's posts and votes (ConduitArticlesService). */
@ConduitController('articles')
export class ConduitArticlesController {
  constructor(private readonly articles: ConduitArticlesService) {}

  @Get()
  @ConduitAuthOptional()
  @ApiOperation({
    summary: 'List articles',
    description:
      'Published articles, newest first (your own drafts too, made through /api, with `author` set to you); list items have no `body`. `articlesCount` is /api’s `meta.total` for the same list.',
  })
  @ApiOkResponse({ type: MultipleArticlesResponse })
  list(
    @Query() query: ArticlesQueryDto,
    @CurrentUser() viewer?: AuthUser,
  ): Promise<MultipleArticlesResponse> {
    return this.articles.list(query, viewer?.id);
  }

  @Get('feed')
  @ConduitAuthRequired()
  @ApiOperation({
    summary: 'Your feed',
    description: 'Articles by the users you follow, newest first; no `body` in list items.',
  })
  @ApiOkResponse({ type: MultipleArticlesResponse })
  feed(
    @Query() query: ConduitPageQueryDto,
    @CurrentUser() user: AuthUser,
  ): Promise<MultipleArticlesResponse> {
    return this.articles.feed(query, user.id);
  }

  @Get(':slug')
  @ConduitAuthOptional()
  @ApiParam(SLUG_PARAM)
  @ApiOperation({ summary: 'An article', description: 'A draft is found only by its author.' })
  @ApiOkResponse({ type: SingleArticleResponse })
  @ApiConduitErrors(404)
  view(
    @Param('slug') slug: string,
    @CurrentUser() viewer?: AuthUser,
  ): Promise<SingleArticleResponse> {
    return this.articles.view(slug, viewer?.id);
  }

  @Post()
  @ConduitAuthRequired()
  @ApiOperation({
    summary: 'Write an article',
    description: 'Published at once; the slug comes from the title. Missing tags are created.',
  })
  @ApiCreatedResponse({ type: SingleArticleResponse })
  create(
    @Body() dto: NewArticleDto,
    @CurrentUser() user: AuthUser,
  ): Promise<SingleArticleResponse> {
    return this.articles.create(user.id, dto);
  }

  @Put(':slug')
  @ConduitAuthRequired()
  @ApiParam(SLUG_PARAM)
  @ApiOperation({
    summary: 'Change your article',
    description:
      'The fields sent: a new title gives a new slug; `tagList` replaces the tags (`[]` clears them, left out keeps them).',
  })
  @ApiOkResponse({ type: SingleArticleResponse })
  @ApiConduitErrors(403, 404)
  update(
    @Param('slug') slug: string,
    @Body() dto: UpdateArticleDto,
    @CurrentUser() user: AuthUser,
  ): Promise<SingleArticleResponse> {
    return this.articles.update(slug, user.id, dto);
  }

  @Delete(':slug')
  @HttpCode(204)
  @ConduitAuthRequired()
  @ApiParam(SLUG_PARAM)
  @ApiOperation({
    summary: 'Delete your article',
    description: 'Its favourites, comments and tag links go with it.',
  })
  @ApiNoContentResponse({ description: 'Deleted.' })
  @ApiConduitErrors(403, 404)
  delete(@Param('slug') slug: string, @CurrentUser() user: AuthUser): Promise<void> {
    return this.articles.delete(slug, user.id);
  }

  @Post(':slug/favorite')
  @HttpCode(200)
  @ConduitAuthRequired()
  @ApiParam(SLUG_PARAM)
  @ApiOperation({
    summary: 'Favourite an article',
    description: 'A vote, as /api’s; favouriting again changes nothing and answers the same.',
  })
  @ApiOkResponse({ type: SingleArticleResponse })
  @ApiConduitErrors(404)
  favorite(
    @Param('slug') slug: string,
    @CurrentUser() user: AuthUser,
  ): Promise<SingleArticleResponse> {
    return this.articles.favorite(slug, user.id);
  }

  @Delete(':slug/favorite')
  @HttpCode(200)
  @ConduitAuthRequired()
  @ApiParam(SLUG_PARAM)
  @ApiOperation({
    summary: 'Unfavourite an article',
    description: 'Takes your vote back, if there was one.',
  })
  @ApiOkResponse({ type: SingleArticleResponse })
  @ApiConduitErrors(404)
  unfavorite(
    @Param('slug') slug: string,
    @CurrentUser() user: AuthUser,
  ): Promise<SingleArticleResponse> {
    return this.articles.unfavorite(slug, user.id);
  }
}
