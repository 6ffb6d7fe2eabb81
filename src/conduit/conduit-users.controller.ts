import { Body, Get, HttpCode, Post, Put, Res, UseGuards, UseInterceptors } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { LoginAttemptInterceptor } from '../auth/login-attempt.interceptor.js';
import { LoginNameIn, LoginThrottleGuard } from '../auth/login-throttle.guard.js';
import { CurrentUser, type AuthUser } from '../common/auth/current-user.decorator.js';
import { ApiConduitErrors } from './conduit-errors.response.js';
import { CallerToken } from './conduit-token.decorator.js';
import { ConduitUserResponse } from './conduit-user.response.js';
import { ConduitUsersService } from './conduit-users.service.js';
import { ConduitAuthRequired, ConduitController, ConduitOpen } from './conduit.decorators.js';
import {
  ConduitLoginDto,
  ConduitRegisterDto,
  ConduitUpdateUserDto,
} from './dto/conduit-user.dto.js';

@ConduitController('')
export class ConduitUsersController {
  constructor(private readonly users: ConduitUsersService) {}

  @Post('users')
  @ConduitOpen()
  @ApiOperation({
    summary: 'Register (Conduit)',
    description: 'The rules of `POST /api/users`; answers the new user with a token.',
  })
  @ApiCreatedResponse({ type: ConduitUserResponse })
  @ApiConduitErrors(409, 422)
  register(@Body() dto: ConduitRegisterDto): Promise<ConduitUserResponse> {
    return this.users.register(dto.user);
  }

  @Post('users/login')
  @HttpCode(200)
  @ConduitOpen()
  @LoginNameIn((body) => (body as { user?: { email?: unknown } } | undefined)?.user?.email)
  @UseGuards(LoginThrottleGuard)
  @UseInterceptors(LoginAttemptInterceptor)
  @ApiOperation({
    summary: 'Log in (Conduit)',
    description:
      'By email. Failed attempts count against the same limits as `POST /api/auth/login` (429 with Retry-After).',
  })
  @ApiOkResponse({ type: ConduitUserResponse })
  @ApiConduitErrors(401, 422, 429)
  async login(
    @Body() dto: ConduitLoginDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ConduitUserResponse> {
    void reply.header('Cache-Control', 'no-store');
    return this.users.login(dto.user);
  }

  @Get('user')
  @ConduitAuthRequired()
  @ApiOperation({ summary: 'The current user (Conduit)', description: 'With the token sent.' })
  @ApiOkResponse({ type: ConduitUserResponse })
  @ApiConduitErrors(401)
  current(
    @CurrentUser() user: AuthUser,
    @CallerToken() token: string,
  ): Promise<ConduitUserResponse> {
    return this.users.current(user.id, token);
  }

  @Put('user')
  @ConduitAuthRequired()
  @ApiOperation({
    summary: 'Update the current user (Conduit)',
    description:
      'Any of email, username, password (account) and bio, image (profile), in one transaction; ' +
      'a field left out is kept, `null` or `""` clears bio and image. No current password is asked ' +
      '(RealWorld’s contract); a new password revokes older tokens. The answer carries a token ' +
      'that works after the change.',
  })
  @ApiOkResponse({ type: ConduitUserResponse })
  @ApiConduitErrors(401, 409, 422)
  update(
    @CurrentUser() user: AuthUser,
    @Body() dto: ConduitUpdateUserDto,
  ): Promise<ConduitUserResponse> {
    return this.users.update(user.id, dto.user);
  }
}
