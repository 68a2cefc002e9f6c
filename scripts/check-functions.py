#!/usr/bin/env python3
"""Prove the generated Functions apps with the real SDKs: the bindings the Functions host reads.

Usage: scripts/check-functions.py OUT ENV.toml...

OUT is a build folder (`sigc build ENV.toml --out OUT --target all`); each ENV.toml names its
environment folder OUT/<environment.name>/. Per environment, by the file's runtime and language:

  python      imports functions/function_app.py with the PyPI `azure-functions` package (.tools/functions-py)
              and reads every function's raw bindings from the app object, the JSON the Python worker
              sends to the host (scripts/functions-sdk/load-python-app.py)
  typescript  `tsc --noEmit` must report 0 errors, then `tsc` compiles the app; node loads the compiled
              files package.json `main` names with the real `@azure/functions` 4.x (.tools/node)
  javascript  `tsc --noEmit --allowJs --checkJs` (0 errors), then node loads the app as above

Node: the Functions host's Node.js worker provides the module `@azure/functions-core` at run time (it is
not on npm). The test stands in for it with scripts/functions-sdk/core/@azure/functions-core, found
through NODE_PATH, which records each `registerFunction(metadata)` call: the metadata (function name and
bindings) is what the real SDK builds for the worker to send to the host.

The registered functions must be exactly the contract's (CONTRACT §4, the same in every language):
negotiate, negotiate_user, broadcast, send_to_user, send_to_group, add_to_group, remove_from_group, and
per hub one SignalR trigger for `messages`/`sendMessage` (with a signalR output to the same hub) and one
each for `connections`/`connected` and `connections`/`disconnected`. Every binding must have the
properties the host's binding reads and no other (a misspelt property is silently ignored by the host),
and every SignalR binding's `connectionStringSetting` must be a setting group the infrastructure sets:
the ARM template's app settings hold `<setting>__serviceUri` and `<setting>__credential` (the
identity-based connection).

Mutation check (per language, once): a copy of a checked app gets a binding the host would not read
(`hubName` misspelt in one trigger) and, separately, a connection setting the infrastructure does not set;
the checker must reject both, or this script fails.

A language whose SDK is not installed (scripts/install-sdks.sh could not reach the registry) is skipped
with a message, unless SIGC_REQUIRE_SDKS=1 (CI), where a missing SDK is a failure.
Prints PASS/FAIL/SKIP lines and `N passed, N failed, N skipped`; exits 1 on any failure.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TOOLS = ROOT / ".tools"
PY_SDK = TOOLS / "functions-py" / "bin" / "python"
NODE_MODULES = TOOLS / "node" / "node_modules"
TSC = NODE_MODULES / "typescript" / "bin" / "tsc"
SDK_DIR = ROOT / "scripts" / "functions-sdk"
CORE_STAND_IN = SDK_DIR / "core"

# Defaults of ENV.toml (schemas/env.schema.json, schemas/azure-limits.toml `languages`).
DEFAULT_HUBS = ["chat"]
DEFAULT_LANGUAGE = {"python": "python", "node": "typescript"}

USER_ID = "{headers.x-ms-client-principal-id}"

# The properties each binding type has in function.json, as the host's bindings read them
# (learn.microsoft.com/azure/azure-functions/functions-bindings-signalr-service-input, -output, -trigger
# "Configuration"; functions-bindings-http-webhook-trigger/-output). `properties` and `dataType` are
# added by the SDKs themselves.
COMMON = {"type", "direction", "name", "properties", "dataType"}
ALLOWED = {
    "httpTrigger": COMMON | {"route", "methods", "authLevel"},
    "http": COMMON,
    "signalRConnectionInfo": COMMON | {"hubName", "connectionStringSetting", "userId", "idToken", "claimTypeList"},
    "signalR": COMMON | {"hubName", "connectionStringSetting"},
    "signalRTrigger": COMMON | {"hubName", "category", "event", "parameterNames", "connectionStringSetting"},
}
REQUIRED = {
    "signalRConnectionInfo": {"hubName", "connectionStringSetting"},
    "signalR": {"hubName", "connectionStringSetting"},
    "signalRTrigger": {"hubName", "category", "event", "connectionStringSetting"},
}

# name -> (route, methods, authLevel, SignalR binding type)
HTTP_FUNCTIONS = {
    "negotiate": ("negotiate", ["GET", "POST"], "anonymous", "signalRConnectionInfo"),
    "negotiate_user": ("user/negotiate", ["GET", "POST"], "anonymous", "signalRConnectionInfo"),
    "broadcast": ("messages", ["POST"], "function", "signalR"),
    "send_to_user": ("messages/user/{userId}", ["POST"], "function", "signalR"),
    "send_to_group": ("messages/group/{groupName}", ["POST"], "function", "signalR"),
    "add_to_group": ("groups/{groupName}/users/{userId}", ["POST"], "function", "signalR"),
    "remove_from_group": ("groups/{groupName}/users/{userId}", ["DELETE"], "function", "signalR"),
}
TRIGGERS = [("messages", "sendMessage"), ("connections", "connected"), ("connections", "disconnected")]
FUNCTION_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_-]{0,127}$")


class Result:
    def __init__(self) -> None:
        self.passed = self.failed = self.skipped = 0

    def report(self, name: str, problems: list[str], detail: str = "") -> None:
        if problems:
            self.failed += 1
            print(f"FAIL {name}")
            for p in problems:
                print(f"  - {p}")
            if detail:
                print("  " + detail.replace("\n", "\n  "))
        else:
            self.passed += 1
            print(f"PASS {name}")

    def skip(self, name: str, why: str) -> None:
        if os.environ.get("SIGC_REQUIRE_SDKS") == "1":
            self.report(name, [f"{why}, and SIGC_REQUIRE_SDKS=1 requires it"])
        else:
            self.skipped += 1
            print(f"SKIP {name}: {why}")


def run(args: list[str], cwd: Path | None = None, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True)


def connection_groups(env_dir: Path) -> set[str]:
    """Setting groups the infrastructure gives an identity-based SignalR connection (ARM app settings:
    `<group>__serviceUri` and `<group>__credential`)."""
    template = json.loads((env_dir / "arm" / "azuredeploy.json").read_text())
    names: set[str] = set()

    def walk(node):
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "appSettings" and isinstance(value, list):
                    names.update(s["name"] for s in value if isinstance(s, dict) and isinstance(s.get("name"), str))
                walk(value)
            # Y1/EP (P14): the settings are a `sites/config` `appsettings` resource whose
            # properties are a `union(createObject('<name>', <value>, ...), ...)` expression;
            # every quoted literal in it is a candidate name (only pairs count below).
            if node.get("type") == "Microsoft.Web/sites/config" and str(node.get("name", "")).endswith("/appsettings"):
                props = node.get("properties")
                if isinstance(props, dict):
                    names.update(props)
                elif isinstance(props, str):
                    names.update(m.replace("''", "'") for m in re.findall(r"'((?:[^']|'')*)'", props))
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(template)
    return {
        n[: -len("__serviceUri")]
        for n in names
        if n.endswith("__serviceUri") and n[: -len("__serviceUri")] + "__credential" in names
    }


def normalise(functions: list[dict]) -> dict[str, list[dict]]:
    """name -> bindings, with the host's case-insensitive values in one spelling."""
    out: dict[str, list[dict]] = {}
    for f in functions:
        bindings = f["bindings"]
        if isinstance(bindings, dict):  # the Node SDK keys bindings by name
            bindings = list(bindings.values())
        norm = []
        for b in bindings:
            b = dict(b)
            b["direction"] = str(b.get("direction", "")).lower()
            if "authLevel" in b:
                b["authLevel"] = str(b["authLevel"]).lower()
            if "methods" in b:
                b["methods"] = sorted(str(m).upper() for m in b["methods"])
            norm.append(b)
        if f["name"] in out:
            out[f["name"] + " (duplicate)"] = norm
        out[f["name"]] = norm
    return out


def check_app(functions: dict[str, list[dict]], hubs: list[str], groups: set[str]) -> list[str]:
    """Every problem that would stop the host from running the contract's functions as meant."""
    problems: list[str] = []
    distinct: list[str] = []
    for h in hubs:
        if h.lower() not in (d.lower() for d in distinct):
            distinct.append(h)
    default_hub = distinct[0]

    for name, bindings in functions.items():
        if not FUNCTION_NAME.match(name):
            problems.append(f"function name `{name}` is not one the host accepts")
        for b in bindings:
            kind = b.get("type")
            if kind not in ALLOWED:
                problems.append(f"{name}: binding type `{kind}` is not one this app should use")
                continue
            unread = sorted(set(b) - ALLOWED[kind])
            if unread:
                problems.append(f"{name}: the host does not read {unread} on a `{kind}` binding")
            missing = sorted(REQUIRED.get(kind, set()) - set(b))
            if missing:
                problems.append(f"{name}: `{kind}` binding lacks {missing}")
            if kind.startswith("signalR") and "connectionStringSetting" in b and b["connectionStringSetting"] not in groups:
                problems.append(
                    f"{name}: connection `{b['connectionStringSetting']}` is not set by the infrastructure "
                    f"(it sets {sorted(groups)})"
                )

    def one(bindings, kind, direction):
        found = [b for b in bindings if b.get("type") == kind and b["direction"] == direction]
        return found[0] if len(found) == 1 else None

    for name, (route, methods, auth, kind) in HTTP_FUNCTIONS.items():
        bindings = functions.get(name)
        if bindings is None:
            problems.append(f"function `{name}` is missing")
            continue
        trigger = one(bindings, "httpTrigger", "in")
        if trigger is None or (trigger.get("route"), trigger.get("methods"), trigger.get("authLevel")) != (
            route,
            sorted(methods),
            auth,
        ):
            problems.append(f"{name}: expected one HTTP trigger {sorted(methods)} /api/{route} ({auth}), got {trigger}")
        if one(bindings, "http", "out") is None:
            problems.append(f"{name}: no HTTP response binding")
        direction = "in" if kind == "signalRConnectionInfo" else "out"
        sig = one(bindings, kind, direction)
        if sig is None or sig.get("hubName") != default_hub:
            problems.append(f"{name}: expected one `{kind}` ({direction}) binding to hub `{default_hub}`, got {sig}")
        elif kind == "signalRConnectionInfo" and sig.get("userId") != (USER_ID if name == "negotiate_user" else None):
            problems.append(f"{name}: userId is {sig.get('userId')!r}")
        if len(bindings) != 3:
            problems.append(f"{name}: expected 3 bindings, got {len(bindings)}")

    seen: dict[tuple[str, str, str], str] = {}
    for name, bindings in functions.items():
        for b in bindings:
            if b.get("type") == "signalRTrigger":
                key = (str(b.get("hubName", "")).lower(), b.get("category"), b.get("event"))
                if key in seen:
                    problems.append(f"{name} and {seen[key]} both trigger on {key}: the host refuses to start")
                seen[key] = name
    expected_functions = set(HTTP_FUNCTIONS)
    for hub in distinct:
        for category, event in TRIGGERS:
            name = seen.get((hub.lower(), category, event))
            if name is None:
                problems.append(f"hub `{hub}`: no SignalR trigger for {category}/{event}")
                continue
            expected_functions.add(name)
            bindings = functions[name]
            trigger = one(bindings, "signalRTrigger", "in")
            if trigger is None or trigger.get("hubName") != hub:
                problems.append(f"{name}: the trigger's hub is not exactly `{hub}`")
            outputs = [b for b in bindings if b is not trigger]
            if event == "sendMessage":
                if len(outputs) != 1 or outputs[0].get("type") != "signalR" or outputs[0].get("hubName") != hub:
                    problems.append(f"{name}: expected one signalR output to hub `{hub}`, got {outputs}")
            elif outputs:
                problems.append(f"{name}: a connection event function has no other binding, got {outputs}")
    extra = sorted(set(functions) - expected_functions)
    if extra:
        problems.append(f"functions outside the contract: {extra}")
    return problems


def load_python(app: Path) -> tuple[list[dict] | None, str]:
    r = run([str(PY_SDK), str(SDK_DIR / "load-python-app.py"), str(app)], cwd=app)
    if r.returncode != 0:
        return None, r.stderr
    return json.loads(r.stdout)["functions"], ""


def load_node(app: Path, language: str, type_check: bool) -> tuple[list[dict] | None, str, list[str]]:
    """Type-checks (unless told not to), compiles (TypeScript) and loads a Node app copied to `app`."""
    link = app / "node_modules"
    if link.exists() or link.is_symlink():
        link.unlink()
    link.symlink_to(NODE_MODULES, target_is_directory=True)
    notes = []
    if not type_check:
        pass
    elif language == "typescript":
        check = run(["node", str(TSC), "--noEmit", "-p", "tsconfig.json"], cwd=app)
    else:
        check = run(
            ["node", str(TSC), "--noEmit", "--allowJs", "--checkJs", "--strict", "--module", "commonjs",
             "--target", "es2022", "--types", "node", *sorted(str(p) for p in (app / "src").rglob("*.js"))],
            cwd=app,
        )
    if type_check:
        errors = len(re.findall(r"error TS\d+", check.stdout))
        notes.append(f"tsc --noEmit: {errors} errors")
        if check.returncode != 0:
            return None, check.stdout + check.stderr, notes
    if language == "typescript":
        # Already type-checked above: emit only (TypeScript 5.5+ `--noCheck`), as fast as a transpile.
        build = run(["node", str(TSC), "-p", "tsconfig.json", "--noCheck"], cwd=app)
        if build.returncode != 0:
            return None, build.stdout + build.stderr, notes
    env = dict(os.environ, NODE_PATH=str(CORE_STAND_IN))
    r = run(["node", str(SDK_DIR / "load-node-app.js"), str(app)], cwd=app, env=env)
    if r.returncode != 0:
        return None, r.stderr, notes
    loaded = json.loads(r.stdout)
    model = loaded.get("model") or {}
    if model.get("name") != "@azure/functions" or not str(model.get("version", "")).startswith("4."):
        return None, f"the app did not announce the v4 programming model: {model}", notes
    return loaded["functions"], "", notes


def load(app_src: Path, language: str, scratch: Path, type_check: bool = True) -> tuple[list[dict] | None, str, list[str]]:
    app = scratch / "app"
    if app.exists():
        shutil.rmtree(app)
    shutil.copytree(app_src, app, ignore=shutil.ignore_patterns("node_modules", "dist", "__pycache__"))
    if language == "python":
        functions, err = load_python(app)
        return functions, err, []
    return load_node(app, language, type_check)


def mutate(app: Path, language: str, what: str) -> None:
    """Changes a copy of the app: `hub` misspells `hubName` in the first connection-event trigger
    (the SDKs pass unknown keys through, tsc accepts them, the host ignores them); `connection` points
    every binding at a setting the infrastructure does not set."""
    if language == "python":
        path = app / "function_app.py"
        text = path.read_text()
        if what == "hub":
            at = text.rindex("hub_name=", 0, text.index('category="connections",'))
            text = text[:at] + "hubname=" + text[at + len("hub_name=") :]
        else:
            text = text.replace('CONNECTION = "AzureSignalRConnectionString"', 'CONNECTION = "SignalRConnection"', 1)
    else:
        ext = "ts" if language == "typescript" else "js"
        if what == "hub":
            path = app / "src" / "functions" / f"hubs.{ext}"
            old, new = "hubName,\n                category: 'connections',", "hub: hubName,\n                category: 'connections',"
        else:
            path = app / "src" / "functions" / f"http.{ext}"
            old, new = "CONNECTION = 'AzureSignalRConnectionString'", "CONNECTION = 'SignalRConnection'"
        text = path.read_text().replace(old, new, 1)
    if text == path.read_text():
        raise SystemExit(f"check-functions: mutation `{what}` changed nothing in {path}: update the script")
    path.write_text(text)


def main() -> int:
    if len(sys.argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    out = Path(sys.argv[1])
    result = Result()
    mutated: set[str] = set()
    with tempfile.TemporaryDirectory(prefix="sigc-check-functions-") as tmp:
        scratch = Path(tmp)
        for env_file in map(Path, sys.argv[2:]):
            env = tomllib.loads(env_file.read_text())
            name = env["environment"]["name"]
            hubs = env.get("signalr", {}).get("hubs", DEFAULT_HUBS)
            functions_table = env.get("functions", {})
            runtime = functions_table.get("runtime", "python")
            language = functions_table.get("language", DEFAULT_LANGUAGE[runtime])
            env_dir = out / name
            app = env_dir / "functions"
            label = f"functions-sdk {name} ({language})"
            if not app.is_dir():
                result.report(label, [f"{app} does not exist: build with --target all first"])
                continue
            if language == "python" and not PY_SDK.exists():
                result.skip(label, "the PyPI azure-functions package is not installed in .tools/functions-py")
                continue
            if language != "python" and not (TSC.exists() and (NODE_MODULES / "@azure" / "functions").is_dir()):
                result.skip(label, "@azure/functions and typescript are not installed in .tools/node")
                continue
            groups = connection_groups(env_dir)
            functions, err, notes = load(app, language, scratch)
            if functions is None:
                result.report(label, ["the real SDK could not load the app"], err)
                continue
            norm = normalise(functions)
            problems = check_app(norm, hubs, groups)
            result.report(f"{label}: {len(norm)} functions" + "".join(f", {n}" for n in notes), problems)
            if problems or language in mutated:
                continue
            mutated.add(language)
            for what in ("hub", "connection"):
                copy = scratch / "mutant"
                if copy.exists():
                    shutil.rmtree(copy)
                shutil.copytree(app, copy, ignore=shutil.ignore_patterns("node_modules", "dist", "__pycache__"))
                mutate(copy, language, what)
                # No type check: the point is what the SDK registers (tsc accepts both mutations, since the
                # SDK's generic options take any key and any string).
                functions, err, _ = load(copy, language, scratch, type_check=False)
                found = ["the SDK refused it"] if functions is None else check_app(normalise(functions), hubs, groups)
                kind = "a misspelt hubName" if what == "hub" else "a connection the infrastructure does not set"
                result.report(
                    f"functions-mutation {language}: {kind} is caught ({found[0] if found else 'not caught'})",
                    [] if found else ["the checker accepted an app whose binding the host would not read"],
                )
    print(f"{result.passed} passed, {result.failed} failed, {result.skipped} skipped")
    return 1 if result.failed else 0


if __name__ == "__main__":
    sys.exit(main())
