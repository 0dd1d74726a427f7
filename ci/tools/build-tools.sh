#!/usr/bin/env bash
# Builds the pinned scanners `npm run check` and the scanner tests use, into a cache outside the tree
# (never committed): helm (renders Harbor's chart), kube-score (Go modules, from the Go module proxy)
# and Checkov (PyPI, into a venv). Safe to re-run: a tool whose pinned version is already built is kept.
#
#   ci/tools/build-tools.sh            # all three
#   ci/tools/build-tools.sh helm       # one of: helm kube-score checkov chart
#   HARBOR_CHART_SOURCE=<git dir of goharbor/harbor-helm, or harbor-1.15.1.tgz> ci/tools/build-tools.sh chart
#
# Cache: $ICV_TOOLS_CACHE, default ~/.cache/icv-platform/tools (bin/helm, bin/kube-score, checkov/bin/checkov,
# charts/harbor-<version>/, the directory `npm run check -- --chart-dir` takes).
set -euo pipefail

HELM_VERSION=v3.18.6        # helm.sh/helm/v3
KUBE_SCORE_VERSION=v1.20.0  # github.com/zegl/kube-score
CHECKOV_VERSION=3.3.30      # PyPI checkov
HARBOR_CHART_VERSION=1.15.1 # goharbor/harbor-helm tag v1.15.1 (HARBOR_CHART in infra/model/names.ts)

cache="${ICV_TOOLS_CACHE:-$HOME/.cache/icv-platform/tools}"
mkdir -p "$cache/bin"
want="${1:-all}"

built() { [[ -x "$1" && -f "$1.version" && "$(cat "$1.version")" == "$2" ]]; }

go_tool() { # name module version
  local bin="$cache/bin/$1"
  if built "$bin" "$3"; then echo "$1 $3: cached at $bin"; return; fi
  echo "$1 $3: building (go install $2@$3) ..."
  GOBIN="$cache/bin" GOFLAGS=-buildvcs=false nice -n 10 go install -ldflags "-s -w" "$2@$3"
  echo "$3" > "$bin.version"
  echo "$1 $3: built at $bin"
}

if [[ "$want" == all || "$want" == helm ]]; then
  go_tool helm helm.sh/helm/v3/cmd/helm "$HELM_VERSION"
fi
if [[ "$want" == all || "$want" == kube-score ]]; then
  go_tool kube-score github.com/zegl/kube-score/cmd/kube-score "$KUBE_SCORE_VERSION"
fi
if [[ "$want" == all || "$want" == checkov ]]; then
  bin="$cache/checkov/bin/checkov"
  if built "$bin" "$CHECKOV_VERSION"; then echo "checkov $CHECKOV_VERSION: cached at $bin"
  else
    echo "checkov $CHECKOV_VERSION: installing into $cache/checkov ..."
    python3 -m venv "$cache/checkov"
    "$cache/checkov/bin/pip" install --quiet "checkov==$CHECKOV_VERSION"
    echo "$CHECKOV_VERSION" > "$bin.version"
    echo "checkov $CHECKOV_VERSION: installed at $bin"
  fi
fi
if [[ "$want" == chart ]]; then
  src="${HARBOR_CHART_SOURCE:?set HARBOR_CHART_SOURCE to a git directory of goharbor/harbor-helm or a harbor-$HARBOR_CHART_VERSION.tgz}"
  dest="$cache/charts/harbor-$HARBOR_CHART_VERSION"
  rm -rf "$dest" && mkdir -p "$dest"
  if [[ -f "$src" ]]; then tar -xzf "$src" -C "$dest" --strip-components=1
  else git -C "$src" archive "v$HARBOR_CHART_VERSION" | tar -x -C "$dest"
  fi
  grep -q "^version: $HARBOR_CHART_VERSION\$" "$dest/Chart.yaml" || { echo "chart at $dest is not harbor $HARBOR_CHART_VERSION" >&2; exit 1; }
  echo "harbor chart $HARBOR_CHART_VERSION: at $dest"
fi
