import { createHmac, randomBytes } from 'node:crypto';

/**
 * An HMAC-SHA256 of (client_id, secret) under a key that never leaves this process: lets a
 * process recognise a secret it has seen verify without keeping the secret itself.
 */
export function secretMac(): (clientId: string, secret: string) => string {
  const key = randomBytes(32);
  return (clientId, secret) => createHmac('sha256', key).update(clientId).update('\0').update(secret).digest('base64');
}
