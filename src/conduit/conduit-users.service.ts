import { Injectable, UnauthorizedException } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AuthService } from '../auth/auth.service.js';
import { ProfilesService } from '../profiles/profiles.service.js';
import { UsersService } from '../users/users.service.js';
import { conduitError } from './conduit-errors.js';
import { ConduitUserResponse } from './conduit-user.response.js';
import type {
  ConduitCredentialsDto,
  ConduitNewUserDto,
  ConduitUserChangesDto,
} from './dto/conduit-user.dto.js';

/** The Conduit face's users: registration, login and the caller's account, on Agora's services. */
@Injectable()
export class ConduitUsersService {
  constructor(
    private readonly users: UsersService,
    private readonly profiles: ProfilesService,
    private readonly auth: AuthService,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  /** Registers as `POST /api/users` does (a taken name or email is its 409), signed in at once. */
  async register(dto: ConduitNewUserDto): Promise<ConduitUserResponse> {
    const me = await this.users.register(dto);
    return ConduitUserResponse.from(me, await this.auth.issueFor(me.id));
  }

  /**
   * Logs in as `POST /api/auth/login` does (same limits on failures, same
   * answer for an unknown email and a wrong password), in Conduit's words.
   */
  async login(dto: ConduitCredentialsDto): Promise<ConduitUserResponse> {
    let userId: number;
    let token: string;
    try {
      ({ userId, token } = await this.auth.login(dto.email, dto.password));
    } catch (error) {
      if (error instanceof UnauthorizedException) throw conduitError(401, 'credentials', 'invalid');
      throw error;
    }
    return ConduitUserResponse.from(await this.users.me(userId), token);
  }

  /** The caller's account, with the token they sent. */
  async current(userId: number, token: string): Promise<ConduitUserResponse> {
    return ConduitUserResponse.from(await this.users.me(userId), token);
  }

  /**
   * Account (email, username, password) and profile (bio, image) changes in
   * one transaction, then a token of the account as it now stands (a new
   * password revokes the one the caller sent).
   */
  async update(userId: number, dto: ConduitUserChangesDto): Promise<ConduitUserResponse> {
    await this.dataSource.transaction(async (manager) => {
      await this.users.changeAccount(userId, dto, manager);
      await this.profiles.patch(userId, { bio: dto.bio, avatarUrl: dto.image }, manager);
    });
    const [me, token] = await Promise.all([this.users.me(userId), this.auth.issueFor(userId)]);
    return ConduitUserResponse.from(me, token);
  }
}
