import fc, { type Arbitrary } from 'fast-check';
import {
  nullability,
  type Contract,
  type ContractOperation,
  type JsonSchema,
  type Parameter,
} from './contract.js';

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
  /** A JSON value to send, raw text or raw bytes with their content type. */
  body?: { json: unknown } | { raw: string; type: string } | { bytes: Buffer; type: string };
  /** Extra request headers (an oversized one). */
  headers?: Record<string, string>;
  /** Which class of hostile input the request carries, if any (the spec counts them). */
  hostile?: HostileClass;
}

/**
 * The classes of hostile input an attacker's fuzzer found 500s or non-problem
 * answers with (issue 14); each must be sent in every run.
 */
export const HOSTILE_CLASSES = [
  'deep-json',
  'lone-surrogate-json',
  'invalid-utf8-body',
  'ill-formed-query',
  'ill-formed-path',
  'body-near-limit',
  'oversized-url',
  'oversized-header',
] as const;
export type HostileClass = (typeof HOSTILE_CLASSES)[number];

/** Bytes that are not UTF-8: a stray continuation byte, an overlong '/', an encoded surrogate, 0xFF. */
const INVALID_UTF8 = [[0x80], [0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xff], [0xf4, 0x90, 0x80, 0x80]];

/** The same, percent-encoded as a query or path would carry them. */
const ILL_FORMED_ESCAPES = INVALID_UTF8.map((bytes) =>
  bytes.map((b) => `%${b.toString(16).toUpperCase().padStart(2, '0')}`).join(''),
).concat(['%00', 'a%00b']);

/** A string with a lone UTF-16 surrogate somewhere (JSON.stringify writes it as a \\uXXXX escape). */
const loneSurrogate: Arbitrary<string> = fc
  .tuple(
    fc.string({ maxLength: 10 }),
    fc.integer({ min: 0xd800, max: 0xdfff }),
    fc.string({ maxLength: 10 }),
  )
  .map(([before, unit, after]) => `${before}${String.fromCharCode(unit)}${after}`);

/** JSON text of arrays and objects nested `depth` deep: around the 32-level limit, or far past it. */
const deepJson: Arbitrary<string> = fc
  .tuple(
    fc.oneof(fc.integer({ min: 28, max: 40 }), fc.integer({ min: 100, max: 5000 })),
    fc.boolean(),
  )
  .map(([depth, objects]) =>
    objects
      ? `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`
      : `${'['.repeat(depth)}${']'.repeat(depth)}`,
  );

/** Values the generators may pick as ids: real rows, and edges. */
export interface FuzzPools {
  ids: number[];
  tags: string[];
  /** Usernames (the Conduit face's profiles are named by them). */
  usernames: string[];
  /** Article slugs (the Conduit face names posts by them). */
  slugs: string[];
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
  // `type: [T, 'null']` or `anyOf: [S, { type: 'null' }]`: a value of T (or S), or null.
  const { nullable, schema: nonNull } = nullability(contract.resolve(schema));
  const s = contract.resolve(nonNull);
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
  return nullable ? fc.option(base, { nil: null, freq: 5 }) : base;
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
  { weight: 1, arbitrary: loneSurrogate },
  { weight: 3, arbitrary: fc.constantFrom(...ODD_VALUES) },
  { weight: 2, arbitrary: fc.constantFrom(...ODD_STRINGS) },
  { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 2 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 50 }) },
);

/** A body: mostly a valid one, else one broken in one way. */
type FuzzBody = NonNullable<FuzzRequest['body']> & { hostile?: HostileClass };

function body(contract: Contract, schema: JsonSchema, pools: FuzzPools): Arbitrary<FuzzBody> {
  const good = valid(contract, schema, pools) as Arbitrary<Record<string, unknown>>;
  const s = contract.resolve(schema);
  const names = Object.keys(s.properties ?? {});
  const json = (a: Arbitrary<unknown>) => a.map((value) => ({ json: value }));
  const field = fc.constantFrom(...(names.length ? names : ['x']));
  /** `value` as JSON text with one field's value replaced by raw JSON text. */
  const withRawField = (value: Record<string, unknown>, name: string, rawValue: string) => {
    const marker = '\u0001fuzz\u0001';
    return JSON.stringify({ ...value, [name]: marker }).replace(JSON.stringify(marker), rawValue);
  };
  const arbitraries: { weight: number; arbitrary: Arbitrary<FuzzBody> }[] = [
    {
      // A field nested past (or just within) the depth limit.
      weight: 1,
      arbitrary: fc.tuple(good, field, deepJson).map(([value, name, deep]) => ({
        raw: withRawField(value, name, deep),
        type: 'application/json',
        hostile: 'deep-json' as const,
      })),
    },
    {
      // A string field holding a lone surrogate.
      weight: 1,
      arbitrary: fc.tuple(good, field, loneSurrogate).map(([value, name, text]) => ({
        json: { ...value, [name]: text },
        hostile: 'lone-surrogate-json' as const,
      })),
    },
    {
      // Bytes that are not UTF-8 inside a string field.
      weight: 1,
      arbitrary: fc
        .tuple(good, field, fc.constantFrom(...INVALID_UTF8))
        .map(([value, name, bytes]) => {
          const [before, after] = withRawField(value, name, '"\u0002"').split('\u0002');
          return {
            bytes: Buffer.concat([Buffer.from(before), Buffer.from(bytes), Buffer.from(after)]),
            type: 'application/json',
            hostile: 'invalid-utf8-body' as const,
          };
        }),
    },
    {
      // A body within a few bytes of the 100 kB limit, either side.
      weight: 1,
      arbitrary: fc
        .tuple(good, field, fc.integer({ min: -64, max: 64 }))
        .map(([value, name, delta]) => {
          const frame = withRawField(value, name, '""');
          const padding = Math.max(0, 100 * 1024 + delta - Buffer.byteLength(frame));
          return {
            raw: withRawField(value, name, JSON.stringify('x'.repeat(padding))),
            type: 'application/json',
            hostile: 'body-near-limit' as const,
          };
        }),
    },
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
  if (param === 'slug') {
    return fc.oneof(
      { weight: 4, arbitrary: fc.constantFrom(...pools.slugs) },
      { weight: 1, arbitrary: fc.stringMatching(/^[a-z0-9-]{1,100}$/) },
      {
        weight: 1,
        arbitrary: fc.constantFrom(...ODD_STRINGS.filter(Boolean)).map(encodeURIComponent),
      },
      { weight: 1, arbitrary: fc.string({ minLength: 1, maxLength: 120 }).map(encodeURIComponent) },
    );
  }
  if (param === 'username') {
    return fc.oneof(
      { weight: 4, arbitrary: fc.constantFrom(...pools.usernames) },
      { weight: 1, arbitrary: fc.stringMatching(/^[A-Za-z0-9_]{1,40}$/) },
      {
        weight: 1,
        arbitrary: fc.constantFrom(...ODD_STRINGS.filter(Boolean)).map(encodeURIComponent),
      },
      { weight: 1, arbitrary: fc.string({ minLength: 1, maxLength: 40 }).map(encodeURIComponent) },
    );
  }
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
  return fc
    .tuple(path, query, requestBody, fc.boolean(), transport(operation, params))
    .map(([p, q, b, signedIn, mutate]) => {
      const { hostile, ...sent } = (b ?? {}) as Partial<FuzzBody>;
      const request: FuzzRequest = {
        method: operation.method,
        url: `${p}${q}`,
        operation: operation.name,
        signedIn,
        body: b === undefined ? undefined : (sent as FuzzRequest['body']),
        hostile,
      };
      return mutate ? mutate(request) : request;
    });
}

/** At times, a change to the request line or headers that the HTTP layer must refuse well. */
function transport(
  operation: ContractOperation,
  params: Parameter[],
): Arbitrary<((request: FuzzRequest) => FuzzRequest) | undefined> {
  const names = params.length > 0 ? params.map((p) => p.name) : ['x'];
  const oversized = fc.integer({ min: 16 * 1024, max: 20 * 1024 });
  const appendQuery = (url: string, pair: string) =>
    `${url}${url.includes('?') ? '&' : '?'}${pair}`;
  const mutations: Arbitrary<(request: FuzzRequest) => FuzzRequest>[] = [
    fc
      .tuple(fc.constantFrom(...names), fc.constantFrom(...ILL_FORMED_ESCAPES))
      .map(([name, escape]) => (request) => ({
        ...request,
        url: appendQuery(request.url, `${name}=${escape}`),
        hostile: 'ill-formed-query',
      })),
    oversized.map((length) => (request) => ({
      ...request,
      url: appendQuery(request.url, `pad=${'a'.repeat(length)}`),
      hostile: 'oversized-url',
    })),
    oversized.map((length) => (request) => ({
      ...request,
      headers: { 'X-Fuzz-Padding': 'h'.repeat(length) },
      hostile: 'oversized-header',
    })),
  ];
  if (operation.pathParams.length > 0) {
    mutations.push(
      fc
        .tuple(
          fc.integer({ min: 0, max: operation.pathParams.length - 1 }),
          fc.constantFrom(...ILL_FORMED_ESCAPES),
        )
        .map(([index, escape]) => (request) => {
          let i = 0;
          const [, query = ''] = request.url.split(/(?=\?)/);
          const path = operation.path.replace(/\{\w+\}/g, () =>
            i++ === index ? `a${escape}` : '1',
          );
          return { ...request, url: `${path}${query}`, hostile: 'ill-formed-path' };
        }),
    );
  }
  return fc.oneof(
    { weight: 40, arbitrary: fc.constant(undefined) },
    ...mutations.map((arbitrary) => ({ weight: 1, arbitrary })),
  );
}
