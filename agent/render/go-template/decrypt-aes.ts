// Sprig's `decryptAES PASSWORD CIPHERTEXT`: base64 of a 16-byte IV followed by AES-256-CBC
// blocks, the key being the password's bytes zero-padded (or cut) to 32, PKCS#7 padding removed
// by its last byte as Sprig does. (`encryptAES`, its inverse, is in sprig-random.ts.)
import type { GoFunction } from './execute.ts';
import { arity } from './function-error.ts';
import { str } from './args.ts';
import { crypto } from '../../lazy-builtins.ts';

function decryptAES(password: string, crypt64: string): string {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(crypt64) || crypt64.length % 4 !== 0) throw new Error('illegal base64 data');
  const crypt = Buffer.from(crypt64, 'base64');
  if (crypt.length < 32 || crypt.length % 16 !== 0) throw new Error('crypto/cipher: input not full blocks');
  const key = Buffer.alloc(32);
  Buffer.from(password).copy(key, 0, 0, 32);
  const decipher = crypto().createDecipheriv('aes-256-cbc', key, crypt.subarray(0, 16));
  decipher.setAutoPadding(false);
  const plain = Buffer.concat([decipher.update(crypt.subarray(16)), decipher.final()]);
  const pad = plain[plain.length - 1] ?? 0;
  if (pad > plain.length) throw new Error('decryptAES: bad padding');
  return plain.subarray(0, plain.length - pad).toString();
}

export const DECRYPT_AES_FUNCTIONS: ReadonlyMap<string, GoFunction> = new Map<string, GoFunction>([
  ['decryptAES', (a) => (arity(a, 2), decryptAES(str(a[0]), str(a[1])))],
]);
