import { afterEach } from '@jest/globals';
import { takeContractViolations } from './app.js';

/**
 * Fails a test when any response it received broke the OpenAPI document: an
 * undocumented status or media type, or a body its schema refuses (closed
 * schemas, so an extra field counts). Runs after every e2e test.
 */
afterEach(() => {
  const violations = takeContractViolations();
  if (violations.length > 0) {
    throw new Error(
      `Responses that break the OpenAPI document (/docs-json):\n  ${violations.join('\n  ')}`,
    );
  }
});
