import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyRequest } from 'fastify';
import { isUtf8 } from 'node:buffer';
import { ValidationProblemException } from '../common/problems/problem.js';
import { decodeUtf8, parseQueryString } from './request-text.js';

/**
 * How deep arrays and objects may nest in a JSON body. Agora's deepest body
 * (a post with its tags) nests two levels; 32 leaves room for any client's
 * habits, and keeps every walk over a body (validation, class-transformer,
 * the text check) shallow.
 */
export const MAX_JSON_DEPTH = 32;

type Done = (error: Error | null, body?: unknown) => void;

/**
 * Agora's body parsers, in place of Nest's defaults:
 * - JSON: its nesting depth is checked on the text before anything parses it
 *   (a 5 kB body of 2,500 nested arrays used to overflow the stack of the
 *   recursive code after the parser: a 500), then Fastify's own parser (with
 *   its `__proto__` and `constructor.prototype` refusal) reads it;
 * - the OAuth2 form: read with the query-string rules (parseQueryString);
 *   a `__proto__` field is refused with the other prototype names by the
 *   request-text check, as Nest's parser refused it.
 * Bytes that are not UTF-8 are decoded so that the request-text check names
 * the field they are in.
 */
export function useBodyParsers(app: NestFastifyApplication, bodyLimit: number): void {
  const fastify = app.getHttpAdapter().getInstance();
  const json = fastify.getDefaultJsonParser('error', 'error');
  app.useBodyParser(
    'application/json',
    { bodyLimit },
    (request: FastifyRequest, body: Buffer, done: Done) => {
      const text = bodyText(body);
      // An empty body is no body, whatever its Content-Type says: clients that
      // send `Content-Type: application/json` on every request (the RealWorld
      // suite does, on DELETE and on a bodiless POST) must not get an error
      // from a route that takes no body. A route that needs one still refuses
      // its absence, as when no Content-Type is sent.
      if (text.trim() === '') {
        done(null, undefined);
        return;
      }
      if (nestsDeeperThan(text, MAX_JSON_DEPTH)) {
        done(
          new ValidationProblemException(
            [
              {
                field: 'body',
                message: `must not nest arrays and objects more than ${MAX_JSON_DEPTH} levels deep`,
              },
            ],
            `The request body nests arrays and objects more than ${MAX_JSON_DEPTH} levels deep.`,
          ),
        );
        return;
      }
      // Fastify's parser answers through `done` (its type also allows a promise).
      void json(request, text, done);
    },
  );
  app.useBodyParser(
    'application/x-www-form-urlencoded',
    { bodyLimit },
    (_request: FastifyRequest, body: Buffer, done: Done) => {
      done(null, parseQueryString(bodyText(body)));
    },
  );
}

function bodyText(body: Buffer): string {
  return isUtf8(body) ? body.toString('utf8') : decodeUtf8(body);
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPENERS = new Set([0x5b, 0x7b]); // [ {
const CLOSERS = new Set([0x5d, 0x7d]); // ] }

/**
 * Whether JSON text nests arrays and objects more than `limit` deep, in one
 * pass that skips over strings (a bracket inside a string does not count).
 * Malformed text is left to the parser: this only has to be right for text
 * that parses.
 */
export function nestsDeeperThan(text: string, limit: number): boolean {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      i = endOfString(text, i);
    } else if (OPENERS.has(c)) {
      depth += 1;
      if (depth > limit) return true;
    } else if (CLOSERS.has(c)) {
      depth -= 1;
    }
  }
  return false;
}

/** The index of the quote that closes the string opened at `start` (or the end of the text). */
function endOfString(text: string, start: number): number {
  let quote = text.indexOf('"', start + 1);
  while (quote !== -1) {
    let backslashes = 0;
    while (text.charCodeAt(quote - 1 - backslashes) === BACKSLASH) backslashes += 1;
    if (backslashes % 2 === 0) return quote;
    quote = text.indexOf('"', quote + 1);
  }
  return text.length;
}
