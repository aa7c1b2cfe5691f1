// The webhook as a real process on a real port with generated certificates: AdmissionReviews in
// over HTTPS (verified against the test CA), patches applied with fast-json-patch, the resulting
// pod checked against the Kubernetes Pod schema and its VAULT_CONFIG decoded.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import fastJsonPatch from 'fast-json-patch';
import { Agent } from 'node:https';
import { connect } from 'node:tls';
import { Pod } from 'kubernetes-models/v1';
import { createTlsDir, type TlsDir } from '../helpers/tls-dir.ts';
import { httpsRequest, runCli, startWebhook, type WebhookProcess } from '../helpers/webhook-process.ts';

const SENTINEL = 'sentinel-Hx7-env-value-never-logged';
const VAULT_ADDR = 'https://vault.vault.svc:8200';

let tls: TlsDir;
let webhook: WebhookProcess;

interface Container {
  name: string;
  image?: string;
  env?: { name: string; value?: string }[];
  volumeMounts?: { name: string; mountPath: string; readOnly?: boolean }[];
}
interface PodShape {
  apiVersion: string;
  kind: string;
  metadata: { generateName?: string; namespace?: string; annotations: Record<string, string> };
  spec: { serviceAccountName?: string; containers: Container[]; initContainers?: Container[]; volumes?: unknown[] };
}

function annotatedPod(): PodShape {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      generateName: 'web-5d8f-',
      namespace: 'team',
      annotations: {
        'vault.hashicorp.com/agent-inject': 'true',
        'vault.hashicorp.com/role': 'web',
        'vault.hashicorp.com/agent-inject-secret-db': 'database/creds/web',
      },
    },
    spec: {
      serviceAccountName: 'web',
      containers: [
        {
          name: 'app',
          image: 'registry.example/web:1.2',
          env: [{ name: 'DB_PASSWORD', value: SENTINEL }],
          volumeMounts: [{ name: 'kube-api-access-abcde', mountPath: '/var/run/secrets/kubernetes.io/serviceaccount', readOnly: true }],
        },
      ],
      volumes: [{ name: 'kube-api-access-abcde', projected: { sources: [{ serviceAccountToken: { path: 'token', expirationSeconds: 3607 } }] } }],
    },
  };
}

function review(object: unknown, apiVersion = 'admission.k8s.io/v1', uid = 'a1b2'): string {
  return JSON.stringify({ apiVersion, kind: 'AdmissionReview', request: { uid, namespace: 'team', operation: 'CREATE', object } });
}

async function mutate(body: string, headers: Record<string, string> = {}, agent?: Agent) {
  return httpsRequest({ port: webhook.port, ca: tls.ca.certPem, path: '/mutate', body, headers, ...(agent ? { agent } : {}) });
}

beforeAll(async () => {
  tls = await createTlsDir();
  webhook = await startWebhook({
    AGENT_INJECT_VAULT_ADDR: VAULT_ADDR,
    AGENT_INJECT_TLS_CERT_FILE: tls.certFile,
    AGENT_INJECT_TLS_KEY_FILE: tls.keyFile,
    AGENT_INJECT_TELEMETRY_PATH: '/metrics',
    AGENT_INJECT_LOG_LEVEL: 'debug',
    AGENT_INJECT_MAX_BODY_BYTES: String(256 * 1024),
  });
});

afterAll(async () => {
  await webhook.stop();
  await tls.remove();
});

describe('webhook over HTTPS (real process)', () => {
  it('is ready over TLS verified against the CA, and refuses clients that do not trust it', async () => {
    const res = await httpsRequest({ port: webhook.port, ca: tls.ca.certPem, path: '/health/ready' });
    expect(res.status).toBe(204);
    const untrusted = await httpsRequest({ port: webhook.port, ca: [] as unknown as string, path: '/health/ready' }).catch((e: unknown) => e);
    expect((untrusted as { code?: string }).code).toBe('UNABLE_TO_VERIFY_LEAF_SIGNATURE');
  });

  it('refuses TLS 1.1 (the default minimum is TLS 1.2)', async () => {
    const outcome = await new Promise<string>((resolve) => {
      const socket = connect({ host: '127.0.0.1', port: webhook.port, ca: tls.ca.certPem, maxVersion: 'TLSv1.1', minVersion: 'TLSv1' });
      socket.once('secureConnect', () => {
        socket.destroy();
        resolve('connected');
      });
      socket.once('error', () => { resolve('refused'); });
    });
    expect(outcome).toBe('refused');
  });

  it('injects an annotated pod: the patched pod is a valid Pod and carries a VAULT_CONFIG for the annotations', async () => {
    const original = annotatedPod();
    const res = await mutate(review(original));
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    const body = JSON.parse(res.body);
    expect(body).toMatchObject({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', response: { uid: 'a1b2', allowed: true, patchType: 'JSONPatch' } });
    const patch = JSON.parse(Buffer.from(body.response.patch, 'base64').toString('utf8'));
    const patched = fastJsonPatch.applyPatch(structuredClone(original), patch, true, false).newDocument;

    expect(() => { new Pod(patched as never).validate(); }).not.toThrow();
    expect(patched.metadata.annotations['vault.hashicorp.com/agent-inject-status']).toBe('injected');
    const init = patched.spec.initContainers?.find((c) => c.name === 'vault-agent-init');
    const sidecar = patched.spec.containers.find((c) => c.name === 'vault-agent');
    const app = original.spec.containers[0]!;
    expect(patched.spec.containers[0]).toEqual({ ...app, volumeMounts: [...(app.volumeMounts ?? []), { name: 'vault-secrets', mountPath: '/vault/secrets' }] });
    const decode = (c: Container | undefined): unknown =>
      JSON.parse(Buffer.from(c?.env?.find((e) => e.name === 'VAULT_CONFIG')?.value ?? '', 'base64').toString('utf8'));
    const initConfig = decode(init);
    const expectedCommon = {
      auto_auth: {
        method: { type: 'kubernetes', mount_path: 'auth/kubernetes', config: { role: 'web', token_path: '/var/run/secrets/kubernetes.io/serviceaccount/token' } },
        sink: [{ type: 'file', config: { path: '/home/vault/.vault-token' } }],
      },
      pid_file: '/home/vault/.pid',
      vault: { address: VAULT_ADDR },
      template: [
        {
          destination: '/vault/secrets/db',
          contents: '{{ with secret "database/creds/web" }}{{ range $k, $v := .Data }}{{ $k }}: {{ $v }}\n{{ end }}{{ end }}',
          left_delimiter: '{{',
          right_delimiter: '}}',
          engine: 'go',
        },
      ],
      template_config: { exit_on_retry_failure: true },
      // vaultlet's own agent image reads these extra settings; the Vault Agent ignores them.
      vaultlet: { destination_roots: ['/vault/secrets'], ready_file: '/vault/agent-state/ready', revoke_on_shutdown: false, state_dir: '/vault/agent-state' },
    };
    expect(initConfig).toEqual({ ...expectedCommon, exit_after_auth: true });
    expect(decode(sidecar)).toEqual({ ...expectedCommon, exit_after_auth: false });
  });

  it('answers an unannotated pod in the request version without a patch', async () => {
    const plain = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'plain' }, spec: { containers: [{ name: 'app', image: 'app' }] } };
    const res = await mutate(review(plain, 'admission.k8s.io/v1beta1', 'u-beta'));
    expect(JSON.parse(res.body)).toEqual({ apiVersion: 'admission.k8s.io/v1beta1', kind: 'AdmissionReview', response: { uid: 'u-beta', allowed: true } });
  });

  it('denies a pod with a bad annotation, naming the key', async () => {
    const pod = annotatedPod();
    pod.metadata.annotations['vault.hashicorp.com/agent-pre-populate'] = 'yes';
    const res = await mutate(review(pod));
    const body = JSON.parse(res.body);
    expect(body.response.allowed).toBe(false);
    expect(body.response.status.message).toContain('agent-pre-populate');
  });

  it('answers bad input with JSON 4xx on a kept-alive connection that still serves the next review', async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const cases: [string, Record<string, string>, number][] = [
      ['{"not json', {}, 400],
      ['', {}, 400],
      [review({}), { 'content-type': 'text/plain' }, 400],
      [JSON.stringify({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview' }), {}, 400],
      ['{"request":{"uid":"x","object":{"__proto__":{"a":1}}}}', {}, 400],
      [review({ big: 'x'.repeat(300 * 1024) }), {}, 413],
    ];
    const statuses: number[] = [];
    for (const [body, headers] of cases) {
      const res = await mutate(body, headers, agent);
      statuses.push(res.status);
      expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
      expect(typeof JSON.parse(res.body).message).toBe('string');
    }
    expect(statuses).toEqual(cases.map((c) => c[2]));
    const plain = { kind: 'Pod', metadata: { name: 'x' }, spec: { containers: [{ name: 'app', image: 'app' }] } };
    const after = await mutate(review(plain, 'admission.k8s.io/v1', 'after'), { 'content-type': 'application/json; charset=utf-8' }, agent);
    expect([after.status, JSON.parse(after.body)]).toEqual([200, { apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', response: { uid: 'after', allowed: true } }]);
    agent.destroy();
  });

  it('exposes the vault-k8s metrics', async () => {
    const res = await httpsRequest({ port: webhook.port, ca: tls.ca.certPem, path: '/metrics' });
    expect(res.status).toBe(200);
    const lines = res.body.split('\n');
    expect(lines).toContain('vault_agent_injector_injections_by_namespace_total{namespace="team",injection_type="init_and_sidecar"} 1');
    expect(lines).toContain('vault_agent_injector_failed_injections_by_namespace_total{namespace="team"} 1');
    expect(lines).toContain('vault_agent_injector_request_queue_length 0');
    expect(res.body).toContain('process_resident_memory_bytes');
  });

  it('answers repeats of a review (a ReplicaSet scaling up) from the review cache, exactly as a fresh decision', async () => {
    const pod = annotatedPod();
    const body = (uid: string): string =>
      JSON.stringify({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', request: { uid, namespace: 'scale', operation: 'CREATE', object: pod } });
    const uids = ['rs-1', 'rs-2', 'rs-3', 'rs-4-a-longer-uid'];
    const answers: string[] = [];
    for (const uid of uids) {
      const res = await httpsRequest({ port: webhook.port, ca: tls.ca.certPem, path: '/mutate?timeout=10s', body: body(uid) });
      expect(res.status).toBe(200);
      answers.push(res.body);
    }
    for (const [i, answer] of answers.entries()) expect(answer).toBe((answers[0] as string).replace('"uid":"rs-1"', `"uid":"${uids[i] as string}"`));
    const cachedFlags = async (): Promise<unknown[]> => {
      for (let waited = 0; waited < 5000; waited += 50) {
        const lines = webhook.stdout.filter((l) => l.includes('"uid":"rs-')).map((l) => JSON.parse(l) as Record<string, unknown>);
        if (lines.length === uids.length) return lines.map((e) => [e['uid'], e['cached'], e['namespace'], e['injection']]);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      return [];
    };
    expect(await cachedFlags()).toEqual(uids.map((uid, i) => [uid, i >= 2, 'scale', 'init_and_sidecar']));
  });

  it('logs one line per admission and never the pod env values', () => {
    const all = webhook.stdout.join('\n');
    expect(all).not.toContain(SENTINEL);
    const reviewed = webhook.stdout.filter((l) => l.includes('"admission reviewed"')).map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(reviewed.find((e) => e['uid'] === 'a1b2' && e['allowed'] === true)).toMatchObject({ namespace: 'team', pod: 'web-5d8f-', injection: 'init_and_sidecar' });
  });
});

describe('webhook start-up failures', () => {
  it('exits 2 naming every bad variable', async () => {
    const res = await runCli(['webhook'], {
      AGENT_INJECT_LISTEN: 'nope',
      AGENT_INJECT_LOG_LEVEL: 'loud',
      AGENT_INJECT_TLS_MIN_VERSION: 'tls99',
      AGENT_INJECT_RUN_AS_USER: 'root',
    });
    expect(res.code).toBe(2);
    for (const name of ['AGENT_INJECT_LISTEN', 'AGENT_INJECT_LOG_LEVEL', 'AGENT_INJECT_TLS_MIN_VERSION', 'AGENT_INJECT_RUN_AS_USER', 'AGENT_INJECT_VAULT_ADDR']) {
      expect(res.stderr).toContain(name);
    }
  });

  it('exits 2 when no certificate source is configured', async () => {
    const res = await runCli(['webhook'], { AGENT_INJECT_VAULT_ADDR: VAULT_ADDR });
    expect(res.code).toBe(2);
    expect(res.stderr).toContain('AGENT_INJECT_TLS_CERT_FILE');
  });

  it('exits 1 when the certificate files cannot be read', async () => {
    const res = await runCli(['webhook'], { AGENT_INJECT_VAULT_ADDR: VAULT_ADDR, AGENT_INJECT_TLS_CERT_FILE: '/nonexistent/tls.crt', AGENT_INJECT_TLS_KEY_FILE: '/nonexistent/tls.key', AGENT_INJECT_LISTEN: '127.0.0.1:0' });
    expect(res.code).toBe(1);
    expect(res.stdout).toContain('WHK_TLS_LOAD');
  });

  it('survives megabyte-long values under the default 3 MiB limit, then stops with exit code 0 on SIGTERM', async () => {
    const own = await startWebhook({ AGENT_INJECT_VAULT_ADDR: VAULT_ADDR, AGENT_INJECT_TLS_CERT_FILE: tls.certFile, AGENT_INJECT_TLS_KEY_FILE: tls.keyFile });
    const pod = annotatedPod();
    pod.metadata.annotations['vault.hashicorp.com/agent-inject-template-db'] = `{{ "${'y'.repeat(1024 * 1024)}" }}`;
    pod.spec.containers[0]!.env = [{ name: 'BIG', value: 'z'.repeat(1024 * 1024) }];
    const res = await httpsRequest({ port: own.port, ca: tls.ca.certPem, path: '/mutate', body: review(pod, 'admission.k8s.io/v1', 'big') });
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toMatchObject({ kind: 'AdmissionReview', response: { uid: 'big', allowed: expect.any(Boolean) } });
    const tooBig = await httpsRequest({ port: own.port, ca: tls.ca.certPem, path: '/mutate', body: review({ filler: 'x'.repeat(3 * 1024 * 1024) }) });
    expect(tooBig.status).toBe(413);
    expect((await httpsRequest({ port: own.port, ca: tls.ca.certPem, path: '/health/ready' })).status).toBe(204);
    expect(await own.stop()).toBe(0);
    expect(own.stdout.join('\n')).not.toContain('zzzzzzzzzz');
  });
});
