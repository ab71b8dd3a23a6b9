{{/* Names and labels. */}}
{{- define "xinyu.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "xinyu.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "xinyu.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "xinyu.selectorLabels" -}}
app.kubernetes.io/name: {{ include "xinyu.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "xinyu.labels" -}}
helm.sh/chart: {{ include "xinyu.chart" . }}
{{ include "xinyu.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: xinyu
{{- end }}

{{/* A component's selector labels: pass (dict "root" $ "component" "web"). */}}
{{- define "xinyu.componentSelector" -}}
{{ include "xinyu.selectorLabels" .root }}
app.kubernetes.io/component: {{ .component }}
{{- end }}

{{- define "xinyu.componentLabels" -}}
{{ include "xinyu.labels" .root }}
app.kubernetes.io/component: {{ .component }}
{{- end }}

{{- define "xinyu.image" -}}
{{- $tag := default .Chart.AppVersion .Values.image.tag }}
{{- if .Values.image.digest }}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest }}
{{- else }}
{{- printf "%s:%s" .Values.image.repository $tag }}
{{- end }}
{{- end }}

{{- define "xinyu.secretName" -}}
{{- default (printf "%s-secrets" (include "xinyu.fullname" .)) .Values.secrets.existingSecret }}
{{- end }}

{{/* Setting name -> Secret key, for every secret mounted as a file. */}}
{{- define "xinyu.secretFiles" -}}
{{- $files := deepCopy .Values.secrets.files }}
{{- if and .Values.secrets.create .Values.secrets.emailHostPassword }}
{{- $_ := set $files "EMAIL_HOST_PASSWORD" "email-host-password" }}
{{- end }}
{{- if and .Values.secrets.create .Values.secrets.metricsToken }}
{{- $_ := set $files "METRICS_TOKEN" "metrics-token" }}
{{- end }}
{{- toYaml $files }}
{{- end }}

{{- define "xinyu.secretsDir" -}}/run/secrets/xinyu{{- end }}

{{/* A worker queue entry's DNS-safe name. */}}
{{- define "xinyu.queueSlug" -}}
{{- $slug := . | lower | replace "_" "-" | replace "." "-" }}
{{- if not (regexMatch "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$" $slug) }}
{{- fail (printf "worker.queues: %q cannot name a Deployment (letters, digits, - and _ only)" .) }}
{{- end }}
{{- $slug }}
{{- end }}

{{/*
Environment shared by every container: plain settings, and <NAME>_FILE for each secret. No secret
value is ever an environment variable.
*/}}
{{- define "xinyu.env" -}}
{{- $c := .Values.config }}
- name: DJANGO_SETTINGS_MODULE
  value: config.settings
- name: DEBUG
  value: "false"
- name: BASE_DOMAIN
  value: {{ required "config.baseDomain is required" $c.baseDomain | quote }}
- name: DISTRICT_NAME
  value: {{ $c.districtName | quote }}
- name: PUBLIC_SCHEME
  value: {{ $c.publicScheme | quote }}
- name: PUBLIC_PORT
  value: {{ $c.publicPort | toString | quote }}
- name: HTTPS
  value: {{ $c.https | toString | quote }}
- name: SECURE_SSL_REDIRECT
  value: {{ $c.secureSslRedirect | toString | quote }}
- name: SECURE_HSTS_SECONDS
  value: {{ $c.hstsSeconds | int | toString | quote }}
- name: LOG_LEVEL
  value: {{ $c.logLevel | quote }}
- name: DISCLOSURE_K
  value: {{ $c.disclosureK | int | toString | quote }}
- name: DISCLOSURE_ROUND_TO_5
  value: {{ $c.disclosureRoundTo5 | toString | quote }}
- name: SCHOOL_POOL_SIZE
  value: {{ $c.schoolPoolSize | int | toString | quote }}
- name: UPLOAD_MAX_BYTES
  value: {{ $c.uploadMaxBytes | int64 | toString | quote }}
- name: DB_CONN_MAX_AGE
  value: {{ $c.dbConnMaxAge | int | toString | quote }}
- name: CACHE_KEY_PREFIX
  value: {{ $c.cacheKeyPrefix | quote }}
- name: CELERY_QUEUE
  value: {{ .Values.celery.defaultQueue | quote }}
- name: CITUS
  value: {{ .Values.citus.enabled | toString | quote }}
- name: WEB_WORKERS
  value: {{ .Values.web.workers | int | toString | quote }}
- name: WEB_THREADS
  value: {{ .Values.web.threads | int | toString | quote }}
- name: DB_MAX_WEB_CONNECTIONS
  value: {{ .Values.web.dbMaxConnections | int | toString | quote }}
- name: MEDIA_ROOT
  value: {{ .Values.media.mountPath | quote }}
{{- if $c.sentryDsn }}
- name: SENTRY_DSN
  value: {{ $c.sentryDsn | quote }}
{{- end }}
{{- if $c.email.host }}
- name: EMAIL_HOST
  value: {{ $c.email.host | quote }}
- name: EMAIL_PORT
  value: {{ $c.email.port | int | toString | quote }}
- name: EMAIL_HOST_USER
  value: {{ $c.email.user | quote }}
- name: EMAIL_USE_TLS
  value: {{ $c.email.useTls | toString | quote }}
{{- end }}
{{- if $c.email.from }}
- name: DEFAULT_FROM_EMAIL
  value: {{ $c.email.from | quote }}
{{- end }}
{{- range $name, $value := $c.extraEnv }}
- name: {{ $name }}
  value: {{ $value | toString | quote }}
{{- end }}
{{- $dir := include "xinyu.secretsDir" . }}
{{- range $name, $key := (include "xinyu.secretFiles" . | fromYaml) }}
- name: {{ printf "%s_FILE" $name }}
  value: {{ printf "%s/%s" $dir $key | quote }}
{{- end }}
{{- end }}

{{/* Volumes every app pod has; pass (dict "root" $ "media" true|false). */}}
{{- define "xinyu.volumes" -}}
- name: secrets
  secret:
    secretName: {{ include "xinyu.secretName" .root }}
    defaultMode: 0440
- name: tmp
  emptyDir:
    sizeLimit: 1Gi
{{- if .media }}
- name: media
{{- if .root.Values.media.persistence.enabled }}
  persistentVolumeClaim:
    claimName: {{ default (printf "%s-media" (include "xinyu.fullname" .root)) .root.Values.media.persistence.existingClaim }}
{{- else }}
  emptyDir: {}
{{- end }}
{{- end }}
{{- end }}

{{- define "xinyu.volumeMounts" -}}
- name: secrets
  mountPath: {{ include "xinyu.secretsDir" .root }}
  readOnly: true
- name: tmp
  mountPath: /tmp
{{- if .media }}
- name: media
  mountPath: {{ .root.Values.media.mountPath }}
{{- end }}
{{- end }}

{{/* Pod-level settings every app pod shares. */}}
{{- define "xinyu.podSpecCommon" -}}
{{- with .Values.imagePullSecrets }}
imagePullSecrets:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- if .Values.serviceAccountName }}
serviceAccountName: {{ .Values.serviceAccountName }}
{{- end }}
automountServiceAccountToken: false
enableServiceLinks: false
securityContext:
  {{- toYaml .Values.podSecurityContext | nindent 2 }}
{{- with .Values.priorityClassName }}
priorityClassName: {{ . }}
{{- end }}
{{- with .Values.nodeSelector }}
nodeSelector:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .Values.tolerations }}
tolerations:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .Values.affinity }}
affinity:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end }}

{{/* Pod template metadata: pass (dict "root" $ "component" "web"). */}}
{{- define "xinyu.podMetadata" -}}
labels:
  {{- include "xinyu.componentLabels" . | nindent 2 }}
  {{- with .root.Values.podLabels }}
  {{- toYaml . | nindent 2 }}
  {{- end }}
annotations:
  checksum/config: {{ include "xinyu.env" .root | sha256sum }}
  {{- if .root.Values.secrets.create }}
  checksum/secret: {{ include (print .root.Template.BasePath "/secret.yaml") .root | sha256sum }}
  {{- end }}
  {{- with .root.Values.podAnnotations }}
  {{- toYaml . | nindent 2 }}
  {{- end }}
{{- end }}

{{/* Each constraint of topologySpreadConstraints, selecting this component's pods unless it says otherwise. */}}
{{- define "xinyu.topologySpread" -}}
{{- $selector := include "xinyu.componentSelector" (dict "root" .root "component" .component) | fromYaml }}
{{- $constraints := list }}
{{- range .root.Values.topologySpreadConstraints }}
{{- $constraints = append $constraints (merge (deepCopy .) (dict "labelSelector" (dict "matchLabels" $selector))) }}
{{- end }}
{{- with $constraints }}
topologySpreadConstraints:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end }}
