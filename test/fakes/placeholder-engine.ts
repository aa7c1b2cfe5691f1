// A tiny TemplateEngine for runner tests, independent of the real engines: `[[path#a.b]]` is
// replaced by the field `a.b` of the `secret "path"` response (`[[path#Data.data.x]]`).
// Missing data is recorded as a dependency to fetch, exactly as the interface asks.
import type { CompiledTemplate, RenderContext, RenderResult, SecretRequest, TemplateEngine } from '../../agent/render/engine.ts';
import { secretRequestKey } from '../../agent/render/engine.ts';

const PLACEHOLDER = /\[\[([^#\]]+)#([^\]]+)\]\]/g;

function request(path: string): SecretRequest {
  return { kind: 'secret', path, params: {}, key: secretRequestKey('secret', path, {}) };
}

export const placeholderEngine: TemplateEngine = {
  name: 'go',
  compile(source: string): CompiledTemplate {
    return {
      render(context: RenderContext): RenderResult {
        const dependencies: SecretRequest[] = [];
        const missing: SecretRequest[] = [];
        const output = source.replace(PLACEHOLDER, (_m, path: string, field: string) => {
          const r = request(path);
          dependencies.push(r);
          const response = context.lookup(r);
          if (response === undefined) {
            missing.push(r);
            return '';
          }
          let value: unknown = { Data: response.data, LeaseID: response.lease_id };
          for (const part of field.split('.')) value = (value as Record<string, unknown> | undefined)?.[part];
          return String(value);
        });
        return { complete: missing.length === 0, output, dependencies, missing };
      },
    };
  },
};
