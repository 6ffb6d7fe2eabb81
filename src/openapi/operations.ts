import type { OpenAPIObject } from '@nestjs/swagger';

export type OpenApiOperation = NonNullable<OpenAPIObject['paths'][string]['get']>;

const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;

/** Every operation of the document, for the passes that complete it after Nest builds it. */
export function* operationsOf(
  document: OpenAPIObject,
): Generator<{ path: string; method: (typeof METHODS)[number]; operation: OpenApiOperation }> {
  for (const [path, item] of Object.entries(document.paths)) {
    for (const method of METHODS) {
      const operation = item[method];
      if (operation) yield { path, method, operation };
    }
  }
}
