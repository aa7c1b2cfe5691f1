import { describe, expect, it } from '@jest/globals';
import { localizeAgentConfig } from './local-config.ts';
import type { AgentConfig } from '../../shared/agent-config.ts';

const paths = { secretsDir: '/tmp/d/secrets', homeDir: '/tmp/d/home', stateDir: '/tmp/d/state', tokenFile: '/tmp/d/sa/token' };

describe('localizeAgentConfig', () => {
  it('moves every in-container path under the local directories and leaves the rest', () => {
    const config: AgentConfig = {
      auto_auth: {
        method: { type: 'kubernetes', mount_path: 'auth/kubernetes', config: { role: 'app', token_path: '/var/run/secrets/kubernetes.io/serviceaccount/token' } },
        sink: [{ type: 'file', config: { path: '/home/vault/.vault-token' } }, { type: 'file', config: { path: '/vault/secrets/token' } }],
      },
      exit_after_auth: true,
      pid_file: '/home/vault/.pid',
      vault: { address: 'http://127.0.0.1:8200' },
      template: [{ destination: '/vault/secrets/db', contents: 'x' }, { destination: '/etc/other/file', contents: 'y' }],
      vaultlet: { state_dir: '/vault/agent-state', ready_file: '/vault/agent-state/ready', destination_roots: ['/vault/secrets'] },
    };
    expect(localizeAgentConfig(config, paths)).toEqual({
      auto_auth: {
        method: { type: 'kubernetes', mount_path: 'auth/kubernetes', config: { role: 'app', token_path: '/tmp/d/sa/token' } },
        sink: [{ type: 'file', config: { path: '/tmp/d/home/.vault-token' } }, { type: 'file', config: { path: '/tmp/d/secrets/token' } }],
      },
      exit_after_auth: true,
      pid_file: '/tmp/d/home/.pid',
      vault: { address: 'http://127.0.0.1:8200' },
      template: [{ destination: '/tmp/d/secrets/db', contents: 'x' }, { destination: '/etc/other/file', contents: 'y' }],
      vaultlet: { state_dir: '/tmp/d/state', ready_file: '/tmp/d/state/ready', destination_roots: ['/tmp/d/secrets'] },
    });
    expect(config.template?.[0]?.destination).toBe('/vault/secrets/db');
  });

  it('does not move a path that only shares a prefix', () => {
    const out = localizeAgentConfig({ template: [{ destination: '/vault/secretsX/a' }] }, paths);
    expect(out.template?.[0]?.destination).toBe('/vault/secretsX/a');
  });
});
