import type { ValidateFunction } from 'ajv';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import type { TestApp } from './app.js';

// ajv-formats is CommonJS: its default export arrives wrapped under ESM.
const addFormats = ((addFormatsModule as unknown as { default?: typeof addFormatsModule })
  .default ?? addFormatsModule) as unknown as (ajv: Ajv2020) => Ajv2020;

export type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';
export const METHODS: Method[] = ['get', 'post', 'put', 'patch', 'delete'];

/** A schema of an OpenAPI 3.1 document: JSON Schema 2020-12 (null is a type of its own). */
export interface JsonSchema {
  $ref?: string;
  type?: string | string[];
  enum?: unknown[];
  format?: string;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  minItems?: number;
  maxItems?: number;
  items?: JsonSchema;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  allOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  anyOf?: JsonSchema[];
  default?: unknown;
}

export interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required?: boolean;
  /** `false` with `style: form`: an array sent as one comma-separated value. */
  explode?: boolean;
  schema?: JsonSchema;
}

interface MediaType {
  schema?: JsonSchema;
}

export interface Operation {
  operationId?: string;
  parameters?: Parameter[];
  requestBody?: { required?: boolean; content?: Record<string, MediaType> };
  responses?: Record<string, { content?: Record<string, MediaType> }>;
  security?: Record<string, string[]>[];
}

export interface OpenApiDocument {
  openapi: string;
  paths: Record<string, Partial<Record<Method, Operation>>>;
  components: { schemas: Record<string, JsonSchema> };
}

/** One operation of the document: `POST /api/posts/{id}/votes` and what it says. */
export interface ContractOperation {
  method: Method;
  path: string;
  name: string;
  op: Operation;
  secured: boolean;
  pathParams: string[];
  /** The JSON request body's schema, with its $refs resolved one level. */
  body?: JsonSchema;
}

/**
 * The served OpenAPI document as a contract: which operation a request hit,
 * and whether a response matches what the document says of that operation and
 * status. Its schemas are read as OpenAPI 3.1 reads them, as JSON Schema
 * 2020-12 (Ajv's 2020 mode), with one addition: objects are closed (a
 * property the document does not name is a violation), so a response that
 * leaks a field fails the check. Nothing else is rewritten, so a schema that
 * a strict 3.1 tool refuses a value with refuses it here too.
 */
export class Contract {
  private readonly ajv: Ajv2020;
  private readonly validators = new Map<string, ValidateFunction>();
  readonly operations: ContractOperation[];

  private constructor(readonly doc: OpenApiDocument) {
    if (!doc.openapi.startsWith('3.1.')) {
      throw new Error(`the contract reads OpenAPI 3.1 documents, not ${doc.openapi}`);
    }
    this.ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats(this.ajv);
    this.ajv.addSchema(closed(doc) as object, 'openapi');
    this.operations = Object.entries(doc.paths).flatMap(([path, item]) =>
      METHODS.filter((method) => item[method]).map((method) => {
        const op = item[method] as Operation;
        const body = op.requestBody?.content?.['application/json']?.schema;
        return {
          method,
          path,
          name: `${method.toUpperCase()} ${path}`,
          op,
          secured: (op.security ?? []).length > 0,
          pathParams: [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]),
          body: body ? this.resolve(body) : undefined,
        };
      }),
    );
  }

  static async load(t: TestApp): Promise<Contract> {
    const res = await t.http().get('/docs-json');
    if (res.status !== 200) throw new Error(`/docs-json answered ${res.status}`);
    return new Contract(res.body as OpenApiDocument);
  }

  static fromDocument(doc: OpenApiDocument): Contract {
    return new Contract(doc);
  }

  /** A schema with a top-level $ref replaced by the component it names. */
  resolve(schema: JsonSchema): JsonSchema {
    let current = schema;
    while (current.$ref) {
      const name = current.$ref.replace('#/components/schemas/', '');
      current = this.doc.components.schemas[name];
      if (!current) throw new Error(`unknown schema ${name}`);
    }
    if (current.allOf?.length === 1 && !current.properties) return this.resolve(current.allOf[0]);
    return current;
  }

  /** The documented operation a request to `url` hits (literal segments win over parameters). */
  match(method: string, url: string): ContractOperation | undefined {
    const path = url.split('?')[0];
    const candidates = this.operations.filter(
      (o) => o.method === method.toLowerCase() && templateMatches(o.path, path),
    );
    // /api/users/me is its own operation, not /api/users/{id} with id "me".
    return candidates.sort(
      (a, b) => (a.path.match(/\{/g) ?? []).length - (b.path.match(/\{/g) ?? []).length,
    )[0];
  }

  /**
   * What is wrong with a response to `method url`, by the document: an
   * undocumented status or media type, or a body its schema refuses. Empty
   * when the response keeps the contract.
   */
  check(
    method: string,
    url: string,
    response: { status: number; headers: Record<string, string | undefined>; body: unknown },
  ): string[] {
    const operation = this.match(method, url);
    const where = `${method.toUpperCase()} ${url} → ${response.status}`;
    if (!operation) return [`${where}: no such operation in the document`];
    const status = String(response.status);
    const documented = operation.op.responses?.[status];
    if (!documented) return [`${where}: status not documented for ${operation.name}`];
    const content = documented.content ?? {};
    const mediaTypes = Object.keys(content);
    if (mediaTypes.length === 0) {
      return response.body === undefined ||
        (typeof response.body === 'object' && Object.keys(response.body ?? {}).length === 0)
        ? []
        : [`${where}: a body where the document declares none`];
    }
    const type = String(response.headers['content-type'] ?? '').split(';')[0];
    if (!content[type]) {
      return [`${where}: content-type ${type || '(none)'}, documented ${mediaTypes.join(', ')}`];
    }
    const key = `${operation.name} ${status} ${type}`;
    let validate = this.validators.get(key);
    if (!validate) {
      const pointer = ['paths', operation.path, operation.method, 'responses', status, 'content']
        .map(escapePointer)
        .join('/');
      validate = this.ajv.compile({ $ref: `openapi#/${pointer}/${escapePointer(type)}/schema` });
      this.validators.set(key, validate);
    }
    if (validate(response.body)) return [];
    return (validate.errors ?? []).map(
      (e) => `${where}: body${e.instancePath} ${e.message ?? ''} ${JSON.stringify(e.params)}`,
    );
  }
}

function escapePointer(segment: string): string {
  return segment.replace(/~/g, '~0').replace(/\//g, '~1');
}

function templateMatches(template: string, path: string): boolean {
  const pattern = template
    .split('/')
    .map((segment) =>
      /^\{\w+\}$/.test(segment) ? '[^/]+' : segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'),
    )
    .join('/');
  return new RegExp(`^${pattern}$`).test(path);
}

/**
 * A deep copy of the document in which every object schema with properties
 * and no word on extra ones allows none (the response classes are
 * whitelists). And no `nullable`: JSON Schema 2020-12 has no such keyword,
 * but Ajv honours OpenAPI 3.0's beside a `type` in every mode, so a 3.0
 * leftover would let null through here where a strict 3.1 tool refuses it.
 * Examples are values, not schemas: they are copied as they are.
 */
function closed(value: unknown, parentKey?: string): unknown {
  if (Array.isArray(value)) return value.map((item) => closed(item));
  if (value === null || typeof value !== 'object') return value;
  const copy = Object.fromEntries(
    Object.entries(value)
      // (A property named `nullable` is a name, not the keyword.)
      .filter(([k, v]) => k !== 'nullable' || typeof v !== 'boolean' || parentKey === 'properties')
      .map(([k, v]) => [k, k === 'example' || k === 'examples' ? v : closed(v, k)]),
  );
  const types = Array.isArray(copy.type) ? (copy.type as unknown[]) : [copy.type];
  if (
    copy.properties &&
    typeof copy.properties === 'object' &&
    !('additionalProperties' in copy) &&
    (copy.type === undefined || types.includes('object'))
  ) {
    copy.additionalProperties = false;
  }
  return copy;
}

/**
 * How a 3.1 schema allows null: `type: [T, 'null']` (then `schema` is the
 * same with `type: T`), or `anyOf: [S, { type: 'null' }]` (then `schema` is
 * S). `nullable: false` and `schema` itself otherwise.
 */
export function nullability(schema: JsonSchema): { nullable: boolean; schema: JsonSchema } {
  if (Array.isArray(schema.type) && schema.type.includes('null')) {
    const others = schema.type.filter((t) => t !== 'null');
    const rest: JsonSchema = { ...schema, type: others.length === 1 ? others[0] : others };
    if (schema.enum) rest.enum = schema.enum.filter((v) => v !== null);
    return { nullable: true, schema: rest };
  }
  const members = schema.anyOf ?? [];
  const isNull = (s: JsonSchema) => s.type === 'null' && Object.keys(s).length === 1;
  if (members.length === 2 && members.some(isNull)) {
    return { nullable: true, schema: members.find((s) => !isNull(s)) as JsonSchema };
  }
  return { nullable: false, schema };
}

/**
 * The component a schema stands for: its `$ref`, that of a lone `allOf`
 * member, or that of the non-null member of a nullable `anyOf`.
 */
export function refOf(schema: JsonSchema): string | undefined {
  const { schema: inner } = nullability(schema);
  return inner.$ref ?? (inner.allOf?.length === 1 ? inner.allOf[0].$ref : undefined);
}
