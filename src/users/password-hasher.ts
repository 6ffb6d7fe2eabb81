import { Injectable } from '@nestjs/common';
import { hash, verify, type Algorithm } from '@node-rs/argon2';

/** argon2id with the OWASP minimum (19 MiB, 2 passes, 1 lane). */
// Algorithm is an ambient const enum (unusable under isolatedModules): 2 is Argon2id.
const ARGON2ID = 2 as Algorithm;
const OPTIONS = { algorithm: ARGON2ID, memoryCost: 19_456, timeCost: 2, parallelism: 1 };

@Injectable()
export class PasswordHasher {
  private dummy?: Promise<string>;

  hash(password: string): Promise<string> {
    return hash(password, OPTIONS);
  }

  async verify(hashed: string, password: string): Promise<boolean> {
    try {
      return await verify(hashed, password);
    } catch {
      return false;
    }
  }

  /**
   * Spends the same time as a real verification, for logins of unknown users,
   * so response time does not reveal which usernames exist.
   */
  async verifyDummy(password: string): Promise<false> {
    this.dummy ??= this.hash('agora-dummy-password');
    await this.verify(await this.dummy, password);
    return false;
  }
}
