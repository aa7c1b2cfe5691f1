// Sprig's certificate functions (`genCA`, `genSelfSignedCert`, `genSignedCert`, their `WithKey`
// forms, `buildCustomCert`), laid out as Go's crypto/x509 CreateCertificate lays out Sprig's
// template: v3, a random 128-bit serial, CN only, valid from now for N days, key usage digital
// signature + key encipherment (+ cert sign for a CA), extended key usage server + client auth,
// basic constraints, a subject key id on CAs and the issuer's as authority key id, DNS and IP SANs.
// New keys are RSA 2048. Each call makes a new certificate: a file using one changes whenever the
// template renders again, as with Vault Agent.
import type { KeyObject } from 'node:crypto';
import type { GoFunction } from './execute.ts';
import { arity } from './function-error.ts';
import { int, str } from './args.ts';
import { consulHost } from './consul-misc.ts';
import { crypto } from '../../lazy-builtins.ts';
import { GoStruct, isMap } from './values.ts';
import {
  bitString,
  bool,
  children,
  explicit,
  goString,
  nul,
  octets,
  oid,
  seq,
  set,
  signerInfo,
  smallInt,
  time,
  tlv,
  unsignedInt,
} from './der.ts';

interface Signer {
  readonly subject: Buffer;
  readonly subjectKeyId: Buffer | undefined;
  readonly key: KeyObject;
}

function pem(label: string, der: Buffer): string {
  const lines = der.toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}

function pemBody(text: string, label: string): Buffer | undefined {
  const m = new RegExp(`-----BEGIN ${label}-----([A-Za-z0-9+/=\\s]+)-----END ${label}-----`).exec(text);
  return m === null ? undefined : Buffer.from((m[1] ?? '').replace(/\s+/g, ''), 'base64');
}

/** Sprig's pemBlockForKey: RSA as PKCS#1, ECDSA as SEC 1, Ed25519 as PKCS#8. */
function keyPem(key: KeyObject): string {
  const type = key.asymmetricKeyType;
  if (type === 'rsa') return key.export({ type: 'pkcs1', format: 'pem' }).toString();
  if (type === 'ec') return key.export({ type: 'sec1', format: 'pem' }).toString();
  return key.export({ type: 'pkcs8', format: 'pem' }).toString();
}

function parseKey(text: string): KeyObject {
  try {
    return crypto().createPrivateKey(text);
  } catch {
    throw new Error('error parsing private key: no PEM data found or unsupported key');
  }
}

function signatureAlgorithm(key: KeyObject): { id: Buffer; hash: string | null } {
  const type = key.asymmetricKeyType;
  if (type === 'rsa') return { id: seq(oid('1.2.840.113549.1.1.11'), nul()), hash: 'sha256' };
  if (type === 'ed25519') return { id: seq(oid('1.3.101.112')), hash: null };
  if (type === 'ec') {
    const curve = key.asymmetricKeyDetails?.namedCurve;
    if (curve === 'secp384r1') return { id: seq(oid('1.2.840.10045.4.3.3')), hash: 'sha384' };
    if (curve === 'secp521r1') return { id: seq(oid('1.2.840.10045.4.3.4')), hash: 'sha512' };
    return { id: seq(oid('1.2.840.10045.4.3.2')), hash: 'sha256' };
  }
  throw new Error(`unsupported key type ${type ?? 'unknown'}`);
}

function ipBytes(ip: string): Buffer {
  const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(ip);
  if (v4 !== null) {
    const parts = v4.slice(1).map(Number);
    if (parts.every((p) => p <= 255)) return Buffer.from(parts);
  }
  if (/^[0-9A-Fa-f:]+$/.test(ip) && ip.includes(':') && ip.split('::').length <= 2) {
    const [head = '', tail = ''] = ip.split('::');
    const groups = (s: string): number[] => (s === '' ? [] : s.split(':').map((g) => Number.parseInt(g, 16)));
    const h = groups(head);
    const t = ip.includes('::') ? groups(tail) : [];
    const all = ip.includes('::') ? [...h, ...new Array<number>(8 - h.length - t.length).fill(0), ...t] : h;
    if (all.length === 8 && all.every((g) => Number.isInteger(g) && g >= 0 && g <= 0xffff)) {
      return Buffer.from(all.flatMap((g) => [g >> 8, g & 0xff]));
    }
  }
  throw new Error(`error parsing ip: ${ip}`);
}

function strings(v: unknown, what: string): string[] {
  if (v === null || v === undefined) return [];
  if (!Array.isArray(v)) throw new Error(`${what} must be a list`);
  return v.map((e) => {
    if (typeof e !== 'string') throw new Error(`error parsing ${what}: not a string`);
    return e;
  });
}

/** Go's KeyUsage bits as its x509 package encodes them (reversed bits, shortest form). */
function keyUsage(isCA: boolean): Buffer {
  return isCA ? bitString(Buffer.from([0xa4]), 2) : bitString(Buffer.from([0xa0]), 5);
}

function extension(id: string, critical: boolean, value: Buffer): Buffer {
  return critical ? seq(oid(id), bool(true), octets(value)) : seq(oid(id), octets(value));
}

interface CertRequest {
  readonly cn: string;
  readonly ips: readonly string[];
  readonly dns: readonly string[];
  readonly days: number;
  readonly isCA: boolean;
  readonly key: KeyObject;
  readonly now: Date;
}

function createCertificate(req: CertRequest, signer: Signer | undefined): string {
  const c = crypto();
  const subject = seq(...(req.cn === '' ? [] : [set(seq(oid('2.5.4.3'), goString(req.cn)))]));
  const spki = c.createPublicKey(req.key).export({ type: 'spki', format: 'der' });
  const rawPublicKey = children(children(spki)[0]?.body ?? Buffer.alloc(0))[1]?.body.subarray(1) ?? Buffer.alloc(0);
  const issuerSubject = signer?.subject ?? subject;
  const signingKey = signer?.key ?? req.key;
  const alg = signatureAlgorithm(signingKey);
  const notBefore = new Date(Math.floor(req.now.getTime() / 1000) * 1000);
  const notAfter = new Date(notBefore.getTime() + req.days * 86_400_000);
  const extensions: Buffer[] = [
    extension('2.5.29.15', true, keyUsage(req.isCA)),
    extension('2.5.29.37', false, seq(oid('1.3.6.1.5.5.7.3.1'), oid('1.3.6.1.5.5.7.3.2'))),
    extension('2.5.29.19', true, req.isCA ? seq(bool(true)) : seq()),
  ];
  if (req.isCA)
    extensions.push(extension('2.5.29.14', false, octets(c.createHash('sha1').update(rawPublicKey).digest())));
  if (signer?.subjectKeyId !== undefined && !signer.subject.equals(subject)) {
    extensions.push(extension('2.5.29.35', false, seq(tlv(0x80, signer.subjectKeyId))));
  }
  if (req.dns.length > 0 || req.ips.length > 0) {
    const names = [...req.dns.map((d) => tlv(0x82, Buffer.from(d))), ...req.ips.map((ip) => tlv(0x87, ipBytes(ip)))];
    extensions.push(extension('2.5.29.17', false, seq(...names)));
  }
  const tbs = seq(
    explicit(0, smallInt(2)),
    unsignedInt(c.randomBytes(16)),
    alg.id,
    issuerSubject,
    seq(time(notBefore), time(notAfter)),
    subject,
    spki,
    explicit(3, seq(...extensions)),
  );
  const signature = c.sign(alg.hash, tbs, signingKey);
  return pem('CERTIFICATE', seq(tbs, alg.id, bitString(signature)));
}

function certificateValue(cert: string, key: string): GoStruct {
  return new GoStruct(
    'sprig.certificate',
    new Map([
      ['Cert', cert],
      ['Key', key],
    ]),
  );
}

/** A `certificate` argument (what genCA returns, or a dict with Cert and Key). */
function signerOf(v: unknown): Signer {
  const field = (name: string): unknown =>
    v instanceof GoStruct ? v.fields.get(name) : isMap(v) ? v[name] : undefined;
  const certText = field('Cert');
  const keyText = field('Key');
  if (typeof certText !== 'string' || typeof keyText !== 'string')
    throw new Error('the CA must be a certificate (from genCA) with Cert and Key');
  const der = pemBody(certText, 'CERTIFICATE');
  if (der === undefined) throw new Error('unable to decode certificate');
  let info: ReturnType<typeof signerInfo>;
  try {
    info = signerInfo(der);
  } catch {
    throw new Error('unable to decode certificate');
  }
  return { ...info, key: parseKey(keyText) };
}

const newRsaKey = (): KeyObject => crypto().generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;

type Make = (args: readonly unknown[], now: Date) => GoStruct;

function withClock(name: string, n: number, make: Make): GoFunction {
  return (a, ctx) => {
    arity(a, n);
    const host = consulHost(ctx, `sprig_${name}`);
    host.spend(`sprig_${name}`);
    return make(a, host.now());
  };
}

function issue(req: Omit<CertRequest, 'now'>, now: Date, signer: Signer | undefined): GoStruct {
  return certificateValue(createCertificate({ ...req, now }, signer), keyPem(req.key));
}

/** A leaf certificate's request from sprig's first four arguments: cn, ips, alternate names, days. */
function leaf(a: readonly unknown[], key: KeyObject): Omit<CertRequest, 'now'> {
  return { cn: str(a[0]), ips: strings(a[1], 'ip'), dns: strings(a[2], 'dns'), days: int(a[3]), isCA: false, key };
}

function buildCustomCert(b64cert: string, b64key: string): GoStruct {
  const decode = (s: string, what: string): string => {
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(s) || s.length % 4 !== 0) throw new Error(`unable to decode base64 ${what}`);
    return Buffer.from(s, 'base64').toString('utf8');
  };
  const cert = decode(b64cert, 'certificate');
  const key = decode(b64key, 'private key');
  const der = pemBody(cert, 'CERTIFICATE');
  if (der === undefined) throw new Error('unable to decode certificate');
  try {
    new (crypto().X509Certificate)(der);
  } catch {
    throw new Error('error parsing certificate');
  }
  parseKey(key);
  return certificateValue(cert, key);
}

export const SPRIG_CERT_FUNCTIONS: ReadonlyMap<string, GoFunction> = new Map<string, GoFunction>([
  [
    'genCA',
    withClock('genCA', 2, (a, now) =>
      issue({ cn: str(a[0]), ips: [], dns: [], days: int(a[1]), isCA: true, key: newRsaKey() }, now, undefined),
    ),
  ],
  [
    'genCAWithKey',
    withClock('genCAWithKey', 3, (a, now) =>
      issue({ cn: str(a[0]), ips: [], dns: [], days: int(a[1]), isCA: true, key: parseKey(str(a[2])) }, now, undefined),
    ),
  ],
  ['genSelfSignedCert', withClock('genSelfSignedCert', 4, (a, now) => issue(leaf(a, newRsaKey()), now, undefined))],
  [
    'genSelfSignedCertWithKey',
    withClock('genSelfSignedCertWithKey', 5, (a, now) => issue(leaf(a, parseKey(str(a[4]))), now, undefined)),
  ],
  ['genSignedCert', withClock('genSignedCert', 5, (a, now) => issue(leaf(a, newRsaKey()), now, signerOf(a[4])))],
  [
    'genSignedCertWithKey',
    withClock('genSignedCertWithKey', 6, (a, now) => issue(leaf(a, parseKey(str(a[5]))), now, signerOf(a[4]))),
  ],
  ['buildCustomCert', (a) => (arity(a, 2), buildCustomCert(str(a[0]), str(a[1])))],
]);
