// `vaultlet webhook`: config → logger → serving certificate → HTTPS server → wait for SIGTERM.
// Exit codes: 0 after a graceful stop, 1 when it cannot start (no certificate, port in use),
// 2 for configuration errors (every bad variable listed on stderr).
import type { Server as HttpsServer } from 'node:https';
import { Registry } from 'prom-client';
import { ConfigError, toError } from '../shared/errors.ts';
import { createLogger } from '../shared/logger.ts';
import { buildApp } from './app.ts';
import { loadWebhookConfig, type WebhookConfig } from './config.ts';
import { admitPod } from './inject/admit.ts';
import type { CertSource } from './tls/cert-source.ts';
import { selectCertSource } from './tls/select-cert-source.ts';
import { applyCertChanges, secureContextOptions, tlsPolicy } from './tls/server-tls.ts';

function configOrExit(argv: readonly string[]): WebhookConfig | undefined {
  try {
    return loadWebhookConfig(process.env, argv);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`vaultlet webhook: ${err.message}\n`);
    return undefined;
  }
}

function waitForStopSignal(): Promise<string> {
  return new Promise((resolve) => {
    const onSignal = (signal: string): void => {
      process.off('SIGTERM', onSignal);
      process.off('SIGINT', onSignal);
      resolve(signal);
    };
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
  });
}

export async function run(argv: readonly string[]): Promise<number> {
  const config = configOrExit(argv);
  if (config === undefined) return 2;
  const log = createLogger({ level: config.logLevel, name: 'vaultlet-webhook' });

  let source: CertSource;
  try {
    source = selectCertSource(config, log);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`vaultlet webhook: ${err.message}\n`);
    return 2;
  }
  const stopped = waitForStopSignal();
  const policy = tlsPolicy(config);
  let ready = false;
  try {
    const first = await source.start();
    const app = buildApp({
      config,
      admit: (input) => admitPod(input, config),
      log,
      registry: new Registry(),
      tls: secureContextOptions(policy, first),
      isReady: () => ready,
    });
    applyCertChanges(app.server as unknown as HttpsServer, source, policy, log);
    const address = await app.listen({ host: config.listen.host, port: config.listen.port });
    ready = true;
    log.info({ address, tlsMinVersion: config.tlsMinVersion, telemetryPath: config.telemetryPath }, 'webhook listening');
    const signal = await stopped;
    log.info({ signal }, 'shutting down');
    ready = false;
    await app.close();
    await source.stop();
    return 0;
  } catch (err) {
    log.fatal({ err: toError(err) }, 'webhook failed to start');
    await source.stop();
    return 1;
  }
}
