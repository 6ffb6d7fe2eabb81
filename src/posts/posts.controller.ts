import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { ApiAuth } from '../common/auth/api-auth.decorator.js';
import { CurrentUser, type AuthUser } from '../common/auth/current-user.decorator.js';
import { Public } from '../common/auth/public.decorator.js';
import { ApiPageResponse, type Page } from '../common/paging/page.js';
import { ParseIdPipe } from '../common/parse-id.pipe.js';
import { ApiProblems } from '../common/problems/problem.response.js';
import { CreatePostDto } from './dto/create-post.dto.js';
import { AuthorPostsQueryDto, FeedQueryDto, PostsQueryDto } from './dto/posts-query.dto.js';
import { UpdatePostDto } from './dto/update-post.dto.js';
import { PostResponse } from './post.response.js';
import { PostsService } from './posts.service.js';

@ApiTags('posts')
@Controller()
export class PostsController {
  constructor(private readonly posts: PostsService) {}

  @Get('posts')
  @Public()
  @ApiOperation({
    summary: 'List posts',
    description: 'Published posts; with `author` set to yourself, your drafts too.',
  })
  @ApiPageResponse(PostResponse)
  @ApiProblems(400, 401)
  list(
    @Query() query: PostsQueryDto,
    @CurrentUser() viewer?: AuthUser,
  ): Promise<Page<PostResponse>> {
    return this.posts.list(query, viewer?.id);
  }

  @Get('feed')
  @ApiAuth()
  @ApiOperation({
    summary: 'Your feed',
    description: 'Published posts of the users you follow, newest first.',
  })
  @ApiPageResponse(PostResponse)
  @ApiProblems(400, 401)
  feed(@Query() query: FeedQueryDto, @CurrentUser() user: AuthUser): Promise<Page<PostResponse>> {
    return this.posts.feed(query, user.id);
  }

  @Get('posts/:id')
  @Public()
  @ApiOperation({ summary: 'A post', description: 'A draft is found only by its author.' })
  @ApiOkResponse({ type: PostResponse })
  @ApiProblems(400, 401, 404)
  view(
    @Param('id', ParseIdPipe) id: number,
    @CurrentUser() viewer?: AuthUser,
  ): Promise<PostResponse> {
    return this.posts.view(id, viewer?.id);
  }

  @Post('posts')
  @ApiAuth()
  @ApiOperation({
    summary: 'Write a post',
    description:
      'Missing tags are created; the post and its tag links are written in one transaction.',
  })
  @ApiCreatedResponse({ type: PostResponse })
  @ApiProblems(400, 401)
  create(@CurrentUser() user: AuthUser, @Body() dto: CreatePostDto): Promise<PostResponse> {
    return this.posts.create(user.id, dto);
  }

  @Patch('posts/:id')
  @ApiAuth()
  @ApiOperation({ summary: 'Change your post', description: '`tags` replaces the whole set.' })
  @ApiOkResponse({ type: PostResponse })
  @ApiProblems(400, 401, 403, 404)
  update(
    @Param('id', ParseIdPipe) id: number,
    @CurrentUser() user: AuthUser,
    @Body() dto: UpdatePostDto,
  ): Promise<PostResponse> {
    return this.posts.update(id, user.id, dto);
  }

  @Delete('posts/:id')
  @HttpCode(204)
  @ApiAuth()
  @ApiOperation({
    summary: 'Delete your post',
    description: 'Its votes, comments and tag links go with it.',
  })
  @ApiNoContentResponse({ description: 'Deleted.' })
  @ApiProblems(400, 401, 403, 404)
  delete(@Param('id', ParseIdPipe) id: number, @CurrentUser() user: AuthUser): Promise<void> {
    return this.posts.delete(id, user.id);
  }

  @Get('users/:id/posts')
  @Public()
  @ApiOperation({ summary: "A user's posts", description: 'Your own list includes your drafts.' })
  @ApiPageResponse(PostResponse)
  @ApiProblems(400, 401, 404)
  listByAuthor(
    @Param('id', ParseIdPipe) id: number,
    @Query() query: AuthorPostsQueryDto,
    @CurrentUser() viewer?: AuthUser,
  ): Promise<Page<PostResponse>> {
    return this.posts.listByAuthor(id, query, viewer?.id);
  }
}
