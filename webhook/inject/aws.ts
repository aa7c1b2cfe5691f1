// AWS IRSA: with auth type `aws`, the agents get the app's web-identity env
// and token mount. Emitted sorted by name (vault-k8s: random order) and without a duplicate
// AWS_REGION when auth-config-region is set.
import type { EnvVar, VolumeMount } from 'kubernetes-types/core/v1.js';
import type { PodView } from './pod.ts';

const AWS_ENV = ['AWS_DEFAULT_REGION', 'AWS_REGION', 'AWS_ROLE_ARN', 'AWS_WEB_IDENTITY_TOKEN_FILE'];

export function readAws(
  view: PodView,
  authConfig: Readonly<Record<string, string>>,
): { env: EnvVar[]; mount: VolumeMount | undefined } {
  const values = new Map<string, string>();
  for (const c of view.containers) {
    for (const e of c.env ?? []) {
      if (AWS_ENV.includes(e.name) && !values.has(e.name) && typeof e.value === 'string') values.set(e.name, e.value);
    }
  }
  const region = authConfig['region'];
  if (region !== undefined && region !== '') values.set('AWS_REGION', region);
  const env = AWS_ENV.filter((n) => values.has(n)).map((name) => ({ name, value: values.get(name) ?? '' }));
  const found = view.containers
    .flatMap((c) => c.volumeMounts ?? [])
    .find((m) => String(m.mountPath).includes('eks.amazonaws.com'));
  return {
    env,
    mount: found === undefined ? undefined : { name: found.name, readOnly: true, mountPath: found.mountPath },
  };
}
