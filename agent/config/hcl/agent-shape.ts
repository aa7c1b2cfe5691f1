// Maps an HCL tree onto the JSON document Vault Agent's JSON config has, so HCL and JSON configs
// go through the same validation. Vault decodes its HCL with per-stanza rules, reproduced here:
// `method "kubernetes" {}` gives `method: {type: "kubernetes"}`, repeated `template {}` blocks
// give a list, `sink "file" {}` / `listener "tcp" {}` give lists of typed objects,
// `persist "kubernetes" {}` a typed object, `env_template "NAME" {}` an object keyed by name.
// Elsewhere a block is an object (`config { ... }` equals `config = { ... }`), with labels as
// nested keys, as in HCL's own JSON form. Values the loader must judge (a string where a block
// belongs, ...) are passed through for it to report by key.
import type { Json } from '../problems.ts';
import type { HclSource } from './hcl-error.ts';
import { parseHcl, type HclItem, type HclKey, type HclValue } from './parser.ts';

/** block: one object; typed: one object, label → `type`; list / typedList: every block an element; named: label → key. */
type Shape = 'block' | 'typed' | 'list' | 'typedList' | 'named';

/** Stanza shapes by key path (list elements share their list's path). */
const SHAPES: ReadonlyMap<string, Shape> = new Map<string, Shape>([
  ['vault', 'block'], ['vault.retry', 'block'],
  ['auto_auth', 'block'], ['auto_auth.method', 'typed'], ['auto_auth.method.config', 'block'],
  ['auto_auth.sink', 'typedList'], ['auto_auth.sink.config', 'block'],
  ['template', 'list'], ['template.exec', 'block'], ['template.wait', 'block'],
  ['template_config', 'block'],
  ['listener', 'typedList'], ['listener.agent_api', 'block'], ['listener.telemetry', 'block'], ['listener.profiling', 'block'],
  ['cache', 'block'], ['cache.persist', 'typed'],
  ['api_proxy', 'block'], ['telemetry', 'block'], ['exec', 'block'], ['env_template', 'named'],
  ['vaultlet', 'block'],
]);

/** Parses a Vault Agent HCL config into its JSON shape; throws HclError with line:column. */
export function parseAgentHcl(text: string): Json {
  const doc = parseHcl(text);
  return new Mapper(doc.source).body(doc.body, '');
}

type Obj = Record<string, unknown>;

class Mapper {
  private readonly source: HclSource;

  constructor(source: HclSource) {
    this.source = source;
  }

  body(items: readonly HclItem[], path: string): Obj {
    const groups = new Map<string, HclItem[]>();
    for (const item of items) {
      const group = groups.get(item.keys[0].name);
      if (group === undefined) groups.set(item.keys[0].name, [item]);
      else group.push(item);
    }
    // fromEntries defines own properties, so a key such as "__proto__" stays plain data.
    return Object.fromEntries([...groups].map(([name, group]) => [name, this.field(group, join(path, name))]));
  }

  private field(items: readonly HclItem[], path: string): unknown {
    const first = items[0];
    if (first === undefined) return undefined;
    const shape = SHAPES.get(path);
    switch (shape) {
      case undefined:
        return fixPerms(this.generic(items, path), path);
      case 'block':
      case 'typed':
        return this.single(items, path, shape === 'typed');
      case 'list':
      case 'typedList':
        return this.list(items, path, shape === 'typedList');
      case 'named':
        return this.named(items, path);
    }
  }

  private single(items: readonly HclItem[], path: string, typed: boolean): unknown {
    const [item, second] = items;
    if (second !== undefined) this.fail(second.keys[0], `${path} is set more than once (only one block is allowed)`);
    if (item === undefined) return undefined;
    return this.stanza(item, path, typed);
  }

  private list(items: readonly HclItem[], path: string, typed: boolean): unknown {
    const [only] = items;
    if (items.length === 1 && only !== undefined && only.value.kind !== 'object' && only.value.kind !== 'list') return this.value(only.value, path);
    const out: unknown[] = [];
    for (const item of items) {
      if (item.assigned && item.value.kind === 'list') out.push(...item.value.items.map((v) => this.value(v, path)));
      else out.push(this.stanza(item, path, typed));
    }
    return out;
  }

  private named(items: readonly HclItem[], path: string): unknown {
    const [only] = items;
    if (items.length === 1 && only?.assigned === true) return this.value(only.value, path);
    const entries = new Map<string, unknown>();
    for (const item of items) {
      const [key, label, extra] = item.keys;
      if (label === undefined || extra !== undefined) return this.fail(extra ?? key, `${path} blocks take exactly one label (the name)`);
      if (entries.has(label.name)) this.fail(label, `${path} has two blocks with the same label`);
      entries.set(label.name, this.value(item.value, join(path, label.name)));
    }
    return Object.fromEntries(entries);
  }

  /** One block (or `key = {...}`) of a known stanza; a typed stanza takes its type from the label. */
  private stanza(item: HclItem, path: string, typed: boolean): unknown {
    const labels = item.keys.slice(1);
    const [label, extra] = labels;
    if (typed && extra !== undefined) this.fail(extra, `${path} takes one label (its type)`);
    if (!typed && label !== undefined) this.fail(label, `${path} takes no label`);
    const value = this.value(item.value, path);
    if (!typed || label === undefined || !isObject(value) || Object.hasOwn(value, 'type')) return value;
    // Vault: the label names the type when the block does not set `type`, lower-cased.
    return { type: label.name.toLowerCase(), ...value };
  }

  /** Keys without a known shape: repeated blocks merge, labels nest, a repeated value is an error. */
  private generic(items: readonly HclItem[], path: string): unknown {
    let result: unknown;
    items.forEach((item, i) => {
      const value = this.labelled(item, path);
      if (i === 0) result = value;
      else if (isObject(result) && isObject(value) && !item.assigned) result = this.merge(result, value, item.keys[0], path);
      else this.fail(item.keys[0], `${path} is set more than once`);
    });
    return result;
  }

  /** `key "a" "b" { body }` is `key = { a = { b = { body } } }`. */
  private labelled(item: HclItem, path: string): unknown {
    const labels = item.keys.slice(1).map((k) => k.name);
    let value = this.value(item.value, [path, ...labels].join('.'));
    for (const label of labels.reverse()) value = Object.fromEntries([[label, value]]);
    return value;
  }

  private merge(a: Obj, b: Obj, at: HclKey, path: string): Obj {
    const out = new Map(Object.entries(a));
    for (const [key, value] of Object.entries(b)) {
      const prev = out.get(key);
      if (prev === undefined) out.set(key, value);
      else if (isObject(prev) && isObject(value)) out.set(key, this.merge(prev, value, at, join(path, key)));
      else this.fail(at, `${join(path, key)} is set more than once`);
    }
    return Object.fromEntries(out);
  }

  private value(v: HclValue, path: string): unknown {
    switch (v.kind) {
      case 'string':
      case 'number':
      case 'bool':
        return v.value;
      case 'list':
        return v.items.map((item) => this.value(item, path));
      case 'object':
        return this.body(v.body, path);
    }
  }

  private fail(key: HclKey, reason: string): never {
    return this.source.fail(key.offset, reason);
  }
}

/**
 * `perms = 0600` is an octal number in HCL; Vault reads it as that file mode. The loader wants
 * the string form, so it becomes "0600".
 */
function fixPerms(value: unknown, path: string): unknown {
  if (path !== 'template.perms' || typeof value !== 'number' || !Number.isInteger(value) || value < 0) return value;
  return `0${value.toString(8).padStart(3, '0')}`;
}

function isObject(value: unknown): value is Obj {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function join(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`;
}
