//! The `pulumi` target: a Python program on pulumi-azure-native 3.x, printed from the same
//! ARM-shaped lowering as the `arm` and `bicep` targets ([`super::arm_model`]), so it deploys
//! the same resources with the same settings, in the graph's dependency order.
//!
//! What this printer must know of the SDK (the Python module and class of each ARM type, the
//! Python spelling of each argument, which fields are enums and their members) is not guessed
//! from camelCase: it is `schemas/pulumi/sdk.json`, introspected from the pinned SDK by
//! `scripts/vendor-pulumi-sdk.py`. A setting missing there is refused here (a sigc bug, named
//! with the script to run), never printed under a guessed name: the seed program's
//! `network_ac_ls=` is that guess.
//!
//! Values: literals print as Python literals (strings through [`py_str`], the one escaping
//! place for Python); a value ARM computes prints as a `pulumi.Output` expression. Every value
//! read with `listKeys` is wrapped in `pulumi.Output.secret`, so Pulumi encrypts it in the state
//! and never shows it. The seed's `AzureWebJobsStorage` bug (formatting an Output with
//! `str()`) cannot happen: strings that hold outputs are built with `pulumi.Output.format` /
//! `concat`.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::sync::OnceLock;

use anyhow::{bail, Context, Result};
use serde::Deserialize;

use super::arm_model::{self, Expr, Item, Node, Ref, ResName, Resource, Stack, LOCATION, UPSTREAM_SWITCH};
use super::functions::py_str;
use super::Artifact;
use crate::graph::ResourceGraph;

/// The Pulumi config key of the two-step switch (as in Terraform: `signalr_upstream_enabled`).
pub const UPSTREAM_CONFIG: &str = "signalr_upstream_enabled";

pub fn emit(graph: &ResourceGraph) -> Result<Vec<Artifact>> {
    let stack = arm_model::lower(graph)?;
    let sdk = sdk()?;
    let program = Program::new(&stack, sdk).print()?;
    Ok(vec![
        Artifact::new("pulumi/Pulumi.yaml", project(&stack)),
        Artifact::new("pulumi/__main__.py", program),
        Artifact::new(
            "pulumi/requirements.txt",
            format!("pulumi=={}\npulumi-azure-native=={}\n", sdk.pulumi, sdk.azure_native),
        ),
    ])
}

// --- the SDK table ----------------------------------------------------------------------------

#[derive(Debug, Deserialize)]
struct Sdk {
    pulumi: String,
    azure_native: String,
    types: BTreeMap<String, SdkType>,
}

#[derive(Debug, Deserialize)]
struct SdkType {
    module: String,
    class: String,
    /// The Azure REST API version the SDK sends (pulumi-azure-native 3.x has one per type).
    api: String,
    /// The wire name of the argument that holds the Azure name (`resourceName`).
    name_arg: String,
    /// ARM keys the SDK spells differently on the wire.
    #[serde(default)]
    renames: BTreeMap<String, String>,
    args: BTreeMap<String, Arg>,
}

#[derive(Debug, Deserialize)]
struct Arg {
    py: String,
    #[serde(rename = "enum")]
    enum_class: Option<String>,
    #[serde(default)]
    members: BTreeMap<String, String>,
    args: Option<BTreeMap<String, Arg>>,
    items: Option<BTreeMap<String, Arg>>,
}

fn sdk() -> Result<&'static Sdk> {
    static SDK: OnceLock<Result<Sdk, String>> = OnceLock::new();
    SDK.get_or_init(|| serde_json::from_str(include_str!("../../schemas/pulumi/sdk.json")).map_err(|e| e.to_string()))
        .as_ref()
        .map_err(|e| anyhow::anyhow!("schemas/pulumi/sdk.json: {e}"))
}

// --- Python syntax (strings: `functions::py_str`, the one Python escaper) ------------------------

/// A `#` comment line: no line break can end it early.
fn py_comment(s: &str) -> String {
    let one_line: String = s.chars().map(|c| if c.is_control() { ' ' } else { c }).collect();
    format!("# {one_line}")
}

/// A YAML scalar holding exactly `s`: a JSON string is a valid YAML double-quoted scalar.
fn yaml_str(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| "\"\"".into())
}

/// `functionApp` -> `function_app`, `signalRWebhookPath` -> `signalr_webhook_path`.
fn snake(camel: &str) -> String {
    let mut out = String::new();
    for (i, c) in camel.chars().enumerate() {
        if c.is_ascii_uppercase() {
            if i > 0 {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out.replace("signal_r", "signalr")
}

/// Lines longer than this are broken inside their brackets, one item a line (what black
/// would do), so a reviewer reads one setting per line in a PR.
const WIDTH: usize = 100;

/// Lays out one Python expression or `name=value` starting at column `indent`: if it is too
/// wide, the top-level bracket with the most inside is opened, its items (split at top-level
/// commas) go one a line, each laid out again. Nothing inside a string literal is touched.
fn layout(code: &str, indent: usize) -> String {
    if indent + code.len() <= WIDTH {
        return code.to_string();
    }
    let Some((open, close)) = widest_group(code) else {
        return code.to_string();
    };
    let items = split_top(&code[open + 1..close]);
    if items.is_empty() {
        return code.to_string();
    }
    // A grouping `(x if c else y)` is not a call: a trailing comma would make it a tuple.
    let grouping = code.as_bytes()[open] == b'('
        && (code[..open].trim_end().is_empty() || code[..open].trim_end().ends_with(['=', '(', '[', '{', ',', ':']));
    let pad = " ".repeat(indent + 4);
    let mut out = String::with_capacity(code.len() + items.len() * (pad.len() + 2));
    out.push_str(&code[..=open]);
    out.push('\n');
    for item in items {
        out.push_str(&pad);
        out.push_str(&layout(item, indent + 4));
        out.push_str(if grouping { "\n" } else { ",\n" });
    }
    out.push_str(&" ".repeat(indent));
    out.push_str(&code[close..]);
    out
}

/// Byte offsets of the top-level `(`/`[`/`{` group with the longest content, and its close.
fn widest_group(code: &str) -> Option<(usize, usize)> {
    let bytes = code.as_bytes();
    let (mut depth, mut start, mut best): (usize, usize, Option<(usize, usize)>) = (0, 0, None);
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'"' => i = skip_string(bytes, i),
            b'(' | b'[' | b'{' => {
                if depth == 0 {
                    start = i;
                }
                depth += 1;
            }
            b')' | b']' | b'}' => {
                depth = depth.saturating_sub(1);
                if depth == 0 && best.is_none_or(|(o, c)| i - start > c - o) {
                    best = Some((start, i));
                }
            }
            _ => {}
        }
        i += 1;
    }
    best.filter(|(o, c)| c > &(o + 1))
}

/// The items of a bracket's content, split at its top-level commas (a trailing one dropped).
fn split_top(inner: &str) -> Vec<&str> {
    let bytes = inner.as_bytes();
    let (mut depth, mut from, mut out) = (0usize, 0usize, Vec::new());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'"' => i = skip_string(bytes, i),
            b'(' | b'[' | b'{' => depth += 1,
            b')' | b']' | b'}' => depth = depth.saturating_sub(1),
            b',' if depth == 0 => {
                out.push(inner[from..i].trim());
                from = i + 1;
            }
            _ => {}
        }
        i += 1;
    }
    let last = inner[from..].trim();
    if !last.is_empty() {
        out.push(last);
    }
    out
}

/// The index of the closing quote of the string literal opening at `at` ([`py_str`]'s form).
fn skip_string(bytes: &[u8], at: usize) -> usize {
    let mut i = at + 1;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 1,
            b'"' => return i,
            _ => {}
        }
        i += 1;
    }
    i
}

fn project(stack: &Stack) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "# Generated by sigc from ENV.toml: do not edit. Deploy with `pulumi up`."
    );
    let _ = writeln!(
        out,
        "name: {}",
        yaml_str(&format!("sigc-{}-{}", stack.workload, stack.environment))
    );
    let _ = writeln!(
        out,
        "runtime:\n  name: python\n  options:\n    toolchain: pip\n    virtualenv: venv"
    );
    let _ = writeln!(
        out,
        "description: {}",
        yaml_str(&format!(
            "Azure SignalR serverless stack {} / {} (the same resources as the ARM target)",
            stack.workload, stack.environment
        ))
    );
    let _ = writeln!(out, "config:");
    let _ = writeln!(
        out,
        "  {LOCATION}:\n    type: string\n    default: {}",
        yaml_str(&stack.location)
    );
    if stack.two_step() {
        let _ = writeln!(out, "  {UPSTREAM_CONFIG}:\n    type: boolean\n    default: false");
    }
    out
}

// --- the program ------------------------------------------------------------------------------

/// A printed Python expression, and whether it is a `pulumi.Output` (then strings built from
/// it need `pulumi.Output.format`/`concat`).
struct Py {
    code: String,
    output: bool,
}

impl Py {
    fn plain(code: String) -> Py {
        Py { code, output: false }
    }
    fn output(code: String) -> Py {
        Py { code, output: true }
    }
}

struct Program<'a> {
    stack: &'a Stack,
    sdk: &'a Sdk,
    /// Python variable of each declaration.
    vars: BTreeMap<Ref, String>,
    /// SDK modules the program imports.
    modules: BTreeSet<String>,
    /// Whether `uuid` / the client config are used.
    uuid: bool,
    client_config: bool,
    /// Whether `_union` (ARM's `union()` of objects) is used.
    union_helper: bool,
    /// Resources outside the stack a module acts on, by their full resource id.
    external: BTreeMap<Ref, String>,
    /// The resources the one being printed depends on (invokes wait for them too).
    waits: Vec<String>,
}

impl<'a> Program<'a> {
    fn new(stack: &'a Stack, sdk: &'a Sdk) -> Program<'a> {
        let vars = stack.resources().map(|r| (r.key, snake(&r.symbol))).collect();
        Program {
            stack,
            sdk,
            vars,
            modules: BTreeSet::new(),
            uuid: false,
            client_config: false,
            union_helper: false,
            external: BTreeMap::new(),
            waits: Vec::new(),
        }
    }

    fn var(&self, r: Ref) -> Result<&str> {
        self.vars
            .get(&r)
            .map(String::as_str)
            .with_context(|| format!("{r:?} has no Python variable"))
    }

    fn sdk_type(&self, ty: &str) -> Result<&'a SdkType> {
        self.sdk.types.get(ty).with_context(|| {
            format!("schemas/pulumi/sdk.json has no {ty}: run scripts/vendor-pulumi-sdk.py on a template that has it")
        })
    }

    fn print(mut self) -> Result<String> {
        let mut body = String::new();
        let rg = &self.stack.resource_group;
        body.push_str(&self.resource(rg)?);
        for item in &self.stack.items {
            match item {
                Item::Var(v) => {
                    let value = self.expr(&v.value, None)?;
                    let _ = writeln!(body, "{}\n", layout(&format!("{} = {}", snake(v.name), value.code), 0));
                }
                Item::Resource(r) if r.existing => {}
                Item::Resource(r) if r.module.is_some() => body.push_str(&self.module_call(r)?),
                Item::Resource(r) => body.push_str(&self.resource(r)?),
            }
        }
        let mut exports = String::new();
        for o in &self.stack.outputs {
            let value = self.expr(&o.value, None)?;
            let _ = writeln!(
                exports,
                "{}",
                layout(&format!("pulumi.export({}, {})", py_str(o.name), value.code), 0)
            );
        }
        let _ = writeln!(
            exports,
            "pulumi.export({}, {}.name)",
            py_str("resource_group_name"),
            self.var(rg.key)?
        );

        let mut out = String::new();
        let _ = writeln!(
            out,
            "\"\"\"Azure SignalR serverless stack, generated by sigc from ENV.toml: do not edit.\n\n\
             The same resources and settings as the ARM target (arm/azuredeploy.json), in the\n\
             dependency order of sigc's graph, on the SDK versions pinned in requirements.txt.\n\"\"\"\n"
        );
        let _ = writeln!(
            out,
            "{}",
            py_comment(&format!(
                "workload {} / environment {}",
                self.stack.workload, self.stack.environment
            ))
        );
        if self.uuid {
            out.push_str("import uuid\n\n");
        }
        out.push_str("import pulumi\n");
        let modules: Vec<&str> = self.modules.iter().map(String::as_str).collect();
        let _ = writeln!(
            out,
            "{}\n",
            layout(&format!("from pulumi_azure_native import ({})", modules.join(", ")), 0)
        );
        out.push_str("config = pulumi.Config()\n");
        let _ = writeln!(
            out,
            "{LOCATION} = config.get({}) or {}",
            py_str(LOCATION),
            py_str(&self.stack.location)
        );
        if self.stack.two_step() {
            out.push_str(
                "# Second deploy step: set to true once the function code (with its SignalR trigger) is\n\
                 # published, so the host key the SignalR upstream needs exists.\n",
            );
            let _ = writeln!(
                out,
                "{UPSTREAM_CONFIG} = config.get_bool({}) or False",
                py_str(UPSTREAM_CONFIG)
            );
        }
        if self.client_config {
            out.push_str("client_config = authorization.get_client_config_output()\n");
        }
        if self.union_helper {
            out.push_str(
                "\n\ndef _union(parts: list[dict[str, str]]) -> dict[str, str]:\n    \"\"\"ARM's union() of objects: later keys win.\"\"\"\n    merged: dict[str, str] = {}\n    for part in parts:\n        merged.update(part)\n    return merged\n\n",
            );
        }
        out.push('\n');
        out.push_str(&body);
        out.push_str(&exports);
        Ok(out)
    }

    /// A module call (ARM: a nested deployment). Pulumi has no deployments: the template's
    /// resources are written in place, its parameters substituted, under the call's Python
    /// name and after what the call comes after. Inside the template the resource it acts on
    /// is an `existing` declaration named by a parameter: that is the graph's own resource,
    /// so its variable stands in for it.
    fn module_call(&mut self, decl: &Resource) -> Result<String> {
        let stack = self.stack;
        let call = decl.module.as_ref().context("a module call")?;
        let template = stack.templates.get(call.template).context("the called template")?;
        let items = arm_model::substitute_items(&template.items, &call.params);
        let var = self.var(decl.key)?.to_string();
        let mut deployed = Vec::new();
        for item in &items {
            let Item::Resource(r) = item else {
                bail!("a variable in a module template")
            };
            if !r.existing {
                deployed.push(r.as_ref());
                continue;
            }
            // Locals are per template: an earlier call's binding must not leak into this one.
            self.external.remove(&r.key);
            match (&r.name, &call.target) {
                (ResName::Computed(Expr::Name(target)), None) => {
                    let alias = self.var(*target)?.to_string();
                    self.vars.insert(r.key, alias);
                }
                // A resource outside the stack (the custom domain's Key Vault): its id, as ARM
                // spells it in the group the module deploys into.
                (ResName::Computed(Expr::Str(name)), Some((subscription, group))) => {
                    let id = format!(
                        "/subscriptions/{subscription}/resourceGroups/{group}/providers/{}/{name}",
                        r.ty
                    );
                    self.external.insert(r.key, id);
                }
                _ => bail!(
                    "the existing {} in a module is neither a stack resource nor an external one",
                    r.symbol
                ),
            }
        }
        let mut out = String::new();
        let single = deployed.len() == 1;
        for r in deployed {
            let name = if single {
                var.clone()
            } else {
                format!("{var}_{}", snake(&r.symbol))
            };
            self.vars.insert(r.key, name);
            let mut r = r.clone();
            r.depends_on.clone_from(&decl.depends_on);
            out.push_str(&self.resource(&r)?);
        }
        Ok(out)
    }

    /// One declaration: `var = module.Class("name", arg=..., opts=...)`.
    fn resource(&mut self, r: &Resource) -> Result<String> {
        let ty = self.sdk_type(r.ty)?;
        self.modules.insert(ty.module.clone());
        self.waits = r
            .depends_on
            .iter()
            .filter(|d| !self.stack.get(**d).map(|x| x.existing).unwrap_or(true))
            .map(|d| self.var(*d).map(str::to_string))
            .collect::<Result<_>>()?;
        let var = self.var(r.key)?.to_string();
        let mut args: Vec<(String, String)> = Vec::new();
        self.name_args(r, ty, &mut args)?;
        if let Some(location) = &r.location {
            args.push((self.arg(ty, "location")?.py.clone(), self.expr(location, None)?.code));
        }
        if let Some(tags) = r.tags.as_ref().filter(|t| !t.is_empty()) {
            let items: Vec<String> = tags
                .iter()
                .map(|(k, v)| format!("{}: {}", py_str(k), py_str(v)))
                .collect();
            args.push((self.arg(ty, "tags")?.py.clone(), format!("{{{}}}", items.join(", "))));
        }
        for (key, node) in [("sku", &r.sku), ("kind", &r.kind), ("identity", &r.identity)] {
            if let Some(node) = node {
                let arg = self.arg(ty, key)?;
                args.push((arg.py.clone(), self.node(node, Some(arg), &ty.module)?.code));
            }
        }
        if let Some(Node::Expr(whole)) = &r.properties {
            // Computed as a whole (a site's settings map, P14): the SDK's `properties` map.
            let arg = self.arg(ty, "properties")?;
            args.push((arg.py.clone(), self.expr_in(whole, Some(arg), &ty.module)?.code));
        } else if let Some(Node::Object(fields)) = &r.properties {
            if r.ty == "Microsoft.Web/sites/host/systemKeys" {
                // The generic resource takes the ARM body as one free-form argument.
                args.push((
                    "properties".into(),
                    self.node(r.properties.as_ref().unwrap_or(&Node::Object(vec![])), None, &ty.module)?
                        .code,
                ));
            } else {
                for (key, node) in fields {
                    let wire = ty.renames.get(key).map(String::as_str).unwrap_or(key);
                    let arg = self.arg(ty, wire)?;
                    args.push((arg.py.clone(), self.node(node, Some(arg), &ty.module)?.code));
                }
            }
        }
        let mut out = String::new();
        // The generic resource sends the `api_version` it is given: the ARM target's.
        let api = if ty.api == r.api || matches!(r.name, ResName::Path { .. }) {
            format!("API {}, as the ARM target", r.api)
        } else {
            format!("the SDK sends API {}; the ARM target {}", ty.api, r.api)
        };
        let _ = writeln!(out, "{}", py_comment(&format!("{} ({api})", r.ty)));
        let _ = writeln!(out, "{var} = {}.{}(", ty.module, ty.class);
        let _ = writeln!(out, "    {},", py_str(&var));
        for (k, v) in &args {
            let _ = writeln!(out, "    {},", layout(&format!("{k}={v}"), 4));
        }
        if !self.waits.is_empty() {
            let _ = writeln!(
                out,
                "    opts=pulumi.ResourceOptions(depends_on=[{}]),",
                self.waits.join(", ")
            );
        }
        out.push_str(")\n\n");
        Ok(out)
    }

    fn arg(&self, ty: &'a SdkType, wire: &str) -> Result<&'a Arg> {
        ty.args.get(wire).with_context(|| {
            format!(
                "schemas/pulumi/sdk.json has no `{wire}` for {}.{}: run scripts/vendor-pulumi-sdk.py on a template that sets it",
                ty.module, ty.class
            )
        })
    }

    /// A resource's id: its output, or the literal id of one outside the stack.
    fn id_of(&self, r: Ref) -> Result<Py> {
        if let Some(id) = self.external.get(&r) {
            return Ok(Py::plain(py_str(id)));
        }
        // A child declared inside its owner (a VNet's subnets) is never its own Pulumi resource:
        // its id is the owner's, then `/<type>/<name>`, as Azure's ids are built.
        if let Ok(decl) = self.stack.get(r) {
            if let (true, ResName::Child { parent, name }) = (decl.existing, &decl.name) {
                let child_type = decl.ty.rsplit('/').next().unwrap_or_default();
                let owner = self.id_of(*parent)?;
                return Ok(Py::output(format!(
                    "pulumi.Output.concat({}, {})",
                    owner.code,
                    py_str(&format!("/{child_type}/{name}"))
                )));
            }
        }
        Ok(Py::output(format!("{}.id", self.var(r)?)))
    }

    /// The arguments that name the resource and place it (resource group, parent, scope).
    fn name_args(&mut self, r: &Resource, ty: &'a SdkType, args: &mut Vec<(String, String)>) -> Result<()> {
        let rg = self.var(self.stack.resource_group.key)?.to_string();
        let name_py = self.arg(ty, &ty.name_arg)?.py.clone();
        match &r.name {
            ResName::Top(n) => args.push((name_py, py_str(n))),
            ResName::Child { parent, name } => {
                // A child's SDK resource takes its top-level owner's name, not the chain.
                let mut owner = self.stack.get(*parent)?;
                while let ResName::Child { parent, .. } = &owner.name {
                    owner = self.stack.get(*parent)?;
                }
                let owner_arg = match owner.ty {
                    "Microsoft.Storage/storageAccounts" => "accountName",
                    "Microsoft.Web/sites" => "name",
                    "Microsoft.SignalRService/signalR" => "resourceName",
                    "Microsoft.Network/virtualNetworks" => "virtualNetworkName",
                    "Microsoft.Network/privateEndpoints" => "privateEndpointName",
                    "Microsoft.Network/privateDnsZones" => "privateZoneName",
                    other => bail!("no Pulumi parent argument for a child of {other}"),
                };
                let owner_py = self.arg(ty, owner_arg)?.py.clone();
                args.push((owner_py.clone(), format!("{}.name", self.var(owner.key)?)));
                // A singleton child (a site's `config/appsettings`) is named by its owner alone.
                if name_py != owner_py {
                    args.push((name_py, py_str(name)));
                }
            }
            ResName::Path { owner, rest } => {
                // pulumi-azure-native has no typed resource for it: the generic resource
                // addresses it as <namespace>/<parent path>/<type>/<name>.
                let (namespace, owner_type) = self.stack.get(*owner)?.ty.split_once('/').context("an ARM type")?;
                let segments: Vec<&str> = r.ty.split('/').skip(1).collect();
                let (leaf_type, middle) = segments.split_last().context("a child type")?;
                let (leaf_name, middle_names) = rest.split_last().context("a child name")?;
                if middle.len() != middle_names.len() + 1 {
                    bail!("{} does not match the name path {rest:?}", r.ty);
                }
                let mut path = format!("{owner_type}/{{0}}");
                for (t, n) in middle.iter().skip(1).zip(middle_names) {
                    let _ = write!(path, "/{t}/{n}");
                }
                args.push(("resource_provider_namespace".into(), py_str(namespace)));
                args.push((
                    "parent_resource_path".into(),
                    format!("pulumi.Output.format({}, {}.name)", py_str(&path), self.var(*owner)?),
                ));
                args.push(("resource_type".into(), py_str(leaf_type)));
                args.push((name_py, py_str(leaf_name)));
                args.push(("api_version".into(), py_str(r.api)));
            }
            ResName::Computed(e) => {
                let name = self.expr(e, None)?;
                args.push((name_py, name.code));
            }
        }
        if let Some(scope) = r.scope {
            let scope_arg = if ty.args.contains_key("scope") {
                "scope"
            } else {
                "resourceUri"
            };
            let py = self.arg(ty, scope_arg)?.py.clone();
            args.push((py, self.id_of(scope)?.code));
        } else if r.key != self.stack.resource_group.key && ty.args.contains_key("resourceGroupName") {
            args.push((self.arg(ty, "resourceGroupName")?.py.clone(), format!("{rg}.name")));
        }
        Ok(())
    }

    /// A structured value; `arg` is the SDK's description of where it goes (None: free-form).
    fn node(&mut self, node: &Node, arg: Option<&'a Arg>, module: &str) -> Result<Py> {
        Ok(match node {
            Node::Str(s) => Py::plain(self.enum_or_str(s, arg, module)),
            Node::Bool(b) => Py::plain(if *b { "True" } else { "False" }.into()),
            Node::Int(i) => Py::plain(i.to_string()),
            Node::Num(n) => Py::plain(format!("{n:?}")),
            Node::Array(items) => {
                let item_arg = arg.map(ItemArg::of);
                let mut parts = Vec::new();
                for item in items {
                    let p = match (item, item_arg) {
                        (Node::Object(fields), Some(ItemArg::Fields(f))) => self.fields(fields, Some(f), module)?,
                        (_, Some(ItemArg::Scalar(a))) => self.node(item, Some(a), module)?,
                        _ => self.node(item, None, module)?,
                    };
                    parts.push(p.code);
                }
                Py {
                    code: format!("[{}]", parts.join(", ")),
                    output: false,
                }
            }
            Node::Object(fields) => self.fields(fields, arg.and_then(|a| a.args.as_ref()), module)?,
            Node::Expr(e) => self.expr_in(e, arg, module)?,
        })
    }

    /// A dict key: the SDK's Python name where the SDK describes the dict, else the key itself
    /// (a free-form map such as tags); and the SDK's description of the value.
    fn key(map: Option<&'a BTreeMap<String, Arg>>, k: &str) -> Result<(String, Option<&'a Arg>)> {
        match map {
            Some(m) => {
                let a = m.get(k).with_context(|| {
                    format!("schemas/pulumi/sdk.json has no `{k}` here: run scripts/vendor-pulumi-sdk.py on a template that sets it")
                })?;
                Ok((py_str(&a.py), Some(a)))
            }
            None => Ok((py_str(k), None)),
        }
    }

    /// The `key: value` items of a dict. A nested ARM `properties` object is flattened into
    /// its owner, as the SDK does (a subnet's `addressPrefix` is the subnet's own argument).
    fn field_parts(
        &mut self,
        fields: &[(String, Node)],
        args: Option<&'a BTreeMap<String, Arg>>,
        module: &str,
        parts: &mut Vec<String>,
    ) -> Result<()> {
        for (k, v) in fields {
            if let (Some(map), "properties", Node::Object(inner)) = (args, k.as_str(), v) {
                if !map.contains_key("properties") {
                    self.field_parts(inner, args, module, parts)?;
                    continue;
                }
            }
            let (key, arg) = Self::key(args, k)?;
            let p = self.node(v, arg, module)?;
            parts.push(format!("{key}: {}", p.code));
        }
        Ok(())
    }

    /// A dict: SDK `*ArgsDict` keys (Python names) where the SDK describes them.
    fn fields(
        &mut self,
        fields: &[(String, Node)],
        args: Option<&'a BTreeMap<String, Arg>>,
        module: &str,
    ) -> Result<Py> {
        let mut parts = Vec::new();
        self.field_parts(fields, args, module, &mut parts)?;
        Ok(Py {
            code: format!("{{{}}}", parts.join(", ")),
            output: false,
        })
    }

    fn enum_or_str(&mut self, s: &str, arg: Option<&Arg>, module: &str) -> String {
        match arg.and_then(|a| Some((a.enum_class.as_ref()?, a.members.get(s)?))) {
            Some((class, member)) => format!("{module}.{class}.{member}"),
            None => py_str(s),
        }
    }

    fn expr(&mut self, e: &Expr, arg: Option<&'a Arg>) -> Result<Py> {
        self.expr_in(e, arg, "")
    }

    fn expr_in(&mut self, e: &Expr, arg: Option<&'a Arg>, module: &str) -> Result<Py> {
        Ok(match e {
            Expr::Str(s) => Py::plain(self.enum_or_str(s, arg, module)),
            Expr::Int(i) => Py::plain(i.to_string()),
            Expr::Bool(b) => Py::plain(if *b { "True" } else { "False" }.into()),
            Expr::Param(p) if *p == LOCATION => Py::plain(LOCATION.into()),
            Expr::Param(p) if *p == UPSTREAM_SWITCH => Py::plain(UPSTREAM_CONFIG.into()),
            Expr::Param(p) => bail!("no Pulumi config for the ARM parameter {p}"),
            Expr::Var(v) => Py::plain(snake(v)),
            Expr::Id(r) => self.id_of(*r)?,
            Expr::Name(r) => Py::output(format!("{}.name", self.var(*r)?)),
            Expr::Prop(r, path) => {
                let mut code = self.var(*r)?.to_string();
                for seg in path.split('.') {
                    code.push('.');
                    code.push_str(&snake(&lower_first(seg)));
                }
                Py::output(code)
            }
            Expr::PrincipalId(r) => Py::output(format!(
                "{}.identity.apply(lambda identity: identity.principal_id if identity else \"\")",
                self.var(*r)?
            )),
            Expr::ListKeys(r, path) => self.list_keys(*r, path)?,
            Expr::Call("list", args) => self.list_settings(args)?,
            Expr::Call("union", parts) => self.union(parts, module)?,
            Expr::Call(name, args) => self.call(name, args)?,
            Expr::Member(x, member) => {
                let x = self.expr_in(x, None, module)?;
                Py::output(format!("{}.{}", x.code, snake(member)))
            }
            Expr::ChildId { .. } | Expr::Index(..) => {
                bail!("no Pulumi form for {e:?} outside the publish-settings read (P14)")
            }
            Expr::Builtin("environment().suffixes.storage") => {
                // Public Azure; the ARM twin reads it from the deployment's cloud.
                Py::plain(py_str("core.windows.net"))
            }
            Expr::Builtin("resourceGroup().name") => {
                Py::output(format!("{}.name", self.var(self.stack.resource_group.key)?))
            }
            Expr::Builtin(b) => bail!("no Pulumi form for the ARM built-in {b}"),
            Expr::Concat(parts) => {
                let parts = parts
                    .iter()
                    .map(|p| self.expr_in(p, None, module))
                    .collect::<Result<Vec<_>>>()?;
                let codes: Vec<String> = parts.iter().map(|p| p.code.clone()).collect();
                if parts.iter().any(|p| p.output) {
                    Py {
                        code: format!("pulumi.Output.concat({})", codes.join(", ")),
                        output: true,
                    }
                } else {
                    Py {
                        code: codes.join(" + "),
                        output: false,
                    }
                }
            }
            Expr::Format(pattern, args) => {
                let parts = args
                    .iter()
                    .map(|p| self.expr_in(p, None, module))
                    .collect::<Result<Vec<_>>>()?;
                let codes: Vec<String> = parts.iter().map(|p| p.code.clone()).collect();
                if parts.iter().any(|p| p.output) {
                    Py {
                        code: format!("pulumi.Output.format({}, {})", py_str(pattern), codes.join(", ")),
                        output: true,
                    }
                } else {
                    Py {
                        code: format!("{}.format({})", py_str(pattern), codes.join(", ")),
                        output: false,
                    }
                }
            }
            Expr::If(c, a, b) => {
                let c = self.expr_in(c, None, module)?;
                let a = self.expr_in(a, arg, module)?;
                let b = self.expr_in(b, arg, module)?;
                Py {
                    code: format!("({} if {} else {})", a.code, c.code, b.code),
                    output: a.output || b.output,
                }
            }
            Expr::Object(fields) => self.object_expr(fields, arg.and_then(|a| a.args.as_ref()), module)?,
            Expr::Array(items) => {
                let item = arg.and_then(|a| a.items.as_ref());
                let mut parts = Vec::new();
                let mut output = false;
                for i in items {
                    let p = match (i, item) {
                        // Items of an array of objects: described by the array's item fields.
                        (Expr::Object(kv), Some(fields)) => self.object_expr(kv, Some(fields), module)?,
                        _ => self.expr_in(i, arg, module)?,
                    };
                    output |= p.output;
                    parts.push(p.code);
                }
                Py {
                    code: format!("[{}]", parts.join(", ")),
                    output,
                }
            }
        })
    }

    /// A dict built inside an expression (ARM `createObject`), keys as in [`Self::key`].
    fn object_expr(
        &mut self,
        fields: &[(String, Expr)],
        map: Option<&'a BTreeMap<String, Arg>>,
        module: &str,
    ) -> Result<Py> {
        let mut parts = Vec::new();
        let mut output = false;
        for (k, v) in fields {
            let (key, sub) = Self::key(map, k)?;
            let p = self.expr_in(v, sub, module)?;
            output |= p.output;
            parts.push(format!("{key}: {}", p.code));
        }
        Ok(Py {
            code: format!("{{{}}}", parts.join(", ")),
            output,
        })
    }

    /// ARM `list()` of a site's `config/appsettings`: the SDK's invoke, after the site.
    fn list_settings(&mut self, args: &[Expr]) -> Result<Py> {
        let Some(Expr::ChildId {
            of,
            ty: "config",
            name: "appsettings",
        }) = args.first()
        else {
            bail!("no Pulumi invoke for list({args:?})")
        };
        self.modules.insert("web".into());
        let rg = self.var(self.stack.resource_group.key)?.to_string();
        let app = self.var(*of)?.to_string();
        Ok(Py::output(format!(
            "web.list_web_app_application_settings_output(name={app}.name, resource_group_name={rg}.name, opts=pulumi.InvokeOutputOptions(depends_on=[{app}]))"
        )))
    }

    /// ARM `union()` of settings objects, P14's shape: the stack's settings, then for each
    /// setting publishing adds, `if(contains(current, k), {k: current[k]}, {})`. In Python the
    /// carried-over value is read inside one `apply` of the current settings, so a missing key
    /// is never indexed.
    fn union(&mut self, parts: &[Expr], module: &str) -> Result<Py> {
        let mut codes = Vec::new();
        for part in parts {
            let code = match part {
                Expr::If(cond, then, otherwise) => match (cond.as_ref(), then.as_ref(), otherwise.as_ref()) {
                    (Expr::Call("contains", c), Expr::Object(kv), Expr::Object(empty))
                        if empty.is_empty() && kv.len() == 1 && c.len() == 2 =>
                    {
                        let (Expr::Str(key), (k, Expr::Index(from, at))) = (&c[1], &kv[0]) else {
                            bail!("no Pulumi form for this union part: {part:?}")
                        };
                        if k != key || from.as_ref() != &c[0] || at.as_ref() != &Expr::Str(key.clone()) {
                            bail!("no Pulumi form for this union part: {part:?}");
                        }
                        let current = self.expr_in(&c[0], None, module)?;
                        let key = py_str(key);
                        format!(
                            "{}.apply(lambda current: {{{key}: current[{key}]}} if current and {key} in current else {{}})",
                            current.code
                        )
                    }
                    _ => bail!("no Pulumi form for this union part: {part:?}"),
                },
                other => self.expr_in(other, None, module)?.code,
            };
            codes.push(code);
        }
        self.union_helper = true;
        let merged = format!("pulumi.Output.all({}).apply(_union)", codes.join(", "));
        // A dict holding secret outputs loses their secretness in Output.all: mark the map.
        if parts.iter().any(reads_keys) {
            return Ok(Py::output(format!("pulumi.Output.secret({merged})")));
        }
        Ok(Py::output(merged))
    }

    /// `listKeys` as the SDK's invoke, waiting for what the resource being printed waits for.
    fn list_keys(&mut self, r: Ref, path: &str) -> Result<Py> {
        let decl = self.stack.get(r)?;
        let opts = if self.waits.is_empty() {
            String::new()
        } else {
            format!(
                ", opts=pulumi.InvokeOutputOptions(depends_on=[{}])",
                self.waits.join(", ")
            )
        };
        let rg = self.var(self.stack.resource_group.key)?.to_string();
        let code = match (decl.ty, path) {
            ("Microsoft.Storage/storageAccounts", ".keys[0].value") => {
                self.modules.insert("storage".into());
                format!(
                    "storage.list_storage_account_keys_output(account_name={}.name, resource_group_name={rg}.name{opts}).keys[0].value",
                    self.var(r)?
                )
            }
            ("Microsoft.Web/sites/host", p) if p.starts_with(".systemKeys.") => {
                let ResName::Child { parent, .. } = &decl.name else {
                    bail!("the host is a child of its site")
                };
                self.modules.insert("web".into());
                let key = &p[".systemKeys.".len()..];
                format!(
                    "web.list_web_app_host_keys_output(name={}.name, resource_group_name={rg}.name{opts}).apply(lambda keys: (keys.system_keys or {{}}).get({}, \"\"))",
                    self.var(*parent)?,
                    py_str(key)
                )
            }
            (ty, p) => bail!("no Pulumi invoke for listKeys on {ty} ({p})"),
        };
        // Secret at the source: Pulumi keeps secretness through every format/concat/all built
        // on it, so the setting that carries the key is encrypted in the state as a whole.
        Ok(Py::output(format!("pulumi.Output.secret({code})")))
    }

    fn call(&mut self, name: &str, args: &[Expr]) -> Result<Py> {
        let parts = args.iter().map(|a| self.expr(a, None)).collect::<Result<Vec<_>>>()?;
        let codes: Vec<String> = parts.iter().map(|p| p.code.clone()).collect();
        Ok(match name {
            // ARM's guid() is a deterministic hash of its arguments; Pulumi gets the same
            // property (same inputs, same name on every run) from uuid5 over them.
            "guid" => {
                self.uuid = true;
                Py::output(format!(
                    "pulumi.Output.all({}).apply(lambda parts: str(uuid.uuid5(uuid.NAMESPACE_URL, \"/\".join(parts))))",
                    codes.join(", ")
                ))
            }
            "subscriptionResourceId" => {
                let (ty, names) = codes.split_first().context("subscriptionResourceId takes a type")?;
                self.client_config = true;
                self.modules.insert("authorization".into());
                let pattern = format!(
                    "/subscriptions/{{0}}/providers/{{1}}{}",
                    (0..names.len()).map(|i| format!("/{{{}}}", i + 2)).collect::<String>()
                );
                Py::output(format!(
                    "pulumi.Output.format({}, client_config.subscription_id, {ty}, {})",
                    py_str(&pattern),
                    names.join(", ")
                ))
            }
            other => bail!("no Pulumi form for the ARM function {other}()"),
        })
    }
}

/// How an array's items are described: objects by their fields, scalars by the array's arg.
#[derive(Clone, Copy)]
enum ItemArg<'a> {
    Fields(&'a BTreeMap<String, Arg>),
    Scalar(&'a Arg),
}

impl<'a> ItemArg<'a> {
    fn of(a: &'a Arg) -> ItemArg<'a> {
        match &a.items {
            Some(f) => ItemArg::Fields(f),
            None => ItemArg::Scalar(a),
        }
    }
}

/// Whether a value reads a key (`listKeys`) anywhere inside.
fn reads_keys(e: &Expr) -> bool {
    match e {
        Expr::ListKeys(..) => true,
        Expr::Call(_, args) | Expr::Concat(args) | Expr::Format(_, args) | Expr::Array(args) => {
            args.iter().any(reads_keys)
        }
        Expr::If(c, a, b) => reads_keys(c) || reads_keys(a) || reads_keys(b),
        Expr::Object(fields) => fields.iter().any(|(_, v)| reads_keys(v)),
        Expr::Member(x, _) => reads_keys(x),
        Expr::Index(x, k) => reads_keys(x) || reads_keys(k),
        _ => false,
    }
}

fn lower_first(s: &str) -> String {
    let mut cs = s.chars();
    match cs.next() {
        Some(c) => c.to_ascii_lowercase().to_string() + cs.as_str(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_values_break_inside_brackets_never_inside_strings() {
        let long = format!("f(a={}, b=[1, 2], c=g(\"x, (y\"))", py_str(&"z".repeat(90)));
        let out = layout(&long, 4);
        assert_eq!(
            out,
            format!(
                "f(\n        a={},\n        b=[1, 2],\n        c=g(\"x, (y\"),\n    )",
                py_str(&"z".repeat(90))
            )
        );
        assert_eq!(layout("f(a, b)", 0), "f(a, b)");
        // A grouping paren keeps its one item a value, not a one-element tuple.
        let cond = format!("x=({} if c else None)", py_str(&"z".repeat(100)));
        assert!(!layout(&cond, 4).contains("None,"), "{}", layout(&cond, 4));
    }

    #[test]
    fn snake_names_follow_the_sdk_style() {
        assert_eq!(snake("functionApp"), "function_app");
        assert_eq!(snake("signalR"), "signalr");
        assert_eq!(snake("signalRWebhookPath"), "signalr_webhook_path");
        assert_eq!(snake(&lower_first("ConnectionString")), "connection_string");
    }

    #[test]
    fn the_sdk_table_parses_and_names_the_seed_bugs_right() {
        let sdk = sdk().expect("schemas/pulumi/sdk.json");
        let signalr = &sdk.types["Microsoft.SignalRService/signalR"];
        assert_eq!(signalr.args["networkACLs"].py, "network_acls");
        assert_eq!(signalr.args["resourceName"].py, "resource_name_");
        assert_eq!(sdk.types["Microsoft.Insights/components"].module, "applicationinsights");
    }
}
