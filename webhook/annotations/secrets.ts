// Secrets and their templates: which secrets a pod declares, where
// each file goes, and its template. Sorted by name (vault-k8s walks a Go map: random order).
import { posix } from 'node:path';
import type { TemplateEngineName } from '../../shared/agent-config.ts';
import type { AnnotationReader } from './reader.ts';
import {
  NAME_SUFFIX,
  type VAULT_PER_NAME_PREFIXES,
  VAULT_PREFIX,
  VAULTLET_PER_NAME_PREFIXES,
  VAULTLET_PREFIX,
} from './keys.ts';
import { MAX_DELIMITER_LENGTH, MAX_SECRETS } from './limits.ts';
import { CONTROL_CHARACTER, checkMountPath, checkReloadUrl, MAX_PATH } from './paths.ts';
import { checkTemplateSyntax, newTemplateBudget, type TemplateBudget } from './template-syntax.ts';

export interface SecretSpec {
  /** The raw NAME from the annotation key (per-secret lookups use it exactly). */
  readonly name: string;
  readonly mountPath: string;
  readonly destination: string;
  readonly contents?: string;
  readonly source?: string;
  readonly leftDelimiter: string;
  readonly rightDelimiter: string;
  readonly command?: string;
  readonly perms?: string;
  readonly errorOnMissingKey: boolean;
  /** The engine of this template: generated default templates are always Go templates. */
  readonly engine: TemplateEngineName;
  readonly reloadUrl?: string;
  /** The functions the annotation's Go template calls ([] for default templates, files, Handlebars). */
  readonly calls: readonly string[];
}

export interface SecretOptions {
  readonly secretVolumePath: string;
  readonly defaultTemplate: 'map' | 'json';
  readonly engine: TemplateEngineName;
  readonly preserveCase: boolean;
}

// The full per-secret prefixes, as the reader indexes them (reader.named(prefix, name)); typed
// against the catalogue, so a prefix the reader does not index cannot be written here.
const vault = (p: (typeof VAULT_PER_NAME_PREFIXES)[number]): string => VAULT_PREFIX + p;
const SECRET = vault('agent-inject-secret-');
const TEMPLATE = vault('agent-inject-template-');
const TEMPLATE_FILE = vault('agent-inject-template-file-');
const FILE = vault('agent-inject-file-');
const PERMS = vault('agent-inject-perms-');
const COMMAND = vault('agent-inject-command-');
const LEFT_DELIM = vault('agent-template-left-delim-');
const RIGHT_DELIM = vault('agent-template-right-delim-');
const ERROR_ON_MISSING_KEY = vault('error-on-missing-key-');
const VOLUME_PATH = vault('secret-volume-path-');
const PRESERVE_CASE = vault('preserve-secret-case-');
const RELOAD_URL = VAULTLET_PREFIX + (VAULTLET_PER_NAME_PREFIXES[0] satisfies 'agent-inject-reload-url-');

/** The raw names of every declared secret, sorted; bad names are reported. */
export function declaredSecretNames(reader: AnnotationReader): string[] {
  const names = new Set<string>();
  for (const { key, name } of reader.declarations()) {
    if (name === '' || (reader.raw(key) ?? '').trim() === '') continue;
    if (!NAME_SUFFIX.test(name)) {
      reader.fail(
        key,
        'the secret name must be 1-63 letters, digits, "-", "_" or ".", starting with a letter or digit',
      );
      continue;
    }
    names.add(name);
  }
  return [...names].sort();
}

export function readSecrets(reader: AnnotationReader, opts: SecretOptions, warnings: string[]): SecretSpec[] {
  const declared = declaredSecretNames(reader);
  if (declared.length > MAX_SECRETS) {
    reader.fail(
      `${VAULT_PREFIX}agent-inject-secret-*`,
      `the pod declares ${declared.length} secrets, more than the ${MAX_SECRETS} secrets (and templates) one pod may have`,
    );
  }
  // Past the cap the pod is denied; the first secrets are still read so their problems are listed too.
  const names = declared.slice(0, MAX_SECRETS);
  const budget = newTemplateBudget();
  const secrets = names.map((name) => readSecret(reader, name, opts, budget, warnings));
  warnOrphans(reader, new Set(names), warnings);
  warnSharedDestinations(secrets, warnings);
  return secrets;
}

function readSecret(
  reader: AnnotationReader,
  name: string,
  opts: SecretOptions,
  budget: TemplateBudget,
  warnings: string[],
): SecretSpec {
  const get = (prefix: string): string | undefined => reader.named(prefix, name);
  const preserve = opts.preserveCase || reader.namedBool(PRESERVE_CASE, name, false);
  const customPath = get(VOLUME_PATH) ?? '';
  const mountPath =
    customPath === ''
      ? opts.secretVolumePath
      : checkMountPath(reader, VOLUME_PATH + name, customPath, opts.secretVolumePath);
  const destination = destinationOf(reader, name, mountPath, preserve ? name : name.toLowerCase());
  const left = delimiter(reader, name, LEFT_DELIM, '{{');
  const right = delimiter(reader, name, RIGHT_DELIM, '}}');
  const template = nonEmpty(get(TEMPLATE));
  const templateFile = nonEmpty(get(TEMPLATE_FILE));
  let body: { contents: string; engine: TemplateEngineName } | { source: string; engine: TemplateEngineName };
  let calls: readonly string[] = [];
  if (template !== undefined) {
    calls = checkTemplateSyntax(
      reader,
      { key: TEMPLATE + name, source: template, engine: opts.engine, left, right },
      budget,
    );
    body = { contents: template, engine: opts.engine };
  } else if (templateFile !== undefined) {
    checkFileName(reader, TEMPLATE_FILE + name, templateFile);
    body = { source: templateFile, engine: opts.engine };
  } else {
    body = { contents: defaultTemplate(opts.defaultTemplate, get(SECRET) ?? ''), engine: 'go' };
  }
  const command = nonEmpty(get(COMMAND));
  const perms = nonEmpty(get(PERMS));
  // vault-k8s passes perms through unchecked and admits the pod; so does vaultlet, with a warning.
  if (perms !== undefined && !/^0?[0-7]{3}$/.test(perms)) {
    warnings.push(
      `annotation "${PERMS}${name}" is not an octal file mode such as 0600 or 0440; it is passed to the agent as written, which may refuse it`,
    );
  }
  const reloadRaw = get(RELOAD_URL);
  const reloadUrl =
    reloadRaw === undefined || reloadRaw === '' ? undefined : checkReloadUrl(reader, RELOAD_URL + name, reloadRaw);
  return {
    name,
    mountPath,
    destination,
    ...body,
    leftDelimiter: left,
    rightDelimiter: right,
    ...(command === undefined ? {} : { command }),
    ...(perms === undefined ? {} : { perms }),
    errorOnMissingKey: reader.namedBool(ERROR_ON_MISSING_KEY, name, false),
    ...(reloadUrl === undefined ? {} : { reloadUrl }),
    calls,
  };
}

function destinationOf(reader: AnnotationReader, name: string, mountPath: string, fileName: string): string {
  const file = nonEmpty(reader.named(FILE, name));
  if (file !== undefined && !checkFileName(reader, FILE + name, file)) return posix.join(mountPath, fileName);
  const dest = posix.join(mountPath, file ?? fileName);
  // A trailing '/' names a directory: "/" or "sub/" would make the volume root (or a directory) the file.
  const inside = dest.startsWith(`${mountPath}/`) && !dest.endsWith('/');
  if (inside) return dest;
  reader.fail(
    FILE + name,
    `the file must be a file inside ${mountPath} (no ".." that leaves it, not the directory itself, no trailing "/")`,
  );
  return posix.join(mountPath, fileName);
}

/** A file name from an annotation: bounded, and no control characters (NUL, line breaks...). */
function checkFileName(reader: AnnotationReader, key: string, file: string): boolean {
  if (file.length > MAX_PATH) reader.fail(key, `must be at most ${MAX_PATH} characters`);
  else if (CONTROL_CHARACTER.test(file))
    reader.fail(key, 'must not contain control characters (NUL, line breaks, ...)');
  else return true;
  return false;
}

function delimiter(reader: AnnotationReader, name: string, prefix: string, fallback: string): string {
  const value = nonEmpty(reader.named(prefix, name)) ?? fallback;
  if (value.length <= MAX_DELIMITER_LENGTH) return value;
  reader.fail(prefix + name, `must be at most ${MAX_DELIMITER_LENGTH} characters`);
  return fallback;
}

const MAP_TEMPLATE = (path: string): string =>
  `{{ with secret "${path}" }}{{ range $k, $v := .Data }}{{ $k }}: {{ $v }}\n{{ end }}{{ end }}`;
const JSON_TEMPLATE = (path: string): string => `{{ with secret "${path}" }}{{ .Data | toJSON }}\n{{ end }}`;

export function defaultTemplate(kind: 'map' | 'json', path: string): string {
  return kind === 'json' ? JSON_TEMPLATE(path) : MAP_TEMPLATE(path);
}

function nonEmpty(v: string | undefined): string | undefined {
  return v === undefined || v === '' ? undefined : v;
}

function warnOrphans(reader: AnnotationReader, names: ReadonlySet<string>, warnings: string[]): void {
  for (const { key, name } of reader.secretOptions()) {
    if (name !== '' && !names.has(name)) {
      warnings.push(
        `annotation "${key.slice(0, 120)}" refers to no declared secret "${name.slice(0, 63)}" (add agent-inject-secret-${name.slice(0, 63)})`,
      );
    }
  }
}

function warnSharedDestinations(secrets: readonly SecretSpec[], warnings: string[]): void {
  const seen = new Map<string, string>();
  for (const s of secrets) {
    const other = seen.get(s.destination);
    if (other !== undefined)
      warnings.push(`secrets "${other}" and "${s.name}" both write ${s.destination}; the last render wins`);
    seen.set(s.destination, s.name);
  }
}
