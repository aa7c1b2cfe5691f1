// GCP auth, gce flavour: the instance's identity token from the metadata server (audience
// `http://vault/<role>`, full format, as Vault Agent asks for it), sent as `{role, jwt}`. The
// metadata host follows GCE_METADATA_HOST, as Google's client libraries do.
import type { GcpAuthSettings } from '../../config/settings.ts';
import { AuthError } from '../../errors.ts';
import type { CloudHttp } from '../cloud-http.ts';
import type { LoginMethod } from '../login-method.ts';

/** A JWT is three base64url parts; anything else from the metadata server is not a token. */
const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

export function gceIdentityUrl(settings: GcpAuthSettings): string {
  const audience = encodeURIComponent(`http://vault/${settings.role}`);
  return `http://${settings.metadataHost}/computeMetadata/v1/instance/service-accounts/${encodeURIComponent(settings.serviceAccount)}/identity?audience=${audience}&format=full`;
}

export function gcpGceMethod(settings: GcpAuthSettings, http: CloudHttp): LoginMethod {
  return {
    label: `${settings.mountPath} as role "${settings.role}"`,
    async login() {
      const res = await http.send({
        method: 'GET',
        url: gceIdentityUrl(settings),
        headers: { 'Metadata-Flavor': 'Google' },
      });
      if (res.status !== 200)
        throw new AuthError(
          `the metadata server ${settings.metadataHost} answered ${res.status} for the identity token of service account "${settings.serviceAccount}"`,
        );
      const jwt = res.body.trim();
      if (jwt.length > 64 * 1024 || !JWT_SHAPE.test(jwt))
        throw new AuthError(`the metadata server ${settings.metadataHost} did not answer with an identity token`);
      return { kind: 'login', path: `${settings.mountPath}/login`, body: { role: settings.role, jwt } };
    },
  };
}
