// A VaultTransport answering from a route function, recording every request (method, path, body).
import type { VaultHttpRequest, VaultHttpResponse, VaultTransport } from '../../agent/vault/client.ts';

export class RoutedTransport implements VaultTransport {
  readonly sent: VaultHttpRequest[] = [];
  readonly #route: (request: VaultHttpRequest) => VaultHttpResponse;
  constructor(route: (request: VaultHttpRequest) => VaultHttpResponse) {
    this.#route = route;
  }
  send(request: VaultHttpRequest): Promise<VaultHttpResponse> {
    this.sent.push(request);
    return Promise.resolve(this.#route(request));
  }
  close(): void {}
}

/** A Vault success envelope around `fields`. */
export function envelope(fields: Record<string, unknown>): VaultHttpResponse {
  return { status: 200, body: { request_id: 'r', lease_id: '', renewable: false, lease_duration: 0, data: null, warnings: null, auth: null, wrap_info: null, ...fields } };
}
