// Help of the small commands whose flags live in their own entry points.
import { formatFlags } from './flag-table.ts';

export function readyHelp(): string {
  return (
    'Usage: vaultlet ready -file=PATH\n\n' +
    "  The native sidecar's startup probe: exit 0 once the agent has rendered every template\n" +
    '  (the marker file exists), 1 before, 2 on bad usage.\n\n' +
    `Flags:\n${formatFlags([{ name: 'file', value: 'path', description: 'Marker file the agent writes after its first full render (vaultlet.ready_file).', default: '' }])}`
  );
}

export function demoHelp(): string {
  return (
    'Usage: vaultlet demo [--keep] [--agent-image IMAGE] [--webhook-image IMAGE]\n\n' +
    '  The end-to-end demo on this machine: the Vault test server, the webhook over HTTPS, an\n' +
    '  annotated pod, its init and sidecar agents as local processes rendering into a temp\n' +
    '  directory, a secret change re-rendered; then everything is cleaned up.\n\n' +
    'Flags:\n' +
    formatFlags([
      { name: '-keep', description: 'Keep the temp directory and the process logs.', default: 'false' },
      {
        name: '-agent-image',
        value: 'image',
        description:
          'Run the init and sidecar agents from this image with docker (host network) instead of the sources.',
        default: '',
      },
      {
        name: '-webhook-image',
        value: 'image',
        description: 'Run the webhook from this image with docker (host network) instead of the sources.',
        default: '',
      },
    ])
  );
}

export function devVaultHelp(): string {
  return (
    'Usage: vaultlet dev-vault [--seed FILE] [--port N] [--host H] [--jwt-file PATH]\n\n' +
    '  A Vault test server for development (in memory, no TLS): Kubernetes auth, KV v1/v2,\n' +
    '  database leases, PKI, faults. Prints VAULT_ADDR, VAULT_TOKEN (root) and a service-account\n' +
    '  JWT its Kubernetes auth accepts, then serves until SIGINT or SIGTERM.\n\n' +
    'Flags:\n' +
    formatFlags([
      {
        name: '-seed',
        value: 'path',
        description: 'YAML seed: secrets, roles, policies (test/fixtures/vault-seed.yaml is an example).',
        default: '',
      },
      { name: '-port', value: 'int', description: 'Port to listen on; 0 picks a free one.', default: '8200' },
      { name: '-host', value: 'string', description: 'Address to listen on.', default: '127.0.0.1' },
      {
        name: '-jwt-file',
        value: 'path',
        description: "Also write the JWT to this file (mode 0600), for the agent's token_path.",
        default: '',
      },
      {
        name: '-service-account',
        value: 'string',
        description: 'Service account the JWT names (the sample seed binds role app to it).',
        default: 'app',
      },
      { name: '-namespace', value: 'string', description: 'Namespace the JWT names.', default: 'default' },
    ])
  );
}
