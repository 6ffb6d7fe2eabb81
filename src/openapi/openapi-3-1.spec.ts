import { describe, expect, it } from '@jest/globals';
import type { OpenAPIObject } from '@nestjs/swagger';
import { asOpenApi31, schema31 } from './openapi-3-1.js';

const PROFILE = { $ref: '#/components/schemas/ProfileResponse' };

describe('schema31', () => {
  it('puts null in the type of a nullable typed schema, keeping its other keywords', () => {
    expect(
      schema31({ type: 'integer', format: 'int32', minimum: 0, nullable: true, example: 1 }),
    ).toEqual({ type: ['integer', 'null'], format: 'int32', minimum: 0, example: 1 });
  });

  it('puts null in the enum of a nullable enum too', () => {
    expect(schema31({ type: 'string', enum: ['a', 'b'], nullable: true })).toEqual({
      type: ['string', 'null'],
      enum: ['a', 'b', null],
    });
  });

  it('turns Nest’s nullable nested class (type object, allOf one $ref) into anyOf $ref or null', () => {
    expect(
      schema31({ nullable: true, description: 'The leader.', type: 'object', allOf: [PROFILE] }),
    ).toEqual({ anyOf: [PROFILE, { type: 'null' }], description: 'The leader.' });
    expect(schema31({ nullable: true, type: 'object', allOf: [PROFILE] })).toEqual({
      anyOf: [PROFILE, { type: 'null' }],
    });
  });

  it('wraps a nullable $ref or a composition of several whole, annotations beside the anyOf', () => {
    expect(schema31({ ...PROFILE, nullable: true, default: null })).toEqual({
      anyOf: [PROFILE, { type: 'null' }],
      default: null,
    });
    const other = { $ref: '#/components/schemas/Other' };
    expect(schema31({ nullable: true, oneOf: [PROFILE, other], title: 'Either' })).toEqual({
      anyOf: [{ oneOf: [PROFILE, other] }, { type: 'null' }],
      title: 'Either',
    });
  });

  it('converts nested schemas: properties, items, compositions', () => {
    expect(
      schema31({
        type: 'object',
        properties: {
          list: { type: 'array', items: { type: 'string', nullable: true } },
          either: { allOf: [{ type: 'object', nullable: true, allOf: [PROFILE] }] },
        },
      }),
    ).toEqual({
      type: 'object',
      properties: {
        list: { type: 'array', items: { type: ['string', 'null'] } },
        either: { allOf: [{ anyOf: [PROFILE, { type: 'null' }] }] },
      },
    });
  });

  it('drops nullable: false and turns boolean exclusive bounds into numbers', () => {
    expect(
      schema31({ type: 'number', nullable: false, minimum: 0, exclusiveMinimum: true }),
    ).toEqual({ type: 'number', exclusiveMinimum: 0 });
    expect(schema31({ type: 'number', maximum: 9, exclusiveMaximum: false })).toEqual({
      type: 'number',
      maximum: 9,
    });
  });
});

describe('asOpenApi31', () => {
  it('declares 3.1.0 with the 2020-12 dialect and converts every schema of the document, leaving examples alone', () => {
    const example = { profile: null, nullable: true };
    const document = {
      openapi: '3.0.0',
      info: { title: 't', version: '1' },
      paths: {
        '/me': {
          get: {
            parameters: [{ name: 'q', in: 'query', schema: { type: 'string', nullable: true } }],
            responses: {
              200: {
                description: 'Me',
                headers: { 'X-Next': { schema: { type: 'string', nullable: true } } },
                content: {
                  'application/json': {
                    schema: { type: 'object', nullable: true, allOf: [PROFILE] },
                    example,
                  },
                },
              },
            },
          },
        },
      },
      components: {
        schemas: { ProfileResponse: { type: 'object', properties: { bio: { nullable: true } } } },
      },
    } as unknown as OpenAPIObject;

    const converted = asOpenApi31(document);
    expect(converted.openapi).toBe('3.1.0');
    expect(converted.jsonSchemaDialect).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(converted.paths['/me']).toEqual({
      get: {
        parameters: [{ name: 'q', in: 'query', schema: { type: ['string', 'null'] } }],
        responses: {
          200: {
            description: 'Me',
            headers: { 'X-Next': { schema: { type: ['string', 'null'] } } },
            content: {
              'application/json': { schema: { anyOf: [PROFILE, { type: 'null' }] }, example },
            },
          },
        },
      },
    });
    expect(converted.components?.schemas).toEqual({
      ProfileResponse: {
        type: 'object',
        properties: { bio: { anyOf: [{}, { type: 'null' }] } },
      },
    });
    // The input is not changed in place.
    expect(document.openapi).toBe('3.0.0');
  });
});
