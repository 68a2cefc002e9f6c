//! Checks emitted Terraform (HCL or JSON syntax) against the vendored azurerm schema.
//!
//! Every `resource` and `data` block is compared with `schemas/azurerm/<type>.json`
//! (`terraform providers schema -json` excerpts, see the README there), the way
//! tflint's rule generator reads the provider schema: attributes and nested blocks
//! must exist and be settable, required ones must be present, block counts must fit
//! `min_items`/`max_items`, and literal values must have the attribute's type.
//! Expressions that are not literals (references, calls, templates) are not
//! type-checked. Both syntaxes are first read into one neutral tree, so the rules
//! live in one place.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;

use hcl::expr::ObjectKey;
use hcl::{Body, Expression};
use serde::Deserialize;
use serde_json::Value;

/// Schema files by Terraform type (`azurerm_x` for resources, `data.azurerm_x` for data sources).
const FILES: &[(&str, &str)] = &[
    (
        "azurerm_application_insights",
        include_str!("../../schemas/azurerm/azurerm_application_insights.json"),
    ),
    (
        "azurerm_function_app_flex_consumption",
        include_str!("../../schemas/azurerm/azurerm_function_app_flex_consumption.json"),
    ),
    (
        "azurerm_linux_function_app",
        include_str!("../../schemas/azurerm/azurerm_linux_function_app.json"),
    ),
    (
        "azurerm_log_analytics_workspace",
        include_str!("../../schemas/azurerm/azurerm_log_analytics_workspace.json"),
    ),
    (
        "azurerm_monitor_diagnostic_setting",
        include_str!("../../schemas/azurerm/azurerm_monitor_diagnostic_setting.json"),
    ),
    (
        "azurerm_resource_group",
        include_str!("../../schemas/azurerm/azurerm_resource_group.json"),
    ),
    (
        "azurerm_role_assignment",
        include_str!("../../schemas/azurerm/azurerm_role_assignment.json"),
    ),
    (
        "azurerm_service_plan",
        include_str!("../../schemas/azurerm/azurerm_service_plan.json"),
    ),
    (
        "azurerm_signalr_service",
        include_str!("../../schemas/azurerm/azurerm_signalr_service.json"),
    ),
    (
        "azurerm_signalr_service_network_acl",
        include_str!("../../schemas/azurerm/azurerm_signalr_service_network_acl.json"),
    ),
    (
        "azurerm_storage_account",
        include_str!("../../schemas/azurerm/azurerm_storage_account.json"),
    ),
    (
        "azurerm_storage_container",
        include_str!("../../schemas/azurerm/azurerm_storage_container.json"),
    ),
    (
        "azurerm_management_lock",
        include_str!("../../schemas/azurerm/azurerm_management_lock.json"),
    ),
    (
        "azurerm_private_dns_zone",
        include_str!("../../schemas/azurerm/azurerm_private_dns_zone.json"),
    ),
    (
        "azurerm_private_dns_zone_virtual_network_link",
        include_str!("../../schemas/azurerm/azurerm_private_dns_zone_virtual_network_link.json"),
    ),
    (
        "azurerm_private_endpoint",
        include_str!("../../schemas/azurerm/azurerm_private_endpoint.json"),
    ),
    (
        "azurerm_signalr_service_custom_certificate",
        include_str!("../../schemas/azurerm/azurerm_signalr_service_custom_certificate.json"),
    ),
    (
        "azurerm_signalr_service_custom_domain",
        include_str!("../../schemas/azurerm/azurerm_signalr_service_custom_domain.json"),
    ),
    (
        "azurerm_subnet",
        include_str!("../../schemas/azurerm/azurerm_subnet.json"),
    ),
    (
        "azurerm_virtual_network",
        include_str!("../../schemas/azurerm/azurerm_virtual_network.json"),
    ),
    (
        "data.azurerm_client_config",
        include_str!("../../schemas/azurerm/data.azurerm_client_config.json"),
    ),
    (
        "data.azurerm_function_app_host_keys",
        include_str!("../../schemas/azurerm/data.azurerm_function_app_host_keys.json"),
    ),
    // Other providers the stack uses (schemas/azapi, schemas/random: see their README).
    (
        "azapi_resource",
        include_str!("../../schemas/azapi/azapi_resource.json"),
    ),
    (
        "azapi_resource_action",
        include_str!("../../schemas/azapi/azapi_resource_action.json"),
    ),
    (
        "azapi_update_resource",
        include_str!("../../schemas/azapi/azapi_update_resource.json"),
    ),
    (
        "random_password",
        include_str!("../../schemas/random/random_password.json"),
    ),
    ("random_string", include_str!("../../schemas/random/random_string.json")),
    ("random_uuid", include_str!("../../schemas/random/random_uuid.json")),
];

/// Meta-arguments Terraform itself handles on `resource` and `data` blocks.
const META_ATTRIBUTES: &[&str] = &["count", "for_each", "depends_on", "provider"];
const META_BLOCKS: &[&str] = &["lifecycle", "provisioner", "connection"];

#[derive(Deserialize)]
struct SchemaFile {
    block: BlockSchema,
}

#[derive(Deserialize, Default)]
struct BlockSchema {
    #[serde(default)]
    attributes: BTreeMap<String, AttrSchema>,
    #[serde(default)]
    block_types: BTreeMap<String, NestedSchema>,
}

#[derive(Deserialize)]
struct AttrSchema {
    #[serde(rename = "type", default)]
    ty: Value,
    #[serde(default)]
    required: bool,
    #[serde(default)]
    optional: bool,
    #[serde(default)]
    computed: bool,
    #[serde(default)]
    deprecated: bool,
    /// Plugin-framework nested attribute (azapi `retry`): an object of typed fields.
    #[serde(default)]
    nested_type: Option<NestedAttrs>,
}

#[derive(Deserialize)]
struct NestedAttrs {
    #[serde(default)]
    attributes: BTreeMap<String, AttrSchema>,
    nesting_mode: String,
}

#[derive(Deserialize)]
struct NestedSchema {
    nesting_mode: String,
    #[serde(default)]
    min_items: u64,
    #[serde(default)]
    max_items: u64,
    block: BlockSchema,
}

impl NestedSchema {
    /// The largest allowed count, if any (`single` and `group` blocks appear once).
    fn max(&self) -> Option<u64> {
        match self.nesting_mode.as_str() {
            "single" | "group" => Some(1),
            _ if self.max_items > 0 => Some(self.max_items),
            _ => None,
        }
    }
}

type Schemas = BTreeMap<&'static str, BlockSchema>;

/// The embedded schemas, parsed once per process. An unreadable file is a build bug,
/// reported as a finding rather than a panic.
fn schemas() -> &'static Result<Schemas, String> {
    static SCHEMAS: OnceLock<Result<Schemas, String>> = OnceLock::new();
    SCHEMAS.get_or_init(|| {
        FILES
            .iter()
            .map(|(name, text)| {
                serde_json::from_str::<SchemaFile>(text)
                    .map(|file| (*name, file.block))
                    .map_err(|e| format!("the embedded schema of `{name}` is not a provider schema: {e}"))
            })
            .collect()
    })
}

/// Terraform types that have a vendored schema (`data.` prefix for data sources).
pub fn known_types() -> Vec<&'static str> {
    FILES.iter().map(|(name, _)| *name).collect()
}

/// A value as far as type checking goes.
#[derive(Clone, Debug)]
enum Lit {
    Null,
    Bool,
    Number,
    String,
    List(Vec<Lit>),
    Object(Vec<(String, Lit)>),
    /// A reference, call, template or other expression known only at plan time.
    Unknown,
}

impl Lit {
    fn describe(&self) -> &'static str {
        match self {
            Lit::Null => "null",
            Lit::Bool => "bool",
            Lit::Number => "number",
            Lit::String => "string",
            Lit::List(_) => "list",
            Lit::Object(_) => "object",
            Lit::Unknown => "expression",
        }
    }
}

/// A body in the neutral tree.
#[derive(Default, Debug)]
struct Node {
    attrs: Vec<(String, Lit)>,
    blocks: Vec<NodeBlock>,
    /// Problems found while reading the syntax (JSON shape errors).
    problems: Vec<String>,
}

#[derive(Debug)]
struct NodeBlock {
    /// The block type; a `dynamic "x"` block is read as its `content`, named `x`.
    name: String,
    body: Node,
}

/// Checks every `resource` and `data` block of an HCL body (one `.tf` file, or several
/// merged). Returns one human message per problem, naming the address and attribute.
pub fn check_hcl(body: &Body) -> Vec<String> {
    let schemas = match schemas() {
        Ok(s) => s,
        Err(e) => return vec![e.clone()],
    };
    let mut out = Vec::new();
    let mut seen = BTreeSet::new();
    for block in body.blocks() {
        let kind = block.identifier();
        if kind != "resource" && kind != "data" {
            continue;
        }
        let labels: Vec<&str> = block.labels().iter().map(|l| l.as_str()).collect();
        let [ty, name] = labels[..] else {
            out.push(format!(
                "`{kind}` block with labels {labels:?}: expected a type and a name"
            ));
            continue;
        };
        let (key, address) = keys(kind, ty, name);
        if !seen.insert(address.clone()) {
            out.push(format!("`{address}`: declared more than once"));
            continue;
        }
        let Some(schema) = schemas.get(key.as_str()) else {
            out.push(format!(
                "`{address}`: no azurerm schema for `{key}` in schemas/azurerm/"
            ));
            continue;
        };
        let node = hcl_node(block.body(), true);
        check_node(&address, "", &node, schema, &mut out);
    }
    out
}

/// The same checks for a Terraform JSON document (`main.tf.json`).
pub fn check_json(document: &Value) -> Vec<String> {
    let schemas = match schemas() {
        Ok(s) => s,
        Err(e) => return vec![e.clone()],
    };
    let mut out = Vec::new();
    let Some(root) = document.as_object() else {
        return vec!["the document is not a JSON object".to_string()];
    };
    for kind in ["resource", "data"] {
        let Some(section) = root.get(kind) else {
            continue;
        };
        let Some(types) = section.as_object() else {
            out.push(format!("`{kind}` is not an object of types"));
            continue;
        };
        for (ty, names) in types {
            let Some(names) = names.as_object() else {
                out.push(format!("`{kind}.{ty}` is not an object of names"));
                continue;
            };
            for (name, body) in names {
                let (key, address) = keys(kind, ty, name);
                let Some(schema) = schemas.get(key.as_str()) else {
                    out.push(format!(
                        "`{address}`: no azurerm schema for `{key}` in schemas/azurerm/"
                    ));
                    continue;
                };
                let Some(body) = body.as_object() else {
                    out.push(format!("`{address}`: the body is not a JSON object"));
                    continue;
                };
                let node = json_node(body, schema, true);
                check_node(&address, "", &node, schema, &mut out);
            }
        }
    }
    out
}

/// (schema key, Terraform address) of a `resource`/`data` block.
fn keys(kind: &str, ty: &str, name: &str) -> (String, String) {
    if kind == "data" {
        (format!("data.{ty}"), format!("data.{ty}.{name}"))
    } else {
        (ty.to_string(), format!("{ty}.{name}"))
    }
}

fn hcl_lit(expr: &Expression) -> Lit {
    match expr {
        Expression::Null => Lit::Null,
        Expression::Bool(_) => Lit::Bool,
        Expression::Number(_) => Lit::Number,
        Expression::String(_) => Lit::String,
        Expression::Array(items) => Lit::List(items.iter().map(hcl_lit).collect()),
        Expression::Object(object) => Lit::Object(
            object
                .iter()
                .map(|(k, v)| {
                    let key = match k {
                        ObjectKey::Identifier(i) => i.as_str().to_string(),
                        ObjectKey::Expression(Expression::String(s)) => s.clone(),
                        other => other.to_string(),
                    };
                    (key, hcl_lit(v))
                })
                .collect(),
        ),
        Expression::Parenthesis(inner) => hcl_lit(inner),
        _ => Lit::Unknown,
    }
}

fn hcl_node(body: &Body, top: bool) -> Node {
    let mut node = Node::default();
    for attr in body.attributes() {
        if top && META_ATTRIBUTES.contains(&attr.key()) {
            continue;
        }
        node.attrs.push((attr.key().to_string(), hcl_lit(attr.expr())));
    }
    for block in body.blocks() {
        let ident = block.identifier();
        if top && META_BLOCKS.contains(&ident) {
            continue;
        }
        if ident == "dynamic" {
            let Some(label) = block.labels().first() else {
                node.problems.push("`dynamic` block without a label".to_string());
                continue;
            };
            let content: Vec<_> = block.body().blocks().filter(|b| b.identifier() == "content").collect();
            let [content] = content[..] else {
                node.problems.push(format!(
                    "`dynamic \"{}\"` needs exactly one `content` block",
                    label.as_str()
                ));
                continue;
            };
            node.blocks.push(NodeBlock {
                name: label.as_str().to_string(),
                body: hcl_node(content.body(), false),
            });
            continue;
        }
        node.blocks.push(NodeBlock {
            name: ident.to_string(),
            body: hcl_node(block.body(), false),
        });
    }
    node
}

/// A JSON string is a template: it is a literal unless it has an unescaped `${` or `%{`.
pub fn json_string_is_literal(s: &str) -> bool {
    let bytes = s.as_bytes();
    let mut i = 0;
    while i + 1 < bytes.len() {
        if matches!(bytes[i], b'$' | b'%') {
            if bytes[i + 1] == bytes[i] && bytes.get(i + 2) == Some(&b'{') {
                i += 3;
                continue;
            }
            if bytes[i + 1] == b'{' {
                return false;
            }
        }
        i += 1;
    }
    true
}

fn json_lit(value: &Value) -> Lit {
    match value {
        Value::Null => Lit::Null,
        Value::Bool(_) => Lit::Bool,
        Value::Number(_) => Lit::Number,
        Value::String(s) if json_string_is_literal(s) => Lit::String,
        Value::String(_) => Lit::Unknown,
        Value::Array(items) => Lit::List(items.iter().map(json_lit).collect()),
        Value::Object(map) => Lit::Object(map.iter().map(|(k, v)| (k.clone(), json_lit(v))).collect()),
    }
}

/// JSON bodies only say which keys are blocks through the schema (Terraform does the same).
fn json_node(body: &serde_json::Map<String, Value>, schema: &BlockSchema, top: bool) -> Node {
    let mut node = Node::default();
    for (key, value) in body {
        if top && (META_ATTRIBUTES.contains(&key.as_str()) || META_BLOCKS.contains(&key.as_str())) {
            continue;
        }
        if key == "//" {
            continue; // Terraform JSON comment property
        }
        if key == "dynamic" {
            let Some(dynamics) = value.as_object() else {
                node.problems
                    .push("`dynamic` is not an object of block types".to_string());
                continue;
            };
            for (name, spec) in dynamics {
                let Some(nested) = schema.block_types.get(name) else {
                    node.blocks.push(NodeBlock {
                        name: name.clone(),
                        body: Node::default(),
                    });
                    continue;
                };
                let Some(content) = spec.get("content").and_then(Value::as_object) else {
                    node.problems.push(format!("`dynamic.{name}` has no `content` object"));
                    continue;
                };
                node.blocks.push(NodeBlock {
                    name: name.clone(),
                    body: json_node(content, &nested.block, false),
                });
            }
            continue;
        }
        if let Some(nested) = schema.block_types.get(key) {
            let bodies: Vec<&Value> = match value {
                Value::Array(items) => items.iter().collect(),
                other => vec![other],
            };
            for item in bodies {
                match item.as_object() {
                    Some(obj) => node.blocks.push(NodeBlock {
                        name: key.clone(),
                        body: json_node(obj, &nested.block, false),
                    }),
                    None => node
                        .problems
                        .push(format!("`{key}` is a block and needs a JSON object, found {item}")),
                }
            }
            continue;
        }
        node.attrs.push((key.clone(), json_lit(value)));
    }
    node
}

fn check_node(address: &str, path: &str, node: &Node, schema: &BlockSchema, out: &mut Vec<String>) {
    let at = |name: &str| {
        if path.is_empty() {
            name.to_string()
        } else {
            format!("{path}.{name}")
        }
    };
    for problem in &node.problems {
        out.push(format!(
            "`{address}`: {}{problem}",
            if path.is_empty() {
                String::new()
            } else {
                format!("in `{path}`: ")
            }
        ));
    }
    let mut set = BTreeSet::new();
    for (name, value) in &node.attrs {
        if !set.insert(name.as_str()) {
            out.push(format!("`{address}`: `{}` is set more than once", at(name)));
        }
        let Some(attr) = schema.attributes.get(name) else {
            if schema.block_types.contains_key(name) {
                out.push(format!("`{address}`: `{}` is a block, not an attribute", at(name)));
            } else {
                out.push(format!("`{address}`: unknown attribute `{}`", at(name)));
            }
            continue;
        };
        if attr.computed && !attr.optional && !attr.required {
            out.push(format!(
                "`{address}`: `{}` is computed by the provider and cannot be set",
                at(name)
            ));
            continue;
        }
        if attr.deprecated {
            out.push(format!(
                "`{address}`: `{}` is deprecated in the provider schema",
                at(name)
            ));
        }
        if let Some(nested) = &attr.nested_type {
            if let Err(msg) = check_nested_attr(value, nested) {
                out.push(format!("`{address}`: `{}` {msg}", at(name)));
            }
            continue;
        }
        if let Err(msg) = check_type(value, &attr.ty) {
            out.push(format!("`{address}`: `{}` {msg}", at(name)));
        }
    }
    for (name, attr) in &schema.attributes {
        if attr.required && !set.contains(name.as_str()) {
            out.push(format!("`{address}`: missing required attribute `{}`", at(name)));
        }
    }
    let mut counts: BTreeMap<&str, u64> = BTreeMap::new();
    for block in &node.blocks {
        let Some(nested) = schema.block_types.get(&block.name) else {
            if schema.attributes.contains_key(&block.name) {
                out.push(format!(
                    "`{address}`: `{}` is an attribute, not a block",
                    at(&block.name)
                ));
            } else {
                out.push(format!("`{address}`: unknown block `{}`", at(&block.name)));
            }
            continue;
        };
        // A dynamic block counts once: it is the author's intent of (usually) one block.
        *counts.entry(block.name.as_str()).or_default() += 1;
        check_node(address, &at(&block.name), &block.body, &nested.block, out);
    }
    for (name, nested) in &schema.block_types {
        let found = counts.get(name.as_str()).copied().unwrap_or(0);
        if found < nested.min_items {
            out.push(format!(
                "`{address}`: block `{}` is required at least {} time(s), found {found}",
                at(name),
                nested.min_items
            ));
        }
        if let Some(max) = nested.max() {
            if found > max {
                out.push(format!(
                    "`{address}`: block `{}` is allowed at most {max} time(s), found {found}",
                    at(name)
                ));
            }
        }
    }
}

/// A `nested_type` attribute with `nesting_mode = "single"`: one object whose fields are
/// the nested attributes (unknown fields and missing required ones are errors).
fn check_nested_attr(value: &Lit, nested: &NestedAttrs) -> Result<(), String> {
    let entries = match value {
        Lit::Unknown | Lit::Null => return Ok(()),
        Lit::Object(entries) if nested.nesting_mode == "single" => entries,
        other => {
            return Err(format!(
                "expects an object ({} nested attribute), found {}",
                nested.nesting_mode,
                other.describe()
            ))
        }
    };
    for (key, v) in entries {
        let Some(attr) = nested.attributes.get(key) else {
            return Err(format!("has no field `{key}`"));
        };
        check_type(v, &attr.ty).map_err(|m| format!("field `{key}` {m}"))?;
    }
    for (key, attr) in &nested.attributes {
        if attr.required && !entries.iter().any(|(k, _)| k == key) {
            return Err(format!("is missing its required field `{key}`"));
        }
    }
    Ok(())
}

/// Compares a literal with a cty type in `providers schema -json` form.
fn check_type(value: &Lit, ty: &Value) -> Result<(), String> {
    let mismatch = || Err(format!("expects {}, found {}", cty_name(ty), value.describe()));
    match (value, ty) {
        (Lit::Unknown | Lit::Null, _) => Ok(()),
        (_, Value::String(t)) if t == "dynamic" => Ok(()),
        (Lit::String, Value::String(t)) if t == "string" => Ok(()),
        (Lit::Number, Value::String(t)) if t == "number" => Ok(()),
        (Lit::Bool, Value::String(t)) if t == "bool" => Ok(()),
        (_, Value::String(_)) => mismatch(),
        (_, Value::Array(parts)) => {
            let kind = parts.first().and_then(Value::as_str).unwrap_or("");
            let inner = parts.get(1).unwrap_or(&Value::Null);
            match (kind, value) {
                ("list" | "set", Lit::List(items)) => items
                    .iter()
                    .try_for_each(|item| check_type(item, inner).map_err(|m| format!("element {m}"))),
                ("tuple", Lit::List(items)) => {
                    let types = inner.as_array().map(Vec::as_slice).unwrap_or(&[]);
                    if types.len() != items.len() {
                        return mismatch();
                    }
                    items.iter().zip(types).try_for_each(|(item, t)| check_type(item, t))
                }
                ("map", Lit::Object(entries)) => entries
                    .iter()
                    .try_for_each(|(k, v)| check_type(v, inner).map_err(|m| format!("key `{k}` {m}"))),
                ("object", Lit::Object(entries)) => {
                    let fields = inner.as_object();
                    entries
                        .iter()
                        .try_for_each(|(k, v)| match fields.and_then(|f| f.get(k)) {
                            Some(t) => check_type(v, t).map_err(|m| format!("field `{k}` {m}")),
                            None => Err(format!("has no field `{k}`")),
                        })
                }
                _ => mismatch(),
            }
        }
        _ => mismatch(),
    }
}

fn cty_name(ty: &Value) -> String {
    match ty {
        Value::String(s) => s.clone(),
        Value::Array(parts) => match (parts.first().and_then(Value::as_str), parts.get(1)) {
            (Some(kind @ ("list" | "set" | "map")), Some(inner)) => {
                format!("{kind} of {}", cty_name(inner))
            }
            (Some(kind), _) => kind.to_string(),
            _ => "a type".to_string(),
        },
        _ => "a type".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_embedded_schema_parses() {
        let schemas = schemas().as_ref().expect("embedded schemas parse");
        assert_eq!(schemas.len(), FILES.len());
        assert!(schemas["azurerm_signalr_service"].block_types["sku"].min_items == 1);
    }

    #[test]
    fn azapi_nested_retry_and_random_are_checked() {
        let good = body(
            r#"
resource "azapi_resource" "k" {
  type      = "Microsoft.Web/sites/host/systemKeys@2024-11-01"
  name      = "signalr_extension"
  parent_id = "x"
  body      = { properties = { name = "signalr_extension" } }
  retry     = { error_message_regex = ["ServiceUnavailable"], interval_seconds = 10 }
}

resource "random_password" "p" {
  length = 32
}
"#,
        );
        assert_eq!(check_hcl(&good), Vec::<String>::new());
        let broken = body(
            r#"
resource "azapi_resource" "a" {
  type  = "x@1"
  retry = { interval_seconds = 10 }
}

resource "azapi_resource" "b" {
  type  = "x@1"
  retry = { error_message_regex = ["x"], backoff = 2 }
}

resource "azapi_resource" "c" {
  type   = "x@1"
  output = {}
  retry  = "often"
}

resource "random_password" "p" {
  length  = "long"
  special = 1
}
"#,
        );
        let all = check_hcl(&broken).join("\n");
        for expected in [
            "`azapi_resource.a`: `retry` is missing its required field `error_message_regex`",
            "`azapi_resource.b`: `retry` has no field `backoff`",
            "`azapi_resource.c`: `output` is computed by the provider and cannot be set",
            "`azapi_resource.c`: `retry` expects an object",
            "`random_password.p`: `length` expects number",
            "`random_password.p`: `special` expects bool",
        ] {
            assert!(all.contains(expected), "missing `{expected}` in:\n{all}");
        }
    }

    fn body(text: &str) -> Body {
        hcl::from_str(text).expect("test HCL parses")
    }

    #[test]
    fn broken_blocks_are_reported() {
        let broken = body(
            r#"
resource "azurerm_signalr_service" "main" {
  name                = "x"
  resource_group_name = "rg"
  location            = "eastus"
  no_such_thing       = true
  local_auth_enabled  = "yes"
  public_port         = 443
  tags                = { a = 1 }
  sku {
    name     = "Standard_S1"
    capacity = 1
  }
  sku {
    name     = "Standard_S1"
    capacity = "one"
  }
  cors {
    allowed_origins = [1]
  }
}

resource "azurerm_signalr_service_network_acl" "main" {
  default_action = "Deny"
}

resource "azurerm_signalr_service_network_acl" "main" {
  signalr_service_id = "x"
}

resource "azurerm_monitor_diagnostic_setting" "signalr" {
  name                       = "diag"
  log_analytics_workspace_id = "x"
  enabled_log {
    category_groups = "allLogs"
  }
}

resource "azurerm_nope" "main" {}
"#,
        );
        let found = check_hcl(&broken);
        let expect = [
            "`azurerm_signalr_service.main`: unknown attribute `no_such_thing`",
            "`azurerm_signalr_service.main`: `local_auth_enabled` expects bool, found string",
            "`azurerm_signalr_service.main`: `public_port` is computed by the provider and cannot be set",
            "`azurerm_signalr_service.main`: `tags` key `a` expects string, found number",
            "`azurerm_signalr_service.main`: `sku.capacity` expects number, found string",
            "`azurerm_signalr_service.main`: block `sku` is allowed at most 1 time(s), found 2",
            "`azurerm_signalr_service.main`: `cors.allowed_origins` element expects string, found number",
            "`azurerm_signalr_service_network_acl.main`: missing required attribute `signalr_service_id`",
            "`azurerm_signalr_service_network_acl.main`: block `public_network` is required at least 1 time(s), found 0",
            "`azurerm_signalr_service_network_acl.main`: declared more than once",
            "`azurerm_monitor_diagnostic_setting.signalr`: missing required attribute `target_resource_id`",
            "`azurerm_monitor_diagnostic_setting.signalr`: unknown attribute `enabled_log.category_groups`",
            "`azurerm_nope.main`: no azurerm schema for `azurerm_nope` in schemas/azurerm/",
        ];
        for e in expect {
            assert!(found.iter().any(|f| f == e), "missing {e:?} in {found:#?}");
        }
        assert_eq!(found.len(), expect.len(), "{found:#?}");
    }

    #[test]
    fn blocks_written_as_attributes_and_the_reverse_are_reported() {
        let b = body(
            r#"
resource "azurerm_resource_group" "main" {
  name     = "rg"
  location = "eastus"
  timeouts = {}
  tags {
  }
}
"#,
        );
        assert_eq!(
            check_hcl(&b),
            [
                "`azurerm_resource_group.main`: `timeouts` is a block, not an attribute",
                "`azurerm_resource_group.main`: `tags` is an attribute, not a block",
            ]
        );
    }

    #[test]
    fn expressions_and_meta_arguments_are_not_type_checked() {
        let b = body(
            r#"
data "azurerm_function_app_host_keys" "main" {
  count               = var.on ? 1 : 0
  name                = azurerm_linux_function_app.main.name
  resource_group_name = "${var.prefix}-rg"
}
"#,
        );
        assert!(check_hcl(&b).is_empty());
    }

    #[test]
    fn json_documents_get_the_same_checks() {
        let doc: Value = serde_json::from_str(
            r#"{
  "resource": {
    "azurerm_signalr_service": {
      "main": {
        "name": "x", "resource_group_name": "${azurerm_resource_group.main.name}",
        "location": "eastus", "local_auth_enabled": "true", "bogus": 1,
        "sku": [{"name": "Standard_S1", "capacity": 1}, {"name": "Premium_P1", "capacity": 1}],
        "dynamic": {"upstream_endpoint": {"for_each": "${[1]}", "content": {"url_template": "$${literal}"}}}
      }
    }
  }
}"#,
        )
        .unwrap();
        let found = check_json(&doc);
        let expect = [
            "`azurerm_signalr_service.main`: `local_auth_enabled` expects bool, found string",
            "`azurerm_signalr_service.main`: unknown attribute `bogus`",
            "`azurerm_signalr_service.main`: block `sku` is allowed at most 1 time(s), found 2",
            "`azurerm_signalr_service.main`: missing required attribute `upstream_endpoint.category_pattern`",
            "`azurerm_signalr_service.main`: missing required attribute `upstream_endpoint.event_pattern`",
            "`azurerm_signalr_service.main`: missing required attribute `upstream_endpoint.hub_pattern`",
        ];
        for e in expect {
            assert!(found.iter().any(|f| f == e), "missing {e:?} in {found:#?}");
        }
        assert_eq!(found.len(), expect.len(), "{found:#?}");
    }

    #[test]
    fn json_templates_are_literal_only_without_live_markers() {
        assert!(json_string_is_literal("plain"));
        assert!(json_string_is_literal("$${not} %%{this}"));
        assert!(!json_string_is_literal("a ${b}"));
        assert!(!json_string_is_literal("%{ if x }"));
    }
}
