// X.509 generation (ECDSA P-256): the webhook's auto-TLS CA and serving leaf, test certificates,
// and the Vault test server's PKI engine. The one file that imports @peculiar/x509.
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { webcrypto, randomBytes } from 'node:crypto';

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

type CryptoKey = webcrypto.CryptoKey;
type CryptoKeyPair = webcrypto.CryptoKeyPair;

const ALG: webcrypto.EcKeyGenParams & webcrypto.EcdsaParams = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };

export interface KeyPairPem {
  readonly certPem: string;
  readonly keyPem: string;
  readonly serialNumber: string;
  readonly notBefore: Date;
  readonly notAfter: Date;
}

export interface CertificateAuthority extends KeyPairPem {
  readonly keys: CryptoKeyPair;
  readonly cert: x509.X509Certificate;
}

export interface CaOptions {
  readonly commonName: string;
  readonly validityMs: number;
  readonly now?: Date;
}

export interface LeafOptions {
  readonly ca: CertificateAuthority;
  readonly commonName: string;
  readonly dnsNames?: readonly string[];
  readonly ipAddresses?: readonly string[];
  readonly validityMs: number;
  readonly now?: Date;
  /** serverAuth and clientAuth extended key usages; both by default. */
  readonly usages?: readonly ('server' | 'client')[];
}

function serial(): string {
  const bytes = randomBytes(16);
  bytes[0] = (bytes[0] ?? 0) & 0x7f; // positive integer
  return bytes.toString('hex');
}

async function exportKeyPem(key: CryptoKey): Promise<string> {
  const der = await webcrypto.subtle.exportKey('pkcs8', key);
  return x509.PemConverter.encode(der, 'PRIVATE KEY');
}

// Back-date a minute so a peer with a slightly slow clock accepts a fresh certificate.
function validity(now: Date | undefined, validityMs: number): { notBefore: Date; notAfter: Date } {
  const start = (now ?? new Date()).getTime();
  return { notBefore: new Date(start - 60_000), notAfter: new Date(start + validityMs) };
}

export async function createCa(options: CaOptions): Promise<CertificateAuthority> {
  const keys = (await webcrypto.subtle.generateKey(ALG, true, ['sign', 'verify']));
  const { notBefore, notAfter } = validity(options.now, options.validityMs);
  const serialNumber = serial();
  const name = `CN=${options.commonName}`;
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber, subject: name, issuer: name, notBefore, notAfter, signingAlgorithm: ALG,
    publicKey: keys.publicKey, signingKey: keys.privateKey,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign | x509.KeyUsageFlags.digitalSignature, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return { cert, keys, certPem: cert.toString('pem'), keyPem: await exportKeyPem(keys.privateKey), serialNumber, notBefore, notAfter };
}

export async function issueCertificate(options: LeafOptions): Promise<KeyPairPem> {
  const keys = (await webcrypto.subtle.generateKey(ALG, true, ['sign', 'verify']));
  const { notBefore, notAfter } = validity(options.now, options.validityMs);
  const serialNumber = serial();
  const usages = options.usages ?? ['server', 'client'];
  const names: x509.JsonGeneralName[] = [
    ...(options.dnsNames ?? []).map((value) => ({ type: 'dns' as const, value })),
    ...(options.ipAddresses ?? []).map((value) => ({ type: 'ip' as const, value })),
  ];
  const extensions: x509.Extension[] = [
    new x509.BasicConstraintsExtension(false, undefined, true),
    new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment, true),
    new x509.ExtendedKeyUsageExtension(usages.map((u) => (u === 'server' ? x509.ExtendedKeyUsage.serverAuth : x509.ExtendedKeyUsage.clientAuth))),
    await x509.AuthorityKeyIdentifierExtension.create(options.ca.cert),
  ];
  if (names.length > 0) extensions.push(new x509.SubjectAlternativeNameExtension(names));
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber, subject: `CN=${options.commonName}`, issuer: options.ca.cert.subject, notBefore, notAfter,
    signingAlgorithm: ALG, publicKey: keys.publicKey, signingKey: options.ca.keys.privateKey, extensions,
  });
  return { certPem: cert.toString('pem'), keyPem: await exportKeyPem(keys.privateKey), serialNumber, notBefore, notAfter };
}

/** Re-creates a CA object from PEM (for a CA stored in a Kubernetes Secret). */
export async function loadCa(certPem: string, keyPem: string): Promise<CertificateAuthority> {
  const cert = new x509.X509Certificate(certPem);
  const der = x509.PemConverter.decodeFirst(keyPem);
  const privateKey = await webcrypto.subtle.importKey('pkcs8', der, ALG, true, ['sign']);
  // x509's declared CryptoKey is the DOM global, which this Node-only build does not load.
  const publicKey = (await cert.publicKey.export(ALG, ['verify'], webcrypto as never)) as unknown as CryptoKey;
  return {
    cert, keys: { privateKey, publicKey }, certPem, keyPem,
    serialNumber: cert.serialNumber, notBefore: cert.notBefore, notAfter: cert.notAfter,
  };
}
