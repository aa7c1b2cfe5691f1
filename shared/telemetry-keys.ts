// The keys of Vault Agent's `telemetry` stanza by value type: the webhook checks `agent-telemetry-*`
// annotations against them (vault-k8s's schema), the agent checks its config (which also takes
// `metrics_prefix`, a key vault-k8s has no annotation for).
export const TELEMETRY_STRING_KEYS: readonly string[] = Object.freeze([
  'usage_gauge_period',
  'lease_metrics_epsilon',
  'statsite_address',
  'statsd_address',
  'circonus_api_token',
  'circonus_api_app',
  'circonus_api_url',
  'circonus_submission_interval',
  'circonus_submission_url',
  'circonus_check_id',
  'circonus_check_instance_id',
  'circonus_check_search_tag',
  'circonus_check_display_name',
  'circonus_check_tags',
  'circonus_broker_id',
  'circonus_broker_select_tag',
  'dogstatsd_addr',
  'prometheus_retention_time',
  'stackdriver_project_id',
  'stackdriver_location',
  'stackdriver_namespace',
]);

export const TELEMETRY_INT_KEYS: readonly string[] = Object.freeze([
  'maximum_gauge_cardinality',
  'num_lease_metrics_buckets',
]);

export const TELEMETRY_BOOL_KEYS: readonly string[] = Object.freeze([
  'disable_hostname',
  'enable_hostname_label',
  'add_lease_metrics_namespace_labels',
  'filter_default',
  'circonus_check_force_metric_activation',
  'stackdriver_debug_logs',
]);

export const TELEMETRY_LIST_KEYS: readonly string[] = Object.freeze(['prefix_filter', 'dogstatsd_tags']);
