/** Adds the response parameters to a redirect URI's query, keeping its own query (RFC 6749 §4.1.2). */
export function withQuery(uri: string, params: Record<string, string>): string {
  const url = new URL(uri);
  for (const [name, value] of Object.entries(params)) url.searchParams.append(name, value);
  return url.toString();
}
