import type { FastifyInstance } from 'fastify';

/** A parsed application/x-www-form-urlencoded body that remembers repeated parameter names. */
export class FormBody {
  constructor(
    readonly values: Record<string, string>,
    readonly repeated: string[],
  ) {}

  static parse(text: string): FormBody {
    const values: Record<string, string> = Object.create(null);
    const repeated = new Set<string>();
    for (const [name, value] of new URLSearchParams(text)) {
      if (name in values) repeated.add(name);
      else values[name] = value;
    }
    return new FormBody(values, [...repeated]);
  }
}

/** Parses form bodies with URLSearchParams, keeping repeated names visible to the checks. */
export function registerFormParser(fastify: FastifyInstance, bodyLimit: number): void {
  fastify.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string', bodyLimit },
    (_request, body, done) => done(null, FormBody.parse(body as string)),
  );
}
