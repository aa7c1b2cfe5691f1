// Where the webhook's serving certificate comes from: files on disk (reloaded when Kubernetes
// swaps the mounted Secret) or auto-TLS (generated, shared between replicas through a Secret).
// The HTTPS server only sees this interface and applies each new pair with setSecureContext().

export interface CertBundle {
  readonly certPem: string;
  readonly keyPem: string;
}

export interface CertSource {
  /** Resolves once a first bundle is available; rejects when none can be had. */
  start(): Promise<CertBundle>;
  /** Called with every later bundle whose content differs from the previous one. */
  onChange(listener: (bundle: CertBundle) => void): void;
  /** Stops watchers and timers. */
  stop(): Promise<void>;
}
