// A loopback AWS STS for auth tests: AssumeRoleWithWebIdentity (IRSA) hands out temporary
// credentials for trusted (role, token) pairs; GetCallerIdentity checks the SigV4 signature (and
// session token, and date skew) against the keys it knows and answers the caller's ARN. Error
// answers are STS's XML with its codes. Records every call, never its secrets.
import { createServer, type IncomingMessage } from 'node:http';
import { randomBytes, randomUUID } from 'node:crypto';
import { signature, type SignableRequest } from '../../agent/auth/aws/sigv4.ts';

export interface StsCall {
  readonly action: string;
  readonly status: number;
  readonly code?: string;
}

export interface FakeSts {
  readonly url: string;
  readonly calls: readonly StsCall[];
  /** An IAM user with long-lived keys. */
  addUser(arn: string, accessKeyId: string, secretAccessKey: string): void;
  /** Lets AssumeRoleWithWebIdentity into `roleArn` with tokens `accepts` approves. */
  trustWebIdentity(roleArn: string, accepts: (token: string) => boolean): void;
  close(): Promise<void>;
}

interface Principal {
  readonly arn: string;
  readonly userId: string;
  readonly secret: string;
  readonly sessionToken?: string;
  readonly expiresAt: number;
}

const ACCOUNT = '123456789012';
const MAX_SKEW_MS = 15 * 60_000;

function xmlError(status: number, code: string, message: string): { status: number; body: string; code: string } {
  const type = status >= 500 ? 'Receiver' : 'Sender';
  return {
    status,
    code,
    body: `<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">\n  <Error>\n    <Type>${type}</Type>\n    <Code>${code}</Code>\n    <Message>${message}</Message>\n  </Error>\n  <RequestId>${randomUUID()}</RequestId>\n</ErrorResponse>\n`,
  };
}

function ok(action: string, result: string): { status: number; body: string } {
  return {
    status: 200,
    body: `<${action}Response xmlns="https://sts.amazonaws.com/doc/2011-06-15/">\n  <${action}Result>\n${result}  </${action}Result>\n  <ResponseMetadata>\n    <RequestId>${randomUUID()}</RequestId>\n  </ResponseMetadata>\n</${action}Response>\n`,
  };
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      resolve(Buffer.concat(chunks).toString('utf8'));
    });
    req.on('error', reject);
  });
}

export async function startFakeSts(
  options: { credentialTtlSeconds?: number; now?: () => number } = {},
): Promise<FakeSts> {
  const now = options.now ?? Date.now;
  const principals = new Map<string, Principal>();
  const trust = new Map<string, (token: string) => boolean>();
  const calls: StsCall[] = [];

  function assume(form: URLSearchParams): { status: number; body: string; code?: string } {
    const roleArn = form.get('RoleArn') ?? '';
    const session = form.get('RoleSessionName') ?? '';
    const token = form.get('WebIdentityToken') ?? '';
    if (roleArn === '' || session === '' || token === '')
      return xmlError(400, 'ValidationError', 'RoleArn, RoleSessionName and WebIdentityToken are required');
    const accepts = trust.get(roleArn);
    if (accepts === undefined)
      return xmlError(403, 'AccessDenied', 'Not authorized to perform sts:AssumeRoleWithWebIdentity');
    if (!accepts(token))
      return xmlError(
        400,
        'InvalidIdentityToken',
        'The web identity token that was passed could not be validated by AWS.',
      );
    const accessKeyId = `ASIA${randomBytes(8).toString('hex').toUpperCase()}`;
    const secret = randomBytes(30).toString('base64');
    const sessionToken = randomBytes(48).toString('base64');
    const expiresAt = now() + (options.credentialTtlSeconds ?? 3600) * 1000;
    const roleName = roleArn.slice(roleArn.lastIndexOf('/') + 1);
    const arn = `arn:aws:sts::${ACCOUNT}:assumed-role/${roleName}/${session}`;
    principals.set(accessKeyId, { arn, userId: `AROA${ACCOUNT}:${session}`, secret, sessionToken, expiresAt });
    return ok(
      'AssumeRoleWithWebIdentity',
      `    <Credentials>\n      <AccessKeyId>${accessKeyId}</AccessKeyId>\n      <SecretAccessKey>${secret}</SecretAccessKey>\n      <SessionToken>${sessionToken}</SessionToken>\n      <Expiration>${new Date(expiresAt).toISOString()}</Expiration>\n    </Credentials>\n    <SubjectFromWebIdentityToken>${session}</SubjectFromWebIdentityToken>\n    <AssumedRoleUser>\n      <Arn>${arn}</Arn>\n      <AssumedRoleId>AROA${ACCOUNT}:${session}</AssumedRoleId>\n    </AssumedRoleUser>\n`,
    );
  }

  function callerIdentity(req: IncomingMessage, body: string): { status: number; body: string; code?: string } {
    const authz = typeof req.headers['authorization'] === 'string' ? req.headers['authorization'] : '';
    const m =
      /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/sts\/aws4_request, SignedHeaders=([a-z0-9;-]+), Signature=([0-9a-f]{64})$/.exec(
        authz,
      );
    if (m === null) return xmlError(403, 'MissingAuthenticationToken', 'Request is missing Authentication Token');
    const [, keyId = '', , region = '', signedNames = '', sig = ''] = m;
    const principal = principals.get(keyId);
    if (principal === undefined)
      return xmlError(403, 'InvalidClientTokenId', 'The security token included in the request is invalid.');
    if (principal.sessionToken !== undefined && req.headers['x-amz-security-token'] !== principal.sessionToken)
      return xmlError(403, 'InvalidClientTokenId', 'The security token included in the request is invalid.');
    if (now() >= principal.expiresAt)
      return xmlError(403, 'ExpiredToken', 'The security token included in the request is expired');
    const amzDate = typeof req.headers['x-amz-date'] === 'string' ? req.headers['x-amz-date'] : '';
    const date = Date.parse(amzDate.replace(/^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/, '$1-$2-$3T$4:$5:$6Z'));
    if (!Number.isFinite(date) || Math.abs(now() - date) > MAX_SKEW_MS)
      return xmlError(403, 'SignatureDoesNotMatch', 'Signature expired or not yet current');
    const headers: Record<string, string> = {};
    for (const name of signedNames.split(';')) {
      const v = req.headers[name];
      headers[name] = Array.isArray(v) ? v.join(',') : (v ?? '');
    }
    const request: SignableRequest = {
      method: req.method ?? 'POST',
      url: `https://${headers['host'] ?? ''}${req.url ?? '/'}`,
      headers,
      body,
    };
    if (signature(request, principal.secret, { region, service: 'sts', date: new Date(date) }) !== sig) {
      return xmlError(
        403,
        'SignatureDoesNotMatch',
        'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.',
      );
    }
    return ok(
      'GetCallerIdentity',
      `    <Arn>${principal.arn}</Arn>\n    <UserId>${principal.userId}</UserId>\n    <Account>${ACCOUNT}</Account>\n`,
    );
  }

  const server = createServer((req, res) => {
    void readBody(req).then((body) => {
      const form = new URLSearchParams(body);
      const action = form.get('Action') ?? '';
      const answer =
        req.method !== 'POST'
          ? xmlError(400, 'InvalidAction', 'Use POST')
          : action === 'AssumeRoleWithWebIdentity'
            ? assume(form)
            : action === 'GetCallerIdentity'
              ? callerIdentity(req, body)
              : xmlError(400, 'InvalidAction', `Could not find operation ${action.slice(0, 40)}`);
      calls.push({ action, status: answer.status, ...(answer.code !== undefined ? { code: answer.code } : {}) });
      res.writeHead(answer.status, { 'content-type': 'text/xml', 'x-amzn-requestid': randomUUID() });
      res.end(answer.body);
    });
  });
  await new Promise<void>((resolve) => {
    server.listen(0, '127.0.0.1', resolve);
  });
  const addr = server.address();
  const port = typeof addr === 'object' && addr !== null ? addr.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    get calls() {
      return [...calls];
    },
    addUser(arn, accessKeyId, secretAccessKey) {
      principals.set(accessKeyId, {
        arn,
        userId: `AIDA${randomBytes(8).toString('hex').toUpperCase()}`,
        secret: secretAccessKey,
        expiresAt: Number.POSITIVE_INFINITY,
      });
    },
    trustWebIdentity(roleArn, accepts) {
      trust.set(roleArn, accepts);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => {
          resolve();
        });
        server.closeAllConnections();
      }),
  };
}
