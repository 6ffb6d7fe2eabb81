import type { FastifyBaseLogger } from 'fastify';
import { randomUUID } from 'node:crypto';
import type { Socket } from 'node:net';
import { PROBLEM_CONTENT_TYPE, problem, withinLimits } from '../common/problems/problem.js';

/** Node's limit on the request line and headers together (`--max-http-header-size`). */
export const MAX_HEADER_BYTES = 16 * 1024;

/**
 * What Node's HTTP parser refuses before any route (or Fastify hook) can run,
 * answered as an RFC 9457 problem with a request id and the same security
 * headers as every other response, instead of Fastify's plain JSON:
 * - 431: the request line and headers exceed 16 KiB (a very long URL, a huge
 *   cookie or header);
 * - 408: the headers did not arrive in time;
 * - 400: anything else that is not HTTP/1.1 (a malformed request line or
 *   header, bad framing such as a broken chunk, or both Content-Length and
 *   Transfer-Encoding).
 * The connection is closed afterwards: the parser cannot tell where the next
 * request would start.
 */
export function clientErrorHandler(
  log: FastifyBaseLogger,
  securityHeaders: Readonly<Record<string, string>>,
): (error: NodeJS.ErrnoException, socket: Socket) => void {
  return (error, socket) => {
    if (error.code === 'ECONNRESET' || socket.destroyed) return;
    const [status, detail] = classify(error.code);
    const requestId = randomUUID();
    log.info({ reqId: requestId, code: error.code, status }, 'refused a malformed request');
    // The response of the request this connection is on, if any (the error came in
    // its body, e.g. a broken chunk): once it has started, nothing more can be said.
    const inFlight = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
    if (socket.writable && !inFlight?.headersSent) {
      const body = JSON.stringify(withinLimits(problem(status, detail, { requestId })));
      const headers: Record<string, string> = {
        ...securityHeaders,
        'Content-Type': PROBLEM_CONTENT_TYPE,
        'Content-Length': String(Buffer.byteLength(body)),
        'X-Request-Id': requestId,
        Connection: 'close',
      };
      const head = Object.entries(headers)
        .map(([name, value]) => `${name}: ${value}\r\n`)
        .join('');
      socket.end(`HTTP/1.1 ${status} ${problem(status, '').title}\r\n${head}\r\n${body}`);
    }
    // Closed once the answer is written (at once when nothing was).
    socket.destroySoon();
  };
}

function classify(code: string | undefined): [number, string] {
  if (code === 'HPE_HEADER_OVERFLOW') {
    return [
      431,
      `The request line and headers are larger than the ${MAX_HEADER_BYTES / 1024} KiB limit.`,
    ];
  }
  if (code === 'ERR_HTTP_REQUEST_TIMEOUT') {
    return [408, 'The request did not arrive in time.'];
  }
  return [400, 'The request is not well-formed HTTP/1.1.'];
}
