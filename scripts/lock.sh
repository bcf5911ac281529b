#!/usr/bin/env bash
# Refresh requirements.lock from the ranges in pyproject.toml (run after changing a dependency; commit both).
# The lock pins every package `make run` / `make test` / CI install, with hashes, including the build backend
# (setuptools, wheel), so a fresh machine installs exactly what was tested. Library users still get the
# ranges of pyproject.toml.
set -euo pipefail
cd "$(dirname "$0")/.."
tools=$(mktemp -d)
trap 'rm -rf "$tools"' EXIT
python3 -m venv "$tools"
"$tools/bin/pip" install -q 'pip-tools==7.6.2'
"$tools/bin/pip-compile" -q --extra dev --all-build-deps --allow-unsafe --generate-hashes --strip-extras \
  --no-emit-index-url --no-emit-find-links --output-file requirements.lock pyproject.toml
# the dev extra names the project itself (for its warehouse extra); the project is installed from the tree
python3 - <<'PY'
import re, pathlib
lock = pathlib.Path("requirements.lock")
text = re.sub(r"^revenue-semantic-layer @ file://\S+\n(    #.*\n)*", "", lock.read_text(), flags=re.M)
text = re.sub(r"^# WARNING: pip install will require.*\n(# Consider.*\n)?", "", text, flags=re.M)
lock.write_text(text)
PY
echo "requirements.lock refreshed; run 'make clean test' to install from it"
