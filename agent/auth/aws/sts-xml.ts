// The few fields the agent reads from STS's XML answers, found by tag name with indexOf (no
// regular expression, no XML parser: linear in the response, which is bounded in size).

const ENTITIES: Readonly<Record<string, string>> = {
  '&amp;': '&',
  '&lt;': '<',
  '&gt;': '>',
  '&quot;': '"',
  '&apos;': "'",
};

/** The text of the first `<tag>…</tag>` (entities decoded), or undefined. */
export function xmlText(xml: string, tag: string): string | undefined {
  const open = xml.indexOf(`<${tag}>`);
  if (open < 0) return undefined;
  const start = open + tag.length + 2;
  const end = xml.indexOf(`</${tag}>`, start);
  if (end < 0) return undefined;
  return xml.slice(start, end).replace(/&(?:amp|lt|gt|quot|apos);/g, (e) => ENTITIES[e] ?? e);
}

/** `Code: Message` of an STS ErrorResponse, shortened for a log line. */
export function stsErrorSummary(xml: string): string {
  const code = xmlText(xml, 'Code') ?? 'unknown error';
  const message = xmlText(xml, 'Message');
  return (message === undefined ? code : `${code}: ${message}`).replace(/\s+/g, ' ').slice(0, 300);
}
