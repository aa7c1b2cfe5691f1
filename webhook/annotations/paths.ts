// Paths and URLs taken from annotations: a mount path must be a clean absolute directory that does
// not collide with the agent's own mounts; a reload URL must stay on the pod's loopback.
import { truncate } from '../../shared/parse/go-bool.ts';
import type { AnnotationReader } from './reader.ts';

/** Mount paths the agent containers use for themselves. */
export const RESERVED_AGENT_PATHS = [
  '/home/vault',
  '/vault/tls',
  '/vault/custom',
  '/vault/configs',
  '/vault/agent-cache',
  '/vault/agent-state',
];
export const MAX_PATH = 1024;
const CONTROL_OR_COLON = /[\u0000-\u001f\u007f:]/;
/** Control characters (NUL, line breaks, escapes) have no place in a file name. */
export const CONTROL_CHARACTER = /[\u0000-\u001f\u007f]/;

/** Returns the path (without a trailing '/'), or `fallback` after recording an error under `key`. */
export function checkMountPath(reader: AnnotationReader, key: string, raw: string, fallback: string): string {
  // Length first: nothing below may spend time on an unbounded value.
  const path = raw.length > MAX_PATH ? '' : trimSlashes(raw);
  const problem = raw.length > MAX_PATH ? `must be at most ${MAX_PATH} characters` : mountPathProblem(path);
  if (problem === undefined) return path;
  reader.fail(key, problem);
  return fallback;
}

/** Without trailing slashes ('/' stays '/'); a loop, since a `\/+$` regex backtracks quadratically. */
function trimSlashes(raw: string): string {
  let end = raw.length;
  while (end > 1 && raw[end - 1] === '/') end--;
  return raw.slice(0, end);
}

function mountPathProblem(path: string): string | undefined {
  if (!path.startsWith('/')) return `"${truncate(path)}" must be an absolute path`;
  if (path === '/') return 'must not be the root directory';
  if (CONTROL_OR_COLON.test(path)) return 'must not contain ":" or control characters (NUL, line breaks, ...)';
  if (path.split('/').some((seg) => seg === '..' || seg === '.'))
    return `"${truncate(path)}" must not contain "." or ".." segments`;
  if (path.includes('//')) return `"${truncate(path)}" must not contain "//"`;
  const reserved = RESERVED_AGENT_PATHS.find((r) => path === r || path.startsWith(`${r}/`));
  if (reserved !== undefined) return `must not be inside ${reserved}, which the agent uses itself`;
  return undefined;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

export function checkReloadUrl(reader: AnnotationReader, key: string, raw: string): string | undefined {
  if (raw.length > MAX_PATH || !URL.canParse(raw)) {
    reader.fail(key, 'must be a URL such as http://127.0.0.1:8080/-/reload');
    return undefined;
  }
  const url = new URL(raw);
  if (url.protocol !== 'http:' || !LOOPBACK.has(url.hostname) || url.username !== '' || url.password !== '') {
    reader.fail(key, 'must be an http URL on the pod loopback (127.0.0.1, localhost or [::1]), without credentials');
    return undefined;
  }
  return raw;
}
