// Where auto-TLS state lives: a Secret shared by all replicas (leader writes, everyone reads), or
// process memory for a single replica without leader election (vault-k8s's one-replica mode).
import type { KubePort, ObjectRef } from '../../kube/port.ts';
import { decodeState, encodeState, type CertState } from './cert-state.ts';

export interface StoredState {
  readonly state: CertState | undefined;
  /** The version a save must quote; undefined when nothing is stored yet (save creates). */
  readonly version: string | undefined;
}

export interface CertStore {
  load(): Promise<StoredState>;
  /** Fails with a 409 KubeApiError when the stored version moved on since load(). */
  save(state: CertState, version: string | undefined): Promise<void>;
}

export function secretCertStore(kube: KubePort, secret: ObjectRef): CertStore {
  return {
    async load() {
      const found = await kube.getSecret(secret);
      return found === undefined ? { state: undefined, version: undefined } : { state: decodeState(found.value), version: found.resourceVersion };
    },
    async save(state, version) {
      if (version === undefined) await kube.createSecret(secret, encodeState(state));
      else await kube.updateSecret(secret, encodeState(state), version);
    },
  };
}

export function memoryCertStore(): CertStore {
  let current: CertState | undefined;
  let version = 0;
  return {
    load: () => Promise.resolve({ state: current, version: current === undefined ? undefined : String(version) }),
    save: (state) => {
      current = state;
      version += 1;
      return Promise.resolve();
    },
  };
}
