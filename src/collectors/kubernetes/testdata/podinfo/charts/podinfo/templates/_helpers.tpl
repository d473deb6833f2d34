{{/*
Expand the name of the chart.
*/}}
{{- define "podinfo.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "podinfo.fullname" -}}
{{- printf "%s-%s" .Release.Name (include "podinfo.name" .) | trunc 63 | trimSuffix "-" }}
{{- end }}
