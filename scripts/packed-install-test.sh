#!/usr/bin/env bash
# The npm package as a user gets it: `npm pack` this checkout, install the tarball into an empty
# prefix (runtime dependencies only, from the npm cache: nothing is downloaded), then in a fresh git
# repository run `trustctl init --no-input` and `trustctl assess` with the installed binary. Proves
# that `files` in package.json ships everything trustctl reads at run time (dist, catalog, bin) and
# that no devDependency is needed to run it. Usage: scripts/packed-install-test.sh (from anywhere).
set -euo pipefail
checkout="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

echo "== npm pack"
# `prepare` builds dist/ from this checkout (its devDependencies are installed here, not in the prefix).
tarball="$(cd "$checkout" && npm pack --silent --pack-destination "$work" | tail -n 1)"
tar -tzf "$work/$tarball" > "$work/contents"
for wanted in package/bin/trustctl.js package/dist/cli/trustctl.js package/dist/src/cli/main.js package/dist/checks/load-checks.js \
  package/catalog/frameworks package/dist/web/index.html; do
  grep -q "^$wanted" "$work/contents" || { echo "the package lacks $wanted" >&2; exit 1; }
done
if grep -Eq '(\.test\.js$|^package/(src|test|examples|bench)/)' "$work/contents"; then
  echo "the package ships sources, tests or examples:" >&2
  grep -E '(\.test\.js$|^package/(src|test|examples|bench)/)' "$work/contents" | head >&2
  exit 1
fi
echo "$(wc -l < "$work/contents") files, $(du -k "$work/$tarball" | cut -f1) kB"

echo "== install into an empty prefix (runtime dependencies only, from the npm cache)"
prefix="$work/prefix"
# --prefer-offline: packages come from the npm cache that `npm ci` filled; only what it lacks (the
# registry metadata a global install resolves against) is asked of the package registry.
# better-sqlite3 builds its addon against this Node's headers (npm_config_nodedir when CI sets it).
npm install --global --prefix "$prefix" --prefer-offline --omit=dev --no-audit --no-fund "$work/$tarball"
trustctl="$prefix/bin/trustctl"
test -x "$trustctl"
# No devDependency may have been installed beside it.
installed="$prefix/lib/node_modules/trustctl/node_modules"
for dev in typescript vitest @biomejs/biome vite autocannon playwright-core; do
  if [ -e "$installed/$dev" ]; then echo "devDependency $dev was installed" >&2; exit 1; fi
done
"$trustctl" --version

echo "== init and assess in a fresh repository"
repo="$work/repo"
mkdir -p "$repo/k8s"
cat > "$repo/k8s/web.yaml" <<'YAML'
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
spec:
  replicas: 2
  selector:
    matchLabels: { app: web }
  template:
    metadata:
      labels: { app: web }
    spec:
      containers:
        - name: web
          image: ghcr.io/acme/web:1.4.2
          securityContext:
            privileged: true
YAML
git -C "$repo" init --quiet
export TRUSTCTL_SIGNING_KEY="$work/keys/ledger.pem"
(cd "$repo" && "$trustctl" init --no-input --organization "Packed Install Co" --system Web --source k8s)
test -f "$repo/trustctl.yaml"
set +e
(cd "$repo" && "$trustctl" assess --fail-on critical)
code=$?
set -e
# The privileged container is a critical failure: exit 1 shows the checks ran and judged it.
if [ "$code" -ne 1 ]; then echo "trustctl assess exited $code, expected 1 (a critical failure)" >&2; exit 1; fi
(cd "$repo" && "$trustctl" verify)
echo "packed install: ok"
