// A loopback Azure instance metadata service for azure auth tests: `/metadata/instance` (the VM's
// subscription, resource group and name) and `/metadata/identity/oauth2/token` (a managed identity
// access token, RS256, audience = `resource`, with the VM's resource ID in `xms_mirid`), both only
// with the `Metadata: true` header, as IMDS requires. Records each request's path and status.
import { createServer } from 'node:http';
import { generateKeyPairSync, randomUUID, sign } from 'node:crypto';

export interface AzureVm {
  readonly subscriptionId: string;
  readonly resourceGroupName: string;
  readonly name: string;
}

export interface FakeAzureImds {
  /** Base URL, the form AZURE_POD_IDENTITY_AUTHORITY_HOST takes. */
  readonly url: string;
  readonly publicKeyPem: string;
  readonly requests: readonly { readonly path: string; readonly status: number }[];
  close(): Promise<void>;
}

export async function startFakeAzureImds(vm: AzureVm): Promise<FakeAzureImds> {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const tenant = randomUUID();
  const principal = randomUUID();
  const requests: { path: string; status: number }[] = [];
  const b64 = (v: string | Buffer): string => Buffer.from(v).toString('base64url');
  const resourceId = `/subscriptions/${vm.subscriptionId}/resourcegroups/${vm.resourceGroupName}/providers/Microsoft.Compute/virtualMachines/${vm.name}`;

  function accessToken(resource: string): Record<string, unknown> {
    const now = Math.floor(Date.now() / 1000);
    const claims = {
      aud: resource,
      iss: `https://sts.windows.net/${tenant}/`,
      iat: now,
      nbf: now,
      exp: now + 86_399,
      oid: principal,
      sub: principal,
      tid: tenant,
      appid: randomUUID(),
      xms_mirid: resourceId,
    };
    const input = `${b64(JSON.stringify({ typ: 'JWT', alg: 'RS256', kid: randomUUID() }))}.${b64(JSON.stringify(claims))}`;
    const jwt = `${input}.${b64(sign('sha256', Buffer.from(input), privateKey))}`;
    return {
      access_token: jwt,
      client_id: claims.appid,
      expires_in: '86399',
      expires_on: String(claims.exp),
      ext_expires_in: '86399',
      not_before: String(now),
      resource,
      token_type: 'Bearer',
    };
  }

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://imds.invalid');
    const answer = (status: number, body: unknown): void => {
      requests.push({ path: url.pathname, status });
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
      res.end(JSON.stringify(body));
    };
    if (req.headers['metadata'] !== 'true')
      return answer(400, { error: 'Bad request. Required metadata header not specified' });
    if (url.pathname === '/metadata/instance') {
      return answer(200, {
        compute: {
          location: 'westeurope',
          name: vm.name,
          resourceGroupName: vm.resourceGroupName,
          subscriptionId: vm.subscriptionId,
          vmId: randomUUID(),
          vmScaleSetName: '',
        },
      });
    }
    if (url.pathname === '/metadata/identity/oauth2/token') {
      const resource = url.searchParams.get('resource') ?? '';
      if (resource === '')
        return answer(400, {
          error: 'invalid_request',
          error_description: "Required query variable 'resource' is missing",
        });
      return answer(200, accessToken(resource));
    }
    return answer(404, { error: 'Not found' });
  });
  await new Promise<void>((resolve) => {
    server.listen(0, '127.0.0.1', resolve);
  });
  const addr = server.address();
  const port = typeof addr === 'object' && addr !== null ? addr.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
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
