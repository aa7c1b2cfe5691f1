// Loads only the template engines the config uses (start-up time and memory: a pod with only
// Go templates never loads Handlebars).
import type { TemplateEngineName } from '../../shared/agent-config.ts';
import type { TemplateEngine } from './engine.ts';

export type EngineLoader = (name: TemplateEngineName) => Promise<TemplateEngine>;

export const loadEngine: EngineLoader = async (name) => {
  switch (name) {
    case 'go':
      return (await import('./go-template/engine.ts')).goTemplateEngine;
    case 'handlebars':
      return (await import('./handlebars/engine.ts')).handlebarsEngine;
  }
};
