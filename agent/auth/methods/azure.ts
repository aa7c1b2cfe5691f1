// Azure auth: a managed identity access token and the VM's identity from the instance metadata
// service (IMDS), sent as Vault Agent's azure method sends them: `{role, jwt, subscription_id,
// resource_group_name, vm_name, vmss_name}`. IMDS answers only with the `Metadata: true` header.
import type { AzureAuthSettings } from '../../config/settings.ts';
import { AuthError } from '../../errors.ts';
import { isRecord } from '../../vault/client.ts';
import type { CloudHttp } from '../cloud-http.ts';
import type { LoginMethod } from '../login-method.ts';

function parseJson(text: string): Record<string, unknown> | undefined {
  try {
    const v: unknown = JSON.parse(text);
    return isRecord(v) ? v : undefined;
  } catch {
    return undefined;
  }
}

function text(o: unknown, key: string): string {
  const v = isRecord(o) ? o[key] : undefined;
  return typeof v === 'string' ? v : '';
}

export function azureMethod(settings: AzureAuthSettings, http: CloudHttp): LoginMethod {
  const get = async (what: string, url: string): Promise<Record<string, unknown>> => {
    const res = await http.send({ method: 'GET', url, headers: { Metadata: 'true' } });
    if (res.status !== 200) throw new AuthError(`IMDS ${what}: status ${res.status}`);
    const body = parseJson(res.body);
    if (body === undefined) throw new AuthError(`IMDS ${what}: not a JSON object`);
    return body;
  };
  return {
    label: `${settings.mountPath} as role "${settings.role}"`,
    async login() {
      // Vault Agent's order: the VM's identity, then the token.
      const compute = (await get('instance', `${settings.imdsUrl}/metadata/instance?api-version=2017-08-01`))[
        'compute'
      ];
      const token = new URLSearchParams({ 'api-version': '2018-02-01', resource: settings.resource });
      if (settings.objectId !== undefined) token.set('object_id', settings.objectId);
      if (settings.clientId !== undefined) token.set('client_id', settings.clientId);
      const identity = await get('token', `${settings.imdsUrl}/metadata/identity/oauth2/token?${token.toString()}`);
      const jwt = text(identity, 'access_token');
      if (jwt === '') throw new AuthError('IMDS token: no access_token in the answer');
      return {
        kind: 'login',
        path: `${settings.mountPath}/login`,
        body: {
          role: settings.role,
          jwt,
          subscription_id: text(compute, 'subscriptionId'),
          resource_group_name: text(compute, 'resourceGroupName'),
          vm_name: text(compute, 'name'),
          vmss_name: text(compute, 'vmScaleSetName'),
        },
      };
    },
  };
}
