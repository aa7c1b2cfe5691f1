// TLS certificate login (Vault's builtin/credential/cert): the client certificate on the
// connection must be one a role trusts (issued by the role's `certificate`, or that very
// certificate), within its validity, and match allowed_common_names when the role sets them.
// `name` limits the check to one role. Errors are Vault's texts.
import { X509Certificate } from 'node:crypto';
import { badRequest } from '../responses.ts';
import type { VaultResponse } from '../http-types.ts';
import type { TokenStore } from '../tokens.ts';
import { LoginIssuer, type TokenRole } from './issue.ts';

export interface CertRole extends TokenRole {
  readonly name: string;
  /** PEM: a CA that issued the client certificate, or the client certificate itself. */
  readonly certificatePem: string;
  readonly allowedCommonNames: readonly string[];
}

function commonName(cert: X509Certificate): string {
  for (const line of cert.subject.split('\n')) if (line.startsWith('CN=')) return line.slice(3);
  return '';
}

export class CertAuth {
  readonly #roles: readonly { role: CertRole; trusted: X509Certificate }[];
  readonly #issuer: LoginIssuer;
  readonly #now: () => number;

  constructor(opts: { mount: string; roles: readonly CertRole[]; tokens: TokenStore; now: () => number }) {
    this.#roles = opts.roles.map((role) => ({ role, trusted: new X509Certificate(role.certificatePem) }));
    this.#issuer = new LoginIssuer(opts.tokens, opts.mount, 'cert');
    this.#now = opts.now;
  }

  login(body: Readonly<Record<string, unknown>>, client: X509Certificate | undefined): VaultResponse {
    if (client === undefined) return badRequest('client certificate must be supplied');
    const name = typeof body['name'] === 'string' ? body['name'] : '';
    const now = this.#now();
    const valid = Date.parse(client.validFrom) <= now && now <= Date.parse(client.validTo);
    const match = this.#roles.find(
      ({ role, trusted }) =>
        (name === '' || role.name === name) &&
        valid &&
        this.#trusts(trusted, client) &&
        (role.allowedCommonNames.length === 0 || role.allowedCommonNames.includes(commonName(client))),
    );
    if (match === undefined) return badRequest('invalid certificate or no client certificate supplied');
    const { role } = match;
    const metadata = {
      cert_name: role.name,
      common_name: commonName(client),
      serial_number: client.serialNumber.toLowerCase(),
    };
    return this.#issuer.issue(role, client.fingerprint256, metadata, role.name);
  }

  #trusts(trusted: X509Certificate, client: X509Certificate): boolean {
    if (trusted.fingerprint256 === client.fingerprint256) return true;
    return client.checkIssued(trusted) && client.verify(trusted.publicKey);
  }
}
