#!/usr/bin/env python3
"""Write schemas/pulumi/sdk.json: what sigc's Pulumi printer must know of pulumi-azure-native.

Usage: .tools/pulumi/bin/python scripts/vendor-pulumi-sdk.py [ARM_TEMPLATE ...]

For each ARM resource type the pulumi target emits, the real SDK (the version pinned in
scripts/tools/pulumi.txt) is introspected: its Python module and class, the Azure REST API version the SDK uses for it, and for every argument
the ARM template uses, the Python argument name (`network_acls` for ARM's `networkACLs`,
`resource_name_` where the name would clash with the Pulumi resource name), its nested
arguments, and the enum class and members where the SDK types the field as an enum.

Only the ARM paths that the given templates use are kept, so the table stays small and
reviewable; the printer refuses an ARM path that is not in it, naming this script. Run it again
after adding a setting. Without arguments it builds its own templates with target/debug/sigc:
every examples/*.toml and tests/fixtures/**/*.toml that builds, and every plan x wiring x upstream
auth combination (MATRIX).
"""

from __future__ import annotations

import enum
import importlib
import inspect
import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path

from pulumi._types import input_type_py_to_pulumi_names

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "schemas" / "pulumi" / "sdk.json"

# ARM type -> (module, resource class, the wire name of the argument holding the Azure name).
# The same table as scripts/pulumi_check.py's TYPES, in SDK terms.
TYPES = {
    "Microsoft.Resources/resourceGroups": ("resources", "ResourceGroup", "resourceGroupName"),
    "Microsoft.OperationalInsights/workspaces": ("operationalinsights", "Workspace", "workspaceName"),
    "Microsoft.Insights/components": ("applicationinsights", "Component", "resourceName"),
    "Microsoft.Web/serverfarms": ("web", "AppServicePlan", "name"),
    "Microsoft.Storage/storageAccounts": ("storage", "StorageAccount", "accountName"),
    "Microsoft.Storage/storageAccounts/blobServices/containers": ("storage", "BlobContainer", "containerName"),
    "Microsoft.Web/sites": ("web", "WebApp", "name"),
    # The site's `config/appsettings` (P14): the SDK names it by the site.
    "Microsoft.Web/sites/config": ("web", "WebAppApplicationSettings", "name"),
    "Microsoft.Web/sites/host/systemKeys": ("resources", "Resource", "resourceName"),
    "Microsoft.SignalRService/signalR": ("signalrservice", "SignalR", "resourceName"),
    "Microsoft.SignalRService/signalR/replicas": ("signalrservice", "SignalRReplica", "replicaName"),
    "Microsoft.Authorization/roleAssignments": ("authorization", "RoleAssignment", "roleAssignmentName"),
    "Microsoft.Authorization/locks": ("authorization", "ManagementLockAtResourceGroupLevel", "lockName"),
    "Microsoft.Insights/diagnosticSettings": ("monitor", "DiagnosticSetting", "name"),
    # Issue 10: private networking, replicas, custom domain.
    "Microsoft.Network/virtualNetworks": ("network", "VirtualNetwork", "virtualNetworkName"),
    "Microsoft.Network/virtualNetworks/subnets": ("network", "Subnet", "subnetName"),
    "Microsoft.Network/privateEndpoints": ("network", "PrivateEndpoint", "privateEndpointName"),
    "Microsoft.Network/privateEndpoints/privateDnsZoneGroups": ("network", "PrivateDnsZoneGroup", "privateDnsZoneGroupName"),
    "Microsoft.Network/privateDnsZones": ("privatedns", "PrivateZone", "privateZoneName"),
    "Microsoft.Network/privateDnsZones/virtualNetworkLinks": ("privatedns", "VirtualNetworkLink", "virtualNetworkLinkName"),
    "Microsoft.SignalRService/signalR/customCertificates": ("signalrservice", "SignalRCustomCertificate", "certificateName"),
    "Microsoft.SignalRService/signalR/customDomains": ("signalrservice", "SignalRCustomDomain", "name"),
}

# ARM keys the SDK spells differently on the wire (pulumi-azure-native renames them).
WIRE_RENAMES = {
    "Microsoft.Storage/storageAccounts": {"supportsHttpsTrafficOnly": "enableHttpsTrafficOnly", "networkAcls": "networkRuleSet"},
    "Microsoft.Insights/components": {"Application_Type": "applicationType", "WorkspaceResourceId": "workspaceResourceId"},
}

# Structure ARM builds inside an expression (createObject), invisible in the JSON tree.
COMPUTED = {
    "Microsoft.SignalRService/signalR": {
        "upstream": {"templates": {"hubPattern": {}, "eventPattern": {}, "categoryPattern": {}, "urlTemplate": {},
                                   "auth": {"type": {}, "managedIdentity": {"resource": {}}}}},
    },
}


def merge(into: dict, tree: dict) -> None:
    for k, v in tree.items():
        merge(into.setdefault(k, {}), v)


FORWARD = re.compile(r"ForwardRef\('([A-Za-z0-9_]+)'\)")


def arg_types(cls: type) -> dict[str, str]:
    """Python argument name -> repr of its annotation, for an Args class."""
    sig = inspect.signature(cls.__init__)
    return {n: repr(p.annotation) for n, p in sig.parameters.items() if n != "__self__"}


def describe(module, cls: type, used: dict) -> dict:
    """The entries of `used` (a tree of ARM keys) in SDK terms."""
    py_to_wire = input_type_py_to_pulumi_names(cls)
    wire_to_py = {w: p for p, w in py_to_wire.items()}
    types = arg_types(cls)
    out = {}
    for wire, sub in sorted(used.items()):
        py = wire_to_py.get(wire)
        if py is None:
            continue
        entry: dict = {"py": py}
        refs = FORWARD.findall(types.get(py, ""))
        is_list = "Sequence[" in types.get(py, "")
        for ref in refs:
            target = getattr(module, ref, None)
            if isinstance(target, type) and issubclass(target, enum.Enum):
                entry["enum"] = ref
                entry["members"] = {m.value: m.name for m in target}
            elif isinstance(target, type) and ref.endswith("Args") and sub:
                entry["args" if not is_list else "items"] = describe(module, target, sub)
        out[wire] = entry
    return out


def used_paths(templates: list[Path]) -> dict[str, dict]:
    """ARM type -> tree of the keys its resources use (properties flattened, as the SDK does)."""
    trees: dict[str, dict] = {}

    def walk(value, tree: dict) -> None:
        if isinstance(value, dict):
            for k, v in value.items():
                # Nested ARM `properties` are flattened by the SDK too (a subnet's addressPrefix).
                walk(v, tree if k == "properties" and isinstance(v, dict) else tree.setdefault(k, {}))
        elif isinstance(value, list):
            for v in value:
                walk(v, tree)

    def resources(template: dict):
        for r in template.get("resources", []):
            if r.get("type") == "Microsoft.Resources/deployments":
                yield from resources(r.get("properties", {}).get("template", {}))
            else:
                yield r

    for path in templates:
        for r in resources(json.loads(path.read_text())):
            t = r["type"]
            tree = trees.setdefault(t, {})
            renames = WIRE_RENAMES.get(t, {})
            top = {k: v for k, v in r.items() if k not in ("type", "apiVersion", "name", "dependsOn", "metadata", "properties", "condition")}
            props = r.get("properties", {})
            if isinstance(props, str):
                # Computed as a whole (a site's settings map, P14): nothing to flatten.
                flat = dict(top)
            else:
                flat = dict(top, **{renames.get(k, k): v for k, v in props.items()})
            walk(flat, tree)
            merge(tree, COMPUTED.get(t, {}))
            tree.setdefault(TYPES[t][2], {})
            # Arguments the printer adds that ARM spells elsewhere: the resource group, an
            # extension resource's target, a child's owner (unknown names are dropped below).
            for extra in ("resourceGroupName", "resourceUri", "accountName", "name", "resourceName", "virtualNetworkName",
                          "privateEndpointName", "privateZoneName"):
                tree.setdefault(extra, {})
    return trees


MATRIX = """
[environment]
name = "m{i}"
workload = "chat"
location = "westeurope"
profile = "production"
[signalr]
sku = "Standard_S1"
local_auth = false
[signalr.cors]
allowed_origins = ["https://app.example.com"]
[signalr.upstream]
wiring = "{wiring}"
auth = "{auth}"
{audience}
[functions]
plan = "{plan}"
"""


def build_templates(scratch: Path) -> list[Path]:
    sigc = ROOT / "target" / "debug" / "sigc"
    sources = sorted((ROOT / "examples").glob("*.toml")) + sorted((ROOT / "tests" / "fixtures").rglob("*.toml"))
    i = 0
    for plan in ("FC1", "Y1", "EP1"):
        for wiring in ("one-apply", "two-step"):
            for auth in ("none", "managed-identity"):
                i += 1
                audience = 'audience = "11111111-2222-3333-4444-555555555555"' if auth != "none" else ""
                path = scratch / f"m{i}.toml"
                path.write_text(MATRIX.format(i=i, plan=plan, wiring=wiring, auth=auth, audience=audience))
                sources.append(path)
    for n, source in enumerate(sources):
        subprocess.run([str(sigc), "build", str(source), "--out", str(scratch / f"out{n}"), "--target", "arm"],
                       capture_output=True)
    return sorted(scratch.glob("out*/*/arm/azuredeploy.json"))


def main(argv: list[str]) -> int:
    scratch = tempfile.TemporaryDirectory(prefix="sigc-vendor-pulumi-")
    templates = [Path(a) for a in argv] or build_templates(Path(scratch.name))
    if not templates:
        print("vendor-pulumi-sdk: no ARM templates (cargo build first)", file=sys.stderr)
        return 2
    used = used_paths(templates)
    from importlib import metadata

    out = {
        "_comment": "Generated by scripts/vendor-pulumi-sdk.py from the pinned pulumi-azure-native: do not edit.",
        "pulumi": metadata.version("pulumi"),
        "azure_native": metadata.version("pulumi_azure_native"),
        "types": {},
    }
    for t, tree in sorted(used.items()):
        if t not in TYPES:
            print(f"vendor-pulumi-sdk: no SDK mapping for {t}: add it to TYPES", file=sys.stderr)
            return 1
        mod_name, cls_name, name_wire = TYPES[t]
        module = importlib.import_module(f"pulumi_azure_native.{mod_name}")
        # The resource's own Args class, from its module: the package namespace may hold an
        # input type of the same name (network.VirtualNetworkArgs is the nested one).
        # Where the names collide the SDK calls the resource's own class `<Class>InitArgs`.
        own = sys.modules[getattr(module, cls_name).__module__]
        args_cls = getattr(own, f"{cls_name}InitArgs", None) or getattr(own, f"{cls_name}Args")
        if "properties" in inspect.signature(args_cls.__init__).parameters:
            # The SDK takes the ARM body as one `properties` argument (the generic resource,
            # a site's settings map): the printer passes it whole.
            tree = dict(tree, properties={})
        args = describe(module, args_cls, tree)
        for arg in args.values():
            # The constructor's first parameter is the Pulumi name `resource_name`; the SDK
            # spells an argument of that name `resource_name_` there.
            if arg["py"] == "resource_name":
                arg["py"] = "resource_name_"
        api = re.search(r"Uses Azure REST API version (\S+?)\.?\s", inspect.getsource(getattr(module, cls_name)))
        entry = {"module": mod_name, "class": cls_name, "token": f"azure-native:{mod_name}:{cls_name}",
                 "api": api.group(1) if api else "", "name_arg": name_wire, "renames": WIRE_RENAMES.get(t, {}), "args": args}
        out["types"][t] = entry
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(out, indent=1, sort_keys=True) + "\n")
    print(f"vendor-pulumi-sdk: wrote {OUT.relative_to(ROOT)} ({len(out['types'])} types from {len(templates)} templates)")
    scratch.cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
