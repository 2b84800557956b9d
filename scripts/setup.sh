# Sourced by scripts/run and scripts/test: make .venv and install the project into it.
# Usage: source scripts/setup.sh [extra]   (extra: "test" adds the test dependencies)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
PYTHON=${PYTHON:-python3.11}
command -v "$PYTHON" >/dev/null 2>&1 || PYTHON=python3
if [ ! -x .venv/bin/python ]; then
  echo "setting up .venv with $($PYTHON --version)" >&2
  "$PYTHON" -m venv .venv
fi
spec="."
[ -n "${1:-}" ] && spec=".[$1]"
# Reinstall only when the dependency list changed since the last install.
stamp=".venv/.installed-$(sha1sum pyproject.toml | cut -c1-12)-${1:-app}"
if [ ! -f "$stamp" ]; then
  .venv/bin/python -m pip install --quiet --disable-pip-version-check -e "$spec" >&2
  touch "$stamp"
fi
