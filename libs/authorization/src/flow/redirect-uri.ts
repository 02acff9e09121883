const LOOPBACK_IPS = new Set(['127.0.0.1', '[::1]']);

/**
 * RFC 6749 §3.1.2.3 / RFC 9700 §4.1.3: exact string match against a registered URI; the only
 * exception is RFC 8252 §7.3, a loopback IP redirect of a native app, whose port may vary.
 */
export function matchRegisteredRedirectUri(requested: string, registered: readonly string[]): boolean {
  if (registered.includes(requested)) return true;
  const asked = parse(requested);
  if (!asked || asked.protocol !== 'http:' || !LOOPBACK_IPS.has(asked.hostname)) return false;
  return registered.some((candidate) => {
    const known = parse(candidate);
    return (
      known !== undefined &&
      known.protocol === 'http:' &&
      known.hostname === asked.hostname &&
      known.pathname === asked.pathname &&
      known.search === asked.search &&
      !requested.includes('#') &&
      withoutPort(candidate) === withoutPort(requested)
    );
  });
}

function parse(value: string): URL | undefined {
  try {
    return new URL(value);
  } catch {
    return undefined;
  }
}

/** The URI with its port removed, compared as written (no normalisation beyond the port). */
function withoutPort(value: string): string {
  return value.replace(/^(http:\/\/(?:127\.0\.0\.1|\[::1\]))(?::\d+)?/, '$1');
}
