/**
 * Route schemas are the shared zod schemas themselves: this validator compiler runs `safeParse` and hands the parsed
 * (normalised: NFC names, trimmed text) value to the handler; a failure becomes a Problem with field keys.
 * The OpenAPI document is generated from the same schemas (see plugins/openapi.ts).
 */
import type { FastifyInstance } from 'fastify';
import type * as z from 'zod/mini';
import { zodProblem } from '../problem-error.ts';

function isZodSchema(value: unknown): value is z.ZodMiniType {
  return typeof value === 'object' && value !== null && '_zod' in value;
}

export function installZodValidation(app: FastifyInstance): void {
  app.setValidatorCompiler(({ schema, httpPart }) => {
    if (!isZodSchema(schema)) throw new Error(`Route schema for ${httpPart ?? 'request'} is not a zod schema`);
    return (data: unknown) => {
      const result = schema.safeParse(data);
      return result.success ? { value: result.data } : { error: zodProblem(result.error.issues, httpPart ?? 'body') };
    };
  });
  // Responses are plain JSON built from typed values; no serializer schema is compiled.
  app.setSerializerCompiler(() => (data) => JSON.stringify(data));
}
