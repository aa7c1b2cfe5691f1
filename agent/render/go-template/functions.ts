// The function table of the Go-template engine: Go builtins, consul-template's functions and Sprig's
// under the `sprig_` prefix. Names the parser accepts but vaultlet does not render (Consul, Nomad,
// random Sprig functions) fail at render time naming the function.
import { PARSE_ONLY_FUNCTIONS } from '../../../shared/go-template/function-names.ts';
import { GO_BUILTINS } from './builtins.ts';
import { CONSUL_ENCODING_FUNCTIONS } from './consul-encoding.ts';
import { CONSUL_MATH_FUNCTIONS } from './consul-math.ts';
import { CONSUL_MISC_FUNCTIONS } from './consul-misc.ts';
import { CONSUL_STRING_FUNCTIONS } from './consul-strings.ts';
import type { GoFunction } from './execute.ts';
import { SPRIG_COLLECTION_FUNCTIONS } from './sprig-collections.ts';
import { SPRIG_STRING_FUNCTIONS } from './sprig-strings.ts';

function unsupported(name: string): GoFunction {
  return () => {
    throw new Error(`${name} is not supported by vaultlet (Consul, Nomad and random-generating functions are not rendered)`);
  };
}

/** Every function a Go template can call in the agent, rendered or not. */
export const CONSUL_TEMPLATE_FUNCTION_TABLE: ReadonlyMap<string, GoFunction> = new Map<string, GoFunction>([
  ...GO_BUILTINS,
  ...CONSUL_STRING_FUNCTIONS,
  ...CONSUL_ENCODING_FUNCTIONS,
  ...CONSUL_MATH_FUNCTIONS,
  ...CONSUL_MISC_FUNCTIONS,
  ...[...SPRIG_STRING_FUNCTIONS, ...SPRIG_COLLECTION_FUNCTIONS].map(([name, fn]): [string, GoFunction] => [`sprig_${name}`, fn]),
  ...PARSE_ONLY_FUNCTIONS.map((name): [string, GoFunction] => [name, unsupported(name)]),
]);
