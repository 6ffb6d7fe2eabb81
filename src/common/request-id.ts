import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export const SANE_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** Echo a client's X-Request-Id when it is sane; otherwise make one. */
export function requestIdFor(request: IncomingMessage): string {
  const header = request.headers['x-request-id'];
  return typeof header === 'string' && SANE_ID.test(header) ? header : randomUUID();
}
