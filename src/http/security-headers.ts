import helmet from 'helmet';
import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * The Content-Security-Policy of every response. Swagger UI's page loads its
 * scripts and stylesheet from /docs (script-src 'self'; it has no inline
 * script), sets inline styles (style-src 'unsafe-inline'), draws icons from
 * data: URIs, and calls the API on the same origin (connect-src 'self'). The
 * API's own responses are JSON, which no policy loosens. No
 * upgrade-insecure-requests: Agora is served over plain HTTP on localhost, and
 * TLS is the proxy's business.
 */
export const CONTENT_SECURITY_POLICY = {
  'default-src': ["'self'"],
  'base-uri': ["'self'"],
  'connect-src': ["'self'"],
  'font-src': ["'self'", 'data:'],
  'form-action': ["'self'"],
  'frame-ancestors': ["'none'"],
  'img-src': ["'self'", 'data:'],
  'object-src': ["'none'"],
  'script-src': ["'self'"],
  'script-src-attr': ["'none'"],
  'style-src': ["'self'", "'unsafe-inline'"],
} as const;

/**
 * helmet's security headers for Agora's policy, computed once. They are the
 * same on every response (no nonces), so helmet's middleware runs a single
 * time, against a response that records what it sets, and a hook copies the
 * result onto each reply. (`@fastify/helmet` rebuilds helmet's middleware for
 * every request; in the bench that cost S5 about a tenth of its throughput.)
 */
export function securityHeaders(): Readonly<Record<string, string>> {
  return (computed ??= computeSecurityHeaders());
}

let computed: Readonly<Record<string, string>> | undefined;

function computeSecurityHeaders(): Readonly<Record<string, string>> {
  const headers: Record<string, string> = {};
  const recorder = {
    setHeader(name: string, value: number | string | readonly string[]) {
      headers[name] = Array.isArray(value) ? value.join(', ') : String(value);
      return recorder;
    },
    // X-Powered-By: Fastify never sets it, so there is nothing to remove.
    removeHeader() {},
  };
  let failure: unknown;
  helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: Object.fromEntries(
        Object.entries(CONTENT_SECURITY_POLICY).map(([name, values]) => [name, [...values]]),
      ),
    },
    // A page framed elsewhere is refused by frame-ancestors and this alike.
    frameguard: { action: 'deny' },
  })({} as IncomingMessage, recorder as unknown as ServerResponse, (error?: unknown) => {
    failure = error;
  });
  // helmet reports a bad option through next(error); a policy that cannot be built stops the boot.
  if (failure !== undefined) throw failure instanceof Error ? failure : new Error('helmet failed');
  return Object.freeze(headers);
}
