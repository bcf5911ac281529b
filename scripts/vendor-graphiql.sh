#!/usr/bin/env bash
# Re-download the GraphiQL page's third-party files from the npm registry at pinned versions and check them
# against the SHA-256 sums committed in server/static/vendor/SHA256SUMS. The files are committed, so serving
# and testing need no network; run this only to verify them or, after changing a version below, to refresh
# them (then `UPDATE_SUMS=1 bash scripts/vendor-graphiql.sh` rewrites the sums, to be reviewed in the diff).
set -euo pipefail
cd "$(dirname "$0")/.."
DEST=server/static/vendor
GRAPHIQL=3.8.3   # the last GraphiQL with a self-contained browser build (UMD); 4.x and later need a bundler
REACT=18.2.0     # the React GraphiQL 3.8 is built and tested with

if ! command -v npm >/dev/null 2>&1; then
  echo "npm not found: it downloads the packages from the npm registry (Debian: apt-get install npm)" >&2
  exit 1
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fetch() {  # fetch PACKAGE VERSION: unpack the npm tarball into $work/PACKAGE
  (cd "$work" && npm pack --silent "$1@$2" >/dev/null)
  mkdir -p "$work/$1"
  tar xzf "$work/$1-$2.tgz" -C "$work/$1" --strip-components=1
}
fetch graphiql "$GRAPHIQL"
fetch react "$REACT"
fetch react-dom "$REACT"

stage="$work/stage"
mkdir -p "$stage/graphiql@$GRAPHIQL" "$stage/react@$REACT" "$stage/react-dom@$REACT"
cp "$work/graphiql/graphiql.min.js" "$work/graphiql/graphiql.min.css" "$work/graphiql/LICENSE" "$stage/graphiql@$GRAPHIQL/"
cp "$work/react/umd/react.production.min.js" "$work/react/LICENSE" "$stage/react@$REACT/"
cp "$work/react-dom/umd/react-dom.production.min.js" "$work/react-dom/LICENSE" "$stage/react-dom@$REACT/"

if [ "${UPDATE_SUMS:-0}" = "1" ]; then
  (cd "$stage" && find . -type f | LC_ALL=C sort | xargs sha256sum) > "$work/SHA256SUMS"
else
  cp "$DEST/SHA256SUMS" "$work/SHA256SUMS"
  (cd "$stage" && sha256sum --quiet -c "$work/SHA256SUMS")
fi
find "$DEST" -mindepth 1 -maxdepth 1 -type d -exec rm -rf {} +
cp -R "$stage"/. "$DEST"/
cp "$work/SHA256SUMS" "$DEST/SHA256SUMS"
echo "server/static/vendor: graphiql $GRAPHIQL, react $REACT, react-dom $REACT (checksums verified)"
