// The Sprig functions (under the `sprig_` prefix) and consul-template's `sockaddr`: a third of the
// Go-template engine's code, that most templates never call. A chunk of its own in the agent
// bundle, loaded when a template naming one of them compiles (functions.ts), so an init container
// whose templates only read secrets does not load and evaluate it on every start
// (docs/benchmarks/agent.md).
import type { GoFunction } from './execute.ts';
import { SPRIG_COLLECTION_FUNCTIONS } from './sprig-collections.ts';
import { SPRIG_STRING_FUNCTIONS } from './sprig-strings.ts';
import { SPRIG_TEXT_FUNCTIONS } from './sprig-text.ts';
import { SPRIG_DATE_FUNCTIONS } from './sprig-dates.ts';
import { SPRIG_MUST_FUNCTIONS } from './sprig-must.ts';
import { SPRIG_URL_FUNCTIONS } from './sprig-url.ts';
import { SEMVER_FUNCTIONS } from './semver.ts';
import { DECRYPT_AES_FUNCTIONS } from './decrypt-aes.ts';
import { SPRIG_RANDOM_FUNCTIONS } from './sprig-random.ts';
import { DERIVE_PASSWORD_FUNCTIONS } from './derive-password.ts';
import { SPRIG_CERT_FUNCTIONS } from './sprig-certs.ts';
import { sockaddr } from './sockaddr.ts';

export const SPRIG_TABLE: ReadonlyMap<string, GoFunction> = new Map<string, GoFunction>([
  ['sockaddr', sockaddr],
  ...[
    ...SPRIG_STRING_FUNCTIONS,
    ...SPRIG_COLLECTION_FUNCTIONS,
    ...SPRIG_TEXT_FUNCTIONS,
    ...SPRIG_DATE_FUNCTIONS,
    ...SPRIG_MUST_FUNCTIONS,
    ...SPRIG_URL_FUNCTIONS,
    ...SEMVER_FUNCTIONS,
    ...DECRYPT_AES_FUNCTIONS,
    ...SPRIG_RANDOM_FUNCTIONS,
    ...DERIVE_PASSWORD_FUNCTIONS,
    ...SPRIG_CERT_FUNCTIONS,
  ].map(([name, fn]): [string, GoFunction] => [`sprig_${name}`, fn]),
]);
