#!/usr/bin/env python3
"""Run a generated Pulumi program offline under Pulumi's mocks and hold it against its ARM twin.

Usage: .tools/pulumi/bin/python scripts/pulumi_check.py ENV_DIR [--config KEY=VALUE ...]
       .tools/pulumi/bin/python scripts/pulumi_check.py --registered ENV_DIR   (print what registered, as JSON)

ENV_DIR is one environment folder of `sigc build --target all`: it holds pulumi/ (Pulumi.yaml,
__main__.py) and arm/azuredeploy.json. The program runs with the real `pulumi` and
`pulumi-azure-native` SDKs, under `pulumi.runtime.set_mocks` and with PULUMI_ERROR_OUTPUT_STRING=1,
so an Output formatted into a string raises instead of writing "Calling __str__ on an Output[T]"
into a setting (the seed program's bug). Every resource the program registers is collected with
its inputs, as the engine would receive them (camelCase wire names).

The checks, each a line of the failure report:
  * every ARM resource (nested deployments are walked into: they are ARM's packaging, not Azure
    resources) has exactly one Pulumi twin of the mapped type and Azure name, and the program
    registers nothing else (types one for one, no duplicates: the seed declared SignalR twice);
  * every literal value of the ARM resource (location, sku, kind, identity, tags and each leaf of
    `properties`, which pulumi-azure-native flattens into top-level arguments) is equal in the
    twin's inputs; a value ARM computes (an `[...]` expression) must be present there;
  * no input holds the text of an unresolved Output.
Exit 0 when all hold, 1 with the differences, 2 on a usage or load error.
"""

from __future__ import annotations

import json
import os
import re
import runpy
import sys
from pathlib import Path
from typing import Any

# ARM resource type -> (Pulumi type token, the input that carries the Azure resource name).
# A type missing here fails the check: a new resource kind must be mapped, not skipped.
TYPES: dict[str, tuple[str, str]] = {
    "Microsoft.Resources/resourceGroups": ("azure-native:resources:ResourceGroup", "resourceGroupName"),
    "Microsoft.OperationalInsights/workspaces": ("azure-native:operationalinsights:Workspace", "workspaceName"),
    "Microsoft.Insights/components": ("azure-native:applicationinsights:Component", "resourceName"),
    "Microsoft.Web/serverfarms": ("azure-native:web:AppServicePlan", "name"),
    "Microsoft.Storage/storageAccounts": ("azure-native:storage:StorageAccount", "accountName"),
    "Microsoft.Storage/storageAccounts/blobServices/containers": ("azure-native:storage:BlobContainer", "containerName"),
    "Microsoft.Web/sites": ("azure-native:web:WebApp", "name"),
    "Microsoft.Web/sites/config": ("azure-native:web:WebAppApplicationSettings", "name"),
    # pulumi-azure-native has no typed resource for host keys: the generic resource PUTs it.
    "Microsoft.Web/sites/host/systemKeys": ("azure-native:resources:Resource", "resourceName"),
    "Microsoft.SignalRService/signalR": ("azure-native:signalrservice:SignalR", "resourceName"),
    "Microsoft.SignalRService/signalR/replicas": ("azure-native:signalrservice:SignalRReplica", "replicaName"),
    "Microsoft.Authorization/roleAssignments": ("azure-native:authorization:RoleAssignment", "roleAssignmentName"),
    "Microsoft.Authorization/locks": ("azure-native:authorization:ManagementLockAtResourceGroupLevel", "lockName"),
    "Microsoft.Insights/diagnosticSettings": ("azure-native:monitor:DiagnosticSetting", "name"),
    "Microsoft.Network/virtualNetworks": ("azure-native:network:VirtualNetwork", "virtualNetworkName"),
    "Microsoft.Network/virtualNetworks/subnets": ("azure-native:network:Subnet", "subnetName"),
    "Microsoft.Network/privateEndpoints": ("azure-native:network:PrivateEndpoint", "privateEndpointName"),
    "Microsoft.Network/privateEndpoints/privateDnsZoneGroups": ("azure-native:network:PrivateDnsZoneGroup", "privateDnsZoneGroupName"),
    "Microsoft.Network/privateDnsZones": ("azure-native:privatedns:PrivateZone", "privateZoneName"),
    "Microsoft.Network/privateDnsZones/virtualNetworkLinks": ("azure-native:privatedns:VirtualNetworkLink", "virtualNetworkLinkName"),
    "Microsoft.SignalRService/signalR/customCertificates": ("azure-native:signalrservice:SignalRCustomCertificate", "certificateName"),
    "Microsoft.SignalRService/signalR/customDomains": ("azure-native:signalrservice:SignalRCustomDomain", "name"),
}

# ARM keys that pulumi-azure-native does not flatten or names differently, per type:
# (ARM path) -> (Pulumi input path). Paths are tuples of keys.
RENAMES: dict[str, dict[tuple[str, ...], tuple[str, ...]]] = {
    # The generic resource keeps `properties` as one free-form argument.
    "Microsoft.Web/sites/host/systemKeys": {("properties",): ("properties",)},
    # A site's settings map (P14) is one `properties` argument too.
    "Microsoft.Web/sites/config": {("properties",): ("properties",)},
    "Microsoft.Insights/components": {
        ("properties", "Application_Type"): ("applicationType",),
        ("properties", "WorkspaceResourceId"): ("workspaceResourceId",),
    },
    "Microsoft.Storage/storageAccounts": {
        ("properties", "supportsHttpsTrafficOnly"): ("enableHttpsTrafficOnly",),
        ("properties", "networkAcls"): ("networkRuleSet",),
    },
    # Extension resources: ARM's `scope` is an argument in Pulumi.
    "Microsoft.Authorization/roleAssignments": {("scope",): ("scope",)},
    "Microsoft.Insights/diagnosticSettings": {("scope",): ("resourceUri",)},
}
# ARM keys compared where RENAMES maps them although they are ARM-only elsewhere.
SCOPED = {t for t, m in RENAMES.items() if ("scope",) in m}

ARM_ONLY_KEYS = {"type", "apiVersion", "name", "dependsOn", "metadata", "condition", "comments", "scope"}
OUTPUT_TEXT = re.compile(r"Calling __str__ on an Output|<pulumi\.output\.Output|Output\[")
# How the engine marks a secret value on the wire (pulumi/runtime/rpc.py _special_sig_key).
SECRET_SIG = "4dabf18193072939515e22adb298388d"
SECRET_VALUE = "1b47061264138c4ac30d75fd1eb44270"
# The resource an ARM expression names: the first name argument of resourceId(...) and
# subscriptionResourceId(...), and the arguments of a format() that spells a resource path.
RESOURCE_CALL = re.compile(r"(?:subscription)?[rR]esourceId\('[^']*',\s*'([^']*)'")
PATH_FORMAT = re.compile(r"format\('[^']*Microsoft\.[^']*',\s*((?:'[^']*'(?:,\s*)?)+)\)")


def is_expr(value: Any) -> bool:
    return isinstance(value, str) and value.startswith("[") and not value.startswith("[[")


def arm_resources(template: dict) -> list[dict]:
    """Every resource of the template, nested deployments' inner templates walked into."""
    out: list[dict] = []
    for r in template.get("resources", []):
        if r.get("type") == "Microsoft.Resources/deployments":
            out.extend(arm_resources(r.get("properties", {}).get("template", {})))
        else:
            out.append(r)
    return out


# Singleton children the SDK names by their owner (a site's `config/appsettings`).
OWNER_NAMED = {"Microsoft.Web/sites/config"}


def arm_leaf_name(r: dict) -> str | None:
    name = r.get("name", "")
    if is_expr(name):
        return None
    return name.split("/")[0] if r.get("type") in OWNER_NAMED else name.split("/")[-1]


# --- the mocks ------------------------------------------------------------------------------

SUB = "00000000-0000-0000-0000-000000000000"
# Inputs that name a child resource's owner.
OWNER_ARGS = ("resourceName", "accountName", "virtualNetworkName", "privateEndpointName", "privateZoneName")
PUBLISHED_PACKAGE = "https://mock.blob.core.windows.net/packages/published.zip"


def run_program(program_dir: Path, config: dict[str, str]) -> list[dict]:
    os.environ["PULUMI_ERROR_OUTPUT_STRING"] = "1"
    import pulumi  # noqa: PLC0415 (the SDK is only in .tools/pulumi)

    registered: list[dict] = []

    class Mocks(pulumi.runtime.Mocks):
        def new_resource(self, args: pulumi.runtime.MockResourceArgs):
            inputs = dict(args.inputs)
            token = args.typ
            azure_name = next((inputs[k] for _, (t, k) in TYPES.items() if t == token and k in inputs), args.name)
            registered.append({"type": token, "name": args.name, "inputs": inputs})
            state = dict(inputs)
            state.setdefault("name", azure_name)
            state.setdefault("defaultHostName", f"{azure_name}.azurewebsites.net")
            state.setdefault("hostName", f"{azure_name}.service.signalr.net")
            state.setdefault("connectionString", f"InstrumentationKey=mock-{azure_name}")
            state.setdefault("customerId", "mock-workspace-id")
            if token == "azure-native:storage:StorageAccount":
                state.setdefault("primaryEndpoints", {
                    svc: f"https://{azure_name}.{svc}.core.windows.net/" for svc in ("blob", "queue", "table", "file")})
            ident = state.get("identity")
            if isinstance(ident, dict):
                state["identity"] = dict(ident, principalId=f"principal-{azure_name}", tenantId="tenant")
            # A child's id names its owner too, as Azure's ids do.
            owners = [str(inputs[k]) for k in OWNER_ARGS if k in inputs and inputs[k] != azure_name]
            rid = "/".join([f"/subscriptions/{SUB}/mock/{token}", *owners, str(azure_name)])
            return [rid, state]

        def call(self, args: pulumi.runtime.MockCallArgs):
            if args.token == "azure-native:storage:listStorageAccountKeys":
                return {"keys": [{"keyName": "key1", "value": "mock-storage-key", "permissions": "Full"}]}
            if args.token == "azure-native:web:listWebAppHostKeys":
                return {"masterKey": "mock-master", "systemKeys": {"signalr_extension": "mock-system-key"}}
            if args.token == "azure-native:web:listWebAppApplicationSettings":
                # What publishing left on the site (P14): the program must carry it over.
                return {"properties": {"WEBSITE_RUN_FROM_PACKAGE": PUBLISHED_PACKAGE, "STALE": "removed from ENV.toml"}}
            if args.token == "azure-native:authorization:getClientConfig":
                return {"subscriptionId": SUB, "tenantId": "tenant", "clientId": "client", "objectId": "object"}
            return {}

    project = "sigc"
    yaml = program_dir / "Pulumi.yaml"
    if yaml.is_file():
        m = re.search(r"^name:\s*['\"]?([^'\"\n]+)", yaml.read_text(), re.M)
        if m:
            project = m.group(1).strip()
    pulumi.runtime.set_mocks(Mocks(), project=project, stack="check", preview=False)
    pulumi.runtime.set_all_config({f"{project}:{k}" if ":" not in k else k: v for k, v in config.items()})

    sys.path.insert(0, str(program_dir))

    @pulumi.runtime.test
    def program():
        runpy.run_path(str(program_dir / "__main__.py"), run_name="__main__")

    program()
    return registered


# --- the comparison -------------------------------------------------------------------------


def unwrap(value: Any, path: tuple[str, ...], secrets: set[tuple[str, ...]]) -> Any:
    """The plain value, with the path of every secret the engine would receive recorded."""
    if isinstance(value, dict):
        if value.get(SECRET_SIG) == SECRET_VALUE:
            secrets.add(path)
            return unwrap(value.get("value"), path, secrets)
        return {k: unwrap(v, path + (k,), secrets) for k, v in value.items()}
    if isinstance(value, list):
        return [unwrap(v, path + (str(i),), secrets) for i, v in enumerate(value)]
    return value


def named_in(expr: str) -> list[str]:
    """The resource names an ARM expression refers to (see RESOURCE_CALL)."""
    names = RESOURCE_CALL.findall(expr)
    for args in PATH_FORMAT.findall(expr):
        names.extend(re.findall(r"'([^']*)'", args))
    return names


def get_path(obj: Any, path: tuple[str, ...]) -> tuple[bool, Any]:
    for key in path:
        if isinstance(obj, dict) and key in obj:
            obj = obj[key]
        elif isinstance(obj, list) and key.isdigit() and int(key) < len(obj):
            obj = obj[int(key)]
        else:
            return False, None
    return True, obj


def equal(a: Any, b: Any) -> bool:
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b or (isinstance(b, str) and str(a).lower() == b.lower())
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return float(a) == float(b)
    return a == b


def leaves(value: Any, path: tuple[str, ...]):
    """(path, value) of every leaf; an expression or empty container is a leaf of its own."""
    if isinstance(value, dict) and value:
        for k, v in value.items():
            yield from leaves(v, path + (k,))
    elif isinstance(value, list) and value:
        for i, v in enumerate(value):
            yield from leaves(v, path + (str(i),))
    else:
        yield path, value


def pulumi_path(arm_type: str, path: tuple[str, ...]) -> tuple[str, ...]:
    for src, dst in RENAMES.get(arm_type, {}).items():
        if path[: len(src)] == src:
            return dst + path[len(src):]
    # The SDK flattens `properties` at every level (a subnet's addressPrefix is its own argument).
    return tuple(seg for seg in path if seg != "properties")


# Pulumi config key -> the ARM template parameter it stands for (the two-step switch).
CONFIG_TO_PARAM = {"signalr_upstream_enabled": "signalRUpstreamEnabled"}
SWITCHED = re.compile(r"^\[if\(parameters\('(\w+)'\),")


def switched_off(value: str, params: dict[str, bool]) -> bool:
    """An `[if(parameters('P'), on, off)]` whose parameter is false: ARM takes the `off` branch
    (an empty list here), so the `on` branch's references and key reads do not apply."""
    m = SWITCHED.match(value)
    return bool(m) and params.get(m.group(1)) is False


def compare(arm: dict, registered: list[dict], config: dict[str, str] | None = None) -> list[str]:
    params = {n: p.get("defaultValue") for n, p in arm.get("parameters", {}).items() if p.get("type") == "bool"}
    for key, value in (config or {}).items():
        if key in CONFIG_TO_PARAM:
            params[CONFIG_TO_PARAM[key]] = value.lower() == "true"
    problems: list[str] = []
    pool = [r for r in registered if not r["type"].startswith("pulumi:")]
    for r in pool:
        for path, v in leaves(r["inputs"], ()):
            if isinstance(v, str) and OUTPUT_TEXT.search(v):
                problems.append(f"{r['type']} {r['name']}: input {'.'.join(path)} holds an unresolved Output: {v[:80]!r}")
    for r in pool:
        secrets: set[tuple[str, ...]] = set()
        r["inputs"] = unwrap(r["inputs"], (), secrets)
        r["secrets"] = secrets
    seen: set[tuple[str, str]] = set()
    for r in pool:
        token, key = next(((t, k) for t, k in TYPES.values() if t == r["type"]), (r["type"], ""))
        owners = tuple(str(r["inputs"].get(k, "")).lower() for k in OWNER_ARGS if k != key)
        ident = (token, str(r["inputs"].get(key, r["name"])).lower(), owners)
        if ident in seen and key:
            problems.append(f"duplicate resource: {token} {ident[1]!r} is registered twice")
        seen.add(ident)

    for res in arm_resources(arm):
        t = res.get("type", "?")
        if t not in TYPES:
            problems.append(f"ARM type {t} has no Pulumi mapping in scripts/pulumi_check.py TYPES")
            continue
        token, name_key = TYPES[t]
        leaf = arm_leaf_name(res)
        candidates = [p for p in pool if p["type"] == token]
        if leaf is not None:
            candidates = [p for p in candidates if str(p["inputs"].get(name_key, "")).lower() == leaf.lower()]
            # A child is named within its owner (every private endpoint's zone group is `default`).
            full = res.get("name", "")
            if "/" in full and t not in OWNER_NAMED:
                owner = full.split("/")[0].lower()
                candidates = [p for p in candidates if owner in {str(p["inputs"].get(k, "")).lower() for k in OWNER_ARGS}
                              or owner in str(p["inputs"].get("parentResourcePath", "")).lower()]
        else:
            # A computed name (role assignments): match on the literal leaves instead.
            candidates = [p for p in candidates if not mismatches(t, res, p, params)]
        if not candidates:
            problems.append(f"ARM {t} {leaf or res.get('name')!r}: no Pulumi {token} with {name_key} = that name")
            continue
        twin = candidates[0]
        pool.remove(twin)
        for m in mismatches(t, res, twin, params):
            problems.append(f"ARM {t} {leaf or res.get('name')!r}: {m}")
    for extra in pool:
        problems.append(f"Pulumi registers {extra['type']} {extra['name']!r} that the ARM template does not have")
    # P14: a settings resource keeps what publishing added and only that.
    for r in registered:
        if r["type"] == "azure-native:web:WebAppApplicationSettings":
            props = r["inputs"].get("properties") or {}
            if props.get("WEBSITE_RUN_FROM_PACKAGE") != PUBLISHED_PACKAGE:
                problems.append(f"{r['name']}: the published WEBSITE_RUN_FROM_PACKAGE is not carried over (P14)")
            if "STALE" in props:
                problems.append(f"{r['name']}: a setting that is not the stack's or publishing's is kept")
    return problems


def mismatches(arm_type: str, res: dict, twin: dict, params: dict[str, bool]) -> list[str]:
    out = []
    keep = {k: v for k, v in res.items() if k not in ARM_ONLY_KEYS or (k == "scope" and arm_type in SCOPED)}
    for path, v in leaves(keep, ()):
        ppath = pulumi_path(arm_type, path)
        found, got = get_path(twin["inputs"], ppath)
        where = ".".join(path)
        secret = any(ppath[:i] in twin["secrets"] for i in range(len(ppath) + 1))
        if is_expr(v):
            if not found:
                out.append(f"{where} is computed in ARM ({v[:60]}...) but missing in Pulumi ({'.'.join(ppath)})")
                continue
            if switched_off(v, params):
                continue
            text = got if isinstance(got, str) else json.dumps(got, sort_keys=True)
            for name in named_in(v):
                if name.lower() not in text.lower():
                    out.append(f"{where} refers to {name!r} in ARM; Pulumi's value {got!r} does not")
            if "listKeys(" in v and not secret:
                out.append(f"{where} is read with listKeys in ARM; in Pulumi it is not a secret")
        elif v in ({}, []):
            continue
        elif isinstance(v, str) and v.startswith("[["):
            v = v[1:]  # ARM's escape for a literal string that starts with `[`
            if not found:
                out.append(f"{where} = {v!r} in ARM, missing in Pulumi ({'.'.join(ppath)})")
            elif not equal(v, got):
                out.append(f"{where} = {v!r} in ARM, {got!r} in Pulumi")
        elif not found:
            out.append(f"{where} = {v!r} in ARM, missing in Pulumi ({'.'.join(ppath)})")
        elif not equal(v, got):
            out.append(f"{where} = {v!r} in ARM, {got!r} in Pulumi")
    return out


def main(argv: list[str]) -> int:
    args = list(argv)
    show = "--registered" in args
    if show:
        args.remove("--registered")
    config: dict[str, str] = {}
    while "--config" in args:
        i = args.index("--config")
        k, _, v = args[i + 1].partition("=")
        config[k] = v
        del args[i : i + 2]
    if len(args) != 1:
        print(__doc__, file=sys.stderr)
        return 2
    env = Path(args[0])
    program_dir, arm_file = env / "pulumi", env / "arm" / "azuredeploy.json"
    if not (program_dir / "__main__.py").is_file() or not arm_file.is_file():
        print(f"pulumi_check: {env} needs pulumi/__main__.py and arm/azuredeploy.json", file=sys.stderr)
        return 2
    registered = run_program(program_dir, config)
    if show:
        print(json.dumps(registered, indent=1, sort_keys=True, default=str))
        return 0
    problems = compare(json.loads(arm_file.read_text()), registered, config)
    for p in problems:
        print(p)
    count = len([r for r in registered if not r["type"].startswith("pulumi:")])
    print(f"pulumi_check: {env.name}: {count} resources registered, {len(problems)} differences from ARM")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
