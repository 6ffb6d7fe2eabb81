import { Body, Controller, Delete, Get, HttpCode, Param, Put, Res } from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { ApiAuth } from '../common/auth/api-auth.decorator.js';
import { CurrentUser, type AuthUser } from '../common/auth/current-user.decorator.js';
import { Public } from '../common/auth/public.decorator.js';
import { ParseIdPipe } from '../common/parse-id.pipe.js';
import { ApiProblems } from '../common/problems/problem.response.js';
import { PutProfileDto } from './dto/put-profile.dto.js';
import { ProfileResponse } from './profile.response.js';
import { ProfilesService } from './profiles.service.js';

@ApiTags('profiles')
@Controller('users')
export class ProfilesController {
  constructor(private readonly profiles: ProfilesService) {}

  @Put('me/profile')
  @ApiAuth()
  @ApiOperation({
    summary: 'Create or replace your profile',
    description: 'A full replacement: a field left out becomes null.',
  })
  @ApiCreatedResponse({ type: ProfileResponse, description: 'Created.' })
  @ApiOkResponse({ type: ProfileResponse, description: 'Replaced.' })
  @ApiProblems(400, 401)
  async put(
    @CurrentUser() user: AuthUser,
    @Body() dto: PutProfileDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ProfileResponse> {
    const { profile, created } = await this.profiles.put(user.id, dto);
    void reply.status(created ? 201 : 200);
    return profile;
  }

  @Delete('me/profile')
  @HttpCode(204)
  @ApiAuth()
  @ApiOperation({ summary: 'Delete your profile' })
  @ApiNoContentResponse({ description: 'Deleted.' })
  @ApiProblems(401, 404)
  delete(@CurrentUser() user: AuthUser): Promise<void> {
    return this.profiles.delete(user.id);
  }

  @Get(':id/profile')
  @Public()
  @ApiOperation({ summary: "A user's profile" })
  @ApiOkResponse({ type: ProfileResponse })
  @ApiProblems(400, 401, 404)
  get(@Param('id', ParseIdPipe) id: number): Promise<ProfileResponse> {
    return this.profiles.get(id);
  }
}
