// The few ASN.1 DER pieces Sprig's certificate functions need: encoding a TBSCertificate as Go's
// crypto/x509 lays it out, and reading the subject and key identifier of a signer certificate.

export function tlv(tag: number, body: Uint8Array): Buffer {
  const len = body.length;
  let head: number[];
  if (len < 0x80) head = [tag, len];
  else {
    const bytes: number[] = [];
    for (let n = len; n > 0; n = Math.floor(n / 256)) bytes.unshift(n % 256);
    head = [tag, 0x80 | bytes.length, ...bytes];
  }
  return Buffer.concat([Buffer.from(head), body]);
}

export const seq = (...items: Uint8Array[]): Buffer => tlv(0x30, Buffer.concat(items));
export const set = (...items: Uint8Array[]): Buffer => tlv(0x31, Buffer.concat(items));
export const octets = (b: Uint8Array): Buffer => tlv(0x04, b);
export const bool = (v: boolean): Buffer => tlv(0x01, Buffer.from([v ? 0xff : 0]));
export const nul = (): Buffer => Buffer.from([0x05, 0x00]);
/** [n] EXPLICIT. */
export const explicit = (n: number, body: Uint8Array): Buffer => tlv(0xa0 | n, body);

/** A non-negative INTEGER from big-endian magnitude bytes. */
export function unsignedInt(magnitude: Uint8Array): Buffer {
  let b = Buffer.from(magnitude);
  let i = 0;
  while (i < b.length - 1 && b[i] === 0) i++;
  b = b.subarray(i);
  if (b.length === 0) b = Buffer.from([0]);
  if ((b[0] ?? 0) & 0x80) b = Buffer.concat([Buffer.from([0]), b]);
  return tlv(0x02, b);
}

export function smallInt(n: number): Buffer {
  return unsignedInt(Buffer.from([n]));
}

export function oid(dotted: string): Buffer {
  const parts = dotted.split('.').map(Number);
  const out: number[] = [(parts[0] ?? 0) * 40 + (parts[1] ?? 0)];
  for (const p of parts.slice(2)) {
    const bytes = [p & 0x7f];
    for (let n = Math.floor(p / 128); n > 0; n = Math.floor(n / 128)) bytes.unshift((n & 0x7f) | 0x80);
    out.push(...bytes);
  }
  return tlv(0x06, Buffer.from(out));
}

/** BIT STRING with `unused` trailing bits. */
export function bitString(bytes: Uint8Array, unused = 0): Buffer {
  return tlv(0x03, Buffer.concat([Buffer.from([unused]), bytes]));
}

/** Go's asn1 string choice: PrintableString when every byte allows it, else UTF8String. */
export function goString(s: string): Buffer {
  const printable = /^[A-Za-z0-9 '()+,\-./:=?*]*$/.test(s);
  return tlv(printable ? 0x13 : 0x0c, Buffer.from(s, 'utf8'));
}

/** UTCTime for 1950–2049, GeneralizedTime otherwise, to the second, as Go encodes validity. */
export function time(d: Date): Buffer {
  const y = d.getUTCFullYear();
  const p = (n: number, w = 2): string => String(n).padStart(w, '0');
  const rest = `${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}${p(d.getUTCHours())}${p(d.getUTCMinutes())}${p(d.getUTCSeconds())}Z`;
  if (y >= 1950 && y < 2050) return tlv(0x17, Buffer.from(`${p(y % 100)}${rest}`));
  return tlv(0x18, Buffer.from(`${p(y, 4)}${rest}`));
}

export interface Element {
  readonly tag: number;
  /** The whole element (header and body). */
  readonly raw: Buffer;
  readonly body: Buffer;
}

/** The elements directly inside `body`. Throws on malformed input. */
export function children(body: Buffer): Element[] {
  const out: Element[] = [];
  let i = 0;
  while (i < body.length) {
    const tag = body[i] ?? 0;
    let len = body[i + 1] ?? 0;
    let head = 2;
    if (len & 0x80) {
      const n = len & 0x7f;
      if (n === 0 || n > 4) throw new Error('unsupported DER length');
      len = 0;
      for (let k = 0; k < n; k++) len = len * 256 + (body[i + 2 + k] ?? 0);
      head += n;
    }
    if (i + head + len > body.length) throw new Error('truncated DER');
    out.push({ tag, raw: body.subarray(i, i + head + len), body: body.subarray(i + head, i + head + len) });
    i += head + len;
  }
  return out;
}

/** A certificate's raw subject Name and its subject key identifier (if it has one). */
export function signerInfo(certDer: Buffer): { subject: Buffer; subjectKeyId: Buffer | undefined } {
  const [cert] = children(certDer);
  const [tbs] = cert === undefined ? [] : children(cert.body);
  if (tbs === undefined) throw new Error('not a certificate');
  const fields = children(tbs.body);
  const offset = fields[0]?.tag === 0xa0 ? 1 : 0;
  const subject = fields[offset + 4];
  if (subject === undefined) throw new Error('not a certificate');
  let subjectKeyId: Buffer | undefined;
  const extensions = fields.find((f) => f.tag === 0xa3);
  const list = extensions === undefined ? [] : children(children(extensions.body)[0]?.body ?? Buffer.alloc(0));
  for (const ext of list) {
    const [id, ...rest] = children(ext.body);
    if (id?.raw.equals(oid('2.5.29.14')) === true) {
      const value = rest[rest.length - 1];
      subjectKeyId = value === undefined ? undefined : children(value.body)[0]?.body;
    }
  }
  return { subject: subject.raw, subjectKeyId };
}
