// A loopback GCE metadata server for gcp auth tests: the instance identity token endpoint
// (`/computeMetadata/v1/instance/service-accounts/<sa>/identity?audience=…&format=full`), signed
// RS256 with a key whose public half the Vault test server's gcp mount is seeded with. It insists
// on the Metadata-Flavor header as the real one does, and records each request's path and status.
import { createServer } from 'node:http';
import { generateKeyPairSync, randomUUID, sign } from 'node:crypto';

export interface GceInstance {
  readonly projectId: string;
  readonly zone: string;
  readonly instanceName: string;
  /** Email of the instance's default service account. */
  readonly serviceAccount: string;
}

export interface FakeGceMetadata {
  /** `host:port`, the form GCE_METADATA_HOST takes. */
  readonly host: string;
  readonly publicKeyPem: string;
  readonly requests: readonly { readonly path: string; readonly status: number }[];
  close(): Promise<void>;
}

export async function startFakeGceMetadata(
  instance: GceInstance,
  options: { tokenTtlSeconds?: number } = {},
): Promise<FakeGceMetadata> {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const requests: { path: string; status: number }[] = [];
  const b64 = (v: string | Buffer): string => Buffer.from(v).toString('base64url');

  function identity(audience: string, email: string): string {
    const iat = Math.floor(Date.now() / 1000);
    const claims = {
      aud: audience,
      azp: '1234567890',
      email,
      email_verified: true,
      exp: iat + (options.tokenTtlSeconds ?? 3600),
      iat,
      iss: 'https://accounts.google.com',
      sub: '1234567890',
      google: {
        compute_engine: {
          instance_creation_timestamp: iat - 86_400,
          instance_id: '4242424242424242',
          instance_name: instance.instanceName,
          project_id: instance.projectId,
          project_number: 987654321,
          zone: instance.zone,
        },
      },
    };
    const input = `${b64(JSON.stringify({ alg: 'RS256', kid: randomUUID(), typ: 'JWT' }))}.${b64(JSON.stringify(claims))}`;
    return `${input}.${b64(sign('sha256', Buffer.from(input), privateKey))}`;
  }

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://metadata.invalid');
    const answer = (status: number, body: string): void => {
      requests.push({ path: url.pathname, status });
      res.writeHead(status, { 'content-type': 'text/html', 'metadata-flavor': 'Google' });
      res.end(body);
    };
    if (req.headers['metadata-flavor'] !== 'Google')
      return answer(403, 'Missing required header "Metadata-Flavor": "Google"\n');
    const m = /^\/computeMetadata\/v1\/instance\/service-accounts\/([^/]+)\/identity$/.exec(url.pathname);
    if (m === null) return answer(404, 'Not Found\n');
    const sa = decodeURIComponent(m[1] ?? '');
    if (sa !== 'default' && sa !== instance.serviceAccount) return answer(404, 'Not Found\n');
    const audience = url.searchParams.get('audience') ?? '';
    if (audience === '') return answer(400, 'non-empty audience parameter required\n');
    return answer(200, identity(audience, instance.serviceAccount));
  });
  await new Promise<void>((resolve) => {
    server.listen(0, '127.0.0.1', resolve);
  });
  const addr = server.address();
  const port = typeof addr === 'object' && addr !== null ? addr.port : 0;
  return {
    host: `127.0.0.1:${port}`,
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    get requests() {
      return [...requests];
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => {
          resolve();
        });
        server.closeAllConnections();
      }),
  };
}
