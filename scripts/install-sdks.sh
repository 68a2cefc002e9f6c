#!/usr/bin/env bash
# Installs the real Azure Functions SDKs that scripts/check-functions.py loads the generated apps with, into the
# git-ignored .tools/ folder, each pinned by a file committed here:
#   .tools/functions-py  the PyPI `azure-functions` package (scripts/tools/functions-py.txt, a full pip freeze)
#   .tools/node          `@azure/functions` 4.x, `typescript` and `@types/node` from npm (`npm ci` of
#                        scripts/tools/node/package-lock.json, so every install is the same tree)
# A folder whose stamp matches its pin file (and the interpreter) is left alone: a second run takes well under a
# second. If a registry cannot be reached (no network), that SDK is not installed and the script says so; the
# checks of that language are then skipped with a message, except under SIGC_REQUIRE_SDKS=1 (CI), where this
# script fails instead. Env: PYTHON (default python3), NPM (default npm).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
tools="$root/.tools"
pins="$root/scripts/tools"
python=${PYTHON:-python3}
npm=${NPM:-npm}
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
mkdir -p "$tools"

could_not() {
  if [[ "${SIGC_REQUIRE_SDKS:-}" == 1 ]]; then
    echo "install-sdks: could not install $1 ($2), and SIGC_REQUIRE_SDKS=1 requires it" >&2
    exit 1
  fi
  echo "install-sdks: could not install $1 ($2): its checks in scripts/check-functions.py will be skipped" >&2
}

# .tools/functions-py
want=$({ "$python" -c 'import sys; print(sys.version)'; cat "$pins/functions-py.txt"; } | sha256sum | cut -d' ' -f1)
venv="$tools/functions-py"
if [[ -f "$venv/.sigc-stamp" && "$(cat "$venv/.sigc-stamp")" == "$want" ]]; then
  echo "install-sdks: .tools/functions-py up to date"
else
  echo "install-sdks: building .tools/functions-py from scripts/tools/functions-py.txt ..."
  rm -rf "$venv"
  if "$python" -m venv "$venv" && "$venv/bin/python" -m pip install --quiet --require-virtualenv -r "$pins/functions-py.txt"; then
    echo "$want" >"$venv/.sigc-stamp"
    echo "install-sdks: .tools/functions-py done ($("$venv/bin/python" -c 'import azure.functions as f; print("azure-functions", f.__version__)'))"
  else
    rm -rf "$venv"
    could_not "azure-functions from PyPI" "pip failed"
  fi
fi

# .tools/node
node_dir="$tools/node"
if ! command -v node >/dev/null || ! command -v "$npm" >/dev/null; then
  could_not "@azure/functions and typescript from npm" "node or npm is not on PATH"
  exit 0
fi
want=$({ node --version; cat "$pins/node/package.json" "$pins/node/package-lock.json"; } | sha256sum | cut -d' ' -f1)
if [[ -f "$node_dir/.sigc-stamp" && "$(cat "$node_dir/.sigc-stamp")" == "$want" ]]; then
  echo "install-sdks: .tools/node up to date"
else
  echo "install-sdks: npm ci into .tools/node from scripts/tools/node/package-lock.json ..."
  rm -rf "$node_dir"
  mkdir -p "$node_dir"
  cp "$pins/node/package.json" "$pins/node/package-lock.json" "$node_dir/"
  if (cd "$node_dir" && "$npm" ci --ignore-scripts --no-audit --no-fund --loglevel=error); then
    echo "$want" >"$node_dir/.sigc-stamp"
    echo "install-sdks: .tools/node done (@azure/functions $(node -p "require('$node_dir/node_modules/@azure/functions/package.json').version"), typescript $(node -p "require('$node_dir/node_modules/typescript/package.json').version"))"
  else
    rm -rf "$node_dir"
    could_not "@azure/functions and typescript from npm" "npm ci failed"
  fi
fi
