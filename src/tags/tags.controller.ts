import { Controller, Delete, Get, HttpCode, Param, Put, Query } from '@nestjs/common';
import {
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
} from '@nestjs/swagger';
import { ApiAuth } from '../common/auth/api-auth.decorator.js';
import { CurrentUser, type AuthUser } from '../common/auth/current-user.decorator.js';
import { Public } from '../common/auth/public.decorator.js';
import { ApiPageResponse, type Page } from '../common/paging/page.js';
import { ParseIdPipe } from '../common/parse-id.pipe.js';
import { ApiProblems } from '../common/problems/problem.response.js';
import { PostResponse } from '../posts/post.response.js';
import { TagsQueryDto } from './dto/tags-query.dto.js';
import { ParseTagNamePipe } from './tag-name.js';
import { TagResponse } from './tag.response.js';
import { TagsService } from './tags.service.js';

const NAME_PARAM = {
  name: 'name',
  description: 'A tag name: 1–30 of a-z, 0-9 and - (trimmed and lowercased).',
  schema: { type: 'string', minLength: 1, maxLength: 30, example: 'math' },
} as const;

@ApiTags('tags')
@Controller()
export class TagsController {
  constructor(private readonly tags: TagsService) {}

  @Get('tags')
  @Public()
  @ApiOperation({
    summary: 'List tags',
    description: 'Tags of published posts, with their post counts.',
  })
  @ApiPageResponse(TagResponse)
  @ApiProblems(400, 401)
  list(@Query() query: TagsQueryDto): Promise<Page<TagResponse>> {
    return this.tags.list(query);
  }

  @Get('tags/:name')
  @Public()
  @ApiOperation({ summary: 'A tag', description: '404 when no published post carries it.' })
  @ApiParam(NAME_PARAM)
  @ApiOkResponse({ type: TagResponse })
  @ApiProblems(400, 401, 404)
  get(@Param('name', ParseTagNamePipe) name: string): Promise<TagResponse> {
    return this.tags.get(name);
  }

  @Put('posts/:id/tags/:name')
  @ApiAuth()
  @ApiOperation({
    summary: 'Tag your post',
    description: 'Idempotent; the tag is created if missing. A post has at most 10 tags.',
  })
  @ApiParam(NAME_PARAM)
  @ApiOkResponse({ type: PostResponse })
  @ApiProblems(400, 401, 403, 404)
  add(
    @Param('id', ParseIdPipe) id: number,
    @Param('name', ParseTagNamePipe) name: string,
    @CurrentUser() user: AuthUser,
  ): Promise<PostResponse> {
    return this.tags.addToPost(id, name, user.id);
  }

  @Delete('posts/:id/tags/:name')
  @HttpCode(204)
  @ApiAuth()
  @ApiOperation({ summary: 'Untag your post' })
  @ApiParam(NAME_PARAM)
  @ApiNoContentResponse({ description: 'Removed.' })
  @ApiProblems(400, 401, 403, 404)
  remove(
    @Param('id', ParseIdPipe) id: number,
    @Param('name', ParseTagNamePipe) name: string,
    @CurrentUser() user: AuthUser,
  ): Promise<void> {
    return this.tags.removeFromPost(id, name, user.id);
  }
}
