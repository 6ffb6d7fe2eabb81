import { Injectable, UnauthorizedException } from '@nestjs/common';
import { UsersService } from '../users/users.service.js';
import { TokenService } from './token.service.js';

@Injectable()
export class AuthService {
  constructor(
    private readonly users: UsersService,
    private readonly tokens: TokenService,
  ) {}

  /**
   * One answer for an unknown user and a wrong password (same status, same
   * words, same cost). Failed attempts are limited before this runs
   * (LoginThrottleGuard) and settled after it (LoginAttemptInterceptor).
   */
  async login(login: string, password: string) {
    const account = await this.users.findLoginAccount(login);
    const matches = await this.users.passwordMatches(account, password);
    if (!account || !matches) throw new UnauthorizedException('Wrong username or password.');
    return { userId: account.id, ...(await this.tokens.issue(account.id, account.tokenVersion)) };
  }

  /** A token for the user as their account stands now (after a password change, of the new version). */
  async issueFor(userId: number): Promise<string> {
    const version = await this.users.tokenVersion(userId);
    if (version === undefined) throw new UnauthorizedException('This account no longer exists.');
    return (await this.tokens.issue(userId, version)).token;
  }
}
