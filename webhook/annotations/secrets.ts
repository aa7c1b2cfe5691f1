// Secrets and their templates (spec/injector.md §1.2, §2.12.2): which secrets a pod declares, where
// each file goes, and its template. Sorted by name (vault-k8s walks a Go map: random order).
import { posix } from 'node:path';
import type { TemplateEngineName } from '../../shared/agent-config.ts';
import type { AnnotationReader } from './reader.ts';
import {
  NAME_SUFFIX,
  SECRET_DECLARING_PREFIXES,
  VAULT_PER_SECRET_OPTION_PREFIXES,
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

const PER_SECRET_PREFIXES = [
  ...VAULT_PER_SECRET_OPTION_PREFIXES.map((p) => VAULT_PREFIX + p),
  ...VAULTLET_PER_NAME_PREFIXES.map((p) => VAULTLET_PREFIX + p),
];

/** The raw names of every declared secret, sorted; bad names are reported. */
export function declaredSecretNames(reader: AnnotationReader): string[] {
  const names = new Set<string>();
  for (const key of reader.keys()) {
    if (!key.startsWith(VAULT_PREFIX) || (reader.raw(key) ?? '').trim() === '') continue;
    const rest = key.slice(VAULT_PREFIX.length);
    const prefix = SECRET_DECLARING_PREFIXES.find((p) => rest.startsWith(p));
    if (prefix === undefined) continue;
    const name = rest.slice(prefix.length);
    if (name === '') continue;
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
  const get = (prefix: string): string | undefined => reader.raw(VAULT_PREFIX + prefix + name);
  const preserve = opts.preserveCase || reader.bool(`preserve-secret-case-${name}`, false);
  const customPath = get('secret-volume-path-') ?? '';
  const mountPath =
    customPath === ''
      ? opts.secretVolumePath
      : checkMountPath(reader, `${VAULT_PREFIX}secret-volume-path-${name}`, customPath, opts.secretVolumePath);
  const destination = destinationOf(reader, name, mountPath, preserve ? name : name.toLowerCase());
  const left = delimiter(reader, name, 'left', '{{');
  const right = delimiter(reader, name, 'right', '}}');
  const template = nonEmpty(get('agent-inject-template-'));
  const templateFile = nonEmpty(get('agent-inject-template-file-'));
  let body: { contents: string; engine: TemplateEngineName } | { source: string; engine: TemplateEngineName };
  let calls: readonly string[] = [];
  if (template !== undefined) {
    calls = checkTemplateSyntax(
      reader,
      { key: `${VAULT_PREFIX}agent-inject-template-${name}`, source: template, engine: opts.engine, left, right },
      budget,
    );
    body = { contents: template, engine: opts.engine };
  } else if (templateFile !== undefined) {
    checkFileName(reader, `${VAULT_PREFIX}agent-inject-template-file-${name}`, templateFile);
    body = { source: templateFile, engine: opts.engine };
  } else {
    body = { contents: defaultTemplate(opts.defaultTemplate, get('agent-inject-secret-') ?? ''), engine: 'go' };
  }
  const command = nonEmpty(get('agent-inject-command-'));
  const perms = nonEmpty(get('agent-inject-perms-'));
  // vault-k8s passes perms through unchecked and admits the pod; so does vaultlet, with a warning.
  if (perms !== undefined && !/^0?[0-7]{3}$/.test(perms)) {
    warnings.push(
      `annotation "${VAULT_PREFIX}agent-inject-perms-${name}" is not an octal file mode such as 0600 or 0440; it is passed to the agent as written, which may refuse it`,
    );
  }
  const reloadKey = `${VAULTLET_PREFIX}agent-inject-reload-url-${name}`;
  const reloadRaw = reader.raw(reloadKey);
  const reloadUrl =
    reloadRaw === undefined || reloadRaw === '' ? undefined : checkReloadUrl(reader, reloadKey, reloadRaw);
  return {
    name,
    mountPath,
    destination,
    ...body,
    leftDelimiter: left,
    rightDelimiter: right,
    ...(command === undefined ? {} : { command }),
    ...(perms === undefined ? {} : { perms }),
    errorOnMissingKey: reader.bool(`error-on-missing-key-${name}`, false),
    ...(reloadUrl === undefined ? {} : { reloadUrl }),
    calls,
  };
}

function destinationOf(reader: AnnotationReader, name: string, mountPath: string, fileName: string): string {
  const key = `${VAULT_PREFIX}agent-inject-file-${name}`;
  const file = nonEmpty(reader.raw(key));
  if (file !== undefined && !checkFileName(reader, key, file)) return posix.join(mountPath, fileName);
  const dest = posix.join(mountPath, file ?? fileName);
  // A trailing '/' names a directory: "/" or "sub/" would make the volume root (or a directory) the file.
  const inside = dest.startsWith(`${mountPath}/`) && !dest.endsWith('/');
  if (inside) return dest;
  reader.fail(
    key,
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

function delimiter(reader: AnnotationReader, name: string, side: 'left' | 'right', fallback: string): string {
  const key = `${VAULT_PREFIX}agent-template-${side}-delim-${name}`;
  const value = nonEmpty(reader.raw(key)) ?? fallback;
  if (value.length <= MAX_DELIMITER_LENGTH) return value;
  reader.fail(key, `must be at most ${MAX_DELIMITER_LENGTH} characters`);
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
  for (const key of reader.keys()) {
    const prefix = PER_SECRET_PREFIXES.find((p) => key.startsWith(p));
    if (prefix === undefined) continue;
    const name = key.slice(prefix.length);
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
