{{/* The chart name, truncated to the 63 characters of a DNS label. */}}
{{- define "trellis.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
The prefix of every resource name: <release>-<chart>, or <release> alone when it already
contains the chart name. Truncated so that suffixes such as "-migrate" still fit.
*/}}
{{- define "trellis.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 52 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 52 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 52 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "trellis.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Labels of every resource. */}}
{{- define "trellis.labels" -}}
helm.sh/chart: {{ include "trellis.chart" . }}
{{ include "trellis.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: trellis
{{- end }}

{{- define "trellis.selectorLabels" -}}
app.kubernetes.io/name: {{ include "trellis.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{/* Labels and selector labels of one component: (dict "context" $ "component" "web"). */}}
{{- define "trellis.componentLabels" -}}
{{ include "trellis.labels" .context }}
app.kubernetes.io/component: {{ .component }}
{{- end }}

{{- define "trellis.componentSelectorLabels" -}}
{{ include "trellis.selectorLabels" .context }}
app.kubernetes.io/component: {{ .component }}
{{- end }}

{{- define "trellis.image" -}}
{{- printf "%s:%s" .Values.image.repository (.Values.image.tag | default .Chart.AppVersion) }}
{{- end }}

{{/* The base domain, which must be set. */}}
{{- define "trellis.baseDomain" -}}
{{- required "baseDomain is required: the domain tenants live under, e.g. crm.example.com" .Values.baseDomain }}
{{- end }}

{{- define "trellis.baseUrl" -}}
{{- if .Values.baseUrl }}
{{- .Values.baseUrl | trimSuffix "/" }}
{{- else }}
{{- $plainHttp := and .Values.ingress.enabled (not .Values.ingress.tls.enabled) }}
{{- printf "%s://%s" (ternary "http" "https" $plainHttp) (include "trellis.baseDomain" .) }}
{{- end }}
{{- end }}

{{- define "trellis.ingressTlsSecret" -}}
{{- .Values.ingress.tls.secretName | default (printf "%s-tls" (include "trellis.fullname" .)) }}
{{- end }}

{{/*
The non-secret environment, as a YAML mapping of strings: the ConfigMap's data, and the
migration Job's env (a hook runs before the ConfigMap exists).
*/}}
{{- define "trellis.configEnv" -}}
TRELLIS_ENV: "production"
TRELLIS_BASE_DOMAIN: {{ include "trellis.baseDomain" . | quote }}
TRELLIS_BASE_URL: {{ include "trellis.baseUrl" . | quote }}
MAIL_BACKEND: {{ .Values.config.mailBackend | quote }}
MAIL_FROM: {{ .Values.config.mailFrom | default (printf "Trellis <no-reply@%s>" (include "trellis.baseDomain" .)) | quote }}
SMTP_HOST: {{ .Values.config.smtpHost | quote }}
SMTP_PORT: {{ .Values.config.smtpPort | toString | quote }}
{{- with .Values.config.smtpUsername }}
SMTP_USERNAME: {{ . | quote }}
{{- end }}
SMTP_STARTTLS: {{ .Values.config.smtpStarttls | toString | quote }}
TRELLIS_PROXY_COUNT: {{ .Values.config.proxyCount | toString | quote }}
SESSION_COOKIE_SECURE: {{ .Values.config.sessionCookieSecure | toString | quote }}
TRELLIS_INSTANCE_DIR: "/tmp/trellis"
BILLING_BACKEND: {{ .Values.config.billing.backend | quote }}
BILLING_TRIAL_DAYS: {{ .Values.config.billing.trialDays | toString | quote }}
BILLING_TRIAL_PLAN: {{ .Values.config.billing.trialPlan | quote }}
BILLING_GRACE_DAYS: {{ .Values.config.billing.graceDays | toString | quote }}
BILLING_SEAT_SYNC_SECONDS: {{ .Values.config.billing.seatSyncSeconds | toString | quote }}
{{- with .Values.config.billing.stripeApiBase }}
STRIPE_API_BASE: {{ . | quote }}
{{- end }}
{{- with .Values.config.billing.stripePrices }}
STRIPE_PRICES: {{ . | quote }}
{{- end }}
{{- range $name, $value := .Values.config.extraEnv }}
{{ $name }}: {{ $value | toString | quote }}
{{- end }}
{{- end }}

{{/*
Each secret setting: its values key, its environment variable, whether every install needs
it, and whether the web and worker pods get it (DATABASE_OWNER_URL goes to the migration
hook only).
*/}}
{{- define "trellis.secretSettings" -}}
databaseUrl: {env: DATABASE_URL, required: true, pods: true}
databaseOwnerUrl: {env: DATABASE_OWNER_URL, required: true, pods: false}
redisUrl: {env: REDIS_URL, required: false, pods: true}
secretKey: {env: SECRET_KEY, required: true, pods: true}
smtpPassword: {env: SMTP_PASSWORD, required: false, pods: true}
stripeApiKey: {env: STRIPE_API_KEY, required: false, pods: true}
stripeWebhookSecret: {env: STRIPE_WEBHOOK_SECRET, required: false, pods: true}
operatorToken: {env: TRELLIS_OPERATOR_TOKEN, required: false, pods: true}
{{- end }}

{{/* The Secret the web and worker pods read: the existing one, or the chart's. */}}
{{- define "trellis.secretName" -}}
{{- .Values.secrets.existingSecret | default (include "trellis.fullname" .) }}
{{- end }}

{{/* The Secret the migration hook reads: the existing one, or the chart's hook Secret. */}}
{{- define "trellis.migrateSecretName" -}}
{{- .Values.secrets.existingSecret | default (printf "%s-migrate" (include "trellis.fullname" .)) }}
{{- end }}

{{/*
Refuse to render a chart-created Secret without the settings every install needs. Called
by every template that references the secrets, so the message is the same wherever it fires.
*/}}
{{- define "trellis.checkSecrets" -}}
{{- if not .Values.secrets.existingSecret }}
{{- range $key, $setting := fromYaml (include "trellis.secretSettings" .) }}
{{- if and $setting.required (not (index $.Values.secrets $key)) }}
{{- fail (printf "secrets.%s (%s) is required unless secrets.existingSecret names a Secret" $key $setting.env) }}
{{- end }}
{{- end }}
{{- if and $.Values.secrets.secretKey (lt (len (trim (toString $.Values.secrets.secretKey))) 32) }}
{{- fail "secrets.secretKey (SECRET_KEY) must have at least 32 characters: the app refuses a shorter one in production" }}
{{- end }}
{{- if and $.Values.worker.enabled (not $.Values.secrets.redisUrl) }}
{{- fail "secrets.redisUrl (REDIS_URL) is required when worker.enabled" }}
{{- end }}
{{- if and $.Values.scheduler.enabled (not $.Values.secrets.redisUrl) }}
{{- fail "secrets.redisUrl (REDIS_URL) is required when scheduler.enabled" }}
{{- end }}
{{- if and (eq $.Values.config.billing.backend "stripe") (not $.Values.secrets.stripeApiKey) }}
{{- fail "secrets.stripeApiKey (STRIPE_API_KEY) is required when config.billing.backend is stripe" }}
{{- end }}
{{- end }}
{{- end }}

{{/*
The data of a chart-created Secret: (dict "context" $ "forPods" true) for the pods' Secret,
false for the migration hook's. Empty optional settings are left out.
*/}}
{{- define "trellis.secretData" -}}
{{- $ctx := .context }}
{{- $forPods := .forPods }}
{{- range $key, $setting := fromYaml (include "trellis.secretSettings" $ctx) }}
{{- $value := index $ctx.Values.secrets $key }}
{{- if and $value (or (not $forPods) $setting.pods) }}
{{ $setting.env }}: {{ $value | toString | b64enc | quote }}
{{- end }}
{{- end }}
{{- end }}

{{/*
The env entries that reference the secret settings, never their values:
(dict "context" $ "secretName" NAME "settings" (list "databaseUrl" ...)).
*/}}
{{- define "trellis.secretEnv" -}}
{{- $ctx := .context }}
{{- $secretName := .secretName }}
{{- $all := fromYaml (include "trellis.secretSettings" $ctx) }}
{{- range .settings }}
{{- $setting := index $all . }}
- name: {{ $setting.env }}
  valueFrom:
    secretKeyRef:
      name: {{ $secretName }}
      key: {{ ternary (index $ctx.Values.secrets.existingSecretKeys . | default $setting.env) $setting.env (not (empty $ctx.Values.secrets.existingSecret)) }}
      {{- if not $setting.required }}
      optional: true
      {{- end }}
{{- end }}
{{- end }}

{{/* The settings given to the web and worker pods. */}}
{{- define "trellis.podSecretSettings" -}}
{{- $names := list }}
{{- range $key, $setting := fromYaml (include "trellis.secretSettings" .) }}
{{- if $setting.pods }}
{{- $names = append $names $key }}
{{- end }}
{{- end }}
{{- toJson $names }}
{{- end }}

{{/* Environment shared by every container: where Python and gunicorn may write. */}}
{{- define "trellis.runtimeEnv" -}}
- name: HOME
  value: /tmp
- name: PYTHONUNBUFFERED
  value: "1"
- name: PYTHONDONTWRITEBYTECODE
  value: "1"
{{- end }}

{{/* A pod annotation that rolls the pods when the configuration or the chart's Secret changes. */}}
{{- define "trellis.checksums" -}}
checksum/config: {{ include "trellis.configEnv" . | sha256sum }}
{{- if not .Values.secrets.existingSecret }}
checksum/secret: {{ include "trellis.secretData" (dict "context" . "forPods" true) | sha256sum }}
{{- end }}
{{- end }}

{{/* The /tmp volume of every pod. */}}
{{- define "trellis.tmpVolume" -}}
- name: tmp
  emptyDir:
    sizeLimit: {{ .Values.tmpSizeLimit }}
{{- end }}

{{- define "trellis.tmpVolumeMount" -}}
- name: tmp
  mountPath: /tmp
{{- end }}
