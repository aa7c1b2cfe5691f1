// The PKI engine's issue endpoint: real X.509 certificates signed by the mount's own root CA (made
// at start with shared/tls/certificates.ts), with Vault's response shape and role checks.
import { createPrivateKey } from 'node:crypto';
import { isIP } from 'node:net';
import { isWrite, type Engine, type EngineRequest, type MountInfo } from './engine.ts';
import { badRequest, envelope, unsupportedOperation, unsupportedPath } from '../responses.ts';
import type { VaultResponse } from '../http-types.ts';
import type { LeaseStore } from '../leases.ts';
import { issueCertificate, type CertificateAuthority } from '../../../shared/tls/certificates.ts';
import { parseIncrement } from '../ttl.ts';
import { SYSTEM_MAX_TTL } from '../tokens.ts';

export interface PkiRole {
  readonly allowedDomains: readonly string[];
  readonly allowSubdomains: boolean;
  readonly allowBareDomains: boolean;
  readonly allowIpSans: boolean;
  readonly ttl: number;
  readonly maxTtl: number;
  readonly generateLease: boolean;
}

const CN_REQUIRED = 'the common_name field is required, or must be provided in a CSR with "use_csr_common_name" set to true, unless "require_cn" is set to false';

/** Go's time.Duration.String() for whole seconds: "1h0m0s", "10m0s", "30s". */
export function goDurationString(seconds: number): string {
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  if (h > 0) return `${h}h${m}m${s}s`;
  if (m > 0) return `${m}m${s}s`;
  return `${s}s`;
}

function trimPem(pem: string): string {
  return pem.trim();
}

function colonHex(hex: string): string {
  return (hex.length % 2 === 1 ? `0${hex}` : hex).toLowerCase().match(/../g)?.join(':') ?? '';
}

function listParam(v: unknown): string[] {
  if (Array.isArray(v)) return v.map(String).map((s) => s.trim()).filter((s) => s !== '');
  if (typeof v === 'string') return v.split(',').map((s) => s.trim()).filter((s) => s !== '');
  return [];
}

function nameAllowed(role: PkiRole, name: string): boolean {
  if (role.allowedDomains.length === 0) return true;
  return role.allowedDomains.some((d) => (role.allowBareDomains && name === d) || (role.allowSubdomains && name.endsWith(`.${d}`)));
}

export class PkiEngine implements Engine {
  readonly info: MountInfo;
  readonly #mount: string;
  readonly #ca: CertificateAuthority;
  readonly #roles: ReadonlyMap<string, PkiRole>;
  readonly #leases: LeaseStore;
  readonly #now: () => number;

  constructor(opts: { info: MountInfo; mount: string; ca: CertificateAuthority; roles: ReadonlyMap<string, PkiRole>; leases: LeaseStore; now: () => number }) {
    this.info = opts.info;
    this.#mount = opts.mount;
    this.#ca = opts.ca;
    this.#roles = opts.roles;
    this.#leases = opts.leases;
    this.#now = opts.now;
  }

  get caPem(): string {
    return trimPem(this.#ca.certPem);
  }

  async handle(req: EngineRequest): Promise<VaultResponse> {
    if (req.subpath === 'cert/ca') {
      if (req.method !== 'GET') return unsupportedOperation;
      return envelope({ data: { certificate: this.caPem, revocation_time: 0 }, mountType: 'pki' });
    }
    if (req.subpath === 'ca/pem') {
      return { status: 200, body: this.caPem, headers: { 'content-type': 'application/pem-certificate-chain' } };
    }
    const m = /^issue\/([^/]+)$/.exec(req.subpath);
    if (m === null) return unsupportedPath;
    if (!isWrite(req.method)) return unsupportedOperation;
    const roleName = m[1] ?? '';
    const role = this.#roles.get(roleName);
    if (role === undefined) return badRequest(`unknown role: ${roleName}`);
    return this.#issue(req, roleName, role);
  }

  async #issue(req: EngineRequest, roleName: string, role: PkiRole): Promise<VaultResponse> {
    const cn = typeof req.body['common_name'] === 'string' ? req.body['common_name'] : '';
    if (cn === '') return badRequest(CN_REQUIRED);
    if (!nameAllowed(role, cn)) return badRequest(`common name ${cn} not allowed by this role`);
    const altNames = listParam(req.body['alt_names']);
    for (const n of altNames) if (!nameAllowed(role, n)) return badRequest(`subject alternate name ${n} not allowed by this role`);
    const ipSans = listParam(req.body['ip_sans']);
    if (ipSans.length > 0 && !role.allowIpSans) return badRequest(`IP Subject Alternative Names are not allowed in this role, but was provided ${ipSans.join(',')}`);
    for (const ip of ipSans) if (isIP(ip) === 0) return badRequest(`the value "${ip}" is not a valid IP address`);
    const requested = parseIncrement(req.body['ttl']);
    if (requested === undefined) return badRequest('invalid ttl');
    const warnings: string[] = [];
    let ttl = requested > 0 ? requested : role.ttl;
    if (ttl > role.maxTtl) {
      if (requested > 0) warnings.push(`TTL ${JSON.stringify(goDurationString(ttl))} is longer than permitted maxTTL ${JSON.stringify(goDurationString(role.maxTtl))}, so using maxTTL`);
      ttl = role.maxTtl;
    }
    const dnsNames = [...new Set([cn, ...altNames].filter((n) => isIP(n) === 0))];
    const leaf = await issueCertificate({
      ca: this.#ca, commonName: cn, dnsNames, ipAddresses: ipSans, validityMs: ttl * 1000, now: new Date(this.#now()), usages: ['server', 'client'],
    });
    const pkcs8 = req.body['private_key_format'] === 'pkcs8';
    const privateKey = pkcs8 ? leaf.keyPem : createPrivateKey(leaf.keyPem).export({ type: 'sec1', format: 'pem' }).toString();
    const data = {
      ca_chain: [this.caPem], certificate: trimPem(leaf.certPem), expiration: Math.floor(leaf.notAfter.getTime() / 1000),
      issuing_ca: this.caPem, private_key: trimPem(privateKey), private_key_type: 'ec', serial_number: colonHex(leaf.serialNumber),
    };
    if (!role.generateLease) return envelope({ data, warnings, mountType: 'pki' });
    const lease = this.#leases.create({ path: `${this.#mount}/issue/${roleName}`, token: req.token, ttl, maxTtl: Math.min(ttl, SYSTEM_MAX_TTL), renewable: false });
    return envelope({ data, leaseId: lease.id, renewable: false, leaseDuration: ttl, warnings, mountType: 'pki' });
  }
}
