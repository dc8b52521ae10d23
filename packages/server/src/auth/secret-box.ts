import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

/**
 * Seals a secret the server must use again in clear (a company mailbox's
 * password): AES-256-GCM with a key derived (HKDF-SHA256) from a node
 * secret and a purpose, a random 96-bit nonce per seal, and the owner's id
 * as associated data, so a sealed value copied onto another company's row
 * does not open. Stored as version byte, nonce, tag, ciphertext.
 */
export class SecretBox {
  private readonly key: Buffer;

  constructor(secret: string, purpose: string) {
    if (secret.length < 32) throw new Error('SecretBox: the secret must be at least 32 characters');
    this.key = Buffer.from(hkdfSync('sha256', secret, Buffer.alloc(0), `reclaim ${purpose}`, 32));
  }

  seal(plain: string, owner: string): Buffer {
    const nonce = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, nonce).setAAD(Buffer.from(owner));
    const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return Buffer.concat([Buffer.from([1]), nonce, cipher.getAuthTag(), body]);
  }

  /** The secret, or an error when the value was sealed with another key or for another owner, or changed. */
  open(sealed: Buffer, owner: string): string {
    if (sealed.length < 29 || sealed[0] !== 1) throw new Error('SecretBox: not a sealed value');
    const decipher = createDecipheriv('aes-256-gcm', this.key, sealed.subarray(1, 13)).setAAD(Buffer.from(owner));
    decipher.setAuthTag(sealed.subarray(13, 29));
    return Buffer.concat([decipher.update(sealed.subarray(29)), decipher.final()]).toString('utf8');
  }
}
