import fc, { type Arbitrary } from 'fast-check';
import type { Contract, ContractOperation, JsonSchema, Parameter } from './contract.js';

/**
 * Requests generated from the OpenAPI document: for each operation, path ids,
 * query parameters and bodies that keep its schemas, and ones that break them
 * (wrong types, huge numbers, unicode, nulls, missing and extra fields, odd
 * ids such as `0x10` or `1e3`, bodies that are not JSON objects).
 */
export interface FuzzRequest {
  method: ContractOperation['method'];
  url: string;
  operation: string;
  signedIn: boolean;
  /** A JSON value to send, or raw text with its content type. */
  body?: { json: unknown } | { raw: string; type: string };
}

/** Values the generators may pick as ids: real rows, and edges. */
export interface FuzzPools {
  ids: number[];
  tags: string[];
}

const ODD_IDS = [
  '0',
  '-1',
  '0x10',
  '1e3',
  '1.5',
  '01',
  ' 1',
  '+1',
  '2147483648',
  '9007199254740993',
  '99999999999999999999999999',
  'NaN',
  'null',
  'undefined',
  'me',
  '１',
  '١',
  '%00',
  '1%20OR%201=1',
  "1'--",
  '[]',
  '{}',
];

const ODD_STRINGS = [
  '',
  ' ',
  '\u0000',
  'null',
  'true',
  '-1',
  '1e309',
  '𝔘𝔫𝔦𝔠𝔬𝔡𝔢',
  '👩‍💻',
  'Ω≈ç√∫',
  '\u202e',
  "' OR 1=1 --",
  '%',
  '_',
  '\\',
  '<script>alert(1)</script>',
  'a'.repeat(5000),
];

const ODD_VALUES: unknown[] = [
  null,
  true,
  false,
  0,
  -1,
  1.5,
  1e308,
  -1e308,
  2 ** 31,
  Number.MAX_SAFE_INTEGER,
  '',
  '1',
  [],
  [null],
  {},
  { $gt: '' },
  'x'.repeat(100_001 / 4),
];

/** Fields no client may set (mass assignment), as the fuzzer adds them. */
const FORBIDDEN_FIELDS = [
  'id',
  'authorId',
  'votes',
  'comments',
  'counts',
  'createdAt',
  'updatedAt',
  'passwordHash',
  'tokenVersion',
  '__proto__',
  'constructor',
];

/** A value the schema allows (as far as JSON Schema says: trimming and uniqueness may still refuse it). */
export function valid(
  contract: Contract,
  schema: JsonSchema,
  pools: FuzzPools,
): Arbitrary<unknown> {
  const s = contract.resolve(schema);
  const base = ((): Arbitrary<unknown> => {
    if (s.enum) return fc.constantFrom(...s.enum);
    switch (s.type) {
      case 'string':
        return validString(s, pools);
      case 'integer':
        return fc.integer({ min: s.minimum ?? -(2 ** 31), max: s.maximum ?? 2 ** 31 - 1 });
      case 'number':
        return fc.double({ min: s.minimum ?? -1e9, max: s.maximum ?? 1e9, noNaN: true });
      case 'boolean':
        return fc.boolean();
      case 'array':
        return fc.array(s.items ? valid(contract, s.items, pools) : fc.jsonValue(), {
          minLength: s.minItems ?? 0,
          maxLength: Math.min(s.maxItems ?? 5, 12),
        });
      case 'object':
      default:
        if (!s.properties) return fc.constant({});
        return fc.record(
          Object.fromEntries(
            Object.entries(s.properties).map(([name, property]) => [
              name,
              valid(contract, property, pools),
            ]),
          ),
          { requiredKeys: s.required ?? [] },
        );
    }
  })();
  return s.nullable ? fc.option(base, { nil: null, freq: 5 }) : base;
}

function validString(s: JsonSchema, pools: FuzzPools): Arbitrary<string> {
  const maxLength = Math.min(s.maxLength ?? 40, 300);
  const minLength = s.minLength ?? 0;
  if (s.format === 'email') return fc.emailAddress().filter((e) => e.length <= maxLength);
  if (s.format === 'uri' || s.format === 'url')
    return fc.webUrl({ validSchemes: ['https'] }).filter((u) => u.length <= maxLength);
  if (s.pattern) {
    return fc
      .stringMatching(new RegExp(s.pattern))
      .filter((v) => v.length >= minLength && v.length <= maxLength);
  }
  return fc.oneof(
    { weight: 4, arbitrary: fc.string({ minLength, maxLength, unit: 'grapheme' }) },
    { weight: 1, arbitrary: fc.constantFrom(...pools.tags) },
    { weight: 1, arbitrary: fc.lorem({ maxCount: 3 }).map((v) => v.slice(0, maxLength)) },
  );
}

/** Any JSON value, with a bias to the ones that break parsers and validators. */
const hostile: Arbitrary<unknown> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...ODD_VALUES) },
  { weight: 2, arbitrary: fc.constantFrom(...ODD_STRINGS) },
  { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 2 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 50 }) },
);

/** A body: mostly a valid one, else one broken in one way. */
function body(
  contract: Contract,
  schema: JsonSchema,
  pools: FuzzPools,
): Arbitrary<FuzzRequest['body']> {
  const good = valid(contract, schema, pools) as Arbitrary<Record<string, unknown>>;
  const s = contract.resolve(schema);
  const names = Object.keys(s.properties ?? {});
  const json = (a: Arbitrary<unknown>) => a.map((value) => ({ json: value }));
  const arbitraries: { weight: number; arbitrary: Arbitrary<FuzzRequest['body']> }[] = [
    { weight: 8, arbitrary: json(good) },
    {
      // One field replaced by a hostile value.
      weight: 4,
      arbitrary: json(
        fc
          .tuple(good, fc.constantFrom(...(names.length ? names : ['x'])), hostile)
          .map(([value, name, bad]) => ({ ...value, [name]: bad })),
      ),
    },
    {
      // A field no client may set.
      weight: 2,
      arbitrary: json(
        fc
          .tuple(good, fc.constantFrom(...FORBIDDEN_FIELDS), hostile)
          // A computed key makes even `__proto__` an own property, sent as JSON.
          .map(([value, name, bad]) => ({ ...value, [name]: bad })),
      ),
    },
    {
      // A required field left out.
      weight: 1,
      arbitrary: json(
        fc
          .tuple(good, fc.constantFrom(...(s.required?.length ? s.required : ['x'])))
          .map(([value, name]) =>
            Object.fromEntries(Object.entries(value).filter(([k]) => k !== name)),
          ),
      ),
    },
    // Not an object at all.
    { weight: 1, arbitrary: json(hostile) },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        { raw: '{"title":', type: 'application/json' },
        { raw: '', type: 'application/json' },
        { raw: '{"a":1}{"b":2}', type: 'application/json' },
        { raw: 'title=x', type: 'application/x-www-form-urlencoded' },
        { raw: 'hello', type: 'text/plain' },
        { raw: '<a/>', type: 'application/xml' },
        { raw: `{"title":"${'x'.repeat(110_000)}"}`, type: 'application/json' },
      ),
    },
  ];
  return fc.oneof(...arbitraries);
}

function pathValue(param: string, pools: FuzzPools): Arbitrary<string> {
  if (param === 'name') {
    return fc.oneof(
      { weight: 3, arbitrary: fc.constantFrom(...pools.tags) },
      { weight: 2, arbitrary: fc.stringMatching(/^[a-z0-9-]{1,30}$/) },
      {
        weight: 2,
        arbitrary: fc.constantFrom(...ODD_STRINGS.filter(Boolean)).map(encodeURIComponent),
      },
      { weight: 1, arbitrary: fc.string({ minLength: 1, maxLength: 40 }).map(encodeURIComponent) },
    );
  }
  return fc.oneof(
    { weight: 8, arbitrary: fc.constantFrom(...pools.ids).map(String) },
    { weight: 2, arbitrary: fc.constantFrom(...ODD_IDS) },
    { weight: 1, arbitrary: fc.integer().map(String) },
    { weight: 1, arbitrary: fc.string({ minLength: 1, maxLength: 12 }).map(encodeURIComponent) },
  );
}

function queryValue(contract: Contract, param: Parameter, pools: FuzzPools): Arbitrary<string[]> {
  const schema = param.schema ? contract.resolve(param.schema) : {};
  const one = (s: JsonSchema): Arbitrary<string> => {
    if (s.enum) return fc.constantFrom(...s.enum.map(String));
    if (s.type === 'integer') {
      return fc.integer({ min: (s.minimum ?? 0) - 2, max: (s.maximum ?? 1000) + 2 }).map(String);
    }
    if (s.type === 'boolean') return fc.constantFrom('true', 'false');
    return valid(contract, s, pools).map(String);
  };
  const items = fc.array(one(contract.resolve(schema.items ?? {})), { minLength: 1, maxLength: 4 });
  const good =
    schema.type !== 'array'
      ? one(schema).map((v) => [v])
      : param.explode === false
        ? items.map((values) => [values.join(',')])
        : items;
  return fc.oneof(
    { weight: 12, arbitrary: good },
    { weight: 1, arbitrary: fc.constantFrom(...ODD_IDS, ...ODD_STRINGS).map((v) => [v]) },
    {
      weight: 1,
      arbitrary: fc
        .constantFrom('-createdAt,id', 'votes,-votes', '-', ',', 'id;drop')
        .map((v) => [v]),
    },
    // Repeated where one value is expected.
    { weight: 1, arbitrary: fc.tuple(good, good).map(([a, b]) => [...a, ...b]) },
  );
}

/** One request to `operation`, well-formed or not. */
export function requestFor(
  contract: Contract,
  operation: ContractOperation,
  pools: FuzzPools,
): Arbitrary<FuzzRequest> {
  const params = (operation.op.parameters ?? []).filter((p) => p.in === 'query');
  const path = fc.tuple(...operation.pathParams.map((p) => pathValue(p, pools))).map((values) => {
    let i = 0;
    return operation.path.replace(/\{\w+\}/g, () => values[i++]);
  });
  const query = fc
    .tuple(
      fc.record(Object.fromEntries(params.map((p) => [p.name, queryValue(contract, p, pools)])), {
        requiredKeys: [],
      }),
      fc.oneof(
        { weight: 8, arbitrary: fc.constant(undefined) },
        { weight: 1, arbitrary: fc.constantFrom('unknown', 'authorId', 'limit[]', 'offset[$gt]') },
      ),
    )
    .map(([values, extra]) => {
      const search = new URLSearchParams();
      for (const [name, list] of Object.entries(values)) {
        for (const value of list as string[]) search.append(name, value);
      }
      if (extra) search.append(extra, '1');
      const text = search.toString();
      return text ? `?${text}` : '';
    });
  const requestBody = operation.body
    ? body(contract, operation.body, pools)
    : fc.oneof(
        { weight: 9, arbitrary: fc.constant(undefined) },
        { weight: 1, arbitrary: fc.constant({ json: { unexpected: true } }) },
      );
  return fc.tuple(path, query, requestBody, fc.boolean()).map(([p, q, b, signedIn]) => ({
    method: operation.method,
    url: `${p}${q}`,
    operation: operation.name,
    signedIn,
    body: b ?? undefined,
  }));
}
