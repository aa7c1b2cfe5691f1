// Which STS URL an AWS SDK uses for a region. Vault Agent signs with the AWS SDK for Go v1, whose
// default ("legacy") mode sends the regions that existed before regional STS endpoints became the
// default to the global https://sts.amazonaws.com, and the others to https://sts.<region>.amazonaws.com;
// AWS_STS_REGIONAL_ENDPOINTS=regional makes every region regional. The Vault server's
// `sts_endpoint` has to match the host signed here.

const LEGACY_GLOBAL_REGIONS: ReadonlySet<string> = new Set([
  'ap-northeast-1',
  'ap-south-1',
  'ap-southeast-1',
  'ap-southeast-2',
  'ca-central-1',
  'eu-central-1',
  'eu-north-1',
  'eu-west-1',
  'eu-west-2',
  'eu-west-3',
  'sa-east-1',
  'us-east-1',
  'us-east-2',
  'us-west-1',
  'us-west-2',
]);

/** Without a trailing slash, e.g. `https://sts.amazonaws.com`. */
export function defaultStsEndpoint(region: string, regional: boolean): string {
  return !regional && LEGACY_GLOBAL_REGIONS.has(region)
    ? 'https://sts.amazonaws.com'
    : `https://sts.${region}.amazonaws.com`;
}
