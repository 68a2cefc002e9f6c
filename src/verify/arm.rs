//! Checks an emitted ARM template against the embedded ARM resource schemas.
//!
//! The upstream schemas do not set `additionalProperties: false`, so a misspelt
//! property validates there and is silently ignored by Azure. This walker is
//! stricter: any property a schema object does not declare is reported. An ARM
//! expression string (`[...]`, not `[[...`) stands for any value, as the
//! deployment engine only knows its type at deploy time.
//!
//! Beyond the per-resource schemas it checks what the JSON schemas cannot:
//! every `dependsOn` names a resource of the same template, no resource is
//! declared twice, every `parameters('x')` is declared, and no output reads a
//! secret through a `list*()` function.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;

use serde_json::{Map, Value};

use super::arm_expr::Expr;

/// `(path inside schemas/arm, contents)`; every file is registered under its `id`.
const SCHEMA_FILES: &[(&str, &str)] = &[
    (
        "common/definitions.json",
        include_str!("../../schemas/arm/common/definitions.json"),
    ),
    (
        "2019-04-01/deploymentTemplate.json",
        include_str!("../../schemas/arm/2019-04-01/deploymentTemplate.json"),
    ),
    (
        "2019-04-01/deploymentParameters.json",
        include_str!("../../schemas/arm/2019-04-01/deploymentParameters.json"),
    ),
    (
        "2020-05-01/Microsoft.Authorization.json",
        include_str!("../../schemas/arm/2020-05-01/Microsoft.Authorization.json"),
    ),
    (
        "2020-02-02/Microsoft.Insights.Application.json",
        include_str!("../../schemas/arm/2020-02-02/Microsoft.Insights.Application.json"),
    ),
    (
        "2021-05-01-preview/Microsoft.Insights.json",
        include_str!("../../schemas/arm/2021-05-01-preview/Microsoft.Insights.json"),
    ),
    (
        "2022-04-01/Microsoft.Authorization.json",
        include_str!("../../schemas/arm/2022-04-01/Microsoft.Authorization.json"),
    ),
    (
        "2024-03-01/Microsoft.SignalRService.json",
        include_str!("../../schemas/arm/2024-03-01/Microsoft.SignalRService.json"),
    ),
    (
        "2024-05-01/Microsoft.Network.NRP.json",
        include_str!("../../schemas/arm/2024-05-01/Microsoft.Network.NRP.json"),
    ),
    (
        "2024-06-01/Microsoft.Network.privateDns.json",
        include_str!("../../schemas/arm/2024-06-01/Microsoft.Network.privateDns.json"),
    ),
    (
        "2024-11-01/Microsoft.Web.json",
        include_str!("../../schemas/arm/2024-11-01/Microsoft.Web.json"),
    ),
    (
        "2025-04-01/Microsoft.Resources.json",
        include_str!("../../schemas/arm/2025-04-01/Microsoft.Resources.json"),
    ),
    (
        "2025-07-01/Microsoft.OperationalInsights.json",
        include_str!("../../schemas/arm/2025-07-01/Microsoft.OperationalInsights.json"),
    ),
    (
        "2025-08-01/Microsoft.Storage.json",
        include_str!("../../schemas/arm/2025-08-01/Microsoft.Storage.json"),
    ),
    (
        "handmade/Microsoft.Web.sites.host.keys.json",
        include_str!("../../schemas/arm/handmade/Microsoft.Web.sites.host.keys.json"),
    ),
];

const COMMON_ID: &str = "https://schema.management.azure.com/schemas/common/definitions.json";
const TEMPLATE_ID: &str = "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json";
const PARAMETERS_ID: &str = "https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json";

/// Keys the deployment engine reads on any resource, beyond the resource type's own
/// schema. Their value schemas come from `ARMResourceBase`/`resourceBase` of
/// deploymentTemplate.json; `resourceGroup`/`subscriptionId` (nested deployments)
/// are documented but absent from that schema, and so is `metadata` (an object the
/// engine ignores; sigc puts checkov skips there). `location` and `tags` are sent to
/// the resource provider, so they are allowed only where the type's schema declares them.
const ENGINE_KEYS: &[&str] = &[
    "condition",
    "dependsOn",
    "copy",
    "comments",
    "scope",
    "resourceGroup",
    "subscriptionId",
    "metadata",
];

/// Engine keys without a schema whose value is an object (the others are strings).
const OBJECT_ENGINE_KEYS: &[&str] = &["metadata"];

/// Bounds `$ref` chains that consume no input, so a malformed schema cannot recurse forever.
const MAX_REF_DEPTH: u32 = 64;

/// Deployment scope of a template: decides which `*resourceDefinitions` section applies.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Scope {
    ResourceGroup,
    Subscription,
    ManagementGroup,
    Tenant,
}

impl Scope {
    fn from_schema_url(url: &str) -> Option<Scope> {
        let file = url.rsplit('/').next()?.trim_end_matches('#');
        match file {
            "deploymentTemplate.json" => Some(Scope::ResourceGroup),
            "subscriptionDeploymentTemplate.json" => Some(Scope::Subscription),
            "managementGroupDeploymentTemplate.json" => Some(Scope::ManagementGroup),
            "tenantDeploymentTemplate.json" => Some(Scope::Tenant),
            _ => None,
        }
    }

    fn section(self) -> &'static str {
        match self {
            Scope::ResourceGroup => "resourceDefinitions",
            Scope::Subscription => "subscription_resourceDefinitions",
            Scope::ManagementGroup => "managementGroup_resourceDefinitions",
            Scope::Tenant => "tenant_resourceDefinitions",
        }
    }

    fn name(self) -> &'static str {
        match self {
            Scope::ResourceGroup => "resource group",
            Scope::Subscription => "subscription",
            Scope::ManagementGroup => "management group",
            Scope::Tenant => "tenant",
        }
    }
}

const SCOPES: [Scope; 4] = [
    Scope::ResourceGroup,
    Scope::Subscription,
    Scope::ManagementGroup,
    Scope::Tenant,
];

/// A resource definition: the document that holds it (for local `$ref`s) and the schema.
struct Definition {
    doc: &'static str,
    schema: &'static Value,
}

struct Registry {
    /// Document id (without the trailing `#`) → parsed document.
    docs: BTreeMap<&'static str, &'static Value>,
    /// (scope section, type, apiVersion) → resource definition.
    resources: BTreeMap<(&'static str, String, String), Definition>,
}

fn registry() -> &'static Registry {
    static REGISTRY: OnceLock<Registry> = OnceLock::new();
    REGISTRY.get_or_init(|| {
        let mut docs = BTreeMap::new();
        let mut resources = BTreeMap::new();
        for (path, text) in SCHEMA_FILES {
            let doc: &'static Value = Box::leak(Box::new(
                serde_json::from_str(text).unwrap_or_else(|e| panic!("schemas/arm/{path} is valid JSON: {e}")),
            ));
            let id: &'static str = doc
                .get("id")
                .and_then(Value::as_str)
                .unwrap_or_else(|| panic!("schemas/arm/{path} has an id"))
                .trim_end_matches('#');
            docs.insert(id, doc);
            for scope in SCOPES {
                let Some(defs) = doc.get(scope.section()).and_then(Value::as_object) else {
                    continue;
                };
                for schema in defs.values() {
                    let Some(ty) = schema.pointer("/properties/type/enum/0").and_then(Value::as_str) else {
                        continue;
                    };
                    // One apiVersion per upstream file; the hand-made host-keys schema lists several.
                    let apis = schema.pointer("/properties/apiVersion/enum").and_then(Value::as_array);
                    for api in apis.into_iter().flatten().filter_map(Value::as_str) {
                        resources.insert(
                            (scope.section(), ty.to_string(), api.to_string()),
                            Definition { doc: id, schema },
                        );
                    }
                }
            }
        }
        Registry { docs, resources }
    })
}

/// Whether a JSON string is an ARM template expression rather than a literal.
pub fn is_expression(s: &str) -> bool {
    s.starts_with('[') && s.ends_with(']') && !s.starts_with("[[")
}

/// The literal a JSON string stands for: `[[x]` means `[x]`.
fn literal(s: &str) -> &str {
    if s.starts_with("[[") && s.ends_with(']') {
        &s[1..]
    } else {
        s
    }
}

#[derive(Debug)]
struct Problem {
    path: String,
    /// The value has the wrong JSON type for this schema (used to pick the closest `oneOf` branch).
    type_mismatch: bool,
    message: String,
}

/// Where the walk is: the JSON path, whether unknown properties are reported there
/// (not inside `allOf` members, which see only part of an object), and the nesting depth.
#[derive(Clone, Copy)]
struct At<'p> {
    path: &'p str,
    strict: bool,
    depth: u32,
}

impl<'p> At<'p> {
    fn root(path: &'p str) -> Self {
        At {
            path,
            strict: true,
            depth: 0,
        }
    }

    /// The same value, one schema indirection (`$ref`, branch) further.
    fn same(self) -> Self {
        At {
            depth: self.depth + 1,
            ..self
        }
    }

    /// The same value, seen by one `allOf` member.
    fn partial(self) -> Self {
        At {
            strict: false,
            depth: self.depth + 1,
            ..self
        }
    }

    fn child(self, path: &'p str) -> At<'p> {
        At {
            path,
            strict: true,
            depth: self.depth + 1,
        }
    }
}

struct Walker<'r> {
    reg: &'r Registry,
    /// Keys accepted at one path without a schema entry: the engine keys at a resource's
    /// root, which are validated separately against deploymentTemplate.json.
    skip: Option<(&'r str, &'r [&'r str])>,
}

impl Walker<'_> {
    fn resolve(&self, doc: &'static str, reference: &str) -> Option<(&'static str, &'static Value)> {
        let (file, pointer) = reference.split_once('#').unwrap_or((reference, ""));
        let doc_id = if file.is_empty() {
            doc
        } else {
            *self.reg.docs.get_key_value(file)?.0
        };
        let target = self.reg.docs.get(doc_id)?.pointer(pointer)?;
        Some((doc_id, target))
    }

    /// Validates `value` against `schema` (from document `doc`), appending to `out`.
    fn validate(&self, doc: &'static str, schema: &'static Value, value: &Value, at: At<'_>, out: &mut Vec<Problem>) {
        let path = at.path;
        if value.as_str().is_some_and(is_expression) {
            return;
        }
        let Some(schema) = schema.as_object() else { return };
        if let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
            if at.depth > MAX_REF_DEPTH {
                out.push(problem(
                    path,
                    false,
                    format!("schema reference `{reference}` nests too deeply"),
                ));
                return;
            }
            if reference == format!("{COMMON_ID}#/definitions/expression") {
                // Only expressions match (returned above); literals are not expressions.
                out.push(problem(
                    path,
                    true,
                    format!("expected an ARM expression, found {}", describe(value)),
                ));
                return;
            }
            match self.resolve(doc, reference) {
                Some((doc, target)) => self.validate(doc, target, value, at.same(), out),
                None => out.push(problem(
                    path,
                    false,
                    format!("schema reference `{reference}` is not embedded"),
                )),
            }
            return;
        }
        if let Some(members) = schema.get("allOf").and_then(Value::as_array) {
            for member in members {
                self.validate(doc, member, value, at.partial(), out);
            }
        }
        for key in ["oneOf", "anyOf"] {
            let Some(branches) = schema.get(key).and_then(Value::as_array) else {
                continue;
            };
            // A schema with its own `properties` beside the branches (`sites/config`: type and
            // apiVersion above, one branch per name) splits one object between them: each
            // branch sees part of it, and the parent knows the branches' names too.
            let branch_at = if schema.contains_key("properties") {
                at.partial()
            } else {
                at.same()
            };
            let mut best: Option<Vec<Problem>> = None;
            for branch in branches {
                let mut found = Vec::new();
                self.validate(doc, branch, value, branch_at, &mut found);
                if found.is_empty() {
                    best = None;
                    break;
                }
                let rank = |p: &Vec<Problem>| (p.iter().any(|q| q.type_mismatch && q.path == path), p.len());
                if best.as_ref().is_none_or(|b| rank(&found) < rank(b)) {
                    best = Some(found);
                }
            }
            out.extend(best.unwrap_or_default());
        }
        if let Some(expected) = schema.get("type") {
            if !type_matches(expected, value) {
                let expected = match expected {
                    Value::Array(types) => types.iter().filter_map(Value::as_str).collect::<Vec<_>>().join(" or "),
                    other => other.as_str().unwrap_or("?").to_string(),
                };
                out.push(problem(
                    path,
                    true,
                    format!("expected {expected}, found {}", describe(value)),
                ));
                return;
            }
        }
        if let Some(allowed) = schema.get("enum").and_then(Value::as_array) {
            let actual = match value {
                Value::String(s) => Value::String(literal(s).to_string()),
                other => other.clone(),
            };
            if !allowed.contains(&actual) {
                let list = allowed
                    .iter()
                    .map(|v| format!("`{}`", display(v)))
                    .collect::<Vec<_>>()
                    .join(", ");
                out.push(problem(
                    path,
                    false,
                    format!("`{}` is not one of {list}", display(&actual)),
                ));
            }
        }
        match value {
            Value::String(s) => {
                let len = literal(s).chars().count() as u64;
                if let Some(min) = schema.get("minLength").and_then(Value::as_u64).filter(|&m| len < m) {
                    out.push(problem(
                        path,
                        false,
                        format!("`{}` is shorter than {min} characters", literal(s)),
                    ));
                }
                if let Some(max) = schema.get("maxLength").and_then(Value::as_u64).filter(|&m| len > m) {
                    out.push(problem(
                        path,
                        false,
                        format!("`{}` is longer than {max} characters", literal(s)),
                    ));
                }
            }
            Value::Number(n) => {
                let n = n.as_f64().unwrap_or(f64::NAN);
                if let Some(min) = schema.get("minimum").and_then(Value::as_f64).filter(|&m| n < m) {
                    out.push(problem(path, false, format!("{n} is below the minimum {min}")));
                }
                if let Some(max) = schema.get("maximum").and_then(Value::as_f64).filter(|&m| n > m) {
                    out.push(problem(path, false, format!("{n} is above the maximum {max}")));
                }
            }
            Value::Array(items) => {
                if let Some(item_schema) = schema.get("items") {
                    for (i, item) in items.iter().enumerate() {
                        let item_path = format!("{path}[{i}]");
                        self.validate(doc, item_schema, item, at.child(&item_path), out);
                    }
                }
            }
            Value::Object(object) => self.validate_object(doc, schema, object, at, out),
            Value::Bool(_) | Value::Null => {}
        }
    }

    fn validate_object(
        &self,
        doc: &'static str,
        schema: &'static Map<String, Value>,
        object: &Map<String, Value>,
        at: At<'_>,
        out: &mut Vec<Problem>,
    ) {
        let path = at.path;
        for name in schema
            .get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
        {
            if !object.contains_key(name) {
                out.push(problem(path, false, format!("required property `{name}` is missing")));
            }
        }
        let properties = schema.get("properties").and_then(Value::as_object);
        let additional = schema.get("additionalProperties");
        let mut known = BTreeSet::new();
        let mut open = false;
        if at.strict {
            self.collect_known(doc, schema, &mut known, &mut open, at.depth);
        }
        let skipped = self
            .skip
            .filter(|(at, _)| *at == path)
            .map_or(&[][..], |(_, keys)| keys);
        for (key, item) in object {
            if skipped.contains(&key.as_str()) {
                continue;
            }
            let item_path = child(path, key);
            if let Some(item_schema) = properties.and_then(|p| p.get(key)) {
                self.validate(doc, item_schema, item, at.child(&item_path), out);
                continue;
            }
            match additional {
                Some(Value::Bool(false)) => {
                    out.push(problem(&item_path, false, format!("`{key}` is not allowed here")))
                }
                Some(Value::Object(extra)) if !extra.is_empty() => {
                    self.validate(doc, &schema["additionalProperties"], item, at.child(&item_path), out)
                }
                Some(_) => {}
                None if at.strict && !open && !known.contains(key.as_str()) => {
                    out.push(problem(&item_path, false, format!("`{key}` is not a known property")));
                }
                None => {}
            }
        }
    }

    /// The property names a schema object declares, including its `allOf` members;
    /// `open` becomes true when extra properties are allowed or nothing is declared.
    fn collect_known(
        &self,
        doc: &'static str,
        schema: &'static Map<String, Value>,
        known: &mut BTreeSet<&'static str>,
        open: &mut bool,
        depth: u32,
    ) {
        if depth > MAX_REF_DEPTH {
            return;
        }
        if schema.contains_key("additionalProperties") {
            *open = true;
        }
        match schema.get("properties").and_then(Value::as_object) {
            Some(props) => known.extend(props.keys().map(String::as_str)),
            None if !schema.contains_key("allOf") => *open = true,
            None => {}
        }
        let branches = schema
            .contains_key("properties")
            .then(|| ["oneOf", "anyOf"].map(|k| schema.get(k).and_then(Value::as_array)))
            .into_iter()
            .flatten()
            .flatten()
            .flatten();
        for member in schema
            .get("allOf")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .chain(branches)
        {
            let (member_doc, member) = match member.get("$ref").and_then(Value::as_str) {
                Some(r) => match self.resolve(doc, r) {
                    Some(found) => found,
                    None => continue,
                },
                None => (doc, member),
            };
            if let Some(member) = member.as_object() {
                self.collect_known(member_doc, member, known, open, depth + 1);
            }
        }
    }
}

fn problem(path: &str, type_mismatch: bool, message: String) -> Problem {
    Problem {
        path: path.to_string(),
        type_mismatch,
        message,
    }
}

fn child(path: &str, key: &str) -> String {
    if key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$') {
        format!("{path}.{key}")
    } else {
        format!("{path}[{}]", Value::String(key.to_string()))
    }
}

fn type_matches(expected: &Value, value: &Value) -> bool {
    match expected {
        Value::Array(types) => types.iter().any(|t| type_matches(t, value)),
        Value::String(t) => match t.as_str() {
            "string" => value.is_string(),
            "object" => value.is_object(),
            "array" => value.is_array(),
            "boolean" => value.is_boolean(),
            "integer" => value.is_i64() || value.is_u64(),
            "number" => value.is_number(),
            "null" => value.is_null(),
            _ => true,
        },
        _ => true,
    }
}

fn describe(value: &Value) -> String {
    match value {
        Value::Null => "null".into(),
        Value::Bool(b) => format!("boolean `{b}`"),
        Value::Number(n) if n.is_i64() || n.is_u64() => format!("integer `{n}`"),
        Value::Number(n) => format!("number `{n}`"),
        Value::String(s) => format!("string `{}`", literal(s)),
        Value::Array(_) => "an array".into(),
        Value::Object(_) => "an object".into(),
    }
}

fn display(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Checks a whole template (and every nested deployment's inner template).
/// Returns one human-readable message per problem, each naming the resource and the
/// JSON path; an empty list means the template passed.
pub fn check_template(template: &Value) -> Vec<String> {
    let mut messages = Vec::new();
    let scope = template
        .get("$schema")
        .and_then(Value::as_str)
        .and_then(Scope::from_schema_url);
    match scope {
        Some(scope) => check_template_at(template, scope, "$", &mut messages),
        None => {
            messages.push("$.$schema: not a known ARM deployment template schema URL".to_string());
            check_template_at(template, Scope::ResourceGroup, "$", &mut messages);
        }
    }
    messages
}

/// Checks a parameters file against the parameters file schema and the template it feeds:
/// every parameter must be declared by the template, and every template parameter
/// without a default must be given.
pub fn check_parameters(parameters: &Value, template: &Value) -> Vec<String> {
    let reg = registry();
    let walker = Walker { reg, skip: None };
    let root = reg.docs[PARAMETERS_ID];
    let mut found = Vec::new();
    walker.validate(PARAMETERS_ID, root, parameters, At::root("$"), &mut found);
    let mut messages: Vec<String> = found
        .into_iter()
        .map(|p| format!("{}: {}", p.path, p.message))
        .collect();
    let declared = template.get("parameters").and_then(Value::as_object);
    let given = parameters.get("parameters").and_then(Value::as_object);
    for mismatch in parameter_mismatches(declared, given) {
        messages.push(match mismatch {
            Mismatch::Undeclared(name) => format!("$.parameters.{name}: the template declares no parameter `{name}`"),
            Mismatch::Missing(name) => format!("$.parameters: template parameter `{name}` has no default and no value"),
        });
    }
    messages
}

/// A parameter given but not declared, or declared without a default and not given.
enum Mismatch<'a> {
    Undeclared(&'a str),
    Missing(&'a str),
}

/// Compares a template's declared parameters with the values given to it (by a
/// parameters file, or by the deployment that nests it).
fn parameter_mismatches<'a>(
    declared: Option<&'a serde_json::Map<String, Value>>,
    given: Option<&'a serde_json::Map<String, Value>>,
) -> Vec<Mismatch<'a>> {
    let mut out: Vec<Mismatch<'a>> = given
        .into_iter()
        .flat_map(|g| g.keys())
        .filter(|name| !declared.is_some_and(|d| d.contains_key(*name)))
        .map(|name| Mismatch::Undeclared(name))
        .collect();
    out.extend(
        declared
            .into_iter()
            .flatten()
            .filter(|(name, decl)| decl.get("defaultValue").is_none() && !given.is_some_and(|g| g.contains_key(*name)))
            .map(|(name, _)| Mismatch::Missing(name)),
    );
    out
}

fn check_template_at(template: &Value, scope: Scope, path: &str, messages: &mut Vec<String>) {
    let reg = registry();
    let walker = Walker { reg, skip: None };
    let Some(object) = template.as_object() else {
        messages.push(format!("{path}: a template must be a JSON object"));
        return;
    };

    // Top level: the deploymentTemplate.json root, except `resources`, checked per type below.
    let root = reg.docs[TEMPLATE_ID];
    let root_props = root.get("properties").and_then(Value::as_object);
    for name in root
        .get("required")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
    {
        if !object.contains_key(name) {
            messages.push(format!("{path}: required template property `{name}` is missing"));
        }
    }
    for (key, value) in object {
        let key_path = child(path, key);
        if key == "resources" {
            if !value.is_array() {
                messages.push(format!("{key_path}: expected an array of resources"));
            }
            continue;
        }
        match root_props.and_then(|p| p.get(key)) {
            Some(schema) => {
                let mut found = Vec::new();
                walker.validate(TEMPLATE_ID, schema, value, At::root(&key_path), &mut found);
                messages.extend(found.into_iter().map(|p| format!("{}: {}", p.path, p.message)));
            }
            None => messages.push(format!("{key_path}: `{key}` is not a template property")),
        }
    }

    let resources = object
        .get("resources")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or_default();
    let declared_parameters: BTreeSet<&str> = object
        .get("parameters")
        .and_then(Value::as_object)
        .map(|p| p.keys().map(String::as_str).collect())
        .unwrap_or_default();
    let mut identities: BTreeMap<(String, String), usize> = BTreeMap::new();
    for (i, resource) in resources.iter().enumerate() {
        let res_path = format!("{path}.resources[{i}]");
        let label = resource_label(resource);
        check_resource(&walker, resource, scope, &res_path, &label, messages);
        if let Some(key) = identity(resource) {
            if let Some(first) = identities.insert(key.clone(), i) {
                messages.push(format!(
                    "{label} at {res_path}: also declared at {path}.resources[{first}]"
                ));
            }
        }
        // Nested deployments carry their own template, deployed at their own scope.
        if resource.get("type").and_then(Value::as_str) == Some("Microsoft.Resources/deployments") {
            if let Some(inner) = resource.pointer("/properties/template").filter(|t| t.is_object()) {
                check_nested(resource, inner, scope, &res_path, &label, messages);
            }
        }
    }
    check_depends_on(resources, path, messages);
    if path == "$" {
        // Once, over the whole document: nested templates are inside it.
        check_expressions(template, path, messages);
    }
    check_parameter_uses(object, &declared_parameters, path, messages);
    check_outputs(object, path, messages);
}

fn check_nested(deployment: &Value, inner: &Value, scope: Scope, path: &str, label: &str, messages: &mut Vec<String>) {
    let target = if deployment.get("resourceGroup").is_some() {
        Scope::ResourceGroup
    } else {
        scope
    };
    let declared = inner
        .get("$schema")
        .and_then(Value::as_str)
        .and_then(Scope::from_schema_url);
    if declared != Some(target) {
        messages.push(format!(
            "{label} at {path}: `properties.template.$schema` is not the {} template schema the deployment targets",
            target.name()
        ));
    }
    let evaluation = deployment
        .pointer("/properties/expressionEvaluationOptions/scope")
        .and_then(Value::as_str);
    if inner.get("parameters").is_some() && !evaluation.is_some_and(|s| s.eq_ignore_ascii_case("inner")) {
        messages.push(format!(
            "{label} at {path}: the inner template declares parameters, so `expressionEvaluationOptions.scope` must be `Inner`"
        ));
    }
    let passed = deployment.pointer("/properties/parameters").and_then(Value::as_object);
    let wanted = inner.get("parameters").and_then(Value::as_object);
    for mismatch in parameter_mismatches(wanted, passed) {
        messages.push(match mismatch {
            Mismatch::Undeclared(name) => {
                format!("{label} at {path}: passes `{name}`, which the inner template does not declare")
            }
            Mismatch::Missing(name) => format!("{label} at {path}: inner template parameter `{name}` gets no value"),
        });
    }
    check_template_at(inner, target, &format!("{path}.properties.template"), messages);
}

fn resource_label(resource: &Value) -> String {
    let ty = resource.get("type").and_then(Value::as_str).unwrap_or("<no type>");
    let name = resource
        .get("name")
        .and_then(Value::as_str)
        .map(literal)
        .unwrap_or("<no name>");
    format!("{ty} `{name}`")
}

/// (lower-case type, resolved lower-case name) of a resource: Azure compares both
/// case-insensitively. The name is resolved as ARM reads it (`[[x]` is the literal
/// `[x]`, an expression of literals is its value), never compared as raw text.
fn identity(resource: &Value) -> Option<(String, String)> {
    let ty = resource.get("type")?.as_str()?;
    let name = resource.get("name")?.as_str()?;
    Some((ty.to_ascii_lowercase(), resolved_name(name)))
}

/// A JSON string as the value it stands for: a literal, a constant expression's value,
/// or else the expression's canonical form in brackets (lower-cased).
fn resolved_name(s: &str) -> String {
    if !is_expression(s) {
        return literal(s).to_ascii_lowercase();
    }
    match Expr::parse(&s[1..s.len() - 1]) {
        Some(e) => resolved_arg(&e),
        None => s.to_ascii_lowercase(),
    }
}

fn resolved_arg(e: &Expr) -> String {
    e.constant()
        .unwrap_or_else(|| format!("[{}]", e.canonical()))
        .to_ascii_lowercase()
}

fn check_resource(
    walker: &Walker<'_>,
    resource: &Value,
    scope: Scope,
    path: &str,
    label: &str,
    messages: &mut Vec<String>,
) {
    let Some(object) = resource.as_object() else {
        messages.push(format!("{path}: a resource must be a JSON object"));
        return;
    };
    let ty = object.get("type").and_then(Value::as_str);
    let api = object.get("apiVersion").and_then(Value::as_str);
    let (Some(ty), Some(api)) = (ty, api) else {
        messages.push(format!(
            "{label} at {path}: `type` and `apiVersion` must be literal strings"
        ));
        return;
    };
    let reg = walker.reg;
    let Some(def) = reg.resources.get(&(scope.section(), ty.to_string(), api.to_string())) else {
        let elsewhere: Vec<&str> = SCOPES
            .iter()
            .filter(|s| {
                reg.resources
                    .contains_key(&(s.section(), ty.to_string(), api.to_string()))
            })
            .map(|s| s.name())
            .collect();
        let why = if elsewhere.is_empty() {
            let known: Vec<&str> = reg
                .resources
                .keys()
                .filter(|(_, t, _)| t == ty)
                .map(|(_, _, v)| v.as_str())
                .collect();
            format!(
                "no embedded schema for apiVersion `{api}` (embedded: {})",
                list_or_none(&known)
            )
        } else {
            format!(
                "cannot be deployed at {} scope (only at: {})",
                scope.name(),
                elsewhere.join(", ")
            )
        };
        messages.push(format!("{label} at {path}: {why}"));
        return;
    };
    let template_doc = reg.docs[TEMPLATE_ID];
    let mut found = Vec::new();
    let declared = def.schema.get("properties").and_then(Value::as_object);
    let mut skipped = Vec::new();
    for &key in ENGINE_KEYS {
        let Some(value) = object.get(key) else { continue };
        if declared.is_some_and(|d| d.contains_key(key)) {
            continue;
        }
        skipped.push(key);
        let engine_schema = [
            "/definitions/ARMResourceBase/properties/",
            "/definitions/resourceBase/allOf/1/properties/",
        ]
        .iter()
        .find_map(|prefix| template_doc.pointer(&format!("{prefix}{key}")));
        match engine_schema {
            Some(schema) => walker.validate(TEMPLATE_ID, schema, value, At::root(&child(path, key)), &mut found),
            None if OBJECT_ENGINE_KEYS.contains(&key) => {
                if !value.is_object() {
                    found.push(problem(
                        &child(path, key),
                        true,
                        format!("expected object, found {}", describe(value)),
                    ))
                }
            }
            None if !value.is_string() => found.push(problem(
                &child(path, key),
                true,
                format!("expected string, found {}", describe(value)),
            )),
            None => {}
        }
    }
    let walker = Walker {
        reg,
        skip: Some((path, &skipped)),
    };
    walker.validate(def.doc, def.schema, resource, At::root(path), &mut found);
    for p in found {
        let relative = p.path.strip_prefix(path).unwrap_or(&p.path).trim_start_matches('.');
        let at = if relative.is_empty() {
            String::new()
        } else {
            format!(" `{relative}`")
        };
        messages.push(format!("{label} at {path}{at}: {}", p.message));
    }
}

fn list_or_none(items: &[&str]) -> String {
    if items.is_empty() {
        "none".to_string()
    } else {
        items.join(", ")
    }
}

/// Every `dependsOn` entry must name a resource declared in the same template.
fn check_depends_on(resources: &[Value], path: &str, messages: &mut Vec<String>) {
    let declared: Vec<(String, String)> = resources.iter().filter_map(identity).collect();
    for (i, resource) in resources.iter().enumerate() {
        let Some(entries) = resource.get("dependsOn").and_then(Value::as_array) else {
            continue;
        };
        let label = resource_label(resource);
        for (j, entry) in entries.iter().enumerate() {
            let Some(entry) = entry.as_str() else { continue }; // the schema walk reports the type
            let target = dependency_target(entry);
            let found = match &target {
                Some(Target::Id(key)) => declared.contains(key),
                Some(Target::Name(name)) => declared.iter().any(|(_, n)| n == name),
                None => false,
            };
            if !found {
                let why = if target.is_some() {
                    "names no resource of this template"
                } else {
                    "cannot be resolved"
                };
                messages.push(format!(
                    "{label} at {path}.resources[{i}].dependsOn[{j}]: `{entry}` {why}"
                ));
            }
        }
    }
}

enum Target {
    /// (lower-case type, lower-case name) from a resource id function.
    Id((String, String)),
    /// A bare resource name (lower-case).
    Name(String),
}

/// Resolves `[resourceId('T', 'a', 'b')]`, `[subscriptionResourceId(...)]`,
/// `[extensionResourceId(<scope>, 'T', <name>)]` or a bare name, from the parsed
/// expression: each name segment is resolved as [`resolved_name`] resolves a name.
fn dependency_target(entry: &str) -> Option<Target> {
    if !is_expression(entry) {
        return Some(Target::Name(literal(entry).to_ascii_lowercase()));
    }
    let expr = Expr::parse(&entry[1..entry.len() - 1])?;
    let (function, args) = expr.call()?;
    let args: &[Expr] = match function.as_str() {
        "resourceid" | "subscriptionresourceid" | "tenantresourceid" => {
            // Optional leading subscription id / resource group name: the type is the
            // first argument that is a literal containing a '/'.
            let start = args
                .iter()
                .position(|a| a.constant().is_some_and(|s| s.contains('/')))?;
            &args[start..]
        }
        "extensionresourceid" => args.get(1..)?,
        _ => return None,
    };
    let (ty, names) = args.split_first()?;
    let ty = ty.constant()?;
    if names.is_empty() {
        return None;
    }
    let names: Vec<String> = names.iter().map(resolved_arg).collect();
    Some(Target::Id((ty.to_ascii_lowercase(), names.join("/"))))
}

/// Every `parameters('x')` used anywhere in the template (outside nested templates,
/// which have their own parameters) must be declared.
fn check_parameter_uses(
    template: &Map<String, Value>,
    declared: &BTreeSet<&str>,
    path: &str,
    messages: &mut Vec<String>,
) {
    let mut used = BTreeSet::new();
    for (key, value) in template {
        if key != "parameters" {
            collect_parameter_uses(value, &mut used);
        }
    }
    // Defaults may refer to other parameters.
    if let Some(params) = template.get("parameters") {
        collect_parameter_uses(params, &mut used);
    }
    for name in used.difference(&declared.iter().map(|s| s.to_string()).collect()) {
        messages.push(format!("{path}: `parameters('{name}')` is used but not declared"));
    }
}

fn collect_parameter_uses(value: &Value, used: &mut BTreeSet<String>) {
    match value {
        Value::String(s) if is_expression(s) => {
            // An expression that does not parse is reported by `check_expressions`.
            if let Some(e) = Expr::parse(&s[1..s.len() - 1]) {
                e.walk(&mut |e| {
                    if let Some(("parameters", [name])) = e.call().as_ref().map(|(n, a)| (n.as_str(), *a)) {
                        used.insert(name.constant().unwrap_or_else(|| format!("[{}]", name.canonical())));
                    }
                });
            }
        }
        Value::Array(items) => items.iter().for_each(|v| collect_parameter_uses(v, used)),
        Value::Object(map) => {
            for (key, v) in map {
                // A nested deployment's inner template and the values passed to it are its own scope.
                if key == "template" && map.contains_key("mode") {
                    if let Some(params) = map.get("parameters") {
                        collect_parameter_uses(params, used);
                    }
                    continue;
                }
                collect_parameter_uses(v, used);
            }
        }
        _ => {}
    }
}

/// Every string that ARM reads as an expression must parse as one.
fn check_expressions(value: &Value, path: &str, messages: &mut Vec<String>) {
    match value {
        Value::String(s) if is_expression(s) && Expr::parse(&s[1..s.len() - 1]).is_none() => {
            messages.push(format!("{path}: `{s}` is not a valid template expression"));
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                check_expressions(v, &format!("{path}[{i}]"), messages);
            }
        }
        Value::Object(map) => {
            for (key, v) in map {
                check_expressions(v, &child(path, key), messages);
            }
        }
        _ => {}
    }
}

/// Whether an expression reads a secret: a `list*()` call (`listKeys`, `listSecrets`,
/// `listConnectionStrings`, ...) or a property named like a key or connection string.
fn reads_secret(e: &Expr) -> bool {
    let mut found = false;
    e.walk(&mut |e| match e {
        Expr::Call(name, _) if name.to_ascii_lowercase().starts_with("list") => found = true,
        Expr::Member(_, p) => {
            let p = p.to_ascii_lowercase();
            if p.contains("connectionstring") || p.ends_with("key") || p.ends_with("keys") {
                found = true;
            }
        }
        _ => {}
    });
    found
}

/// No output may expose a secret: ARM outputs are readable by anyone who can read the deployment.
fn check_outputs(template: &Map<String, Value>, path: &str, messages: &mut Vec<String>) {
    let Some(outputs) = template.get("outputs").and_then(Value::as_object) else {
        return;
    };
    for (name, output) in outputs {
        let secure = output
            .get("type")
            .and_then(Value::as_str)
            .is_some_and(|t| t.to_ascii_lowercase().starts_with("secure"));
        // Every expression inside the value (a string, or strings inside an object or array).
        let mut exprs = Vec::new();
        collect_expressions(output.get("value").unwrap_or(&Value::Null), &mut exprs);
        if !secure && exprs.iter().any(reads_secret) {
            messages.push(format!(
                "{path}.outputs.{name}: the output exposes a key or connection string"
            ));
        }
    }
}

fn collect_expressions(value: &Value, out: &mut Vec<Expr>) {
    match value {
        Value::String(s) if is_expression(s) => out.extend(Expr::parse(&s[1..s.len() - 1])),
        Value::Array(items) => items.iter().for_each(|v| collect_expressions(v, out)),
        Value::Object(map) => map.values().for_each(|v| collect_expressions(v, out)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn every_embedded_schema_registers_its_resource_types() {
        let reg = registry();
        assert_eq!(reg.docs.len(), SCHEMA_FILES.len());
        for (ty, api) in [
            ("Microsoft.SignalRService/signalR", "2024-03-01"),
            ("Microsoft.Web/sites", "2024-11-01"),
            (
                "Microsoft.Storage/storageAccounts/blobServices/containers",
                "2025-08-01",
            ),
        ] {
            assert!(
                reg.resources
                    .contains_key(&("resourceDefinitions", ty.to_string(), api.to_string())),
                "{ty}"
            );
        }
        assert!(reg.resources.contains_key(&(
            "subscription_resourceDefinitions",
            "Microsoft.Resources/resourceGroups".to_string(),
            "2025-04-01".to_string()
        )));
    }

    /// The host system key the one-apply wiring creates (P19), against the hand-made schema.
    fn system_key() -> Value {
        json!({
            "type": "Microsoft.Web/sites/host/systemKeys",
            "apiVersion": "2024-11-01",
            "name": "func-chat-dev/default/signalr_extension",
            "properties": {"name": "signalr_extension"}
        })
    }

    #[test]
    fn host_system_keys_are_checked_against_the_hand_made_schema() {
        assert_eq!(
            check_template(&rg_template(json!([system_key()]))),
            Vec::<String>::new()
        );
        let mut misspelt = system_key();
        misspelt["properties"] = json!({"name": "signalr_extension", "valu": "not-a-secret"});
        let problems = check_template(&rg_template(json!([misspelt])));
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(problems[0].contains("valu"), "{problems:?}");
        let mut numeric = system_key();
        numeric["properties"]["name"] = json!(1);
        let problems = check_template(&rg_template(json!([numeric])));
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(problems[0].contains("properties.name"), "{problems:?}");
        let mut old_api = system_key();
        old_api["apiVersion"] = json!("2021-03-01");
        let problems = check_template(&rg_template(json!([old_api])));
        assert_eq!(problems.len(), 1, "{problems:?}");
    }

    fn rg_template(resources: Value) -> Value {
        json!({
            "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
            "contentVersion": "1.0.0.0",
            "resources": resources,
        })
    }

    fn workspace() -> Value {
        json!({
            "type": "Microsoft.OperationalInsights/workspaces",
            "apiVersion": "2025-07-01",
            "name": "log-a",
            "location": "eastus",
            "properties": {"sku": {"name": "PerGB2018"}, "retentionInDays": 30}
        })
    }

    fn host_key() -> Value {
        json!({
            "type": "Microsoft.Web/sites/host/systemKeys",
            "apiVersion": "2024-11-01",
            "name": "func-chat-dev/default/signalr_extension",
            "properties": {"name": "signalr_extension"},
        })
    }

    #[test]
    fn the_hand_made_host_key_schema_checks_system_keys() {
        assert_eq!(check_template(&rg_template(json!([host_key()]))), Vec::<String>::new());
        let mut broken = host_key();
        broken["properties"] = json!({"name": "signalr_extension", "value": 7, "expiry": "never"});
        let problems = check_template(&rg_template(json!([broken])));
        let all = problems.join("\n");
        assert!(
            all.contains("`properties.value`: expected string"),
            "a non-string value is reported: {all}"
        );
        assert!(
            all.contains("`expiry` is not a known property"),
            "an unknown property is reported: {all}"
        );
        let mut old = host_key();
        old["apiVersion"] = json!("2019-08-01");
        let problems = check_template(&rg_template(json!([old])));
        assert!(
            problems
                .iter()
                .any(|p| p.contains("no embedded schema for apiVersion `2019-08-01`")),
            "{problems:?}"
        );
    }

    #[test]
    fn a_valid_resource_passes() {
        assert_eq!(check_template(&rg_template(json!([workspace()]))), Vec::<String>::new());
    }

    #[test]
    fn expressions_match_any_type_but_escaped_literals_do_not() {
        let mut ws = workspace();
        ws["properties"]["retentionInDays"] = json!("[parameters('days')]");
        let mut t = rg_template(json!([ws.clone()]));
        t["parameters"] = json!({"days": {"type": "int"}});
        assert_eq!(check_template(&t), Vec::<String>::new());
        ws["properties"]["retentionInDays"] = json!("[[parameters('days')]");
        let problems = check_template(&rg_template(json!([ws])));
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(
            problems[0].contains("retentionInDays") && problems[0].contains("expected integer"),
            "{problems:?}"
        );
    }

    #[test]
    fn resource_metadata_is_an_engine_key_that_must_be_an_object() {
        let mut ws = workspace();
        ws["metadata"] = json!({"checkov": ["CKV_AZURE_1:why"]});
        assert_eq!(check_template(&rg_template(json!([ws.clone()]))), Vec::<String>::new());
        ws["metadata"] = json!(["CKV_AZURE_1:why"]);
        let problems = check_template(&rg_template(json!([ws])));
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(
            problems[0].contains("`metadata`") && problems[0].contains("expected object, found"),
            "{problems:?}"
        );
    }

    #[test]
    fn unknown_property_is_reported_with_its_path() {
        let mut ws = workspace();
        ws["properties"]["sku"] = json!({"nmae": "PerGB2018"});
        let problems = check_template(&rg_template(json!([ws])));
        assert_eq!(problems.len(), 2, "{problems:?}"); // the typo, and the missing `name`
        assert!(problems
            .iter()
            .any(|p| p.contains("`properties.sku.nmae`") && p.contains("not a known property")));
        assert!(problems.iter().any(|p| p.contains("required property `name`")));
        assert!(problems[0].contains("Microsoft.OperationalInsights/workspaces `log-a`"));
    }

    #[test]
    fn enum_type_and_required_violations_are_reported() {
        let mut ws = workspace();
        ws["properties"]["sku"]["name"] = json!("PerGB2019");
        ws["properties"]["retentionInDays"] = json!(true);
        ws.as_object_mut().unwrap().remove("properties");
        let problems = check_template(&rg_template(json!([ws])));
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(problems[0].contains("required property `properties`"), "{problems:?}");

        let mut ws = workspace();
        ws["properties"]["sku"]["name"] = json!("PerGB2019");
        ws["properties"]["retentionInDays"] = json!(true);
        let problems = check_template(&rg_template(json!([ws])));
        assert_eq!(problems.len(), 2, "{problems:?}");
        assert!(problems.iter().any(|p| p.contains("`PerGB2019` is not one of")));
        assert!(problems.iter().any(|p| p.contains("expected integer, found boolean")));
    }

    #[test]
    fn scope_and_api_version_are_checked() {
        let rg = json!({"type": "Microsoft.Resources/resourceGroups", "apiVersion": "2025-04-01", "name": "rg", "location": "eastus", "properties": {}});
        let problems = check_template(&rg_template(json!([rg])));
        assert!(
            problems[0].contains("cannot be deployed at resource group scope"),
            "{problems:?}"
        );
        let mut ws = workspace();
        ws["apiVersion"] = json!("2015-11-01-preview");
        let problems = check_template(&rg_template(json!([ws])));
        assert!(
            problems[0].contains("no embedded schema for apiVersion `2015-11-01-preview`"),
            "{problems:?}"
        );
    }

    #[test]
    fn dangling_and_duplicate_resources_are_reported() {
        let mut second = workspace();
        second["dependsOn"] = json!(["[resourceId('Microsoft.Insights/components', 'appi-a')]"]);
        let problems = check_template(&rg_template(json!([workspace(), second])));
        assert_eq!(problems.len(), 2, "{problems:?}");
        assert!(problems.iter().any(|p| p.contains("also declared at")));
        assert!(problems
            .iter()
            .any(|p| p.contains("dependsOn[0]") && p.contains("names no resource")));
    }

    #[test]
    fn parameters_files_must_match_the_template() {
        let template = json!({
            "parameters": {
                "location": {"type": "string"},
                "flag": {"type": "bool", "defaultValue": false}
            }
        });
        let good = json!({
            "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#",
            "contentVersion": "1.0.0.0",
            "parameters": {"location": {"value": "eastus"}}
        });
        assert_eq!(check_parameters(&good, &template), Vec::<String>::new());
        let bad = json!({
            "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#",
            "contentVersion": "1.0.0.0",
            "parameters": {"other": {"value": 1}}
        });
        let problems = check_parameters(&bad, &template);
        assert_eq!(problems.len(), 2, "{problems:?}");
        assert!(problems.iter().any(|p| p.contains("declares no parameter `other`")));
        assert!(problems
            .iter()
            .any(|p| p.contains("`location` has no default and no value")));
    }

    #[test]
    fn top_level_keys_and_parameters_are_checked() {
        let mut t = rg_template(json!([]));
        t.as_object_mut().unwrap().remove("contentVersion");
        t["outputz"] = json!({});
        t["outputs"] = json!({"k": {"type": "string", "value": "[listKeys('x', '1').keys[0].value]"}});
        t["variables"] = json!({"v": "[parameters('missing')]"});
        let problems = check_template(&t);
        assert_eq!(problems.len(), 4, "{problems:?}");
        assert!(problems.iter().any(|p| p.contains("`contentVersion` is missing")));
        assert!(problems
            .iter()
            .any(|p| p.contains("`outputz` is not a template property")));
        assert!(problems.iter().any(|p| p.contains("exposes a key")));
        assert!(problems.iter().any(|p| p.contains("parameters('missing')")));
    }

    #[test]
    fn dependency_targets_parse_resource_id_functions() {
        let key = |e: &str| match dependency_target(e) {
            Some(Target::Id(k)) => Some(k),
            _ => None,
        };
        assert_eq!(
            key("[resourceId('Microsoft.Storage/storageAccounts/blobServices/containers', 'st', 'default', 'c')]"),
            Some((
                "microsoft.storage/storageaccounts/blobservices/containers".into(),
                "st/default/c".into()
            ))
        );
        assert_eq!(
            key("[subscriptionResourceId('Microsoft.Resources/resourceGroups', 'rg-o''k')]"),
            Some(("microsoft.resources/resourcegroups".into(), "rg-o'k".into()))
        );
        assert_eq!(key("[concat('a', 'b')]"), None);
    }

    #[test]
    fn nested_deployments_are_checked_recursively() {
        let inner = rg_template(json!([workspace()]));
        let mut inner_with_param = inner.clone();
        inner_with_param["parameters"] = json!({"location": {"type": "string"}});
        let deployment = |template: Value, evaluation: &str, passed: Value| {
            json!({
                "$schema": "https://schema.management.azure.com/schemas/2018-05-01/subscriptionDeploymentTemplate.json#",
                "contentVersion": "1.0.0.0",
                "resources": [{
                    "type": "Microsoft.Resources/deployments",
                    "apiVersion": "2025-04-01",
                    "name": "d",
                    "resourceGroup": "rg",
                    "properties": {
                        "expressionEvaluationOptions": {"scope": evaluation},
                        "mode": "Incremental",
                        "parameters": passed,
                        "template": template,
                    },
                }],
            })
        };
        assert_eq!(
            check_template(&deployment(inner.clone(), "Inner", json!({}))),
            Vec::<String>::new()
        );
        let ok = deployment(
            inner_with_param.clone(),
            "Inner",
            json!({"location": {"value": "eastus"}}),
        );
        assert_eq!(check_template(&ok), Vec::<String>::new());

        let problems = check_template(&deployment(
            inner_with_param.clone(),
            "Outer",
            json!({"other": {"value": 1}}),
        ));
        assert_eq!(problems.len(), 3, "{problems:?}");
        assert!(problems.iter().any(|p| p.contains("must be `Inner`")));
        assert!(problems.iter().any(|p| p.contains("passes `other`")));
        assert!(problems.iter().any(|p| p.contains("`location` gets no value")));

        let mut bad_inner = inner;
        bad_inner["resources"][0]["properties"]["retentionInDays"] = json!("30");
        let problems = check_template(&deployment(bad_inner, "Inner", json!({})));
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(problems[0].starts_with("Microsoft.OperationalInsights/workspaces `log-a` at $.resources[0].properties.template.resources[0] `properties.retentionInDays`"), "{problems:?}");
    }

    #[test]
    fn references_are_compared_resolved_not_as_text() {
        // A literal name `[x]` is written `[[x]`; a dependency names it as the literal `'[x]'`.
        let mut ai = workspace();
        ai["type"] = json!("Microsoft.Insights/components");
        ai["name"] = json!("[[concat(1)]");
        let mut second = workspace();
        second["name"] = json!("log-b");
        second["dependsOn"] = json!(["[resourceId('Microsoft.Insights/components', '[concat(1)]')]"]);
        let deps = {
            let mut m = Vec::new();
            check_depends_on(&[ai, second], "$", &mut m);
            m
        };
        assert_eq!(deps, Vec::<String>::new());
        // A literal that reads like a call is no parameter use, and no secret.
        let mut t = rg_template(json!([]));
        t["variables"] = json!({"v": "[concat('parameters(''x'')', 'connectionstring')]"});
        t["outputs"] = json!({"o": {"type": "string", "value": "[concat('listKeys(', 'connectionstring')]"}});
        assert_eq!(check_template(&t), Vec::<String>::new());
        t["outputs"] = json!({"o": {"type": "string", "value": "[reference('x').primaryConnectionString]"}});
        assert!(check_template(&t).iter().any(|p| p.contains("exposes a key")));
        t["outputs"] = json!({"o": {"type": "string", "value": "[listKeys('x', '2020-01-01').primaryKey]"}});
        assert!(check_template(&t).iter().any(|p| p.contains("exposes a key")));
        t["outputs"] = json!({"o": {"type": "string", "value": "[concat('a']"}});
        assert!(check_template(&t)
            .iter()
            .any(|p| p.contains("not a valid template expression")));
    }
}
