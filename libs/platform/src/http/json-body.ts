import type { FastifyInstance } from 'fastify';
import { InvalidRequest } from '@argus/oauth';

/** No Argus request body comes close: client metadata and user records are two or three levels deep. */
export const MAX_JSON_DEPTH = 32;

/**
 * Whether `text` nests arrays/objects deeper than `max`. JSON.parse has no depth limit, and a
 * 20,000-level body parses fine but overflows the stack in the recursive code that walks it later
 * (validation, class-transformer); one pass over the text, skipping strings, is cheaper than the
 * parse itself, so this is hand-rolled rather than a second parser.
 */
export function jsonNestingExceeds(text: string, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i += 1; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      depth += 1;
      if (depth > max) return true;
    } else if (c === 0x7d || c === 0x5d) depth -= 1;
  }
  return false;
}

/** Fastify's own JSON parser (prototype-poisoning checks included), behind a nesting limit. */
export function registerJsonParser(fastify: FastifyInstance, bodyLimit: number): void {
  const parse = fastify.getDefaultJsonParser('error', 'error');
  fastify.removeContentTypeParser('application/json');
  fastify.addContentTypeParser('application/json', { parseAs: 'string', bodyLimit }, (request, body, done) => {
    if (jsonNestingExceeds(body as string, MAX_JSON_DEPTH)) {
      return done(new InvalidRequest(`the JSON body is nested too deeply (more than ${MAX_JSON_DEPTH} levels)`), undefined);
    }
    parse(request, body as string, done);
  });
}
