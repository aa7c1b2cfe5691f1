// Vault clients may send the LIST method, which Node's HTTP parser rejects before any handler runs.
// The rejected bytes reach `clientError` as err.rawPacket; this reads the request line and headers
// from them so the request can be served like `GET ?list=true`, then closes the connection.

export interface RawRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
}

export function parseRawListRequest(raw: Buffer | undefined): RawRequest | undefined {
  if (raw === undefined) return undefined;
  const text = raw.toString('latin1');
  const end = text.indexOf('\r\n\r\n');
  if (!text.startsWith('LIST ') || end === -1) return undefined;
  const [requestLine = '', ...headerLines] = text.slice(0, end).split('\r\n');
  const m = /^LIST (\S+) HTTP\/1\.[01]$/.exec(requestLine);
  if (m === null) return undefined;
  const headers: Record<string, string> = {};
  for (const line of headerLines) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return { method: 'LIST', url: m[1] ?? '/', headers };
}
