// Handlebars has no custom delimiters; the template stanza's left_delimiter/right_delimiter are
// honoured by rewriting them to `{{`/`}}` before parsing, escaping any literal `{{` in the text.
export function toHandlebarsDelimiters(source: string, left: string, right: string): string {
  if (left === '{{' && right === '}}') return source;
  let out = '';
  let i = 0;
  while (i < source.length) {
    const start = source.indexOf(left, i);
    const end = start < 0 ? -1 : source.indexOf(right, start + left.length);
    if (start < 0 || end < 0) {
      out += escapeText(source.slice(i));
      break;
    }
    out += `${escapeText(source.slice(i, start))}{{${source.slice(start + left.length, end)}}}`;
    i = end + right.length;
  }
  return out;
}

/** Literal `{{` in text becomes `\{{` (Handlebars' escape); a trailing `\` before a tag is doubled. */
function escapeText(text: string): string {
  const escaped = text.replace(/\{\{/g, '\\{{');
  return escaped.endsWith('\\') ? `${escaped}\\` : escaped;
}
