import { Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiParam } from '@nestjs/swagger';
import { CurrentUser, type AuthUser } from '../common/auth/current-user.decorator.js';
import { ApiConduitErrors } from './conduit-errors.response.js';
import { ConduitProfileResponse } from './conduit-profile.response.js';
import { ConduitProfilesService } from './conduit-profiles.service.js';
import {
  ConduitAuthOptional,
  ConduitAuthRequired,
  ConduitController,
} from './conduit.decorators.js';

const USERNAME_PARAM = {
  name: 'username',
  description: 'A username (matched case-insensitively).',
  schema: { type: 'string', maxLength: 100, example: 'ada_l' },
} as const;

@ConduitController('profiles/:username')
export class ConduitProfilesController {
  constructor(private readonly profiles: ConduitProfilesService) {}

  @Get()
  @ConduitAuthOptional()
  @ApiOperation({ summary: 'A profile (Conduit)' })
  @ApiParam(USERNAME_PARAM)
  @ApiOkResponse({ type: ConduitProfileResponse })
  @ApiConduitErrors(404)
  get(
    @Param('username') username: string,
    @CurrentUser() viewer?: AuthUser,
  ): Promise<ConduitProfileResponse> {
    return this.profiles.get(username, viewer?.id);
  }

  @Post('follow')
  @HttpCode(200)
  @ConduitAuthRequired()
  @ApiOperation({
    summary: 'Follow a user (Conduit)',
    description: 'Following again changes nothing. Following yourself is a 422.',
  })
  @ApiParam(USERNAME_PARAM)
  @ApiOkResponse({ type: ConduitProfileResponse })
  @ApiConduitErrors(404)
  follow(
    @Param('username') username: string,
    @CurrentUser() user: AuthUser,
  ): Promise<ConduitProfileResponse> {
    return this.profiles.follow(username, user.id);
  }

  @Delete('follow')
  @ConduitAuthRequired()
  @ApiOperation({
    summary: 'Stop following a user (Conduit)',
    description: 'When not following, changes nothing.',
  })
  @ApiParam(USERNAME_PARAM)
  @ApiOkResponse({ type: ConduitProfileResponse })
  @ApiConduitErrors(404)
  unfollow(
    @Param('username') username: string,
    @CurrentUser() user: AuthUser,
  ): Promise<ConduitProfileResponse> {
    return this.profiles.unfollow(username, user.id);
  }
}
