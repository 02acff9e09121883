import { BlockList, isIP } from 'node:net';
import type { ClientMetadata } from '@argus/contracts';
import { secretMac } from './secret-mac';

/** What client authentication needs, read once and kept for a short time. */
export interface ClientAuthRecord {
  clientId: string;
  metadata: ClientMetadata;
  secretHash: string | null;
  previousSecretHash: string | null;
  previousSecretExpiresAt: number | null;
  allowedIps: BlockList | null;
}

interface Entry {
  record: ClientAuthRecord;
  /** MAC of a verified secret → until when it may be trusted without argon2 (ms). */
  verifiedSecretMacs: Map<string, number>;
  expiresAt: number;
}

const MAX_ENTRIES = 50_000;
const MAX_MACS_PER_CLIENT = 4;

/**
 * DESIGN.md: after a successful argon2id verification, remember an HMAC of the presented
 * secret (process-local key) for a short time, so the client-credentials hot path costs one
 * HMAC instead of tens of milliseconds. Entries are dropped at once on rotation, disable or delete.
 */
export class ClientAuthCache {
  private readonly mac = secretMac();
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly ttlSeconds: number,
    private readonly now: () => number = () => Date.now(),
  ) {}

  get(clientId: string): ClientAuthRecord | undefined {
    const entry = this.live(clientId);
    return entry?.record;
  }

  put(record: ClientAuthRecord): void {
    if (this.ttlSeconds === 0) return;
    if (this.entries.size >= MAX_ENTRIES) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    this.entries.set(record.clientId, { record, verifiedSecretMacs: new Map(), expiresAt: this.now() + this.ttlSeconds * 1000 });
  }

  isVerified(clientId: string, secret: string): boolean {
    const validUntil = this.live(clientId)?.verifiedSecretMacs.get(this.mac(clientId, secret));
    return validUntil !== undefined && validUntil > this.now();
  }

  /**
   * `validUntilMs` bounds a secret that is only valid for a while (the previous secret during
   * its rotation grace period): the cache never outlives what it stands for.
   */
  rememberVerified(clientId: string, secret: string, validUntilMs = Number.POSITIVE_INFINITY): void {
    const entry = this.live(clientId);
    if (!entry) return;
    if (entry.verifiedSecretMacs.size >= MAX_MACS_PER_CLIENT) entry.verifiedSecretMacs.clear();
    entry.verifiedSecretMacs.set(this.mac(clientId, secret), Math.min(entry.expiresAt, validUntilMs));
  }

  drop(clientId: string): void {
    this.entries.delete(clientId);
  }

  private live(clientId: string): Entry | undefined {
    const entry = this.entries.get(clientId);
    if (entry && entry.expiresAt <= this.now()) {
      this.entries.delete(clientId);
      return undefined;
    }
    return entry;
  }
}

/** A BlockList of the client's allowed ranges, or null when any address is allowed. */
export function allowedIpList(ranges: string[]): BlockList | null {
  if (ranges.length === 0) return null;
  const list = new BlockList();
  for (const range of ranges) {
    const [address, prefix] = range.split('/');
    const type = isIP(address) === 6 ? 'ipv6' : 'ipv4';
    if (prefix === undefined) list.addAddress(address, type);
    else list.addSubnet(address, Number(prefix), type);
  }
  return list;
}

/** Checks an address (IPv4-mapped IPv6 is treated as IPv4) against the list. */
export function ipAllowed(list: BlockList | null, address: string): boolean {
  if (!list) return true;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  const ip = mapped ? mapped[1] : address;
  const type = isIP(ip) === 6 ? 'ipv6' : 'ipv4';
  if (isIP(ip) === 0) return false;
  return list.check(ip, type);
}
