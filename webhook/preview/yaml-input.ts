// Reading the manifests `vaultlet preview` is given: every document of a YAML stream, with errors
// that name the document, the line and (for a duplicate key) the key, and a clear message for a
// Helm chart template that was never rendered. Pure; never echoes values (they may be secrets).
import { isCollection, parseAllDocuments, visit, type Document, type YAMLError } from 'yaml';
import { AppError } from '../../shared/errors.ts';

export class PreviewInputError extends AppError {
  constructor(message: string) {
    super('WHK_PREVIEW_INPUT', message);
  }
}

const MAX_KEY_SHOWN = 64;
const HELM_HINT =
  'this looks like an unrendered Helm template ("{{ ... }}"); render it first: helm template RELEASE CHART | vaultlet preview -f -';

function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

/** Whether the line holding `offset` has a `{{`, as a Helm template does where YAML breaks. */
function helmOnLine(text: string, offset: number): boolean {
  const start = text.lastIndexOf('\n', Math.max(0, offset - 1)) + 1;
  const end = text.indexOf('\n', offset);
  return text.slice(start, end === -1 ? text.length : end).includes('{{');
}

function describeError(text: string, index: number, error: YAMLError): string {
  const pos = error.linePos?.[0];
  const where = pos === undefined ? '' : ` at line ${pos.line}, column ${pos.col}`;
  if (helmOnLine(text, error.pos[0])) return `document ${index + 1}: not valid YAML${where}: ${HELM_HINT}`;
  if (error.code === 'DUPLICATE_KEY') {
    // The key is the user's own text; keys are not secret, but cap what a hostile file can print.
    // The error points at the key's first character; the key runs to its `:` (values stay unshown).
    const line = text.slice(error.pos[0], error.pos[0] + MAX_KEY_SHOWN).split('\n')[0] ?? '';
    const colon = line.search(/:(\s|$)/);
    return `document ${index + 1}: duplicate key ${JSON.stringify(colon === -1 ? line : line.slice(0, colon))}${where}`;
  }
  return `document ${index + 1}: not valid YAML (${error.code})${where}`;
}

/**
 * A mapping used as a key: what `{{ .Values.x }}` parses to. Converting it to JS would stringify the
 * key (and print a Node warning), so it is reported as an unrendered template instead.
 */
function collectionKeyOffset(doc: Document): number | undefined {
  let found: number | undefined;
  visit(doc, {
    Pair(_key, pair) {
      if (!isCollection(pair.key)) return undefined;
      found = pair.key.range?.[0] ?? 0;
      return visit.BREAK;
    },
  });
  return found;
}

/** The non-empty documents of a YAML stream as plain values, in order. */
export function parseManifests(text: string): unknown[] {
  const docs = parseAllDocuments(text, { logLevel: 'error', uniqueKeys: true });
  if (!Array.isArray(docs)) return [];
  const objects: unknown[] = [];
  for (const [i, doc] of docs.entries()) {
    const first = doc.errors[0];
    if (first !== undefined) throw new PreviewInputError(describeError(text, i, first));
    const helmAt = collectionKeyOffset(doc);
    if (helmAt !== undefined)
      throw new PreviewInputError(
        `document ${i + 1}: a mapping used as a key at line ${lineAt(text, helmAt)}: ${HELM_HINT}`,
      );
    const value: unknown = doc.toJS({ maxAliasCount: 100 });
    if (value !== null && value !== undefined) objects.push(value);
  }
  return objects;
}
