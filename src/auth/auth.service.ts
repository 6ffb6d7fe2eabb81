import { Injectable, UnauthorizedException } from '@nestjs/common';
import { UsersService } from '../users/users.service.js';
import { LoginLimiter } from './login-limiter.js';
import { TokenService } from './token.service.js';

@Injectable()
export class AuthService {
  constructor(
    private readonly users: UsersService,
    private readonly limiter: LoginLimiter,
    private readonly tokens: TokenService,
  ) {}

  /**
   * One answer for an unknown user and a wrong password (same status, same
   * words, same cost); failures count against the account and the client.
   */
  async login(login: string, password: string, client: string) {
    this.limiter.assertAllowed(login, client);
    const user = await this.users.verifyCredentials(login, password);
    if (!user) {
      this.limiter.recordFailure(login, client);
      throw new UnauthorizedException('Wrong username or password.');
    }
    this.limiter.recordSuccess(login);
    return this.tokens.issue(user.id, user.tokenVersion);
  }
}
