#!/usr/bin/env python3
"""Run the real external checkers on what `sigc build` wrote.

Usage: scripts/check-outputs.py DIR...
       scripts/check-outputs.py --sarif FILE...

Each DIR is a build folder holding one folder per environment (or is itself one environment
folder); an environment folder has some of terraform/, terraform-json/, arm/, bicep/, functions/.
Checks, per environment and per folder that exists:

  terraform-fmt     `terraform fmt -check -recursive -diff` on terraform/ (Terraform 1.0.3, from PyPI)
  hcl2-parse        python-hcl2 `hcl2.load` on every terraform/**/*.tf
  json-parse        every terraform-json/ and arm/ *.json is a JSON object
  pycep-parse       pycep-parser `BicepParser().parse` on every bicep/**/*.bicep
  functions-compile every functions/**/*.py of a Python app compiles, every functions/**/*.json parses
                    (the apps are loaded with the real SDKs by scripts/check-functions.py)
  checkov-<fw>      checkov --framework terraform / arm / bicep: any failed check, any file checkov
                    could not parse, or a folder it found nothing to check in, fails. Skips written in
                    the output (`#checkov:skip=ID:why` in HCL, `// checkov:skip=ID:why` in Bicep, resource
                    `"metadata": {"checkov": ["ID:why"]}` in ARM) are honoured by checkov itself.

With --sarif, each FILE (`sigc check --format sarif` output) gets one check instead:

  sarif-schema      valid against the official SARIF 2.1.0 JSON Schema (tests/fixtures/sarif/, draft-04),
                    with the formats it uses (uri, uri-reference, date-time) checked too, not ignored

terraform-json/ gets no checkov run: Terraform JSON has no comments, so a skip cannot be written there.
Prints `PASS name` / `FAIL name` per check (with the tool output under a FAIL), then one last line
`N passed, N failed`; exits 1 if any check failed, 2 if the tools are not installed.
Tools come from .tools/ (scripts/install-tools.sh); this script re-runs itself under .tools/py.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TOOLS = ROOT / ".tools"
TOOLS_PYTHON = TOOLS / "py" / "bin" / "python"
TERRAFORM = TOOLS / "bin" / "terraform"
CHECKOV = TOOLS / "bin" / "checkov"

SARIF_SCHEMA = ROOT / "tests" / "fixtures" / "sarif" / "sarif-schema-2.1.0.json"

TARGET_DIRS = ("terraform", "terraform-json", "arm", "bicep", "functions")
CHECKOV_FRAMEWORKS = ("terraform", "arm", "bicep")

# No update checks, telemetry or downloads: CI reaches package registries only.
QUIET_ENV = {
    "CHECKPOINT_DISABLE": "1",
    "CKV_SKIP_PACKAGE_UPDATE_CHECK": "true",
    "BC_SKIP_MAPPING": "TRUE",
    "NO_COLOR": "1",
}


def reexec_under_tools_python() -> None:
    """hcl2 and pycep live in .tools/py; run there so a plain `python3` call works too."""
    if Path(sys.prefix).resolve() == (TOOLS / "py").resolve():
        return
    if not TOOLS_PYTHON.exists():
        print(f"check-outputs: {TOOLS_PYTHON} not found: run scripts/install-tools.sh first", file=sys.stderr)
        sys.exit(2)
    os.execv(TOOLS_PYTHON, [str(TOOLS_PYTHON), __file__, *sys.argv[1:]])


@dataclass
class Report:
    passed: int = 0
    failed: int = 0

    def record(self, name: str, problems: list[str], note: str = "") -> None:
        """One line per check; a failing check's details are indented under it."""
        if problems:
            self.failed += 1
            print(f"FAIL {name}", flush=True)
            for text in problems:
                for line in text.rstrip("\n").splitlines():
                    print(f"    {line}")
        else:
            self.passed += 1
            print(f"PASS {name}{f' ({note})' if note else ''}", flush=True)


@dataclass
class Env:
    """One environment folder as the user named it (`label`) and as checkov reports it (`path`)."""

    label: str
    path: Path
    dirs: list[str] = field(default_factory=list)


def find_envs(arg: str) -> list[Env]:
    base = Path(arg)

    def env_at(folder: Path, label: str) -> Env | None:
        dirs = [d for d in TARGET_DIRS if (folder / d).is_dir()]
        return Env(label, folder.resolve(), dirs) if dirs else None

    own = env_at(base, arg)
    if own:
        return [own]
    if not base.is_dir():
        return []
    found = (env_at(child, str(Path(arg) / child.name)) for child in sorted(base.iterdir()) if child.is_dir())
    return [env for env in found if env]


def files(folder: Path, pattern: str) -> list[Path]:
    return sorted(p for p in folder.rglob(pattern) if p.is_file())


def rel(env: Env, path: Path) -> str:
    return str(Path(env.label) / path.resolve().relative_to(env.path))


def check_terraform_fmt(env: Env) -> list[str]:
    # Run from the environment folder so the diff names files as `terraform/main.tf`.
    proc = subprocess.run([str(TERRAFORM), "fmt", "-check", "-recursive", "-diff", "-no-color", "terraform"],
                          cwd=env.path, capture_output=True, text=True, env={**os.environ, **QUIET_ENV})
    if proc.returncode == 0:
        return []
    # Exit 3: some file is not in canonical layout (the diff follows); 2: it does not parse.
    return [f"terraform fmt -check -recursive -diff exited {proc.returncode}:", proc.stdout, proc.stderr]


def parse_each(env: Env, paths: list[Path], parse, what: str) -> list[str]:
    """Run `parse(path)` on every file; a folder with no such file is itself a failure."""
    if not paths:
        return [f"no {what} files found"]
    problems = []
    for path in paths:
        try:
            parse(path)
        except Exception as err:  # every parser has its own error types; all mean "does not parse"
            problems.append(f"{rel(env, path)}: {type(err).__name__}: {err}")
    return problems


def load_hcl(path: Path) -> None:
    import hcl2

    with path.open(encoding="utf-8") as handle:
        hcl2.load(handle)


def load_json_object(path: Path) -> None:
    value = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(value, dict):
        raise ValueError(f"top level is {type(value).__name__}, not an object")


_bicep_parser = None


def load_bicep(path: Path) -> None:
    global _bicep_parser
    if _bicep_parser is None:
        from pycep import BicepParser

        _bicep_parser = BicepParser()
    _bicep_parser.parse(file_path=path)


def compile_python(path: Path) -> None:
    compile(path.read_text(encoding="utf-8"), str(path), "exec")


def start_checkov(folder: Path) -> subprocess.Popen[str]:
    """One checkov run per DIR covers every environment in it (checkov mis-reports several -d at once)."""
    cmd = [str(CHECKOV), "--directory", str(folder.resolve()), "--framework", *CHECKOV_FRAMEWORKS,
           "--output", "json", "--compact", "--skip-download"]
    return subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, **QUIET_ENV})


def checkov_reports(stdout: str) -> list[dict]:
    """checkov prints one report object, a list of them, or several documents one after another."""
    decoder, pos, reports = json.JSONDecoder(), 0, []
    while True:
        while pos < len(stdout) and stdout[pos].isspace():
            pos += 1
        if pos >= len(stdout):
            return reports
        value, pos = decoder.raw_decode(stdout, pos)
        reports.extend(value if isinstance(value, list) else [value])


@dataclass
class Findings:
    passed: int = 0
    skipped: int = 0
    failed: list[str] = field(default_factory=list)
    parse_errors: list[str] = field(default_factory=list)


def owner(envs: list[Env], path: str) -> tuple[Env, str] | None:
    """The environment and target folder a checkov result path belongs to."""
    resolved = Path(path).resolve()
    for env in envs:
        if resolved.is_relative_to(env.path):
            return env, resolved.relative_to(env.path).parts[0]
    return None


def sort_checkov(envs: list[Env], reports: list[dict]) -> tuple[dict[tuple[str, str], Findings], list[str]]:
    """Group checkov's results by (environment, target folder) from each result's file path."""
    by_key: dict[tuple[str, str], Findings] = {}
    stray: list[str] = []

    def slot(path: str) -> tuple[Findings, str] | None:
        hit = owner(envs, path)
        if hit is None:
            stray.append(path)
            return None
        env, folder = hit
        return by_key.setdefault((env.label, folder), Findings()), rel(env, Path(path))

    for report in reports:
        results = report.get("results") or {}
        for result in results.get("passed_checks", []):
            if hit := slot(result["file_abs_path"]):
                hit[0].passed += 1
        for result in results.get("skipped_checks", []):
            if hit := slot(result["file_abs_path"]):
                hit[0].skipped += 1
        for result in results.get("failed_checks", []):
            if hit := slot(result["file_abs_path"]):
                first, last = result.get("file_line_range") or (0, 0)
                hit[0].failed.append(f"{result['check_id']} {result['resource']} at {hit[1]}:{first}-{last}\n"
                                     f"    {result['check_name']}")
        for path in results.get("parsing_errors", []):
            if hit := slot(path):
                hit[0].parse_errors.append(hit[1])
    return by_key, stray


def record_checkov(report: Report, envs: list[Env], proc: subprocess.Popen[str]) -> None:
    stdout, stderr = proc.communicate()
    wanted = [(env, fw) for env in envs for fw in CHECKOV_FRAMEWORKS if fw in env.dirs]
    crash = None
    try:
        reports = checkov_reports(stdout)
    except json.JSONDecodeError as err:
        crash = f"its output is not a JSON report ({err})"
    if crash is None and proc.returncode not in (0, 1):  # 1 = some check failed; anything else is a crash
        crash = "unexpected exit code"
    if crash:
        for env, fw in wanted:
            report.record(f"checkov-{fw} {env.label}",
                          [f"checkov exited {proc.returncode}: {crash}", stdout[-4000:], stderr[-4000:]])
        return
    by_key, stray = sort_checkov(envs, reports)
    for env, fw in wanted:
        found = by_key.get((env.label, fw), Findings())
        problems = [f"{len(found.failed)} failed checkov check(s):", *found.failed] if found.failed else []
        if found.parse_errors:
            problems.append("checkov could not parse: " + ", ".join(found.parse_errors))
        if not (found.passed or found.failed or found.skipped or found.parse_errors):
            problems.append(f"checkov found nothing to check in {env.label}/{fw} (not a template it recognises?)")
        if problems and found.skipped:
            problems.append(f"({found.skipped} other result(s) skipped by checkov:skip in the output)")
        report.record(f"checkov-{fw} {env.label}", problems,
                      f"{found.passed} passed, {found.skipped} skipped")
    if stray:
        print(f"note: checkov results outside any environment folder: {', '.join(sorted(set(stray)))}")


def sarif_validator():
    """A draft-04 validator for the SARIF schema whose every format is really checked.

    jsonschema skips a format it has no checker for; draft-04's checker set lacks `uri-reference`
    (and `date-time` without rfc3339-validator), so add them and refuse to run with any missing.
    """
    from jsonschema import Draft4Validator, FormatChecker
    from rfc3986_validator import validate_rfc3986

    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    Draft4Validator.check_schema(schema)
    checker = FormatChecker(Draft4Validator.FORMAT_CHECKER.checkers)
    checker.checks("uri-reference")(lambda value: not isinstance(value, str)
                                    or bool(validate_rfc3986(value, rule="URI_reference")))
    used = set()

    def collect(node) -> None:
        if isinstance(node, dict):
            if isinstance(node.get("format"), str):
                used.add(node["format"])
            for value in node.values():
                collect(value)
        elif isinstance(node, list):
            for value in node:
                collect(value)

    collect(schema)
    unchecked = used - set(checker.checkers)
    if unchecked:
        raise RuntimeError(f"no format checker for {sorted(unchecked)}: is .tools/py up to date?")
    return Draft4Validator(schema, format_checker=checker)


def check_sarif(validator, path: Path) -> list[str]:
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        return [f"{path}: {type(err).__name__}: {err}"]
    problems = []
    for error in sorted(validator.iter_errors(document), key=lambda e: list(e.absolute_path)):
        where = "/" + "/".join(str(part) for part in error.absolute_path)
        problems.append(f"{path}: at {where}: {error.message}")
    return problems


def main_sarif(paths: list[str]) -> int:
    if not paths:
        print("check-outputs: --sarif needs at least one FILE", file=sys.stderr)
        return 2
    try:
        validator = sarif_validator()
    except (ImportError, RuntimeError) as err:
        print(f"check-outputs: cannot validate SARIF ({err}): run scripts/install-tools.sh first", file=sys.stderr)
        return 2
    report = Report()
    for path in paths:
        report.record(f"sarif-schema {path}", check_sarif(validator, Path(path)))
    print(f"{report.passed} passed, {report.failed} failed")
    return 1 if report.failed else 0


def main(argv: list[str]) -> int:
    if not argv or argv[0] in ("-h", "--help"):
        print(__doc__)
        return 0 if argv else 2
    if argv[0] == "--sarif":
        return main_sarif(argv[1:])
    for tool in (TERRAFORM, CHECKOV):
        if not os.access(tool, os.X_OK):
            print(f"check-outputs: {tool} not found: run scripts/install-tools.sh first", file=sys.stderr)
            return 2

    report = Report()
    plans = []
    for arg in argv:
        envs = find_envs(arg)
        if not envs:
            report.record(f"environments {arg}", [f"no environment folder (with {', '.join(TARGET_DIRS)}) in {arg}"])
            continue
        # Checkov is the slow one (about 10 s): let it run while the parsers work.
        needs_checkov = any(fw in env.dirs for env in envs for fw in CHECKOV_FRAMEWORKS)
        plans.append((envs, start_checkov(Path(arg)) if needs_checkov else None))

    for envs, _ in plans:
        for env in envs:
            if "terraform" in env.dirs:
                folder = env.path / "terraform"
                report.record(f"terraform-fmt {env.label}", check_terraform_fmt(env))
                report.record(f"hcl2-parse {env.label}", parse_each(env, files(folder, "*.tf"), load_hcl, ".tf"))
            json_dirs = [d for d in ("terraform-json", "arm") if d in env.dirs]
            if json_dirs:
                json_files = [p for d in json_dirs for p in files(env.path / d, "*.json")]
                report.record(f"json-parse {env.label}", parse_each(env, json_files, load_json_object, ".json"))
            if "bicep" in env.dirs:
                bicep = files(env.path / "bicep", "*.bicep")
                report.record(f"pycep-parse {env.label}", parse_each(env, bicep, load_bicep, ".bicep"))
            if "functions" in env.dirs:
                folder = env.path / "functions"
                # A Python app has .py files; a Node.js app has none (scripts/check-functions.py
                # compiles and loads it with the real SDK).
                problems = []
                if (folder / "function_app.py").exists() or not (folder / "package.json").exists():
                    problems = parse_each(env, files(folder, "*.py"), compile_python, ".py")
                problems += parse_each(env, files(folder, "*.json"), load_json_object, ".json")
                report.record(f"functions-compile {env.label}", problems)

    for envs, proc in plans:
        if proc is not None:
            record_checkov(report, envs, proc)

    print(f"{report.passed} passed, {report.failed} failed")
    return 1 if report.failed else 0


if __name__ == "__main__":
    reexec_under_tools_python()
    sys.exit(main(sys.argv[1:]))
