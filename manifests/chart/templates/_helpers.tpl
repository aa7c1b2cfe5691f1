{{/* Names, labels and computed settings shared by the templates. */}}

{{- define "vaultlet.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else if contains "vaultlet" .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-vaultlet" .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{/* The injector's app.kubernetes.io/name; the webhook's objectSelector excludes it. */}}
{{- define "vaultlet.injectorName" -}}
vaultlet-agent-injector
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
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{/* Auto-TLS unless a certificate Secret is given. */}}
{{- define "vaultlet.autoTls" -}}
{{- if .Values.injector.certs.secretName -}}false{{- else -}}true{{- end -}}
{{- end -}}

{{/* Leader election only matters for auto-TLS with more than one replica. */}}
{{- define "vaultlet.leaderElector" -}}
{{- if and (eq (include "vaultlet.autoTls" .) "true") .Values.injector.leaderElector.enabled (gt (int .Values.injector.replicas) 1) -}}true{{- else -}}false{{- end -}}
{{- end -}}

{{- define "vaultlet.vaultAddr" -}}
{{- if .Values.global.externalVaultAddr -}}
{{- .Values.global.externalVaultAddr -}}
{{- else if .Values.injector.externalVaultAddr -}}
{{- .Values.injector.externalVaultAddr -}}
{{- else -}}
{{- printf "%s://%s-vault.%s.svc:8200" (ternary "http" "https" .Values.global.tlsDisable) .Release.Name .Release.Namespace -}}
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
{{- toYaml $selector -}}
{{- else -}}
matchExpressions:
  - key: kubernetes.io/metadata.name
    operator: NotIn
    values: [kube-system, kube-public]
{{- end -}}
{{- end -}}

{{- define "vaultlet.objectSelector" -}}
{{- $selector := .Values.injector.webhook.objectSelector | default .Values.injector.objectSelector -}}
{{- if and $selector (kindIs "string" $selector) -}}
{{- tpl $selector . -}}
{{- else if $selector -}}
{{- toYaml $selector -}}
{{- else -}}
matchExpressions:
  - key: app.kubernetes.io/name
    operator: NotIn
    values: [{{ include "vaultlet.injectorName" . }}]
{{- end -}}
{{- end -}}

{{- define "vaultlet.leaseName" -}}vaultlet-injector-leader{{- end -}}
{{- define "vaultlet.certsSecretName" -}}vaultlet-injector-certs{{- end -}}
