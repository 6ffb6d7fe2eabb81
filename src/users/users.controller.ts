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
import { CreateUserDto } from './dto/create-user.dto.js';
import { UpdateMeDto } from './dto/update-me.dto.js';
import { UsersQueryDto } from './dto/users-query.dto.js';
import { MeResponse, UserResponse } from './user.response.js';
import { UsersService } from './users.service.js';

@ApiTags('users')
@Controller('users')
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Post()
  @Public()
  @ApiOperation({ summary: 'Register' })
  @ApiCreatedResponse({ type: MeResponse })
  @ApiProblems(400, 409)
  register(@Body() dto: CreateUserDto): Promise<MeResponse> {
    return this.users.register(dto);
  }

  @Get('me')
  @ApiAuth()
  @ApiOperation({ summary: 'Your account' })
  @ApiOkResponse({ type: MeResponse })
  @ApiProblems(401)
  me(@CurrentUser() user: AuthUser): Promise<MeResponse> {
    return this.users.me(user.id);
  }

  @Patch('me')
  @ApiAuth()
  @ApiOperation({
    summary: 'Change your email, username or password',
    description:
      'Changing `email` or `password` needs `currentPassword`. A new password revokes every token issued before it.',
  })
  @ApiOkResponse({ type: MeResponse })
  @ApiProblems(400, 401, 403, 409)
  updateMe(@CurrentUser() user: AuthUser, @Body() dto: UpdateMeDto): Promise<MeResponse> {
    return this.users.updateMe(user.id, dto);
  }

  @Delete('me')
  @HttpCode(204)
  @ApiAuth()
  @ApiOperation({
    summary: 'Delete your account',
    description: 'Everything you own goes with it, and your tokens stop working.',
  })
  @ApiNoContentResponse({ description: 'Deleted.' })
  @ApiProblems(401)
  deleteMe(@CurrentUser() user: AuthUser): Promise<void> {
    return this.users.deleteMe(user.id);
  }

  @Get()
  @Public()
  @ApiOperation({ summary: 'List users' })
  @ApiPageResponse(UserResponse)
  @ApiProblems(400, 401)
  list(
    @Query() query: UsersQueryDto,
    @CurrentUser() viewer?: AuthUser,
  ): Promise<Page<UserResponse>> {
    return this.users.list(query, viewer?.id);
  }

  @Get(':id')
  @Public()
  @ApiOperation({ summary: 'A user' })
  @ApiOkResponse({ type: UserResponse })
  @ApiProblems(400, 401, 404)
  view(
    @Param('id', ParseIdPipe) id: number,
    @CurrentUser() viewer?: AuthUser,
  ): Promise<UserResponse> {
    return this.users.view(id, viewer?.id);
  }
}
