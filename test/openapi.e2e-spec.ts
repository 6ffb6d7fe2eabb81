import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { sortValues } from '../src/common/paging/sort.js';
import { POST_SORT } from '../src/posts/post-sort.js';
import { TAG_SORT } from '../src/tags/tag-sort.js';
import { USER_SORT } from '../src/users/user-sort.js';
import { registerUser } from './support/api.js';
import { createTestApp, type TestApp } from './support/app.js';
import { ROOT } from './support/build.js';
import { Contract, type JsonSchema, type OpenApiDocument } from './support/contract.js';

const run = promisify(execFile);

/**
 * The committed copies of the contract stay equal to the served one, so a
 * change to a DTO or decorator that moves the API shows in the diff (and the
 * generated client types the e2e helpers use move with it).
 */
describe('the OpenAPI document as committed', () => {
  let t: TestApp;
  let served: string;

  beforeAll(async () => {
    t = await createTestApp();
    served = (await t.http().get('/docs-json').expect(200)).text;
  });

  afterAll(async () => {
    await t.close();
  });

  it('is OpenAPI 3.1 with no 3.0-only keyword left in it', () => {
    const doc = JSON.parse(served) as OpenApiDocument & { jsonSchemaDialect?: string };
    expect(doc.openapi).toBe('3.1.0');
    // Stated, so validators that pick their mode by it (Prism) read the schemas as the suite does.
    expect(doc.jsonSchemaDialect).toBe('https://json-schema.org/draft/2020-12/schema');
    // 3.0's nullable means nothing to JSON Schema 2020-12; boolean exclusive bounds are numbers there.
    expect(served).not.toMatch(/"nullable":|"exclusiveM(in|ax)imum":(true|false)/);
  });

  it('openapi.json is the document /docs-json serves (npm run openapi:export writes it)', async () => {
    const committed = JSON.parse(await readFile(join(ROOT, 'openapi.json'), 'utf8')) as unknown;
    expect(committed).toEqual(JSON.parse(served));
  });

  it('client/agora-api.d.ts is what openapi-typescript makes of it (npm run client:generate)', async () => {
    // The npm script's own command line, in its own process, printing instead of writing.
    const pkg = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as {
      scripts: Record<string, string>;
    };
    const [command, ...args] = pkg.scripts['client:generate'].split(' ');
    expect(command).toBe('openapi-typescript');
    const output = args.indexOf('--output');
    expect(args.splice(output, 2)).toEqual(['--output', 'client/agora-api.d.ts']);
    const { stdout } = await run(
      process.execPath,
      [join(ROOT, 'node_modules/openapi-typescript/bin/cli.js'), ...args],
      { cwd: ROOT, maxBuffer: 32 * 1024 * 1024 },
    );
    expect(stdout).toBe(await readFile(join(ROOT, 'client/agora-api.d.ts'), 'utf8'));
  });

  it('states each sort as a comma-separated list of exactly the values its list accepts', async () => {
    const doc = JSON.parse(served) as {
      paths: Record<string, { get: { parameters: Record<string, unknown>[] } }>;
    };
    const sortOf = (path: string) => doc.paths[path].get.parameters.find((p) => p.name === 'sort');
    for (const [path, spec] of [
      ['/api/posts', POST_SORT],
      ['/api/users/{id}/posts', POST_SORT],
      ['/api/users', USER_SORT],
      ['/api/tags', TAG_SORT],
    ] as const) {
      expect(sortOf(path)).toMatchObject({
        in: 'query',
        style: 'form',
        explode: false,
        schema: {
          type: 'array',
          items: { type: 'string', enum: sortValues(spec) },
          maxItems: Object.keys(spec.fields).length,
          default: spec.default.split(','),
        },
      });
    }
    // What the list accepts in that form: several of the values, comma-separated.
    await t.http().get('/api/posts').query({ sort: '-votes,title' }).expect(200);
  });
});

/**
 * The suite's contract check (test/support/contract.ts) reads the document as
 * OpenAPI 3.1 does, as JSON Schema 2020-12, so a document that strict tools
 * read one way cannot pass the suite read another way (issue 16).
 */
describe('the contract check reads schemas as OpenAPI 3.1 does', () => {
  let t: TestApp;
  let doc: OpenApiDocument;

  beforeAll(async () => {
    t = await createTestApp();
    doc = (await t.http().get('/docs-json').expect(200)).body as OpenApiDocument;
  });

  afterAll(async () => {
    await t.close();
  });

  /** The served document with Me's `profile` spelled as before issue 16 (3.0's `nullable` beside an allOf). */
  function withOld30Profile(): OpenApiDocument {
    const old = structuredClone(doc);
    const profile = {
      nullable: true,
      type: 'object',
      allOf: [{ $ref: '#/components/schemas/ProfileResponse' }],
    } as JsonSchema;
    (old.components.schemas.MeResponse.properties as Record<string, JsonSchema>).profile = profile;
    return old;
  }

  it('accepts a Me with profile: null, and fails the same response under the old 3.0 shape', async () => {
    const user = await registerUser(t);
    const me = await t.http().get('/api/users/me').set(user.auth).expect(200);
    expect((me.body as { profile: unknown }).profile).toBeNull();

    expect(Contract.fromDocument(doc).check('get', '/api/users/me', me)).toEqual([]);
    // What Prism 5 answered: `nullable` does not reach into the allOf, whose ProfileResponse refuses null.
    const found = Contract.fromDocument(withOld30Profile()).check('get', '/api/users/me', me);
    expect(found.length).toBeGreaterThan(0);
    for (const violation of found) {
      expect(violation).toMatch(/^GET \/api\/users\/me → 200: body\/profile must be object/);
    }

    // With a profile, both shapes accept it: the difference is null alone.
    await t
      .http()
      .put('/api/users/me/profile')
      .set(user.auth)
      .send({ displayName: 'Ada' })
      .expect(201);
    const withProfile = await t.http().get('/api/users/me').set(user.auth).expect(200);
    expect(Contract.fromDocument(doc).check('get', '/api/users/me', withProfile)).toEqual([]);
    expect(
      Contract.fromDocument(withOld30Profile()).check('get', '/api/users/me', withProfile),
    ).toEqual([]);
  });

  it('gives a typed 3.0 leftover (nullable beside type) no meaning, as JSON Schema 2020-12 does', async () => {
    const user = await registerUser(t);
    await t
      .http()
      .put('/api/users/me/profile')
      .set(user.auth)
      .send({ displayName: 'Ada' })
      .expect(201);
    const me = await t.http().get('/api/users/me').set(user.auth).expect(200);
    expect((me.body as { profile: { bio: unknown } }).profile.bio).toBeNull();
    const old = structuredClone(doc);
    const profile = old.components.schemas.ProfileResponse.properties as Record<string, JsonSchema>;
    profile.bio = { type: 'string', nullable: true, maxLength: 500 } as JsonSchema;
    // (Ajv also names the anyOf's other member, null, which the profile is not either.)
    expect(Contract.fromDocument(old).check('get', '/api/users/me', me)).toContainEqual(
      expect.stringMatching(/^GET \/api\/users\/me → 200: body\/profile\/bio must be string/),
    );
  });

  it('still closes objects and refuses a profile that is neither a Profile nor null', async () => {
    const user = await registerUser(t);
    const me = await t.http().get('/api/users/me').set(user.auth).expect(200);
    const contract = Contract.fromDocument(doc);
    for (const profile of ['', {}, { displayName: 'Ada', secret: 1 }]) {
      const broken = { ...me, body: { ...(me.body as object), profile } };
      expect([profile, contract.check('get', '/api/users/me', broken).length > 0]).toEqual([
        profile,
        true,
      ]);
    }
  });

  it('refuses to read a 3.0 document', () => {
    expect(() => Contract.fromDocument({ ...doc, openapi: '3.0.0' })).toThrow(
      'the contract reads OpenAPI 3.1 documents, not 3.0.0',
    );
  });
});
