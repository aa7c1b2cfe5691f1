// Every function name a Vault Agent 2.0.4 template (consul-template 0.41) may call, sorted by what
// vaultlet does with it. The webhook parses templates with CONSUL_TEMPLATE_FUNCTIONS (a name outside
// it fails to parse, `function "X" not defined`, as Go's parser says) and, with vaultlet's agent
// image, denies any call outside RENDERED_FUNCTIONS, giving notRenderedReason(name). The agent's
// executor implements exactly RENDERED_FUNCTIONS (a unit test checks it) and fails at render time,
// naming the function, on the other names Vault Agent accepts.

/** Go text/template builtins. */
export const GO_BUILTIN_FUNCTIONS = [
  'and', 'call', 'eq', 'ge', 'gt', 'html', 'index', 'js', 'le', 'len', 'lt', 'ne', 'not', 'or', 'print',
  'printf', 'println', 'slice', 'urlquery',
] as const;

/** consul-template functions vaultlet renders. */
export const CONSUL_TEMPLATE_RENDERED = [
  'secret', 'secrets', 'pkiCert', 'file', 'writeToFile', 'env', 'mustEnv', 'envOrDefault', 'sockaddr',
  'base64Decode', 'base64Encode', 'base64URLDecode', 'base64URLEncode',
  'toJSON', 'toJSONPretty', 'toUnescapedJSON', 'toUnescapedJSONPretty', 'toYAML', 'toTOML',
  'parseJSON', 'parseYAML', 'parseBool', 'parseInt', 'parseFloat', 'parseUint',
  'trimSpace', 'trim', 'trimPrefix', 'trimSuffix', 'toLower', 'toUpper', 'toTitle', 'replaceAll',
  'regexReplaceAll', 'regexMatch', 'split', 'splitToMap', 'join', 'indent',
  'contains', 'containsAll', 'containsAny', 'containsNone', 'containsNotAll', 'in',
  'loop', 'timestamp', 'sha256Hex', 'md5sum', 'hmacSHA256Hex',
  'add', 'subtract', 'multiply', 'divide', 'modulo', 'minimum', 'maximum',
  'scratch', 'executeTemplate', 'explode', 'explodeMap', 'mergeMap', 'mergeMapWithOverride',
] as const;

/** Sprig functions (under the `sprig_` prefix) vaultlet renders; names without the prefix. */
export const SPRIG_RENDERED = [
  'hello', 'default', 'empty', 'coalesce', 'ternary', 'fail',
  'b64enc', 'b64dec', 'b32enc', 'b32dec',
  'upper', 'lower', 'title', 'untitle', 'trim', 'trimAll', 'trimall', 'trimPrefix', 'trimSuffix', 'nospace',
  'quote', 'squote', 'cat', 'trunc', 'substr', 'repeat', 'replace', 'contains', 'hasPrefix', 'hasSuffix',
  'indent', 'nindent', 'wrap', 'wrapWith', 'abbrev', 'abbrevboth', 'initials', 'plural',
  'snakecase', 'camelcase', 'kebabcase', 'swapcase',
  'join', 'split', 'splitList', 'splitn', 'toString', 'toStrings', 'sortAlpha',
  'atoi', 'int', 'int64', 'float64', 'toDecimal', 'add', 'add1', 'sub', 'mul', 'div', 'mod', 'max', 'min', 'biggest',
  'addf', 'add1f', 'subf', 'mulf', 'divf', 'maxf', 'minf', 'ceil', 'floor', 'round',
  'until', 'untilStep', 'seq',
  'list', 'tuple', 'first', 'last', 'rest', 'initial', 'append', 'push', 'prepend', 'reverse', 'uniq',
  'has', 'without', 'compact', 'concat', 'all', 'any', 'slice', 'chunk',
  'mustFirst', 'mustLast', 'mustRest', 'mustInitial', 'mustAppend', 'mustPush', 'mustPrepend', 'mustReverse',
  'mustUniq', 'mustHas', 'mustWithout', 'mustCompact', 'mustSlice', 'mustChunk',
  'dict', 'get', 'set', 'unset', 'hasKey', 'keys', 'values', 'pluck', 'pick', 'omit', 'merge', 'mergeOverwrite', 'dig',
  'mustMerge', 'mustMergeOverwrite', 'deepCopy', 'mustDeepCopy',
  'toJson', 'toPrettyJson', 'toRawJson', 'fromJson', 'mustToJson', 'mustToPrettyJson', 'mustToRawJson', 'mustFromJson',
  'sha1sum', 'sha256sum', 'sha512sum', 'adler32sum',
  'toDate', 'mustToDate', 'unixEpoch', 'ago', 'duration', 'durationRound', 'mustDateModify', 'must_date_modify',
  'regexMatch', 'regexFind', 'regexFindAll', 'regexReplaceAll', 'regexReplaceAllLiteral', 'regexSplit', 'regexQuoteMeta',
  'mustRegexMatch', 'mustRegexFind', 'mustRegexFindAll', 'mustRegexReplaceAll', 'mustRegexReplaceAllLiteral', 'mustRegexSplit',
  'typeOf', 'kindOf', 'kindIs', 'typeIs', 'typeIsLike', 'deepEqual',
  'base', 'dir', 'ext', 'clean', 'isAbs', 'osBase', 'osDir', 'osExt', 'osClean', 'osIsAbs',
  'semver', 'semverCompare', 'urlParse', 'urlJoin', 'decryptAES', 'encryptAES', 'randInt', 'shuffle', 'genPrivateKey',
  'derivePassword', 'genCA', 'genCAWithKey', 'genSelfSignedCert', 'genSelfSignedCertWithKey', 'genSignedCert',
  'genSignedCertWithKey', 'buildCustomCert', 'bcrypt', 'htpasswd',
] as const;

const REWRITTEN = '(the file would be rewritten and its command rerun each time)';

/**
 * Sprig's non-hermetic functions. consul-template 0.41 (Vault Agent 2.0.4) no longer defines them
 * (Sprig's hermetic function map), so a template calling one fails to parse. Name -> why.
 */
export const UNDEFINED_SINCE_0_41: ReadonlyMap<string, string> = new Map<string, string>([
  ...['now', 'date', 'dateInZone', 'date_in_zone', 'dateModify', 'date_modify', 'htmlDate', 'htmlDateInZone'].map(
    (n): [string, string] => [n, `reads the clock, so its value changes on every render ${REWRITTEN}; use timestamp, or sprig_toDate on a date kept in Vault`],
  ),
  ...['randAlphaNum', 'randAlpha', 'randAscii', 'randNumeric', 'randBytes', 'uuidv4'].map(
    (n): [string, string] => [n, `is random, so its value changes on every render ${REWRITTEN}`],
  ),
  ['env', 'reads the process environment, which Sprig counts as non-hermetic; use consul-template\'s env'],
  ['expandenv', 'reads the process environment, which Sprig counts as non-hermetic; use consul-template\'s env'],
  ['getHostByName', `queries DNS, so its value can change on every render ${REWRITTEN}`],
].map(([n, why]): [string, string] => [`sprig_${n}`, `sprig_${n} is not defined since consul-template 0.41 (Vault Agent 2.0.4): it ${why}`]));

const CONSUL = 'needs a Consul agent, which Vault Agent templates in Kubernetes do not have; read the value from Vault with secret';
const NOMAD = 'needs a Nomad client, which Vault Agent templates in Kubernetes do not have; read the value from Vault with secret';

/** Defined by Vault Agent but useless without Consul or Nomad. Name -> why, with the alternative. */
export const NEEDS_CONSUL_OR_NOMAD: ReadonlyMap<string, string> = new Map<string, string>([
  ...[
    'key', 'keyExists', 'keyOrDefault', 'ls', 'safeLs', 'tree', 'safeTree', 'node', 'nodes', 'service', 'services',
    'connect', 'datacenters', 'partitions', 'peerings', 'exportedServices', 'caRoots', 'caLeaf', 'byKey', 'byTag', 'byMeta', 'byPort',
  ].map((n): [string, string] => [n, `${n} ${CONSUL}`]),
  ...['nomadServices', 'nomadService', 'nomadVarList', 'nomadVarListSafe', 'nomadVar', 'nomadVarExists'].map(
    (n): [string, string] => [n, `${n} ${NOMAD}`],
  ),
]);

/** Defined by Vault Agent, parsed by vaultlet, but not rendered by vaultlet's agent. Name -> why. */
export const NOT_RENDERED_BY_VAULTLET: ReadonlyMap<string, string> = new Map<string, string>([
  ['plugin', 'plugin runs an external program from the agent container; vaultlet does not (use the template\'s exec command)'],
  ...['spew_dump', 'spew_printf'].map((n): [string, string] => [n, `${n} writes template data to the agent's standard output, its log; vaultlet never logs template data, so it does not render it`]),
  ...['spew_sdump', 'spew_sprintf'].map((n): [string, string] => [n, `${n} prints Go's internal memory layout, addresses included (a debugging aid); vaultlet does not render it`]),
]);

/** Accepted by the parser (valid for Vault Agent) but not rendered by vaultlet: render fails naming the function. */
export const PARSE_ONLY_FUNCTIONS: readonly string[] = [...NEEDS_CONSUL_OR_NOMAD.keys(), ...NOT_RENDERED_BY_VAULTLET.keys()];

/** Functions the executor implements. */
export const RENDERED_FUNCTIONS: ReadonlySet<string> = new Set<string>([
  ...GO_BUILTIN_FUNCTIONS,
  ...CONSUL_TEMPLATE_RENDERED,
  ...SPRIG_RENDERED.map((name) => `sprig_${name}`),
]);

/** Every name a template may call: what the webhook and the agent parse with. */
export const CONSUL_TEMPLATE_FUNCTIONS: ReadonlySet<string> = new Set<string>([...RENDERED_FUNCTIONS, ...PARSE_ONLY_FUNCTIONS]);

/**
 * Why vaultlet's agent cannot run a template calling `name`, or undefined when it renders it (or
 * the name is simply unknown: the parser then says `function "X" not defined`).
 */
export function notRenderedReason(name: string): string | undefined {
  if (RENDERED_FUNCTIONS.has(name)) return undefined;
  return UNDEFINED_SINCE_0_41.get(name) ?? NEEDS_CONSUL_OR_NOMAD.get(name) ?? NOT_RENDERED_BY_VAULTLET.get(name);
}
