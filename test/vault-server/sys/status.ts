// The server's operating state, shared by the fault controls and the request handlers.
export interface ServerStatus {
  sealed: boolean;
  standby: boolean;
  initialized: boolean;
}

export const VAULT_VERSION = '1.17.3';
