{{/* Names, labels and computed settings shared by the templates. */}}

{{/*
vault-helm's helpers, under vault-helm's names: its default values call them from strings
rendered with tpl (injector.webhook.objectSelector, injector.affinity), and so may a user's.
*/}}
{{- define "vault.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "vault.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{- define "vault.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "vault.namespace" -}}
{{- default .Release.Namespace .Values.global.namespace -}}
{{- end -}}

{{- define "vaultlet.fullname" -}}
{{- include "vault.fullname" . -}}
{{- end -}}

{{- define "vaultlet.namespace" -}}
{{- include "vault.namespace" . -}}
{{- end -}}

{{/* vault-helm's rule: injector.enabled true/false wins, "-" follows global.enabled. */}}
{{- define "vaultlet.enabled" -}}
{{- $enabled := .Values.injector.enabled | toString -}}
{{- if or (eq $enabled "true") (and (eq $enabled "-") .Values.global.enabled) -}}true{{- else -}}false{{- end -}}
{{- end -}}

{{/* The injector's app.kubernetes.io/name; the webhook's objectSelector excludes it. */}}
{{- define "vaultlet.injectorName" -}}
{{- printf "%s-agent-injector" (include "vault.name" .) -}}
{{- end -}}

{{- define "vaultlet.injectorFullname" -}}
{{- printf "%s-agent-injector" (include "vaultlet.fullname" .) | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "vaultlet.serviceName" -}}
{{- printf "%s-agent-injector-svc" (include "vaultlet.fullname" .) | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "vaultlet.webhookConfigName" -}}
{{- printf "%s-agent-injector-cfg" (include "vaultlet.fullname" .) | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "vaultlet.selectorLabels" -}}
app.kubernetes.io/name: {{ include "vaultlet.injectorName" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "vaultlet.labels" -}}
{{ include "vaultlet.selectorLabels" . }}
app.kubernetes.io/component: webhook
app.kubernetes.io/part-of: vaultlet
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
helm.sh/chart: {{ include "vault.chart" . }}
{{- end -}}

{{/*
A value vault-helm accepts either as YAML or as a string rendered with tpl:
(dict "value" X "context" $).
*/}}
{{- define "vaultlet.yamlOrTpl" -}}
{{- if kindIs "string" .value -}}
{{- tpl .value .context | trim -}}
{{- else -}}
{{- toYaml .value -}}
{{- end -}}
{{- end -}}

{{/* A vault-helm values file names vault-k8s as the webhook image: vaultlet replaces it. */}}
{{- define "vaultlet.webhookImage" -}}
{{- if hasSuffix "vault-k8s" (toString .Values.injector.image.repository) -}}
{{- printf "ghcr.io/vaultlet/webhook:%s" .Chart.AppVersion -}}
{{- else -}}
{{- printf "%s:%s" .Values.injector.image.repository (toString .Values.injector.image.tag) -}}
{{- end -}}
{{- end -}}

{{/* global.imagePullSecrets: a list of {name: ...} or of names, as in vault-helm. */}}
{{- define "vaultlet.imagePullSecrets" -}}
{{- range .Values.global.imagePullSecrets }}
{{- if kindIs "map" . }}
- {{ toYaml . | trim }}
{{- else }}
- name: {{ . }}
{{- end }}
{{- end }}
{{- end -}}

{{/* Auto-TLS unless a certificate Secret is given. */}}
{{- define "vaultlet.autoTls" -}}
{{- if .Values.injector.certs.secretName -}}false{{- else -}}true{{- end -}}
{{- end -}}

{{/* Leader election only matters for auto-TLS with more than one replica. */}}
{{- define "vaultlet.leaderElector" -}}
{{- if and (eq (include "vaultlet.autoTls" .) "true") .Values.injector.leaderElector.enabled (gt (int .Values.injector.replicas) 1) -}}true{{- else -}}false{{- end -}}
{{- end -}}

{{/* Admission features by cluster version: matchConditions (1.28), admissionregistration.k8s.io/v1 ValidatingAdmissionPolicy (1.30). */}}
{{- define "vaultlet.hasMatchConditions" -}}
{{- semverCompare ">=1.28.0-0" .Capabilities.KubeVersion.Version -}}
{{- end -}}

{{- define "vaultlet.hasAdmissionPolicy" -}}
{{- semverCompare ">=1.30.0-0" .Capabilities.KubeVersion.Version -}}
{{- end -}}

{{- define "vaultlet.caBundleGuard" -}}
{{- if and .Values.injector.caBundleGuard.enabled (eq (include "vaultlet.autoTls" .) "true") (eq (include "vaultlet.hasAdmissionPolicy" .) "true") -}}true{{- else -}}false{{- end -}}
{{- end -}}

{{- define "vaultlet.vaultAddr" -}}
{{- if .Values.global.externalVaultAddr -}}
{{- .Values.global.externalVaultAddr -}}
{{- else if .Values.injector.externalVaultAddr -}}
{{- .Values.injector.externalVaultAddr -}}
{{- else -}}
{{- printf "%s://%s-vault.%s.svc:8200" (ternary "http" "https" .Values.global.tlsDisable) .Release.Name (include "vaultlet.namespace" .) -}}
{{- end -}}
{{- end -}}

{{- define "vaultlet.failurePolicy" -}}
{{- $policy := .Values.injector.webhook.failurePolicy | default .Values.injector.failurePolicy | default "Ignore" -}}
{{- if not (or (eq $policy "Ignore") (eq $policy "Fail")) -}}
{{- fail (printf "injector.webhook.failurePolicy must be Ignore or Fail, not %s" $policy) -}}
{{- end -}}
{{- $policy -}}
{{- end -}}

{{/* The pods the webhook and the validating policy look at. */}}
{{- define "vaultlet.namespaceSelector" -}}
{{- $selector := .Values.injector.webhook.namespaceSelector | default .Values.injector.namespaceSelector -}}
{{- if $selector -}}
{{- include "vaultlet.yamlOrTpl" (dict "value" $selector "context" .) -}}
{{- else -}}
matchExpressions:
  - key: kubernetes.io/metadata.name
    operator: NotIn
    values: [kube-system, kube-public]
{{- end -}}
{{- end -}}

{{- define "vaultlet.objectSelector" -}}
{{- $selector := .Values.injector.webhook.objectSelector | default .Values.injector.objectSelector -}}
{{- if $selector -}}
{{- include "vaultlet.yamlOrTpl" (dict "value" $selector "context" .) -}}
{{- else -}}
matchExpressions:
  - key: app.kubernetes.io/name
    operator: NotIn
    values: [{{ include "vaultlet.injectorName" . }}]
{{- end -}}
{{- end -}}

{{/*
The Lease and the certificate Secret of auto-TLS with leader election, named after the release
(the webhook reads the names from AGENT_INJECT_LEADER_LEASE and AGENT_INJECT_TLS_AUTO_SECRET), so
two releases in one namespace never share them.
*/}}
{{- define "vaultlet.leaseName" -}}{{ include "vaultlet.injectorFullname" . | trunc 56 | trimSuffix "-" }}-leader{{- end -}}
{{- define "vaultlet.certsSecretName" -}}{{ include "vaultlet.injectorFullname" . | trunc 57 | trimSuffix "-" }}-certs{{- end -}}
