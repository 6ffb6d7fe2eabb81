import { connect } from 'node:net';
import type { AddressInfo } from 'node:net';
import type { TestApp } from './app.js';

/** A response read off the wire, for requests no HTTP client would send. */
export interface RawResponse {
  status: number;
  /** Header names lowercased. */
  headers: Record<string, string>;
  /** The body as JSON when it parses, else its text. */
  body: Record<string, unknown>;
  text: string;
  /** Whether the server closed the connection after answering. */
  closed: boolean;
}

/**
 * Sends `bytes` as they are on a new connection to the app (listening on an
 * ephemeral port of 127.0.0.1 first, if supertest has not), and reads the one
 * response that comes back, until the server closes the connection or
 * `settleMs` pass after a whole response.
 */
export async function rawRequest(
  t: TestApp,
  bytes: string | Buffer,
  settleMs = 300,
): Promise<RawResponse> {
  const server = t.app.getHttpServer();
  if (!server.listening) {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  }
  const { port } = server.address() as AddressInfo;
  return new Promise<RawResponse>((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    let timer: NodeJS.Timeout | undefined;
    const finish = (closed: boolean) => {
      clearTimeout(timer);
      socket.destroy();
      try {
        resolve(parse(Buffer.concat(chunks), closed));
      } catch (error) {
        reject(error instanceof Error ? error : new Error(String(error)));
      }
    };
    socket.on('data', (chunk) => {
      chunks.push(chunk);
      clearTimeout(timer);
      timer = setTimeout(() => finish(false), settleMs);
    });
    socket.on('close', () => finish(true));
    // The server may reset the connection while the rest of a request is still going out.
    socket.on('error', () => undefined);
    socket.write(bytes);
  });
}

function parse(raw: Buffer, closed: boolean): RawResponse {
  const text = raw.toString('utf8');
  const split = text.indexOf('\r\n\r\n');
  if (split === -1) throw new Error(`no HTTP response: ${JSON.stringify(text.slice(0, 200))}`);
  const [statusLine, ...lines] = text.slice(0, split).split('\r\n');
  const status = Number(/^HTTP\/1\.1 (\d{3}) /.exec(statusLine)?.[1]);
  const headers = Object.fromEntries(
    lines.map((line) => {
      const colon = line.indexOf(':');
      return [line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim()];
    }),
  );
  const bodyText = text.slice(split + 4);
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(bodyText) as Record<string, unknown>;
  } catch {
    body = { text: bodyText };
  }
  return { status, headers, body, text: bodyText, closed };
}
