{{/*
Helpers shared by the templates. A module is one entry of .Values.modules, as modules/ declares it: fields the
catalog schema defaults (port.protocol, dependsOn, config, routes, exceptions) may be absent, so every template
reads them through the "icv.*" helpers below or `default`.
*/}}

{{/* The app.kubernetes.io labels of an object: dict "name" "component" and, on a Deployment and its pods, "version". */}}
{{- define "icv.labels" -}}
app.kubernetes.io/name: {{ .name }}
app.kubernetes.io/component: {{ .component }}
app.kubernetes.io/part-of: icv-platform
app.kubernetes.io/managed-by: pulumi
{{- with .version }}
app.kubernetes.io/version: {{ . | quote }}
{{- end }}
{{- end }}

{{/* The labels a module's pods are selected by; the argument is the module's name. */}}
{{- define "icv.selector" -}}
app.kubernetes.io/name: {{ . }}
app.kubernetes.io/part-of: icv-platform
{{- end }}

{{/* Metadata of one of a module's objects: dict "m" (the module) and "name" (the object's name, default the module's). */}}
{{- define "icv.metadata" -}}
name: {{ .name | default .m.name }}
namespace: icv-{{ .m.domain }}
labels:
  {{- include "icv.labels" (dict "name" .m.name "component" .m.tier) | nindent 2 }}
{{- end }}

{{/* The module's port protocol: http unless declared. */}}
{{- define "icv.protocol" -}}
{{ .port.protocol | default "http" }}
{{- end }}

{{/* In-cluster URL of a module's Service. */}}
{{- define "icv.url" -}}
{{ include "icv.protocol" . }}://{{ .name }}.icv-{{ .domain }}.svc.cluster.local:{{ .port.number }}
{{- end }}

{{/* Replicas at rest: the fixed count or the autoscaler's minimum, raised to the environment's replica floor (1 with a min-replicas exception). dict "m" "Values". */}}
{{- define "icv.minReplicas" -}}
{{- $floor := .Values.replicaFloor }}
{{- range (.m.exceptions | default list) }}{{ if eq .rule "min-replicas" }}{{ $floor = 1 }}{{ end }}{{ end }}
{{- if hasKey .m.scaling "replicas" }}{{ max $floor .m.scaling.replicas }}{{ else }}{{ max $floor .m.scaling.min }}{{ end }}
{{- end }}

{{/* Whether the module declares an exception to a rule: dict "m" "rule"; "true" or "". */}}
{{- define "icv.excepted" -}}
{{- $rule := .rule }}
{{- range (.m.exceptions | default list) }}{{ if eq .rule $rule }}true{{ end }}{{ end }}
{{- end }}

{{/* Pod Security Standards "restricted", plus a UID of at least 10000 (kube-score). The argument is .Values. */}}
{{- define "icv.podSecurityContext" -}}
runAsNonRoot: true
runAsUser: {{ .podUid }}
runAsGroup: {{ .podUid }}
fsGroup: {{ .podUid }}
seccompProfile:
  type: RuntimeDefault
{{- end }}

{{/* The restricted container security context: dict "Values" "readOnly". */}}
{{- define "icv.containerSecurityContext" -}}
allowPrivilegeEscalation: false
privileged: false
readOnlyRootFilesystem: {{ .readOnly }}
runAsNonRoot: true
runAsUser: {{ .Values.podUid }}
runAsGroup: {{ .Values.podUid }}
capabilities:
  drop:
    - ALL
seccompProfile:
  type: RuntimeDefault
{{- end }}

{{/* Replicas spread across worker hosts, ScheduleAnyway; the argument is the module's name. */}}
{{- define "icv.spread" -}}
topologySpreadConstraints:
  - maxSkew: 1
    topologyKey: kubernetes.io/hostname
    whenUnsatisfiable: ScheduleAnyway
    labelSelector:
      matchLabels:
        {{- include "icv.selector" . | nindent 8 }}
affinity:
  podAntiAffinity:
    preferredDuringSchedulingIgnoredDuringExecution:
      - weight: 100
        podAffinityTerm:
          topologyKey: kubernetes.io/hostname
          labelSelector:
            matchLabels:
              {{- include "icv.selector" . | nindent 14 }}
{{- end }}

{{/* An HTTP probe's target: dict "path" "port". */}}
{{- define "icv.httpGet" -}}
httpGet:
  path: {{ .path | quote }}
  port: {{ .port }}
{{- end }}

{{/* A NetworkPolicy peer: the pods of one module, in its namespace. */}}
{{- define "icv.modulePeer" -}}
namespaceSelector:
  matchLabels:
    kubernetes.io/metadata.name: icv-{{ .domain }}
podSelector:
  matchLabels:
    {{- include "icv.selector" .name | nindent 4 }}
{{- end }}

{{/*
One Ingress of a module: dict "m", "Values", "name", "hosts" (hosts already qualified, in the order of the routes),
"hostSuffix" ("" or "-smoke"), "backend" (a Service name), "port" (its port name), "tls" (bool), "labels" and
"annotations" (dicts, may be empty).
*/}}
{{- define "icv.ingress" -}}
{{- $ctx := . }}
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: {{ .name }}
  namespace: icv-{{ .m.domain }}
  labels:
    {{- include "icv.labels" (dict "name" .m.name "component" .m.tier) | nindent 4 }}
    {{- with .labels }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
  {{- with .annotations }}
  annotations:
    {{- toYaml . | nindent 4 }}
  {{- end }}
spec:
  ingressClassName: {{ .Values.ingressClass }}
  {{- if .tls }}
  tls:
    - secretName: {{ .Values.tlsSecret }}
      hosts:
        {{- range .hosts }}
        - {{ . | quote }}
        {{- end }}
  {{- end }}
  rules:
    {{- range $host := .hosts }}
    - host: {{ $host | quote }}
      http:
        paths:
          {{- range $ctx.m.routes }}
          {{- if eq (printf "%s%s.%s" .host $ctx.hostSuffix $ctx.Values.domain) $host }}
          - path: {{ .path | quote }}
            pathType: Prefix
            backend:
              service:
                name: {{ $ctx.backend }}
                port:
                  name: {{ $ctx.port }}
          {{- end }}
          {{- end }}
    {{- end }}
{{- end }}
