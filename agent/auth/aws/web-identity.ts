// IRSA credentials: sts:AssumeRoleWithWebIdentity with the projected service-account token from
// AWS_WEB_IDENTITY_TOKEN_FILE (re-read for each call, it rotates), as the AWS SDKs do. The call
// is unsigned: the web identity token is the proof. Credentials are reused until 5 minutes before
// they expire.
import type { Clock } from '../../../shared/clock.ts';
import { AuthError } from '../../errors.ts';
import type { CloudHttp } from '../cloud-http.ts';
import type { CredentialFiles } from '../credential-files.ts';
import type { AwsCredentials } from './sigv4.ts';
import { stsErrorSummary, xmlText } from './sts-xml.ts';

const REFRESH_BEFORE_MS = 5 * 60_000;

export interface WebIdentityConfig {
  readonly roleArn: string;
  readonly tokenFilePath: string;
  readonly sessionName: string;
  /** e.g. https://sts.eu-west-1.amazonaws.com (AWS_ENDPOINT_URL_STS overrides it). */
  readonly stsEndpoint: string;
}

export class WebIdentityCredentials {
  readonly #config: WebIdentityConfig;
  readonly #deps: { readonly http: CloudHttp; readonly files: CredentialFiles; readonly clock: Clock };
  #cached: { credentials: AwsCredentials; expiresAt: number } | undefined;

  constructor(config: WebIdentityConfig, deps: { http: CloudHttp; files: CredentialFiles; clock: Clock }) {
    this.#config = config;
    this.#deps = deps;
  }

  async get(): Promise<AwsCredentials> {
    const now = this.#deps.clock.now();
    if (this.#cached !== undefined && now < this.#cached.expiresAt - REFRESH_BEFORE_MS) return this.#cached.credentials;
    const token = this.#deps.files.read(this.#config.tokenFilePath)?.trim();
    if (token === undefined || token === '')
      throw new AuthError(`the web identity token file ${this.#config.tokenFilePath} is missing or empty`);
    const form = new URLSearchParams({
      Action: 'AssumeRoleWithWebIdentity',
      RoleArn: this.#config.roleArn,
      RoleSessionName: this.#config.sessionName,
      Version: '2011-06-15',
      WebIdentityToken: token,
    });
    const res = await this.#deps.http.send({
      method: 'POST',
      url: `${this.#config.stsEndpoint}/`,
      headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
      body: form.toString(),
    });
    if (res.status !== 200)
      throw new AuthError(
        `sts AssumeRoleWithWebIdentity for ${this.#config.roleArn}: status ${res.status}: ${stsErrorSummary(res.body)}`,
      );
    const accessKeyId = xmlText(res.body, 'AccessKeyId');
    const secretAccessKey = xmlText(res.body, 'SecretAccessKey');
    const sessionToken = xmlText(res.body, 'SessionToken');
    const expiration = Date.parse(xmlText(res.body, 'Expiration') ?? '');
    if (accessKeyId === undefined || secretAccessKey === undefined || sessionToken === undefined) {
      throw new AuthError(`sts AssumeRoleWithWebIdentity for ${this.#config.roleArn}: no credentials in the answer`);
    }
    const credentials = { accessKeyId, secretAccessKey, sessionToken };
    this.#cached = { credentials, expiresAt: Number.isFinite(expiration) ? expiration : now };
    return credentials;
  }
}
