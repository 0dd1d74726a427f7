#!/usr/bin/env bash
# Proves that each defect of issue 15's list makes a named test fail with every snapshot deleted.
#
# In a scratch copy of HEAD (git archive; node_modules linked from this checkout) it deletes every __snapshots__
# directory, then applies one defect at a time to the product code, runs the suites that guard it with snapshots
# written afresh (CI unset: a missing snapshot is written, never a failure, so no snapshot can catch anything), and
# prints which tests fail. Nothing in this checkout is modified. Usage, from the repository root:
#
#   nice -n 10 bash test/defaults/prove-defects.sh            # every defect
#   nice -n 10 bash test/defaults/prove-defects.sh fsgroup    # the ones whose id contains the word
#
# Exit code 1 when a defect makes no test fail. See test/defaults/README.md for the last recorded table.
set -euo pipefail

repo=$(git rev-parse --show-toplevel)
work=$(mktemp -d "${TMPDIR:-/tmp}/icv-defects-XXXXXX")
trap 'rm -rf "$work"' EXIT
scratch="$work/repo"
mkdir "$scratch"
git -C "$repo" archive HEAD | tar -x -C "$scratch"
find "$scratch" -name __snapshots__ -type d -prune -exec rm -rf {} +
# A git repository of its own: the input tests fingerprint the worktree (git status) to prove they write nothing.
git -C "$scratch" init -q && git -C "$scratch" add -A && git -C "$scratch" -c user.name=prove-defects -c user.email=prove-defects@icv.local commit -qm scratch
ln -s "$repo/node_modules" "$scratch/node_modules"
# Snapshots written during a run (by parallel test files) must not change what those tests see of the worktree.
printf 'node_modules\n__snapshots__/\n' >>"$scratch/.git/info/exclude"
cp -r "$scratch/infra" "$work/pristine-infra"

# The suites that guard the defaults, the check rules and the validation (the whole suite takes minutes per run).
SUITES=(test/defaults test/checks/every-rule.test.ts test/checks/pss-restricted.test.ts test/checks/topology.test.ts test/workloads test/model test/environment test/input/cross-field-rules.test.ts)
[ -d "$scratch/test/schema" ] && SUITES+=(test/schema)

# id | file | perl substitution (applied to the whole file; it must change it)
DEFECTS=(
  "fsgroup-dropped|infra/synth/workloads/pod-defaults.ts|s/^\s*fsGroup: POD_UID,\n//m"
  "spread-donotschedule|infra/synth/workloads/pod-defaults.ts|s/whenUnsatisfiable: 'ScheduleAnyway'/whenUnsatisfiable: 'DoNotSchedule'/"
  "replica-floor-math-min|infra/synth/workloads/module-workload.ts|s/this\.minReplicas = Math\.max\(/this.minReplicas = Math.min(/"
  "rollout-maxunavailable-1|infra/synth/workloads/module/deployment.ts|s/maxUnavailable: k8s\.IntOrString\.fromNumber\(0\)/maxUnavailable: k8s.IntOrString.fromNumber(1)/"
  "token-mounted|infra/synth/workloads/module/deployment.ts|s/(serviceAccountName: name,\s*)automountServiceAccountToken: false/\$1automountServiceAccountToken: true/"
  "egress-except-emptied|infra/synth/workloads/module-network-policy.ts|s/const PRIVATE_RANGES = \[[^\]]*\]/const PRIVATE_RANGES: string[] = []/"
  "role-group-duplicate-unchecked|infra/schema/topology.ts|s/^\s*if \(members\.indexOf\(name\) !== i\).*\n//m"
  "selinux-role-unchecked|infra/checks/pss-restricted.ts|s/\['user', 'role'\] as const/['user'] as const/"
  "cidr-unaligned|infra/model/cidr.ts|s/Math\.floor\((ip\.split[^\n]*?) \/ size\) \* size/\$1/"
  "cidr-host-bits-accepted|infra/schema/environment.ts|s/\n\s*\.refine\(isCanonicalCidr, [^\n]*\);/;/"
  "capabilities-not-dropped|infra/synth/workloads/pod-defaults.ts|s/capabilities: \{ drop: \['ALL'\] \}/capabilities: { drop: [] }/"
  "ingress-tls-off|infra/synth/workloads/module/ingress.ts|s/\(props\.tls \?\? true\)/(props.tls ?? false)/"
  "module-service-nodeport|infra/synth/workloads/module/service.ts|s/type: 'ClusterIP'/type: 'NodePort'/"
  "pull-always|infra/synth/workloads/module/deployment.ts|s/imagePullPolicy: 'IfNotPresent'/imagePullPolicy: 'Always'/"
)

filter=${1:-}
status=0
printf '| defect | file | failing tests (file > test) |\n|---|---|---|\n'
for entry in "${DEFECTS[@]}"; do
  IFS='|' read -r id file substitution <<<"$entry"
  [[ -n "$filter" && "$id" != *"$filter"* ]] && continue
  rm -rf "$scratch/infra" && cp -r "$work/pristine-infra" "$scratch/infra"
  # Snapshots a previous run wrote would compare against that run's defect: none survive between runs.
  find "$scratch/test" -name __snapshots__ -type d -prune -exec rm -rf {} +
  before=$(sha256sum "$scratch/$file")
  perl -0777 -pi -e "$substitution" "$scratch/$file"
  if [ "$(sha256sum "$scratch/$file")" = "$before" ]; then
    printf '| %s | %s | (the substitution no longer applies: update this script) |\n' "$id" "$file"
    status=1
    continue
  fi
  report="$work/report-$id.json"
  (cd "$scratch" && env -u CI npx vitest run "${SUITES[@]}" --reporter=json --outputFile="$report" >/dev/null 2>&1) || true
  failing=$(node -e '
    const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
    const names = [];
    for (const f of r.testResults) {
      const file = f.name.replace(process.argv[2] + "/", "");
      if (f.status === "failed" && !f.assertionResults.some((a) => a.status === "failed")) names.push(`${file} (fails as a whole: ${f.message.split("\n")[0]})`);
      for (const a of f.assertionResults) if (a.status === "failed") names.push(`${file} > ${[...a.ancestorTitles, a.title].join(" > ")}`);
    }
    console.log(names.join("<br>"));
  ' "$report" "$scratch")
  if [ -z "$failing" ]; then failing='**none: the defect survives**'; status=1; fi
  printf '| %s | %s | %s |\n' "$id" "$file" "$failing"
done
exit $status
