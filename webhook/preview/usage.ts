// `vaultlet preview -h`, kept apart from main.ts so help loads nothing else.
export const PREVIEW_USAGE = `Usage: vaultlet preview -f FILE [--patch] [--namespace NS] [--no-service-account-token]

  Show offline what the webhook would do to the pods in a manifest: the mutated objects (or
  JSON patches), with the warnings and denials the webhook would give. The output is for
  review: piping it to kubectl apply would write the injected containers into your workloads.

Flags:
  -f, --filename FILE   manifest to preview: YAML, several documents or a kind: List ("-" reads stdin)
  --patch               print one JSON patch per object, which applies to that object as written
  -n, --namespace NS    namespace to admit into (default: each object's, else "default")
  --no-service-account-token
                        do not add the service-account token mount the API server adds
                        before webhooks run (for clusters without that admission plugin)

Handles Pod and the pod template of Deployment, StatefulSet, DaemonSet, ReplicaSet,
ReplicationController, Job and CronJob; other objects are printed unchanged. AGENT_INJECT_*
variables apply as for the webhook (see vaultlet webhook -h). Exit codes: 0 every pod allowed,
1 at least one denied, 2 usage, input or configuration error.
`;
