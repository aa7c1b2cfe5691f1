// metav1.Status bodies exactly as kube-apiserver writes them for the errors the fake returns.

export interface StatusDetails {
  readonly name: string;
  readonly group?: string;
  readonly kind: string;
}

export interface StatusBody {
  readonly kind: 'Status';
  readonly apiVersion: 'v1';
  readonly metadata: Record<string, never>;
  readonly status: 'Failure';
  readonly message: string;
  readonly reason: string;
  readonly details?: StatusDetails;
  readonly code: number;
}

export interface ResourceInfo {
  /** Plural resource name, e.g. `leases`. */
  readonly resource: string;
  /** API group, '' for the core group. */
  readonly group: string;
}

function qualified(info: ResourceInfo): string {
  return info.group === '' ? info.resource : `${info.resource}.${info.group}`;
}

function details(info: ResourceInfo, name: string): StatusDetails {
  return info.group === '' ? { name, kind: info.resource } : { name, group: info.group, kind: info.resource };
}

export function notFound(info: ResourceInfo, name: string): StatusBody {
  return {
    kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', reason: 'NotFound', code: 404,
    message: `${qualified(info)} "${name}" not found`, details: details(info, name),
  };
}

export function alreadyExists(info: ResourceInfo, name: string): StatusBody {
  return {
    kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', reason: 'AlreadyExists', code: 409,
    message: `${qualified(info)} "${name}" already exists`, details: details(info, name),
  };
}

export function conflict(info: ResourceInfo, name: string): StatusBody {
  return {
    kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', reason: 'Conflict', code: 409,
    message: `Operation cannot be fulfilled on ${qualified(info)} "${name}": the object has been modified; please apply your changes to the latest version and try again`,
    details: details(info, name),
  };
}

export function invalid(info: ResourceInfo, name: string, cause: string): StatusBody {
  return {
    kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', reason: 'Invalid', code: 422,
    message: `${qualified(info)} "${name}" is invalid: ${cause}`, details: details(info, name),
  };
}

export function badRequest(message: string): StatusBody {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', reason: 'BadRequest', code: 400, message };
}

export function unsupportedMediaType(contentType: string): StatusBody {
  return {
    kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', reason: 'UnsupportedMediaType', code: 415,
    message: `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml, application/strategic-merge-patch+json (got ${contentType})`,
  };
}

export function unauthorized(): StatusBody {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', reason: 'Unauthorized', code: 401, message: 'Unauthorized' };
}

export function methodNotAllowed(): StatusBody {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', reason: 'MethodNotAllowed', code: 405, message: 'the server does not allow this method on the requested resource' };
}
