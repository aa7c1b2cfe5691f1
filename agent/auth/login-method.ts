// The one interface every auth method implements: produce what to send to Vault for the next
// login. Methods read their credential files (and talk to cloud endpoints) here; the token manager
// owns the call to Vault, the backoff and the renewal.

/** What a method asks the token manager to do to get a token. */
export type LoginRequest =
  /** `PUT /v1/<path>` with `body` and no token: the usual `<mount>/login`. */
  | { readonly kind: 'login'; readonly path: string; readonly body: Readonly<Record<string, unknown>> }
  /** A token handed in as is (token_file): validated and sized up with lookup-self. */
  | { readonly kind: 'token'; readonly token: string };

export interface LoginMethod {
  /** Names the method in messages and logs, e.g. `auth/approle`; never a credential. */
  readonly label: string;
  login(): Promise<LoginRequest>;
}

/** For methods that only read files: a thrown error becomes a rejection, like any login failure. */
export function loginFrom(build: () => LoginRequest): Promise<LoginRequest> {
  try {
    return Promise.resolve(build());
  } catch (err) {
    return Promise.reject(err instanceof Error ? err : new Error(String(err)));
  }
}
