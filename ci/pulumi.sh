#!/usr/bin/env bash
# Runs Pulumi for one environment in CI:  ci/pulumi.sh preview|up|drift <env>
#   preview  pulumi preview --diff --stack <env>   (merge requests)
#   up       pulumi up --yes --stack <env>         (the default branch)
#   drift    npm run drift -- --env <env>          (the nightly schedule; writes drift.md, drift.json, drift-events.jsonl)
#   status   npm run status -- --env <env>         with the stack outputs and drift.json when present (dist/<env>/status.*)
# Needs PULUMI_ACCESS_TOKEN and KUBECONFIG_<ENV> (a file-type CI/CD variable; a plain variable holding the
# kubeconfig itself works too). PULUMI_STACK_PREFIX (e.g. "icv/") qualifies the stack name; PULUMI_VERSION pins the
# CLI installed when the image has none.
# Exit codes: 2 bad usage or missing variables; otherwise Pulumi's.
set -euo pipefail

usage() {
  echo "usage: ci/pulumi.sh preview|up|drift|status <env>" >&2
  exit 2
}

action="${1:-}"
env_name="${2:-}"
[[ $# -eq 2 ]] || usage
[[ "$action" == preview || "$action" == up || "$action" == drift || "$action" == status ]] || usage
[[ "$env_name" =~ ^[a-z][a-z0-9-]*$ ]] || { echo "error: environment name '$env_name' must be lowercase letters, digits and dashes" >&2; exit 2; }

kube_var="KUBECONFIG_$(tr 'a-z-' 'A-Z_' <<<"$env_name")"
kubeconfig="${!kube_var:-}"
missing=()
[[ -n "${PULUMI_ACCESS_TOKEN:-}" ]] || missing+=(PULUMI_ACCESS_TOKEN)
[[ -n "$kubeconfig" ]] || missing+=("$kube_var")
if [[ ${#missing[@]} -gt 0 ]]; then
  echo "error: ${missing[*]} not set: add them as protected CI/CD variables ($kube_var as a file variable holding the $env_name kubeconfig)" >&2
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
  curl -fsSL https://get.pulumi.com | sh -s -- --version "${PULUMI_VERSION:?set PULUMI_VERSION to the Pulumi CLI version to install}"
  export PATH="$HOME/.pulumi/bin:$PATH"
fi

stack="${PULUMI_STACK_PREFIX:-}$env_name"
case "$action" in
  preview) pulumi preview --diff --non-interactive --stack "$stack" ;;
  up) pulumi up --yes --non-interactive --stack "$stack" ;;
  drift) npm run --silent drift -- --env "$env_name" --stack "$stack" --out drift.md --json-out drift.json --event-log drift-events.jsonl ;;
  status)
    pulumi stack output --json --stack "$stack" >stack-outputs.json
    drift_args=()
    [[ -f drift.json ]] && drift_args=(--drift drift.json)
    npm run --silent status -- --env "$env_name" --outputs stack-outputs.json "${drift_args[@]}"
    ;;
esac
