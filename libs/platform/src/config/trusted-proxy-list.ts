import { isIP } from 'node:net';
import { ValidatorConstraint, type ValidatorConstraintInterface } from 'class-validator';

/** The names proxy-addr (Fastify's trustProxy) accepts for well-known ranges. */
const RANGE_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);

/** One address, `address/prefix` or a range name. */
function isProxyEntry(entry: string): boolean {
  if (RANGE_NAMES.has(entry)) return true;
  const [address, prefix, extra] = entry.split('/');
  const version = isIP(address);
  if (version === 0 || extra !== undefined) return false;
  if (prefix === undefined) return true;
  return /^\d{1,3}$/.test(prefix) && Number(prefix) <= (version === 4 ? 32 : 128);
}

/** The entries of ARGUS_TRUST_PROXY, or false when no proxy is trusted. */
export function trustedProxies(value: string): false | string[] {
  if (value === 'false' || value.trim() === '') return false;
  return value.split(',').map((v) => v.trim()).filter(Boolean);
}

/** ARGUS_TRUST_PROXY: `false` or a list of proxies; never `true` (the caller would choose its own address). */
@ValidatorConstraint({ name: 'trustedProxyList' })
export class TrustedProxyList implements ValidatorConstraintInterface {
  validate(value: unknown): boolean {
    if (typeof value !== 'string') return false;
    const proxies = trustedProxies(value);
    return proxies === false || (proxies.length > 0 && proxies.every(isProxyEntry));
  }

  defaultMessage(): string {
    return (
      'ARGUS_TRUST_PROXY must be false or a comma-separated list of the proxy addresses/CIDRs in front of Argus ' +
      '(e.g. 10.0.0.0/8,127.0.0.1); `true` is refused because it takes the left-most X-Forwarded-For entry, which any caller can choose'
    );
  }
}
