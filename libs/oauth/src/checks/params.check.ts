import { InvalidRequest } from '../errors';

/** RFC 6749 §3.1, §3.2: parameters sent without a value are treated as omitted. */
export function optionalParam(params: Readonly<Record<string, string>>, name: string): string | undefined {
  const value = params[name];
  return value === undefined || value === '' ? undefined : value;
}

export function requireParam(params: Readonly<Record<string, string>>, name: string): string {
  const value = optionalParam(params, name);
  if (value === undefined) throw new InvalidRequest(`missing required parameter: ${name}`);
  return value;
}

/** RFC 6749 §3.1, §3.2: request and response parameters MUST NOT be included more than once. */
export function rejectRepeatedParams(repeated: readonly string[]): void {
  if (repeated.length > 0) {
    throw new InvalidRequest(`parameter sent more than once: ${repeated.join(', ')}`);
  }
}
