#!/usr/bin/env bash
# Runs Pulumi for one environment in CI:  ci/pulumi.sh preview|up <env>
#   preview  pulumi preview --diff --stack <env>   (merge requests)
#   up       pulumi up --yes --stack <env>         (the default branch)
# Needs a state backend, either PULUMI_BACKEND_URL (self-managed: s3://…, azblob://…, gs://…, file://…; with the
# passphrase secrets provider also PULUMI_CONFIG_PASSPHRASE) or PULUMI_ACCESS_TOKEN (Pulumi Cloud), and
# KUBECONFIG_<ENV> (a file-type CI/CD variable; a plain variable holding the kubeconfig itself works too).
# PULUMI_STACK_PREFIX (e.g. "icv/") qualifies the stack name. The CLI comes with the CI image (ci/image/Dockerfile),
# never downloaded here; PULUMI_VERSION, when set, must be the version that image carries.
# Exit codes: 2 bad usage or missing variables; otherwise Pulumi's.
set -euo pipefail

usage() {
  echo "usage: ci/pulumi.sh preview|up <env>" >&2
  exit 2
}

action="${1:-}"
env_name="${2:-}"
[[ $# -eq 2 ]] || usage
[[ "$action" == preview || "$action" == up ]] || usage
[[ "$env_name" =~ ^[a-z][a-z0-9-]*$ ]] || { echo "error: environment name '$env_name' must be lowercase letters, digits and dashes" >&2; exit 2; }

kube_var="KUBECONFIG_$(tr 'a-z-' 'A-Z_' <<<"$env_name")"
kubeconfig="${!kube_var:-}"
missing=()
[[ -n "${PULUMI_BACKEND_URL:-}" || -n "${PULUMI_ACCESS_TOKEN:-}" ]] || missing+=("PULUMI_BACKEND_URL or PULUMI_ACCESS_TOKEN")
[[ -n "$kubeconfig" ]] || missing+=("$kube_var")
if [[ ${#missing[@]} -gt 0 ]]; then
  echo "error: $(IFS=,; echo "${missing[*]}" | sed 's/,/, /g') not set: add them as protected CI/CD variables ($kube_var as a file variable holding the $env_name kubeconfig)" >&2
  exit 2
fi

if [[ ! -f "$kubeconfig" ]]; then
  file="$(mktemp)"
  trap 'rm -f "$file"' EXIT
  printf '%s\n' "$kubeconfig" >"$file"
  kubeconfig="$file"
fi
export KUBECONFIG="$kubeconfig"

if ! command -v pulumi >/dev/null 2>&1; then
  echo "error: no pulumi CLI on PATH: run this job in the CI image built from ci/image/Dockerfile" >&2
  exit 2
fi
if [[ -n "${PULUMI_VERSION:-}" ]]; then
  have="$(pulumi version)"
  [[ "${have#v}" == "${PULUMI_VERSION#v}" ]] || { echo "error: the image's pulumi is $have, PULUMI_VERSION wants $PULUMI_VERSION: rebuild ci/image/Dockerfile" >&2; exit 2; }
fi

stack="${PULUMI_STACK_PREFIX:-}$env_name"
case "$action" in
  preview) pulumi preview --diff --non-interactive --stack "$stack" ;;
  up) pulumi up --yes --non-interactive --stack "$stack" ;;
esac
