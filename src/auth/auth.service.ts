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
   * words, same cost). Failures count against the account, whether it was named
   * by username or email, and against the client.
   */
  async login(login: string, password: string, client: string) {
    const account = await this.users.findLoginAccount(login);
    const attempt = this.limiter.begin(
      account ? `id:${account.id}` : `unknown:${login.toLowerCase()}`,
      client,
    );
    let matches: boolean;
    try {
      matches = await this.users.passwordMatches(account, password);
    } catch (error) {
      this.limiter.abandon(attempt);
      throw error;
    }
    if (!account || !matches) throw new UnauthorizedException('Wrong username or password.');
    this.limiter.succeed(attempt);
    return this.tokens.issue(account.id, account.tokenVersion);
  }
}
