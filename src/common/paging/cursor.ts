import { Inject, Injectable } from '@nestjs/common';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { authConfig, type AuthConfig } from '../../config/auth.config.js';
import { invalidField } from '../problems/problem.js';

export type CursorValues = (string | null)[];

/**
 * Opaque keyset cursors: the last row's sort values, bound to the list and the
 * sort they were issued for, signed with HMAC-SHA256. A forged, altered or
 * replayed-under-another-sort cursor is a 400, never a query.
 */
@Injectable()
export class CursorCodec {
  private readonly key: Buffer;

  constructor(@Inject(authConfig.KEY) auth: AuthConfig) {
    this.key = createHmac('sha256', auth.jwtSecret).update('agora:cursor:v1').digest();
  }

  encode(scope: string, values: CursorValues): string {
    const payload = Buffer.from(JSON.stringify([scope, ...values])).toString('base64url');
    return `${payload}.${this.sign(payload)}`;
  }

  decode(scope: string, cursor: string, expectedValues: number): CursorValues {
    const [payload, signature, extra] = cursor.split('.');
    if (!payload || !signature || extra !== undefined || !this.verify(payload, signature)) {
      throw invalidCursor();
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    } catch {
      throw invalidCursor();
    }
    if (
      !Array.isArray(parsed) ||
      parsed[0] !== scope ||
      parsed.length !== expectedValues + 1 ||
      !parsed.slice(1).every((v) => v === null || typeof v === 'string')
    ) {
      throw invalidCursor();
    }
    return parsed.slice(1) as CursorValues;
  }

  private sign(payload: string): string {
    return createHmac('sha256', this.key)
      .update(payload)
      .digest()
      .subarray(0, 18)
      .toString('base64url');
  }

  private verify(payload: string, signature: string): boolean {
    const expected = Buffer.from(this.sign(payload));
    const given = Buffer.from(signature);
    return expected.length === given.length && timingSafeEqual(expected, given);
  }
}

function invalidCursor() {
  return invalidField('cursor', 'is not a cursor this list issued for this sort order');
}
