#!/usr/bin/env bash
# Runs Pulumi for one environment in CI:  ci/pulumi.sh preview|plan|up|drift|status <env> [--plan <file>]
#   preview  pulumi preview --json --stack <env> > pulumi-preview-<env>.json   (merge requests; the note summarizes it)
#   plan     pulumi preview --save-plan plan-<env>.json --json --stack <env> > pulumi-preview-<env>.json, and
#            plan-<env>.sha (the commit it was previewed at): the plan a person reviews (protected pipelines)
#   up       pulumi up --yes --stack <env>; with --plan <file>, pulumi up --plan <file>: the engine refuses any
#            operation the plan did not preview. Environments in PULUMI_PLAN_REQUIRED (default: prod) are applied
#            ONLY through a saved plan: without --plan, with a missing or empty plan, or with a plan previewed at
#            another commit, the script refuses and never runs pulumi.
#   drift    npm run drift -- --env <env>          (the nightly schedule; writes drift.md, drift.json, drift-events.jsonl)
#   status   npm run status -- --env <env>         with the stack outputs and drift.json when present (dist/<env>/status.*)
# Needs a state backend, either PULUMI_BACKEND_URL (self-managed: s3://…, azblob://…, gs://…, file://…; with the
# passphrase secrets provider also PULUMI_CONFIG_PASSPHRASE) or PULUMI_ACCESS_TOKEN (Pulumi Cloud), and
# KUBECONFIG_<ENV> (a file-type CI/CD variable; a plain variable holding the kubeconfig itself works too).
# PULUMI_STACK_PREFIX (e.g. "icv/") qualifies the stack name. The CLI comes with the CI image (ci/image/Dockerfile),
# never downloaded here; PULUMI_VERSION, when set, must be the version that image carries. PULUMI_OUT_DIR (default: .)
# is where preview and plan write their files.
# Exit codes: 2 bad usage, missing variables or a refused plan; otherwise Pulumi's.
set -euo pipefail

usage() {
  echo "usage: ci/pulumi.sh preview|plan|up|drift|status <env> [--plan <file>]" >&2
  exit 2
}

[[ $# -eq 2 || $# -eq 4 ]] || usage
action="$1"
env_name="$2"
plan_file=""
if [[ $# -eq 4 ]]; then
  [[ "$3" == --plan && "$action" == up ]] || usage
  plan_file="$4"
fi
[[ "$action" == preview || "$action" == plan || "$action" == up || "$action" == drift || "$action" == status ]] || usage
[[ "$env_name" =~ ^[a-z][a-z0-9-]*$ ]] || { echo "error: environment name '$env_name' must be lowercase letters, digits and dashes" >&2; exit 2; }

# Refuse before touching credentials: a prod apply without a reviewed plan must not even start.
plan_required=false
for required in ${PULUMI_PLAN_REQUIRED-prod}; do
  [[ "$required" == "$env_name" ]] && plan_required=true
done
if [[ "$action" == up ]]; then
  if [[ -z "$plan_file" && "$plan_required" == true ]]; then
    echo "error: refusing to apply $env_name without a saved plan: run 'ci/pulumi.sh plan $env_name' (the preview a person reviews), then 'ci/pulumi.sh up $env_name --plan plan-$env_name.json'" >&2
    exit 2
  fi
  if [[ -n "$plan_file" ]]; then
    [[ -s "$plan_file" ]] || { echo "error: refusing to apply $env_name: the plan '$plan_file' is missing or empty (the plan job's artifact did not arrive)" >&2; exit 2; }
    sha_file="${plan_file%.json}.sha"
    if [[ -n "${CI_COMMIT_SHA:-}" ]]; then
      [[ -s "$sha_file" ]] || { echo "error: refusing to apply $env_name: '$sha_file' does not say which commit the plan was previewed at" >&2; exit 2; }
      planned="$(tr -d '[:space:]' <"$sha_file")"
      [[ "$planned" == "$CI_COMMIT_SHA" ]] || { echo "error: refusing to apply $env_name: the plan was previewed at $planned, this pipeline runs $CI_COMMIT_SHA" >&2; exit 2; }
    fi
  fi
fi

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
out="${PULUMI_OUT_DIR:-.}"
case "$action" in
  preview) pulumi preview --json --non-interactive --stack "$stack" >"$out/pulumi-preview-$env_name.json" ;;
  plan)
    pulumi preview --save-plan "$out/plan-$env_name.json" --json --non-interactive --stack "$stack" >"$out/pulumi-preview-$env_name.json"
    printf '%s\n' "${CI_COMMIT_SHA:-$(git rev-parse HEAD 2>/dev/null || echo unknown)}" >"$out/plan-$env_name.sha"
    ;;
  up)
    if [[ -n "$plan_file" ]]; then
      pulumi up --yes --non-interactive --plan "$plan_file" --stack "$stack"
    else
      pulumi up --yes --non-interactive --stack "$stack"
    fi
    ;;
  drift) npm run --silent drift -- --env "$env_name" --stack "$stack" --out drift.md --json-out drift.json --event-log drift-events.jsonl ;;
  status)
    pulumi stack output --json --stack "$stack" >stack-outputs.json
    drift_args=()
    [[ -f drift.json ]] && drift_args=(--drift drift.json)
    npm run --silent status -- --env "$env_name" --outputs stack-outputs.json "${drift_args[@]}"
    ;;
esac
