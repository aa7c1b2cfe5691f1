// Every function name a vault-k8s / consul-template template may call. The webhook parses templates
// with this set at admission (an unknown name denies the pod); the agent's executor implements the
// RENDERED ones and fails at render time, with a clear message, on the PARSE_ONLY ones (Consul and
// Nomad data sources, random/crypto-generating Sprig functions) so templates valid for Vault Agent
// are never denied at admission. A unit test checks the executor implements exactly RENDERED.

/** Go text/template builtins. */
export const GO_BUILTIN_FUNCTIONS = [
  'and', 'call', 'eq', 'ge', 'gt', 'html', 'index', 'js', 'le', 'len', 'lt', 'ne', 'not', 'or', 'print',
  'printf', 'println', 'slice', 'urlquery',
] as const;

/** consul-template functions vaultlet renders. */
export const CONSUL_TEMPLATE_RENDERED = [
  'secret', 'secrets', 'pkiCert', 'file', 'env', 'mustEnv', 'envOrDefault',
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
  'default', 'empty', 'coalesce', 'ternary', 'fail',
  'b64enc', 'b64dec', 'b32enc', 'b32dec',
  'upper', 'lower', 'title', 'trim', 'trimAll', 'trimall', 'trimPrefix', 'trimSuffix', 'nospace',
  'quote', 'squote', 'cat', 'trunc', 'substr', 'repeat', 'replace', 'contains', 'hasPrefix', 'hasSuffix',
  'indent', 'nindent',
  'join', 'split', 'splitList', 'splitn', 'toString', 'toStrings', 'sortAlpha',
  'atoi', 'int', 'int64', 'float64', 'add', 'add1', 'sub', 'mul', 'div', 'mod', 'max', 'min', 'biggest',
  'addf', 'add1f', 'subf', 'mulf', 'divf', 'maxf', 'minf', 'ceil', 'floor', 'round',
  'until', 'untilStep', 'seq',
  'list', 'tuple', 'first', 'last', 'rest', 'initial', 'append', 'push', 'prepend', 'reverse', 'uniq',
  'has', 'without', 'compact', 'concat', 'all', 'any', 'slice',
  'dict', 'get', 'set', 'unset', 'hasKey', 'keys', 'values', 'pluck', 'pick', 'omit', 'merge', 'mergeOverwrite', 'dig',
  'toJson', 'toPrettyJson', 'toRawJson', 'fromJson',
  'sha1sum', 'sha256sum', 'adler32sum',
  'now', 'date', 'unixEpoch', 'dateInZone', 'date_in_zone',
  'regexMatch', 'regexFind', 'regexFindAll', 'regexReplaceAll', 'regexReplaceAllLiteral', 'regexSplit', 'regexQuoteMeta',
  'typeOf', 'kindOf', 'kindIs', 'typeIs', 'deepEqual',
  'base', 'dir', 'ext', 'clean', 'isAbs',
] as const;

/** Accepted by the parser (valid for Vault Agent) but not rendered by vaultlet: render fails naming the function. */
export const PARSE_ONLY_FUNCTIONS = [
  // consul-template: Consul, Nomad, sockaddr, debugging and file-writing functions.
  'key', 'keyExists', 'keyOrDefault', 'ls', 'safeLs', 'tree', 'safeTree', 'node', 'nodes', 'service', 'services',
  'connect', 'datacenters', 'partitions', 'peerings', 'exportedServices', 'caRoots', 'caLeaf', 'byKey', 'byTag', 'byMeta',
  'nomadServices', 'nomadService', 'nomadVarList', 'nomadVarListSafe', 'nomadVar', 'nomadVarExists',
  'sockaddr', 'plugin', 'writeToFile', 'spew_dump', 'spew_printf', 'spew_sdump', 'spew_sprintf',
  // Sprig functions with randomness, key generation, network or less common behaviour.
  ...[
    'untitle', 'wrap', 'abbrev', 'initials', 'snakecase', 'camelcase', 'kebabcase', 'swapcase', 'hello', 'ago', 'date_modify', 'dateModify', 'must_date_modify', 'mustDateModify', 'toDate', 'mustToDate', 'duration',
    'durationRound', 'htmlDate', 'htmlDateInZone', 'abbrevboth', 'randAlphaNum', 'randAlpha', 'randAscii', 'randNumeric',
    'randInt', 'randBytes', 'shuffle', 'wrapWith', 'plural', 'toDecimal', 'mustCompact', 'mustFromJson', 'mustToJson',
    'mustToPrettyJson', 'mustToRawJson', 'deepCopy', 'mustDeepCopy', 'typeIsLike', 'env', 'expandenv', 'getHostByName',
    'osBase', 'osClean', 'osDir', 'osExt', 'osIsAbs', 'mustMerge', 'mustMergeOverwrite', 'mustAppend', 'mustPush',
    'mustPrepend', 'mustFirst', 'mustRest', 'mustLast', 'mustInitial', 'mustReverse', 'mustUniq', 'mustWithout', 'mustHas',
    'mustSlice', 'chunk', 'mustChunk', 'bcrypt', 'htpasswd', 'genPrivateKey', 'derivePassword', 'buildCustomCert', 'genCA',
    'genCAWithKey', 'genSelfSignedCert', 'genSelfSignedCertWithKey', 'genSignedCert', 'genSignedCertWithKey', 'encryptAES',
    'decryptAES', 'uuidv4', 'semver', 'semverCompare', 'mustRegexMatch', 'mustRegexFindAll', 'mustRegexFind',
    'mustRegexReplaceAll', 'mustRegexReplaceAllLiteral', 'mustRegexSplit', 'urlParse', 'urlJoin',
  ].map((name) => `sprig_${name}`),
] as const;

/** Functions the executor implements. */
export const RENDERED_FUNCTIONS: ReadonlySet<string> = new Set<string>([
  ...GO_BUILTIN_FUNCTIONS,
  ...CONSUL_TEMPLATE_RENDERED,
  ...SPRIG_RENDERED.map((name) => `sprig_${name}`),
]);

/** Every name a template may call: what the webhook parses with. */
export const CONSUL_TEMPLATE_FUNCTIONS: ReadonlySet<string> = new Set<string>([...RENDERED_FUNCTIONS, ...PARSE_ONLY_FUNCTIONS]);
