// The function table of the Go-template engine: Go builtins, consul-template's functions and Sprig's
// under the `sprig_` prefix. Names the parser accepts but vaultlet does not render (Consul, Nomad,
// random-generating Sprig functions) fail at render time naming the function and why.
import { notRenderedReason, PARSE_ONLY_FUNCTIONS } from '../../../shared/go-template/function-names.ts';
import { GO_BUILTINS } from './builtins.ts';
import { CONSUL_ENCODING_FUNCTIONS } from './consul-encoding.ts';
import { CONSUL_MATH_FUNCTIONS } from './consul-math.ts';
import { CONSUL_MISC_FUNCTIONS } from './consul-misc.ts';
import { CONSUL_STRING_FUNCTIONS } from './consul-strings.ts';
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
import { writeToFile } from './write-to-file.ts';
import { sockaddr } from './sockaddr.ts';

function unsupported(name: string): GoFunction {
  const reason = notRenderedReason(name) ?? `${name} is not rendered by vaultlet`;
  return () => {
    throw new Error(reason);
  };
}

/** What a `function_denylist` entry becomes: consul-template's `denied` function. */
const disabled: GoFunction = () => {
  throw new Error('function is disabled');
};

/** The table with each listed name (that exists) replaced by a call that fails. */
export function withDenylist(table: ReadonlyMap<string, GoFunction>, denylist: readonly string[]): ReadonlyMap<string, GoFunction> {
  const denied = denylist.filter((name) => table.has(name));
  if (denied.length === 0) return table;
  const out = new Map(table);
  for (const name of denied) out.set(name, disabled);
  return out;
}

/** Every function a Go template can call in the agent, rendered or not. */
export const CONSUL_TEMPLATE_FUNCTION_TABLE: ReadonlyMap<string, GoFunction> = new Map<string, GoFunction>([
  ...GO_BUILTINS,
  ...CONSUL_STRING_FUNCTIONS,
  ...CONSUL_ENCODING_FUNCTIONS,
  ...CONSUL_MATH_FUNCTIONS,
  ...CONSUL_MISC_FUNCTIONS,
  ['writeToFile', writeToFile],
  ['sockaddr', sockaddr],
  ...[
    ...SPRIG_STRING_FUNCTIONS, ...SPRIG_COLLECTION_FUNCTIONS, ...SPRIG_TEXT_FUNCTIONS, ...SPRIG_DATE_FUNCTIONS,
    ...SPRIG_MUST_FUNCTIONS, ...SPRIG_URL_FUNCTIONS, ...SEMVER_FUNCTIONS, ...DECRYPT_AES_FUNCTIONS, ...SPRIG_RANDOM_FUNCTIONS,
    ...DERIVE_PASSWORD_FUNCTIONS, ...SPRIG_CERT_FUNCTIONS,
  ].map(([name, fn]): [string, GoFunction] => [`sprig_${name}`, fn]),
  ...PARSE_ONLY_FUNCTIONS.map((name): [string, GoFunction] => [name, unsupported(name)]),
]);
