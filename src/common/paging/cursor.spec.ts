import { describe, expect, it } from '@jest/globals';
import { ValidationProblemException } from '../problems/problem.js';
import { CursorCodec } from './cursor.js';

const codec = new CursorCodec({ jwtSecret: 'a'.repeat(40) } as never);

describe('CursorCodec', () => {
  it('round-trips values for the same scope', () => {
    const cursor = codec.encode('users:-createdAt,-id', ['2026-01-01 10:00:00.123456+00', '42']);
    expect(codec.decode('users:-createdAt,-id', cursor, 2)).toEqual([
      '2026-01-01 10:00:00.123456+00',
      '42',
    ]);
  });

  it('refuses a cursor issued for another sort or list', () => {
    const cursor = codec.encode('users:username,id', ['ada', '1']);
    expect(() => codec.decode('users:-createdAt,-id', cursor, 2)).toThrow(
      ValidationProblemException,
    );
    expect(() => codec.decode('posts:username,id', cursor, 2)).toThrow(ValidationProblemException);
  });

  it('refuses tampered payloads and signatures', () => {
    const cursor = codec.encode('users:username,id', ['ada', '1']);
    const [payload, signature] = cursor.split('.');
    const forgedPayload = Buffer.from(JSON.stringify(['users:username,id', 'zzz', '1'])).toString(
      'base64url',
    );
    const flipped = signature[0] === 'A' ? `B${signature.slice(1)}` : `A${signature.slice(1)}`;
    for (const bad of [
      `${forgedPayload}.${signature}`,
      `${payload}.${flipped}`,
      payload,
      `${cursor}.x`,
      '',
      '..',
    ]) {
      expect(() => codec.decode('users:username,id', bad, 2)).toThrow(ValidationProblemException);
    }
  });

  it('refuses a cursor signed with another secret', () => {
    const other = new CursorCodec({ jwtSecret: 'b'.repeat(40) } as never);
    const cursor = other.encode('users:username,id', ['ada', '1']);
    expect(() => codec.decode('users:username,id', cursor, 2)).toThrow(ValidationProblemException);
  });
});
