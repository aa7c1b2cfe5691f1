// Per-file set-up for the agent integration tests (Jest only: the benchmark imports agent-process.ts,
// which must not load @jest/globals).
import { afterAll, beforeAll } from '@jest/globals';
import { startVaultServer, type VaultTestServer } from '../vault-server/server.ts';
import type { VaultSeed } from '../vault-server/seed.ts';
import { killAgents, makeWorkDir, type AgentWorkDir } from './agent-process.ts';

/** A Vault test server and a work dir for one test file: started before its tests, removed after. */
export interface AgentTestEnv {
  readonly vault: VaultTestServer;
  readonly work: AgentWorkDir;
}

export function setUpAgentTestEnv(seed: VaultSeed): AgentTestEnv {
  let vault: VaultTestServer | undefined;
  let work: AgentWorkDir | undefined;
  beforeAll(async () => {
    vault = await startVaultServer({ seed });
    work = makeWorkDir();
  });
  afterAll(async () => {
    killAgents();
    await vault?.close();
    work?.remove();
  });
  const started = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('used before beforeAll ran');
    return value;
  };
  return {
    get vault() {
      return started(vault);
    },
    get work() {
      return started(work);
    },
  };
}
