// Sprig's functions that Vault Agent still defines although they draw a new random value on every
// render: `randInt`, `shuffle`, `encryptAES` (random IV), `genPrivateKey`, `bcrypt` and
// `htpasswd` (random salt). A file using them
// changes whenever the template renders again (when a secret it reads changes), as with Vault Agent.
// Numbers come from the render's injected random source; IVs and keys from node:crypto.
import type { GoFunction } from './execute.ts';
import { arity } from './function-error.ts';
import { int, str } from './args.ts';
import { consulHost } from './consul-misc.ts';
import { crypto } from '../../lazy-builtins.ts';
import { BcryptError, bcryptHash } from './bcrypt.ts';

/** Sprig's bcrypt: golang.org/x/crypto/bcrypt at its default cost (10), errors as text. */
function bcrypt(input: string): string {
  try {
    return bcryptHash(Buffer.from(input), crypto().randomBytes(16), 10);
  } catch (err) {
    if (err instanceof BcryptError) return `failed to encrypt string with bcrypt: ${err.message}`;
    throw err;
  }
}

/** Sprig's htpasswd: `user:` + a bcrypt hash, or `{SHA}` + base64 SHA-1 with the "sha" algorithm. */
function htpasswd(user: string, password: string, algorithm: string): string {
  if (user.includes(':')) return `invalid username: ${user}`;
  if (algorithm === 'sha') return `${user}:{SHA}${crypto().createHash('sha1').update(password).digest('base64')}`;
  return `${user}:${bcrypt(password)}`;
}

/** Go's rand.Intn(n): panics (an error here) unless n > 0. */
function intn(n: number, random: () => number): number {
  if (n <= 0) throw new Error('invalid argument to Intn');
  return Math.floor(random() * n);
}

function shuffle(s: string, random: () => number): string {
  const runes = [...s];
  for (let i = runes.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [runes[i], runes[j]] = [runes[j] ?? '', runes[i] ?? ''];
  }
  return runes.join('');
}

/** Sprig's encryptAES: AES-256-CBC, key = password zero-padded to 32 bytes, PKCS#7, base64(IV || ciphertext). */
export function encryptAES(password: string, plaintext: string): string {
  const key = Buffer.alloc(32);
  Buffer.from(password).copy(key, 0, 0, 32);
  const iv = crypto().randomBytes(16);
  const cipher = crypto().createCipheriv('aes-256-cbc', key, iv);
  return Buffer.concat([iv, cipher.update(plaintext), cipher.final()]).toString('base64');
}

/** Sprig's genPrivateKey: PEM of a new RSA-4096 (PKCS#1), ECDSA P-256 (SEC 1) or Ed25519 (PKCS#8) key. */
export function genPrivateKey(type: string): string {
  const c = crypto();
  switch (type) {
    case '':
    case 'rsa':
      return c
        .generateKeyPairSync('rsa', { modulusLength: 4096 })
        .privateKey.export({ type: 'pkcs1', format: 'pem' })
        .toString();
    case 'ecdsa':
      return c
        .generateKeyPairSync('ec', { namedCurve: 'P-256' })
        .privateKey.export({ type: 'sec1', format: 'pem' })
        .toString();
    case 'ed25519':
      return c.generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    case 'dsa':
      throw new Error('genPrivateKey: vaultlet does not generate DSA keys (use "rsa", "ecdsa" or "ed25519")');
    default:
      // Sprig returns this text rather than an error.
      return `Unknown type ${type}`;
  }
}

export const SPRIG_RANDOM_FUNCTIONS: ReadonlyMap<string, GoFunction> = new Map<string, GoFunction>([
  [
    'randInt',
    (a, ctx) => {
      arity(a, 2);
      const min = int(a[0]);
      return intn(int(a[1]) - min, () => consulHost(ctx, 'sprig_randInt').random()) + min;
    },
  ],
  ['shuffle', (a, ctx) => (arity(a, 1), shuffle(str(a[0]), () => consulHost(ctx, 'sprig_shuffle').random()))],
  ['encryptAES', (a) => (arity(a, 2), encryptAES(str(a[0]), str(a[1])))],
  [
    'genPrivateKey',
    (a, ctx) => (
      arity(a, 1),
      consulHost(ctx, 'sprig_genPrivateKey').spend('sprig_genPrivateKey'),
      genPrivateKey(str(a[0]))
    ),
  ],
  ['bcrypt', (a, ctx) => (arity(a, 1), consulHost(ctx, 'sprig_bcrypt').spend('sprig_bcrypt'), bcrypt(str(a[0])))],
  [
    'htpasswd',
    (a, ctx) => {
      arity(a, 2, 3);
      consulHost(ctx, 'sprig_htpasswd').spend('sprig_htpasswd');
      return htpasswd(str(a[0]), str(a[1]), a.length > 2 ? str(a[2]) : 'bcrypt');
    },
  ],
]);
