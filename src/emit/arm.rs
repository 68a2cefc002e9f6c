//! `arm` target: `arm/azuredeploy.json` and `arm/azuredeploy.parameters.json`, printed
//! from the ARM-shaped lowering ([`super::arm_model`]).
//!
//! The template is deployed at subscription scope (`az deployment sub create`): it
//! creates the resource group, then deploys every other resource into it through one
//! nested deployment whose inner template has its own parameters
//! (`expressionEvaluationOptions.scope = Inner`). That layout is this file's; the
//! resources are the lowering's, in its order, each `dependsOn` its graph dependencies.
//!
//! Every string of the IR goes through [`arm_string`] (JSON literal) or [`quote`]
//! (literal inside an expression), so no user value is ever evaluated.

use anyhow::{bail, Context, Result};
use serde_json::{json, Map, Value};

use super::arm_model::{self, Expr, Item, ModuleCall, Node, Ref, ResName, Resource, Scope, Stack, LOCATION};
pub use super::arm_model::{
    COMPONENTS_API, DIAGNOSTIC_SETTINGS_API, RESOURCES_API, ROLE_ASSIGNMENTS_API, SIGNALR_API, STORAGE_API,
    UPSTREAM_SWITCH, WEB_API, WORKSPACES_API,
};
use super::{checkov, Artifact, Target, CONTRACT_OUTPUTS};
use crate::graph::{ResId, ResourceGraph};

const SUBSCRIPTION_SCHEMA: &str =
    "https://schema.management.azure.com/schemas/2018-05-01/subscriptionDeploymentTemplate.json#";
const RESOURCE_GROUP_SCHEMA: &str = "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#";
const PARAMETERS_SCHEMA: &str = "https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#";
const CONTENT_VERSION: &str = "1.0.0.0";

/// The ARM type of a contract output: the port is a number, the rest are strings.
fn output_type(name: &str) -> &'static str {
    if name == "signalr_public_port" {
        "int"
    } else {
        "string"
    }
}

pub fn emit(graph: &ResourceGraph) -> Result<Vec<Artifact>> {
    let stack = arm_model::lower(graph).context("lowering the stack to the ARM model")?;
    let template = template(&stack, graph).context("building the ARM template")?;
    let parameters = parameters_file(&stack)?;
    Ok(vec![
        Artifact::new("arm/azuredeploy.json", render(&template)?),
        Artifact::new("arm/azuredeploy.parameters.json", render(&parameters)?),
    ])
}

/// Pretty-printed (2 spaces) with a final newline.
fn render(value: &Value) -> Result<String> {
    let mut text = serde_json::to_string_pretty(value).context("serialising ARM JSON")?;
    text.push('\n');
    Ok(text)
}

/// A user string as an ARM JSON string literal: ARM evaluates a string that starts
/// with `[` and ends with `]` as an expression; `[[` escapes such a string.
pub fn arm_string(s: &str) -> String {
    // ARM reads a string as an expression only when it starts with `[` and ends with
    // `]`; only then does a doubled `[[` mean a literal `[` (template syntax docs).
    if s.starts_with('[') && s.ends_with(']') {
        format!("[{s}")
    } else {
        s.to_string()
    }
}

/// A user string as a literal inside an ARM expression: single quotes, `'` doubled.
pub fn quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

fn lit(s: &str) -> Value {
    Value::String(arm_string(s))
}

fn expr(body: impl AsRef<str>) -> Value {
    Value::String(format!("[{}]", body.as_ref()))
}

fn param(name: &str) -> String {
    format!("parameters({})", quote(name))
}

/// Prints the IR of one stack as ARM JSON and ARM expressions.
pub struct Printer<'a> {
    scope: Scope<'a>,
}

/// Where a resource is printed.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Place {
    /// The subscription-scope template (the resource group).
    Outer,
    /// The stack's nested deployment: with `dependsOn` and checkov's `metadata`.
    Stack,
    /// A template copied into a module's nested deployment: `metadata` only.
    Module,
}

impl<'a> Printer<'a> {
    pub fn new(stack: &'a Stack) -> Self {
        Printer { scope: stack.scope() }
    }

    /// The id of a declaration: `resourceId('<type>', '<name>', ...)` inside the group,
    /// `extensionResourceId(<scope id>, '<type>', <name>)` for an extension resource.
    pub fn id(&self, key: Ref) -> Result<String> {
        let r = self.scope.get(key)?;
        if let Some(scope) = r.scope {
            let name = match &r.name {
                ResName::Computed(e) => self.expr(e)?,
                _ => quote(&self.scope.segments(r)?.join("/")),
            };
            return Ok(format!(
                "extensionResourceId({}, {}, {name})",
                self.id(scope)?,
                quote(r.ty)
            ));
        }
        let names: Vec<String> = self.scope.segments(r)?.iter().map(|n| quote(n)).collect();
        // A nested deployment into another group is named in that group.
        if let Some((subscription, group)) = r.module.as_ref().and_then(|m| m.target.as_ref()) {
            return Ok(format!(
                "resourceId({}, {}, {}, {})",
                quote(subscription),
                quote(group),
                quote(r.ty),
                names.join(", ")
            ));
        }
        Ok(format!("resourceId({}, {})", quote(r.ty), names.join(", ")))
    }

    /// The relative form `Provider/type/{0}` an extension resource's `scope` takes.
    fn scope(&self, key: Ref) -> Result<String> {
        let r = self.scope.get(key)?;
        let mut segments = r.ty.split('/');
        let mut pattern = segments.next().unwrap_or_default().to_string();
        for (i, segment) in segments.enumerate() {
            pattern.push_str(&format!("/{segment}/{{{i}}}"));
        }
        let names: Vec<String> = self.scope.segments(r)?.iter().map(|n| quote(n)).collect();
        Ok(format!("format({}, {})", quote(&pattern), names.join(", ")))
    }

    /// An expression, without the surrounding brackets.
    pub fn expr(&self, e: &Expr) -> Result<String> {
        let list = |items: &[Expr]| -> Result<String> {
            Ok(items
                .iter()
                .map(|a| self.expr(a))
                .collect::<Result<Vec<_>>>()?
                .join(", "))
        };
        Ok(match e {
            Expr::Str(s) => quote(s),
            Expr::Int(n) => n.to_string(),
            Expr::Bool(b) => b.to_string(),
            Expr::Param(name) => param(name),
            // ARM templates here have no `variables`: the value is written where it is used.
            Expr::Var(name) => self.expr(&self.scope.var(name)?.value)?,
            Expr::Id(key) => self.id(*key)?,
            Expr::Name(key) => {
                let r = self.scope.get(*key)?;
                match self.scope.segments(r)?.last() {
                    Some(leaf) => quote(leaf),
                    None => bail!("{} has no name", r.symbol),
                }
            }
            Expr::Prop(key, path) => {
                let r = self.scope.get(*key)?;
                format!("reference({}, {}).{path}", self.id(*key)?, quote(r.api))
            }
            Expr::PrincipalId(key) => {
                let r = self.scope.get(*key)?;
                format!(
                    "reference({}, {}, 'full').identity.principalId",
                    self.id(*key)?,
                    quote(r.api)
                )
            }
            Expr::ListKeys(key, path) => {
                let r = self.scope.get(*key)?;
                format!("listKeys({}, {}){path}", self.id(*key)?, quote(r.api))
            }
            Expr::ChildId { of, ty, name } => {
                let r = self.scope.get(*of)?;
                let mut names: Vec<String> = self.scope.segments(r)?.iter().map(|n| quote(n)).collect();
                names.push(quote(name));
                format!("resourceId({}, {})", quote(&format!("{}/{ty}", r.ty)), names.join(", "))
            }
            Expr::Member(e, path) => format!("{}.{path}", self.expr(e)?),
            Expr::Index(e, key) => format!("{}[{}]", self.expr(e)?, self.expr(key)?),
            Expr::Call(name, args) => format!("{name}({})", list(args)?),
            Expr::Builtin(text) => text.to_string(),
            Expr::Concat(parts) => format!("concat({})", list(&self.merged(parts)?)?),
            Expr::Format(pattern, args) => {
                let mut all = vec![quote(pattern)];
                all.extend(args.iter().map(|a| self.expr(a)).collect::<Result<Vec<_>>>()?);
                format!("format({})", all.join(", "))
            }
            Expr::If(c, a, b) => format!("if({}, {}, {})", self.expr(c)?, self.expr(a)?, self.expr(b)?),
            Expr::Object(fields) => {
                let fields: Vec<String> = fields
                    .iter()
                    .map(|(k, v)| Ok(format!("{}, {}", quote(k), self.expr(v)?)))
                    .collect::<Result<_>>()?;
                format!("createObject({})", fields.join(", "))
            }
            Expr::Array(items) => format!("createArray({})", list(items)?),
        })
    }

    /// Concat parts with variables written out and neighbouring literals joined.
    fn merged(&self, parts: &[Expr]) -> Result<Vec<Expr>> {
        let mut out: Vec<Expr> = Vec::new();
        for part in parts {
            let part = match part {
                Expr::Var(name) => self.scope.var(name)?.value.clone(),
                other => other.clone(),
            };
            match (out.last_mut(), part) {
                (Some(Expr::Str(prev)), Expr::Str(next)) => prev.push_str(&next),
                (_, part) => out.push(part),
            }
        }
        Ok(out)
    }

    pub fn node(&self, n: &Node) -> Result<Value> {
        Ok(match n {
            Node::Str(s) => lit(s),
            Node::Bool(b) => json!(b),
            Node::Int(i) => json!(i),
            Node::Num(x) => Value::Number(serde_json::Number::from_f64(*x).context("a number is finite")?),
            Node::Array(items) => Value::Array(items.iter().map(|i| self.node(i)).collect::<Result<_>>()?),
            Node::Object(fields) => Value::Object(
                fields
                    .iter()
                    .map(|(k, v)| Ok((arm_string(k), self.node(v)?)))
                    .collect::<Result<Map<_, _>>>()?,
            ),
            Node::Expr(e) => expr(self.expr(e)?),
        })
    }

    /// One resource in the key order used throughout the file; `skips_of`: the graph
    /// node whose checkov skips it carries.
    fn resource(&self, r: &Resource, graph: &ResourceGraph, place: Place, skips_of: Option<ResId>) -> Result<Value> {
        if let Some(call) = &r.module {
            return self.module(r, call, graph);
        }
        let mut m = Map::new();
        m.insert("type".into(), json!(r.ty));
        m.insert("apiVersion".into(), json!(r.api));
        if let Some(scope) = r.scope {
            m.insert("scope".into(), expr(self.scope(scope)?));
        }
        let name = match &r.name {
            ResName::Computed(e) => expr(self.expr(e)?),
            _ => lit(&self.scope.segments(r)?.join("/")),
        };
        m.insert("name".into(), name);
        if let Some(condition) = &r.condition {
            m.insert("condition".into(), expr(self.expr(condition)?));
        }
        if let Some(location) = &r.location {
            m.insert("location".into(), expr(self.expr(location)?));
        }
        if let Some(tags) = &r.tags {
            m.insert(
                "tags".into(),
                Value::Object(tags.iter().map(|(k, v)| (arm_string(k), lit(v))).collect()),
            );
        }
        for (key, node) in [
            ("sku", &r.sku),
            ("kind", &r.kind),
            ("identity", &r.identity),
            ("properties", &r.properties),
        ] {
            if let Some(node) = node {
                m.insert(key.into(), self.node(node)?);
            }
        }
        if place == Place::Stack {
            m.insert("dependsOn".into(), self.depends_on(r)?);
        }
        if place != Place::Outer {
            self.skips(&mut m, skips_of, &r.skips, graph);
        }
        Ok(Value::Object(m))
    }

    fn depends_on(&self, r: &Resource) -> Result<Value> {
        let mut ids: Vec<String> = Vec::new();
        for dep in &r.depends_on {
            let id = self.id(*dep)?;
            if !ids.contains(&id) {
                ids.push(id);
            }
        }
        Ok(Value::Array(ids.iter().map(expr).collect()))
    }

    /// The deployment engine ignores `metadata`; checkov reads its skips from `metadata.checkov`.
    fn skips(&self, m: &mut Map<String, Value>, node: Option<ResId>, own: &[checkov::Skip], graph: &ResourceGraph) {
        let mut skips = node
            .and_then(|id| graph.get(id))
            .map(|node| checkov::skips(node, graph, Target::Arm))
            .unwrap_or_default();
        skips.extend(own.iter().cloned());
        if !skips.is_empty() {
            let entries: Vec<Value> = skips.iter().map(|s| lit(&s.arm_entry())).collect();
            m.insert("metadata".into(), json!({"checkov": entries}));
        }
    }

    /// A module call as a nested deployment with inner scope. Parameter values that read
    /// the deployment's state are passed in; the rest are constants, written into this
    /// deployment's copy of the template, so names computed from them are known at its
    /// start (P17).
    fn module(&self, r: &Resource, call: &ModuleCall, graph: &ResourceGraph) -> Result<Value> {
        let template = self
            .scope
            .stack
            .templates
            .get(call.template)
            .context("a module calls a template the stack does not have")?;
        let (passed, constant): (Vec<_>, Vec<_>) = call
            .params
            .iter()
            .cloned()
            .partition(|(_, value)| arm_model::reads_deployment(value));
        let items = arm_model::substitute_items(&template.items, &constant);
        let inner = Printer {
            scope: Scope {
                stack: self.scope.stack,
                locals: &items,
            },
        };
        let mut resources = Vec::new();
        for item in &items {
            let Item::Resource(res) = item else { continue };
            if !res.existing {
                resources.push(inner.resource(res, graph, Place::Module, r.node())?);
            }
        }
        let mut inner_params = Map::new();
        let mut values = Map::new();
        for (name, value) in &passed {
            let param = template
                .params
                .iter()
                .find(|p| p.name == *name)
                .with_context(|| format!("the template has no parameter `{name}`"))?;
            inner_params.insert(name.to_string(), json!({"type": param.ty}));
            values.insert(name.to_string(), json!({"value": expr(self.expr(value)?)}));
        }
        let mut m = Map::new();
        m.insert("type".into(), json!(r.ty));
        m.insert("apiVersion".into(), json!(r.api));
        m.insert("name".into(), lit(&self.scope.segments(r)?.join("/")));
        if let Some((subscription, group)) = &call.target {
            m.insert("subscriptionId".into(), lit(subscription));
            m.insert("resourceGroup".into(), lit(group));
        }
        let mut template_json = Map::new();
        template_json.insert("$schema".into(), json!(RESOURCE_GROUP_SCHEMA));
        template_json.insert("contentVersion".into(), json!(CONTENT_VERSION));
        template_json.insert("parameters".into(), Value::Object(inner_params));
        template_json.insert("resources".into(), Value::Array(resources));
        m.insert(
            "properties".into(),
            json!({
                "expressionEvaluationOptions": {"scope": "Inner"},
                "mode": "Incremental",
                "parameters": values,
                "template": template_json,
            }),
        );
        m.insert("dependsOn".into(), self.depends_on(r)?);
        Ok(Value::Object(m))
    }
}

fn template(stack: &Stack, graph: &ResourceGraph) -> Result<Value> {
    let p = Printer::new(stack);
    let rg = &stack.resource_group;
    let rg_name = match &rg.name {
        ResName::Top(name) => name,
        _ => bail!("the resource group has a top-level name"),
    };
    let deployment = format!("sigc-{}-{}", stack.workload, stack.environment);
    let rg_id = format!(
        "subscriptionResourceId('Microsoft.Resources/resourceGroups', {})",
        quote(rg_name)
    );
    let deployment_id = format!(
        "extensionResourceId(format('/subscriptions/{{0}}/resourceGroups/{{1}}', subscription().subscriptionId, {}), 'Microsoft.Resources/deployments', {})",
        quote(rg_name),
        quote(&deployment)
    );

    let resource_group = p.resource(rg, graph, Place::Outer, None)?;
    let mut parameters = Map::new();
    parameters.insert(LOCATION.into(), json!({"value": expr(param(LOCATION))}));
    for extra in &stack.params {
        parameters.insert(extra.name.into(), json!({"value": expr(param(extra.name))}));
    }
    let mut nested = json!({
        "type": "Microsoft.Resources/deployments",
        "apiVersion": RESOURCES_API,
        "name": lit(&deployment),
        "resourceGroup": lit(rg_name),
        "properties": {
            "expressionEvaluationOptions": {"scope": "Inner"},
            "mode": "Incremental",
            "parameters": parameters,
            // Filled in below: `json!` would copy the whole inner template.
            "template": null,
        },
        "dependsOn": [expr(&rg_id)],
    });
    nested["properties"]["template"] = inner_template(&p, graph)?;
    let outputs: Map<String, Value> = CONTRACT_OUTPUTS
        .iter()
        .map(|name| {
            let ty = output_type(name);
            let value = format!(
                "reference({deployment_id}, {}).outputs.{name}.value",
                quote(RESOURCES_API)
            );
            (name.to_string(), json!({"type": ty, "value": expr(value)}))
        })
        .collect();

    let mut outer_parameters = Map::new();
    outer_parameters.insert(
        LOCATION.into(),
        json!({
            "type": "string",
            "defaultValue": lit(&stack.location),
            "metadata": {"description": "Azure region of the resource group and every resource in it."},
        }),
    );
    for extra in &stack.params {
        outer_parameters.insert(
            extra.name.into(),
            json!({"type": extra.ty, "defaultValue": p.node(extra.default.as_ref().context("a stack parameter has a default")?)?, "metadata": {"description": second_step()}}),
        );
    }
    let mut metadata = Map::new();
    metadata.insert("generator".into(), json!("sigc"));
    metadata.insert("description".into(), json!("Azure SignalR Service (Serverless) with a Linux Python Function App, storage, Log Analytics and Application Insights. Deploy at subscription scope: az deployment sub create --location <region> --template-file azuredeploy.json --parameters @azuredeploy.parameters.json"));
    if stack.two_step() {
        metadata.insert("secondStep".into(), json!(second_step()));
    } else {
        metadata.insert("wiring".into(), json!(ONE_APPLY));
    }
    let mut template = json!({
        "$schema": SUBSCRIPTION_SCHEMA,
        "contentVersion": CONTENT_VERSION,
        "metadata": metadata,
        "parameters": outer_parameters,
        "resources": null,
        "outputs": outputs,
    });
    template["resources"] = Value::Array(vec![resource_group, nested]);
    Ok(template)
}

const ONE_APPLY: &str = "One deployment: the template creates the function app's signalr_extension system key (Microsoft.Web/sites/host/systemKeys, value generated by the host) after the app's storage role assignments, and the SignalR upstream reads it with listKeys in the same deployment. No second step.";

fn second_step() -> String {
    format!(
        "Second step: publish the Functions code (functions/), which creates the signalr_extension host key, then deploy this template again with {UPSTREAM_SWITCH}=true so SignalR sends upstream events to the function app."
    )
}

fn inner_template(p: &Printer, graph: &ResourceGraph) -> Result<Value> {
    let stack = p.scope.stack;
    let mut resources = Vec::new();
    for item in &stack.items {
        let Item::Resource(r) = item else { continue };
        // An existing resource is referenced by its id; ARM needs no declaration.
        if r.existing {
            continue;
        }
        let context = || format!("printing {}", r.symbol);
        resources.push(p.resource(r, graph, Place::Stack, r.node()).with_context(context)?);
    }
    let mut parameters = Map::new();
    parameters.insert(LOCATION.into(), json!({"type": "string"}));
    for extra in &stack.params {
        parameters.insert(extra.name.into(), json!({"type": extra.ty}));
    }
    let mut outputs = Map::new();
    for o in &stack.outputs {
        outputs.insert(o.name.into(), json!({"type": o.ty, "value": expr(p.expr(&o.value)?)}));
    }
    // The contract's last output is the group the nested deployment runs in.
    outputs.insert(
        "resource_group_name".into(),
        json!({"type": "string", "value": expr("resourceGroup().name")}),
    );
    let mut template = json!({
        "$schema": RESOURCE_GROUP_SCHEMA,
        "contentVersion": CONTENT_VERSION,
        "parameters": parameters,
        "resources": null,
        "outputs": outputs,
    });
    // Assigned, not interpolated: `json!` would copy every resource.
    template["resources"] = Value::Array(resources);
    Ok(template)
}

fn parameters_file(stack: &Stack) -> Result<Value> {
    let p = Printer::new(stack);
    let mut parameters = Map::new();
    parameters.insert(LOCATION.into(), json!({"value": stack.location}));
    for extra in &stack.params {
        parameters.insert(
            extra.name.into(),
            json!({"value": p.node(extra.default.as_ref().context("a stack parameter has a default")?)?}),
        );
    }
    Ok(json!({
        "$schema": PARAMETERS_SCHEMA,
        "contentVersion": CONTENT_VERSION,
        "parameters": parameters,
    }))
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;
    use crate::graph::sample::{sample_graph, sample_graph_two_step};
    use crate::graph::{FunctionPlan, ResId, Resource, Settings};
    use crate::verify::arm::{check_parameters, check_template};

    const PLANS: [FunctionPlan; 3] = [FunctionPlan::FC1, FunctionPlan::Y1, FunctionPlan::EP1];

    /// The settings a Y1 app must get, in sorted order.
    const Y1_SETTINGS: [&str; 8] = [
        "APPLICATIONINSIGHTS_CONNECTION_STRING",
        "AzureSignalRConnectionString__credential",
        "AzureSignalRConnectionString__serviceUri",
        "AzureWebJobsStorage",
        "FUNCTIONS_EXTENSION_VERSION",
        "FUNCTIONS_WORKER_RUNTIME",
        "WEBSITE_CONTENTAZUREFILECONNECTIONSTRING",
        "WEBSITE_CONTENTSHARE",
    ];

    fn emitted(graph: &ResourceGraph) -> (Value, Value) {
        let files = emit(graph).expect("the sample emits");
        assert_eq!(files.len(), 2);
        assert_eq!(files[0].path, "arm/azuredeploy.json");
        assert_eq!(files[1].path, "arm/azuredeploy.parameters.json");
        for f in &files {
            assert!(
                f.contents.ends_with("}\n") && !f.contents.ends_with("\n\n"),
                "{}",
                f.path
            );
        }
        let parse = |a: &Artifact| serde_json::from_str::<Value>(&a.contents).expect("valid JSON");
        (parse(&files[0]), parse(&files[1]))
    }

    fn inner(template: &Value) -> &Value {
        &template["resources"][1]["properties"]["template"]
    }

    /// The one inner resource of `ty`.
    fn inner_resource(template: &Value, ty: &str) -> Value {
        inner(template)["resources"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["type"] == ty)
            .cloned()
            .unwrap_or_else(|| panic!("no {ty} in the inner template"))
    }

    #[test]
    fn arm_string_escapes_only_a_leading_bracket() {
        assert_eq!(arm_string("[concat('a')]"), "[[concat('a')]");
        assert_eq!(arm_string("[[x]"), "[[[x]");
        assert_eq!(arm_string("[odd"), "[odd", "not an expression: stays as written");
        assert_eq!(arm_string("[]"), "[[]");
        assert_eq!(arm_string("a[b]"), "a[b]");
        assert_eq!(arm_string(""), "");
        assert_eq!(quote("it's"), "'it''s'");
    }

    #[test]
    fn sample_templates_pass_the_schema_check() {
        for plan in PLANS {
            let (template, parameters) = emitted(&sample_graph(plan));
            assert_eq!(check_template(&template), Vec::<String>::new(), "{plan:?}");
            assert_eq!(
                check_parameters(&parameters, &template),
                Vec::<String>::new(),
                "{plan:?}"
            );
        }
    }

    #[test]
    fn inner_resources_follow_the_graph_and_depend_on_exactly_its_edges() {
        for plan in PLANS {
            let graph = sample_graph(plan);
            let (template, _) = emitted(&graph);
            let stack = arm_model::lower(&graph).expect("lowers");
            let printer = Printer::new(&stack);
            // P14: on Y1/EP the app's settings are one more resource, right after the site;
            // what depends on the app depends on them too.
            let settings = arm_model::Ref::Aux(ResId::FunctionApp, "functionAppSettings");
            let split = stack.get(settings).is_ok().then(|| printer.id(settings).unwrap());
            let resources: Vec<&Value> = inner(&template)["resources"]
                .as_array()
                .expect("inner resources")
                .iter()
                .filter(|r| r["type"] != "Microsoft.Web/sites/config")
                .collect();
            assert_eq!(
                inner(&template)["resources"].as_array().unwrap().len() - resources.len(),
                usize::from(split.is_some()),
                "{plan:?}"
            );
            let expected: Vec<&Resource> = graph
                .in_order()
                .filter(|r| !matches!(r.settings, Settings::ResourceGroup | Settings::SignalRNetworkAcl(_)))
                .collect();
            assert_eq!(resources.len(), expected.len(), "{plan:?}");
            let mut identities = BTreeSet::new();
            for (json, resource) in resources.iter().zip(expected) {
                let mut deps: BTreeSet<String> = graph
                    .depends_on(resource.id)
                    .into_iter()
                    .filter(|d| *d != ResId::ResourceGroup)
                    .map(|d| format!("[{}]", printer.id(arm_model::decl_of(&graph, d)).unwrap()))
                    .collect();
                if let Some(settings) = &split {
                    if graph.depends_on(resource.id).contains(&ResId::FunctionApp) {
                        deps.insert(format!("[{settings}]"));
                    }
                }
                let actual: BTreeSet<String> = json["dependsOn"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|d| d.as_str().unwrap().to_string())
                    .collect();
                assert_eq!(actual, deps, "{plan:?} {}", resource.id.address());
                assert_eq!(json["dependsOn"].as_array().unwrap().len(), deps.len());
                let key = (json["type"].to_string(), json["name"].to_string());
                assert!(identities.insert(key.clone()), "{plan:?}: {key:?} declared twice");
            }
            let signalr = resources
                .iter()
                .filter(|r| r["type"] == "Microsoft.SignalRService/signalR")
                .count();
            assert_eq!(signalr, 1, "{plan:?}");
        }
    }

    #[test]
    fn outer_template_creates_the_group_and_one_nested_deployment() {
        let (template, parameters) = emitted(&sample_graph(FunctionPlan::FC1));
        let outer = template["resources"].as_array().unwrap();
        assert_eq!(outer.len(), 2);
        assert_eq!(outer[0]["type"], "Microsoft.Resources/resourceGroups");
        assert_eq!(outer[1]["type"], "Microsoft.Resources/deployments");
        assert_eq!(outer[1]["resourceGroup"], "rg-chat-dev");
        assert_eq!(
            outer[1]["dependsOn"],
            json!(["[subscriptionResourceId('Microsoft.Resources/resourceGroups', 'rg-chat-dev')]"])
        );
        let names: Vec<&String> = template["outputs"].as_object().unwrap().keys().collect();
        assert_eq!(names, crate::emit::CONTRACT_OUTPUTS);
        let inner_outputs: Vec<&String> = inner(&template)["outputs"].as_object().unwrap().keys().collect();
        assert_eq!(names, inner_outputs);
        assert_eq!(
            parameters["parameters"].get(UPSTREAM_SWITCH),
            None,
            "one-apply has no switch"
        );
        assert_eq!(template["parameters"].get(UPSTREAM_SWITCH), None);
        let (template, parameters) = emitted(&sample_graph_two_step(FunctionPlan::FC1));
        assert_eq!(parameters["parameters"][UPSTREAM_SWITCH]["value"], json!(false));
        assert_eq!(template["parameters"][UPSTREAM_SWITCH]["defaultValue"], json!(false));
    }

    #[test]
    fn flex_and_consumption_sites_differ_as_the_plans_require() {
        let site = |plan| {
            let (template, _) = emitted(&sample_graph(plan));
            inner_resource(&template, "Microsoft.Web/sites")
        };
        let setting_names = |site: &Value| -> Vec<String> {
            site["properties"]["siteConfig"]["appSettings"]
                .as_array()
                .unwrap()
                .iter()
                .map(|s| s["name"].as_str().unwrap().to_string())
                .collect()
        };
        let flex = site(FunctionPlan::FC1);
        let config = &flex["properties"]["functionAppConfig"];
        assert_eq!(config["runtime"], json!({"name": "python", "version": "3.12"}));
        assert_eq!(
            config["deployment"]["storage"]["authentication"]["type"],
            "SystemAssignedIdentity"
        );
        assert!(flex["properties"]["siteConfig"].get("linuxFxVersion").is_none());
        let names = setting_names(&flex);
        for deprecated in [
            "FUNCTIONS_WORKER_RUNTIME",
            "FUNCTIONS_EXTENSION_VERSION",
            "WEBSITE_CONTENTSHARE",
        ] {
            assert!(!names.iter().any(|n| n == deprecated), "{deprecated} on Flex");
        }
        assert!(
            !flex.to_string().contains("listKeys"),
            "Flex uses identity-based storage"
        );

        let y1 = site(FunctionPlan::Y1);
        assert_eq!(y1["properties"]["siteConfig"]["linuxFxVersion"], "Python|3.12");
        assert!(y1["properties"].get("functionAppConfig").is_none());
        // P14: on Y1 the settings are a separate `sites/config` resource, not in the site.
        assert!(y1["properties"]["siteConfig"].get("appSettings").is_none());
        let (template, _) = emitted(&sample_graph(FunctionPlan::Y1));
        let config = inner_resource(&template, "Microsoft.Web/sites/config");
        assert_eq!(config["name"], "func-chat-dev/appsettings");
        let properties = config["properties"].as_str().unwrap();
        let at = |name: &str| properties.find(&format!("'{name}', ")).unwrap_or(usize::MAX);
        let mut names: Vec<&str> = Y1_SETTINGS.to_vec();
        let sorted = names.clone();
        names.sort_by_key(|n| at(n));
        assert_eq!(names, sorted, "one sorted object: {properties}");
        let names: Vec<String> = names
            .iter()
            .filter(|n| at(n) != usize::MAX)
            .map(|n| n.to_string())
            .collect();
        for required in Y1_SETTINGS {
            assert!(names.iter().any(|n| n == required), "{required} missing on Y1");
        }
        assert!(!names.iter().any(|n| n == "APPINSIGHTS_INSTRUMENTATIONKEY"));
    }

    #[test]
    fn one_apply_creates_the_system_key_after_the_storage_roles_and_the_upstream_reads_it() {
        for plan in PLANS {
            let graph = sample_graph(plan);
            let (template, _) = emitted(&graph);
            let key = inner_resource(&template, "Microsoft.Web/sites/host/systemKeys");
            assert_eq!(key["name"], "func-chat-dev/default/signalr_extension");
            // Only the name: the host generates the value, the template never holds it.
            assert_eq!(key["properties"], json!({"name": "signalr_extension"}));
            let deps: Vec<&str> = key["dependsOn"]
                .as_array()
                .unwrap()
                .iter()
                .map(|d| d.as_str().unwrap())
                .collect();
            assert_eq!(deps[0], "[resourceId('Microsoft.Web/sites', 'func-chat-dev')]");
            let roles = deps
                .iter()
                .filter(|d| d.contains("'Microsoft.Resources/deployments', 'sigc-role-storage-"))
                .count();
            assert_eq!(roles, if plan.is_flex() { 3 } else { 0 }, "{plan:?}: {deps:?}");
            let signalr = inner_resource(&template, "Microsoft.SignalRService/signalR");
            let upstream = signalr["properties"]["upstream"].as_str().unwrap();
            assert!(
                upstream.starts_with("[createObject('templates', createArray("),
                "{upstream}"
            );
            assert!(upstream.contains("?code=', listKeys(resourceId('Microsoft.Web/sites/host', 'func-chat-dev', 'default'), '2024-11-01').systemKeys.signalr_extension"));
            assert!(signalr["dependsOn"].as_array().unwrap().contains(&json!(
                "[resourceId('Microsoft.Web/sites/host/systemKeys', 'func-chat-dev', 'default', 'signalr_extension')]"
            )));
            assert_eq!(check_template(&template), Vec::<String>::new());
        }
    }

    #[test]
    fn upstream_reads_the_host_key_only_behind_the_switch() {
        let (template, _) = emitted(&sample_graph_two_step(FunctionPlan::Y1));
        let signalr = inner_resource(&template, "Microsoft.SignalRService/signalR");
        let upstream = signalr["properties"]["upstream"].as_str().unwrap();
        assert!(
            upstream.starts_with("[if(parameters('signalRUpstreamEnabled'), "),
            "{upstream}"
        );
        assert!(upstream.contains(".systemKeys.signalr_extension"));
        assert!(upstream.ends_with(", createObject('templates', createArray()))]"));
        assert_eq!(signalr["properties"]["networkACLs"]["defaultAction"], "Deny");
        assert_eq!(
            signalr["sku"],
            json!({"name": "Standard_S1", "tier": "Standard", "capacity": 1})
        );
        // listKeys appears nowhere else in SignalR, and in no output.
        assert_eq!(signalr.to_string().matches("listKeys(").count(), 1);
        assert!(!template["outputs"].to_string().contains("listKeys"));
    }

    #[test]
    fn user_strings_are_escaped() {
        let graph = sample_graph(FunctionPlan::FC1);
        let resources: Vec<Resource> = graph
            .in_order()
            .cloned()
            .map(|mut r| {
                r.tags.insert("note".into(), "[concat('a')]".into());
                if let Settings::FunctionApp(f) = &mut r.settings {
                    f.app_settings.insert("[odd".into(), "[concat('b')]".into());
                }
                r
            })
            .collect();
        let graph = ResourceGraph::new(graph.info.clone(), resources).expect("still a valid graph");
        let (template, _) = emitted(&graph);
        assert_eq!(template["resources"][0]["tags"]["note"], "[[concat('a')]");
        let site = inner_resource(&template, "Microsoft.Web/sites");
        assert_eq!(site["tags"]["note"], "[[concat('a')]");
        let settings = site["properties"]["siteConfig"]["appSettings"].as_array().unwrap();
        assert!(
            settings.contains(&json!({"name": "[odd", "value": "[[concat('b')]"})),
            "{settings:?}"
        );
        assert_eq!(check_template(&template), Vec::<String>::new());
    }

    #[test]
    fn checkov_skips_sit_in_the_metadata_of_their_resource() {
        for plan in PLANS {
            let graph = sample_graph(plan);
            let (template, _) = emitted(&graph);
            // The separate app-settings resource of Y1/EP (P14) has its own skips.
            let mut resources: Vec<&Value> = Vec::new();
            for r in inner(&template)["resources"].as_array().unwrap() {
                if r["type"] == "Microsoft.Web/sites/config" {
                    let want: Vec<String> = checkov::app_settings_skips()
                        .iter()
                        .map(checkov::Skip::arm_entry)
                        .collect();
                    assert_eq!(r["metadata"], json!({"checkov": want}), "{plan:?}");
                } else {
                    resources.push(r);
                }
            }
            let expected = graph
                .in_order()
                .filter(|r| !matches!(r.settings, Settings::ResourceGroup | Settings::SignalRNetworkAcl(_)));
            let mut total = 0;
            for (json, resource) in resources.iter().zip(expected) {
                let want: Vec<String> = checkov::skips(resource, &graph, Target::Arm)
                    .iter()
                    .map(checkov::Skip::arm_entry)
                    .collect();
                total += want.len();
                match json.get("metadata") {
                    Some(meta) => assert_eq!(meta, &json!({"checkov": want}), "{plan:?} {}", resource.id.address()),
                    None => assert!(want.is_empty(), "{plan:?} {} lacks its skips", resource.id.address()),
                }
            }
            assert!(total > 0, "{plan:?}: the sample stack has accepted findings");
            assert!(
                template["resources"][0].get("metadata").is_none(),
                "nothing to skip on the resource group"
            );
            assert_eq!(check_template(&template), Vec::<String>::new());
        }
    }

    #[test]
    fn sites_turn_off_ftp_and_remote_debugging_and_turn_on_http2() {
        for plan in PLANS {
            let (template, _) = emitted(&sample_graph(plan));
            let site = inner_resource(&template, "Microsoft.Web/sites");
            let config = &site["properties"]["siteConfig"];
            assert_eq!(config["ftpsState"], "Disabled", "{plan:?}");
            assert_eq!(config["http20Enabled"], true, "{plan:?}");
            assert_eq!(config["remoteDebuggingEnabled"], false, "{plan:?}");
            assert_eq!(config["scmMinTlsVersion"], "1.2", "{plan:?}");
        }
    }

    #[test]
    fn emission_is_deterministic() {
        for plan in PLANS {
            let graph = sample_graph(plan);
            assert_eq!(emit(&graph).unwrap(), emit(&graph).unwrap());
        }
    }

    /// Breaks one emitted resource in the way a faulty emitter would, and expects the
    /// check to name the resource and the path.
    #[test]
    fn broken_templates_are_caught() {
        let (template, _) = emitted(&sample_graph(FunctionPlan::EP1));
        let find = |t: &Value, ty: &str| -> usize {
            inner(t)["resources"]
                .as_array()
                .unwrap()
                .iter()
                .position(|r| r["type"] == ty)
                .unwrap()
        };
        /// (what, resource type, how to break it, expected message part)
        type Case = (&'static str, &'static str, fn(&mut Value), &'static str);
        let cases: [Case; 7] = [
            (
                "unknown property",
                "Microsoft.Web/sites",
                |r| r["properties"]["siteConfig"]["linuxFxVerison"] = json!("Python|3.12"),
                "`linuxFxVerison` is not a known property",
            ),
            (
                "wrong enum",
                "Microsoft.SignalRService/signalR",
                |r| r["kind"] = json!("SignalRR"),
                "`SignalRR` is not one of",
            ),
            (
                "wrong type",
                "Microsoft.SignalRService/signalR",
                |r| r["sku"]["capacity"] = json!("1"),
                "expected integer, found string `1`",
            ),
            (
                "missing required",
                "Microsoft.Web/sites/host/systemKeys",
                |r| {
                    r.as_object_mut().unwrap().remove("properties");
                },
                "required property `properties` is missing",
            ),
            (
                "diagnostic setting with a wrong type",
                "Microsoft.Insights/diagnosticSettings",
                |r| r["properties"]["logs"][0]["enabled"] = json!("yes"),
                "`properties.logs[0].enabled`: expected boolean, found string `yes`",
            ),
            (
                "inner parameter without a value",
                "Microsoft.Resources/deployments",
                |r| {
                    r["properties"]["parameters"]
                        .as_object_mut()
                        .unwrap()
                        .remove("principalId");
                },
                "inner template parameter `principalId` gets no value",
            ),
            (
                "dangling dependsOn",
                "Microsoft.Insights/components",
                |r| r["dependsOn"] = json!(["[resourceId('Microsoft.Web/sites', 'nope')]"]),
                "names no resource",
            ),
        ];
        for (what, ty, break_it, expected) in cases {
            let mut broken = template.clone();
            let i = find(&broken, ty);
            break_it(&mut broken["resources"][1]["properties"]["template"]["resources"][i]);
            let problems = check_template(&broken);
            assert_eq!(problems.len(), 1, "{what}: {problems:?}");
            assert!(
                problems[0].contains(expected) && problems[0].contains(ty),
                "{what}: {problems:?}"
            );
            assert!(
                problems[0].contains(&format!("$.resources[1].properties.template.resources[{i}]")),
                "{what}: {problems:?}"
            );
        }
    }

    #[test]
    fn free_tier_without_acl_or_cors_omits_those_properties() {
        let graph = sample_graph(FunctionPlan::FC1);
        let resources: Vec<Resource> = graph
            .in_order()
            .filter(|r| r.id != ResId::SignalRNetworkAcl)
            .cloned()
            .map(|mut r| {
                if let Settings::SignalR(s) = &mut r.settings {
                    s.sku = crate::graph::SignalRSku {
                        name: "Free_F1".into(),
                        tier: "Free".into(),
                        capacity: 1,
                    };
                    s.cors_allowed_origins.clear();
                }
                r
            })
            .collect();
        let graph = ResourceGraph::new(graph.info.clone(), resources).expect("valid graph");
        let (template, _) = emitted(&graph);
        let signalr = inner_resource(&template, "Microsoft.SignalRService/signalR");
        assert!(signalr["properties"].get("networkACLs").is_none());
        assert!(signalr["properties"].get("cors").is_none());
        assert_eq!(check_template(&template), Vec::<String>::new());
    }
}
