// Template syntax is checked at admission, so a typo denies the pod with the key, line and column
// instead of crash-looping the agent later. Messages carry positions, never template text.
import Handlebars from 'handlebars';
import type { TemplateEngineName } from '../../shared/agent-config.ts';
import { CONSUL_TEMPLATE_FUNCTIONS } from '../../shared/go-template/function-names.ts';
import { parseTemplate } from '../../shared/go-template/parse.ts';
import { TemplateSyntaxError } from '../../shared/template-errors.ts';
import type { AnnotationReader } from './reader.ts';

export interface TemplateCheck {
  readonly key: string;
  readonly source: string;
  readonly engine: TemplateEngineName;
  readonly left: string;
  readonly right: string;
}

export function checkTemplateSyntax(reader: AnnotationReader, t: TemplateCheck): void {
  if (t.engine === 'handlebars') checkHandlebars(reader, t);
  else checkGo(reader, t);
}

function checkGo(reader: AnnotationReader, t: TemplateCheck): void {
  try {
    parseTemplate(t.source, {
      name: 'template',
      leftDelim: t.left,
      rightDelim: t.right,
      functions: CONSUL_TEMPLATE_FUNCTIONS,
    });
  } catch (err) {
    if (err instanceof TemplateSyntaxError) {
      const detail = err.message.replace(/^template [^:]*:\d+:\d+: /, '').slice(0, 200);
      reader.fail(t.key, `template syntax error at line ${err.line}, column ${err.column}: ${detail}`);
    } else {
      reader.fail(t.key, 'template could not be parsed');
    }
  }
}

function checkHandlebars(reader: AnnotationReader, t: TemplateCheck): void {
  try {
    Handlebars.parse(t.source);
  } catch (err) {
    const text = err instanceof Error ? err.message : '';
    const line = /on line (\d+)/.exec(text)?.[1];
    // Keep Handlebars' own explanation line, not the lines that quote the template back.
    const lines = text.split('\n');
    const last = lines.at(-1) ?? '';
    const detail = (last.startsWith('Expecting') ? last : (lines[0] ?? '').replace(/:$/, '')).slice(0, 200);
    reader.fail(t.key, `Handlebars syntax error${line === undefined ? '' : ` at line ${line}`}: ${detail}`);
  }
}
