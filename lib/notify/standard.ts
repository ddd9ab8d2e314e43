/**
 * Standard Webhooks (standardwebhooks.com) signing: the signed content is
 * `<webhook-id>.<webhook-timestamp>.<body>`, HMAC-SHA256 with the secret's
 * bytes, sent base64-encoded as `webhook-signature: v1,<signature>`. A secret
 * is written `whsec_<base64 of the key bytes>`; the prefix is optional.
 */
import { createHmac, randomUUID } from 'node:crypto';

/** The key bytes of a `whsec_…` secret; throws with a readable message when it is not one. */
export function secretKey(secret: string): Buffer {
  const b64 = secret.trim().replace(/^whsec_/, '');
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(b64) || b64.length % 4 === 1) throw new Error('the secret is not base64 (Standard Webhooks secrets look like whsec_<base64>)');
  return Buffer.from(b64, 'base64');
}

export function sign(key: Buffer, id: string, timestamp: number, body: string): string {
  return `v1,${createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64')}`;
}

/** A message id: the same for every try of one message, so receivers can drop duplicates. */
export const messageId = () => `msg_${randomUUID().replace(/-/g, '')}`;

export function standardHeaders(key: Buffer, id: string, body: string, now = Date.now()): Record<string, string> {
  const timestamp = Math.floor(now / 1000);
  return { 'webhook-id': id, 'webhook-timestamp': String(timestamp), 'webhook-signature': sign(key, id, timestamp, body) };
}
