// AWS auth, iam flavour: a SigV4-signed sts:GetCallerIdentity request that Vault replays to STS to
// learn who the caller is (Vault's awsutil.GenerateLoginData). Credentials are static (config or
// AWS_ACCESS_KEY_ID/...) or IRSA's web identity (AWS_ROLE_ARN + AWS_WEB_IDENTITY_TOKEN_FILE).
import type { Clock } from '../../../shared/clock.ts';
import type { AwsAuthSettings } from '../../config/settings.ts';
import type { CloudHttp } from '../cloud-http.ts';
import type { CredentialFiles } from '../credential-files.ts';
import type { LoginMethod } from '../login-method.ts';
import { signRequest, type AwsCredentials } from '../aws/sigv4.ts';
import { WebIdentityCredentials } from '../aws/web-identity.ts';

const GET_CALLER_IDENTITY = 'Action=GetCallerIdentity&Version=2011-06-15';

export function awsIamMethod(
  settings: AwsAuthSettings,
  deps: { http: CloudHttp; files: CredentialFiles; clock: Clock },
): LoginMethod {
  const source = settings.credentials;
  const webIdentity =
    source.kind === 'web-identity'
      ? new WebIdentityCredentials({ ...source, stsEndpoint: settings.stsEndpoint }, deps)
      : undefined;
  const credentials = (): Promise<AwsCredentials> =>
    webIdentity !== undefined ? webIdentity.get() : Promise.resolve(source as AwsCredentials);
  return {
    label: `${settings.mountPath} as role "${settings.role}"`,
    async login() {
      const url = settings.loginUrl;
      const headers: Record<string, string> = { 'Content-Type': 'application/x-www-form-urlencoded; charset=utf-8' };
      if (settings.headerValue !== undefined) headers['X-Vault-AWS-IAM-Server-ID'] = settings.headerValue;
      const signed = signRequest({ method: 'POST', url, headers, body: GET_CALLER_IDENTITY }, await credentials(), {
        region: settings.region,
        service: 'sts',
        date: new Date(deps.clock.now()),
      });
      // Go's http.Header: every value a list.
      const headerLists = Object.fromEntries(Object.entries(signed).map(([k, v]) => [k, [v]]));
      return {
        kind: 'login',
        path: `${settings.mountPath}/login`,
        body: {
          iam_http_request_method: 'POST',
          iam_request_url: Buffer.from(url).toString('base64'),
          iam_request_body: Buffer.from(GET_CALLER_IDENTITY).toString('base64'),
          iam_request_headers: Buffer.from(JSON.stringify(headerLists)).toString('base64'),
          role: settings.role,
        },
      };
    },
  };
}
