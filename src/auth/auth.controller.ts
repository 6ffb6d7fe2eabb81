import {
  Body,
  Controller,
  HttpCode,
  Post,
  Req,
  Res,
  UseGuards,
  UseInterceptors,
} from '@nestjs/common';
import {
  ApiBody,
  ApiConsumes,
  ApiExtraModels,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  getSchemaPath,
} from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Public } from '../common/auth/public.decorator.js';
import { AcceptsForm } from '../common/form-body.guard.js';
import { ApiProblems } from '../common/problems/problem.response.js';
import { AuthService } from './auth.service.js';
import { LoginDto } from './dto/login.dto.js';
import { LoginAttemptInterceptor } from './login-attempt.interceptor.js';
import { LoginThrottleGuard } from './login-throttle.guard.js';
import { OAuthTokenResponse, TokenResponse } from './token.response.js';

@ApiTags('auth')
@Controller('auth')
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  @Post('login')
  @Public()
  @AcceptsForm()
  @HttpCode(200)
  @UseGuards(LoginThrottleGuard)
  @UseInterceptors(LoginAttemptInterceptor)
  @ApiOperation({
    summary: 'Log in',
    description:
      'JSON `{ username, password }` answers `{ accessToken, tokenType, expiresIn }`. ' +
      'An OAuth2 password-grant form (`application/x-www-form-urlencoded`, as Swagger UI sends) ' +
      'answers the RFC 6749 token response `{ access_token, token_type, expires_in }`. ' +
      '`username` may be the email. Failed attempts are limited per account and per client (429).',
  })
  @ApiExtraModels(TokenResponse, OAuthTokenResponse)
  // Both bodies the handler takes (AcceptsForm), so validators do not call the form a stranger.
  @ApiConsumes('application/json', 'application/x-www-form-urlencoded')
  @ApiBody({
    type: LoginDto,
    required: true,
    description: 'JSON, or the OAuth2 password-grant form.',
  })
  @ApiOkResponse({
    description: 'A bearer token.',
    content: {
      'application/json': {
        schema: {
          oneOf: [
            { $ref: getSchemaPath(TokenResponse) },
            { $ref: getSchemaPath(OAuthTokenResponse) },
          ],
        },
      },
    },
  })
  @ApiProblems(400, 401, 429)
  async login(
    @Body() dto: LoginDto,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<TokenResponse | OAuthTokenResponse> {
    const { token, expiresIn } = await this.auth.login(dto.username, dto.password);
    void reply.header('Cache-Control', 'no-store');
    if (request.headers['content-type']?.startsWith('application/x-www-form-urlencoded')) {
      return { access_token: token, token_type: 'bearer', expires_in: expiresIn };
    }
    return { accessToken: token, tokenType: 'Bearer', expiresIn };
  }
}
