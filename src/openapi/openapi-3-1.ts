import type { OpenAPIObject } from '@nestjs/swagger';

/**
 * The document as OpenAPI 3.1 (whose schemas are JSON Schema 2020-12), from
 * the 3.0 that @nestjs/swagger builds. Nest spells a nullable field as 3.0
 * does, `nullable: true`, and puts it beside an `allOf: [{ $ref }]` for a
 * nullable object; by 3.0's own rule that `nullable` does not reach into the
 * `allOf`, so strict validators and typed client generators read such a field
 * as never null (issue 16). JSON Schema has one reading for everyone:
 *
 * - a typed schema gets `null` in its `type` (`type: ['string', 'null']`), and
 *   in its `enum` when it has one;
 * - a `$ref`, a composition or an untyped schema becomes
 *   `anyOf: [<it>, { type: 'null' }]`, its annotations (description, default,
 *   example…) kept beside the `anyOf`, where 3.1 allows them;
 * - a boolean `exclusiveMinimum`/`exclusiveMaximum` becomes the bound itself.
 *
 * Examples are values, not schemas: they are left alone. The last pass over
 * the document: beyond these and the version (and the schemas' dialect,
 * below) it changes nothing.
 */
export function asOpenApi31(
  document: OpenAPIObject,
): OpenAPIObject & { jsonSchemaDialect: string } {
  const converted = walkDocument(document) as OpenAPIObject;
  return { ...converted, openapi: '3.1.0', jsonSchemaDialect: JSON_SCHEMA_2020_12 };
}

/**
 * The schemas' dialect, stated: validators that pick their mode by it (Prism
 * does; without it, it reads 3.1 schemas as draft-07 after 3.0's rewrites)
 * read them as JSON Schema 2020-12, as the suite's contract check does.
 */
export const JSON_SCHEMA_2020_12 = 'https://json-schema.org/draft/2020-12/schema';

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Keys under which a document holds values, not schemas or objects of the spec. */
const VALUES = new Set(['example', 'examples', 'default', 'enum', 'const']);

/**
 * The document outside its schemas: every `schema` (parameters, media types,
 * headers) and every `components.schemas` entry is converted.
 */
function walkDocument(node: unknown, parentKey?: string): unknown {
  if (Array.isArray(node)) return node.map((item) => walkDocument(item));
  if (!isObject(node)) return node;
  return Object.fromEntries(
    Object.entries(node).map(([key, value]) => {
      if (VALUES.has(key)) return [key, value];
      if (key === 'schema') return [key, schema31(value)];
      if (key === 'schemas' && parentKey === 'components' && isObject(value)) {
        return [key, mapValues(value, schema31)];
      }
      return [key, walkDocument(value, key)];
    }),
  );
}

function mapValues(object: Json, fn: (value: unknown) => unknown): Json {
  return Object.fromEntries(Object.entries(object).map(([k, v]) => [k, fn(v)]));
}

/** Keywords whose value is a schema. */
const SUBSCHEMA = new Set([
  'items',
  'additionalProperties',
  'not',
  'contains',
  'if',
  'then',
  'else',
  'propertyNames',
  'unevaluatedItems',
  'unevaluatedProperties',
]);
/** Keywords whose value is a list of schemas. */
const SUBSCHEMA_LISTS = new Set(['allOf', 'anyOf', 'oneOf', 'prefixItems']);
/** Keywords whose value maps names to schemas. */
const SUBSCHEMA_MAPS = new Set(['properties', 'patternProperties', '$defs', 'dependentSchemas']);

/**
 * Keywords that describe a value without constraining it: they stay beside
 * the `anyOf` of a nullable `$ref` or composition.
 */
const ANNOTATIONS = new Set([
  'title',
  'description',
  'default',
  'example',
  'examples',
  'deprecated',
  'readOnly',
  'writeOnly',
  'externalDocs',
  'xml',
]);

/** One schema (and those inside it), as JSON Schema 2020-12 reads what 3.0 meant. */
export function schema31(schema: unknown): unknown {
  if (!isObject(schema)) return schema;
  const converted: Json = {};
  for (const [key, value] of Object.entries(schema)) {
    if (SUBSCHEMA.has(key)) converted[key] = schema31(value);
    else if (SUBSCHEMA_LISTS.has(key) && Array.isArray(value)) converted[key] = value.map(schema31);
    else if (SUBSCHEMA_MAPS.has(key) && isObject(value))
      converted[key] = mapValues(value, schema31);
    else converted[key] = value;
  }
  exclusiveBound(converted, 'exclusiveMinimum', 'minimum');
  exclusiveBound(converted, 'exclusiveMaximum', 'maximum');

  const { nullable, ...rest } = converted;
  if (nullable !== true) return rest;
  if (typeof rest.type === 'string' || Array.isArray(rest.type)) {
    if (rest.$ref === undefined && !['allOf', 'anyOf', 'oneOf'].some((k) => k in rest)) {
      return withNull(rest);
    }
  }
  return nullableAnyOf(rest);
}

/** 3.0's `exclusiveMinimum: true` beside `minimum: n` is 2020-12's `exclusiveMinimum: n`. */
function exclusiveBound(schema: Json, exclusive: string, bound: string): void {
  if (typeof schema[exclusive] !== 'boolean') return;
  if (schema[exclusive] && schema[bound] !== undefined) {
    schema[exclusive] = schema[bound];
    delete schema[bound];
  } else {
    delete schema[exclusive];
  }
}

/** A typed schema that also allows null (in its `type`, and in its `enum` if it lists values). */
function withNull(schema: Json): Json {
  const types = Array.isArray(schema.type) ? (schema.type as unknown[]) : [schema.type];
  const result: Json = { ...schema, type: types.includes('null') ? types : [...types, 'null'] };
  if (Array.isArray(schema.enum) && !schema.enum.includes(null)) {
    result.enum = [...(schema.enum as unknown[]), null];
  }
  return result;
}

/** `anyOf: [<the schema>, { type: 'null' }]`, the annotations kept beside it. */
function nullableAnyOf(schema: Json): Json {
  const annotations: Json = {};
  let constraint: Json = {};
  for (const [key, value] of Object.entries(schema)) {
    if (ANNOTATIONS.has(key) || key.startsWith('x-')) annotations[key] = value;
    else constraint[key] = value;
  }
  // Nest's nullable nested class: `type: 'object'` beside `allOf: [{ $ref }]` says no more than the $ref.
  const { type, allOf, ...others } = constraint;
  if (
    Array.isArray(allOf) &&
    allOf.length === 1 &&
    (type === undefined || type === 'object') &&
    Object.keys(others).length === 0
  ) {
    constraint = allOf[0] as Json;
  }
  return { anyOf: [constraint, { type: 'null' }], ...annotations };
}
