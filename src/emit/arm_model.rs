//! One ARM-shaped lowering of the graph, printed by the `arm` and `bicep` targets.
//!
//! ARM JSON, Bicep and pulumi-azure-native all speak the ARM resource model, so each
//! resource kind is written here once, in that model, and each target is a printer:
//! [`super::arm`] prints ARM JSON, [`super::bicep`] prints Bicep. A printer chooses only
//! its syntax (and the file layout); what a resource holds, and in which order, is
//! decided here. The azurerm (Terraform) shapes are Terraform's own and stay in
//! `emit::terraform`.
//!
//! # The IR
//!
//! A [`Stack`] is the resource group ([`Stack::resource_group`]), then [`Item`]s in the
//! graph's dependency order (each a [`Resource`] or a [`Var`]), then the stack's
//! [`Output`]s. Names are resolved: every literal is the graph's value.
//!
//! A [`Resource`] has the ARM fields: `ty` (full type, `Microsoft.Web/sites/host/systemKeys`),
//! `api`, a [`ResName`], `scope` (an extension resource's target), `existing` (referenced,
//! never deployed), `location`, `tags`, `sku`, `kind`, `identity`, `properties`,
//! `depends_on` (the graph's dependencies, already mapped to declarations) and
//! `condition`. Each resource has a [`Ref`]: the graph node it comes from, or a helper
//! declaration attached to one (the function app's `host`, the account's blob service),
//! and the Bicep `symbol` derived from its key ([`symbol`]).
//!
//! Values are a JSON-shaped [`Node`] tree (what ARM writes as JSON structure, Bicep as
//! object and array literals) whose leaves may be an [`Expr`]. An [`Expr`] is computed
//! at deployment time: literals, parameters and variables, references to another
//! resource ([`Expr::Id`], [`Expr::Name`], [`Expr::Prop`] runtime property,
//! [`Expr::PrincipalId`], [`Expr::ListKeys`]), built-in functions ([`Expr::Call`] such as
//! `guid` or `subscriptionResourceId`, [`Expr::Builtin`] such as
//! `environment().suffixes.storage`), string building ([`Expr::Concat`],
//! [`Expr::Format`]), conditions ([`Expr::If`]) and objects or arrays built inside an
//! expression ([`Expr::Object`], [`Expr::Array`]: ARM `createObject`/`createArray`).
//! A reference names a [`Ref`], never a printed id, so each printer writes it its own
//! way: ARM `reference(resourceId('Microsoft.Web/sites', 'func-x'), '2024-11-01').defaultHostName`,
//! Bicep `functionApp.properties.defaultHostName`, and a Pulumi printer the resource's
//! output (`function_app.default_host_name`, a `pulumi.Output`; [`Resource::symbol`] or
//! the graph address gives its Python name and `resource_name`). Secret values are never
//! literals: they are [`Expr::ListKeys`] reads, which a printer marks secure
//! (Pulumi: `pulumi.Output.secret`).
//!
//! A [`Template`] is a reusable group of declarations with its own [`Param`]s (inside it,
//! declarations reference each other by [`Ref::Local`] and parameters by
//! [`Expr::Param`]); a declaration with a [`ModuleCall`] deploys one with parameter
//! values. Bicep writes each template once as a module file and the call as a `module`;
//! ARM copies the template into a nested deployment (inner scope), passing the values
//! that read the deployment ([`reads_deployment`]) and writing the constants in
//! ([`substitute_items`]). The role assignments use this (P17: a name computed from the
//! principal id, known when the deployment starts). A Pulumi printer has no deployments:
//! it writes the template's resources in place with [`substitute_items`] on every value,
//! its `guid()` names computed inside an `apply` of the principal id output.
//!
//! Escaping is the printers' job, in the one place per language (`arm::arm_string` /
//! `arm::quote`, `bicep::bicep_str`): the IR holds raw strings, so no user value can
//! be read as code by either printer.

use std::collections::BTreeMap;

use anyhow::{bail, Context, Result};

use super::CONTRACT_OUTPUTS;
use crate::graph::{
    AppInsights, CustomCertificate, CustomDomain, DiagnosticSetting, ExternalRoleAssignment, FunctionApp, HostKey,
    Kind, LogAnalytics, LogSource, ManagementLock, NetworkAcl, PrivateDnsZoneLink, PrivateEndpoint, ResId,
    Resource as GraphResource, ResourceGraph, Role, RoleAssignment, ServicePlan, Settings, SignalR, SignalRReplica,
    Storage, StorageAuth, Subnet, Upstream, UpstreamAuth, VirtualNetwork,
};

/// API versions: the newest stable of each type in schemas/arm (see its README).
pub const RESOURCES_API: &str = "2025-04-01";
pub const SIGNALR_API: &str = "2024-03-01";
pub const STORAGE_API: &str = "2025-08-01";
pub const WORKSPACES_API: &str = "2025-07-01";
pub const COMPONENTS_API: &str = "2020-02-02";
/// serverfarms and sites; `functionAppConfig` (Flex) needs 2023-12-01 or later.
pub const WEB_API: &str = "2024-11-01";
pub const ROLE_ASSIGNMENTS_API: &str = "2022-04-01";
/// virtualNetworks (with their subnets inline) and privateEndpoints (with their zone groups).
pub const NETWORK_API: &str = "2024-05-01";
pub const PRIVATE_DNS_API: &str = "2024-06-01";
pub const LOCKS_API: &str = "2020-05-01";
/// `Microsoft.Insights/diagnosticSettings`: the first version with `categoryGroup`
/// (`allLogs`); the stable 2016-09-01 has no category groups (schemas/arm/README.md).
pub const DIAGNOSTIC_SETTINGS_API: &str = "2021-05-01-preview";

/// The switch for the second deploy step (facts pitfall P1): the SignalR upstream needs
/// the `signalr_extension` host key, which exists only once the code is published.
pub const UPSTREAM_SWITCH: &str = "signalRUpstreamEnabled";
/// The parameter every located resource takes its region from.
pub const LOCATION: &str = "location";

/// Which declaration a reference points at.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Ref {
    /// The declaration of a graph node (the network ACL is SignalR's: it is a property).
    Node(ResId),
    /// A helper declaration attached to a graph node, e.g. the function app's `host`.
    Aux(ResId, &'static str),
    /// A declaration inside a [`Template`], by its symbol.
    Local(&'static str),
}

/// A value computed at deployment time.
#[derive(Clone, Debug, PartialEq)]
pub enum Expr {
    /// A string literal (any text: printers escape it).
    Str(String),
    Int(i64),
    Bool(bool),
    /// A template parameter, by name.
    Param(&'static str),
    /// A [`Var`] of the stack, by name (ARM has none: its printer writes the value).
    Var(&'static str),
    /// The resource's id (an extension resource's id on its scope).
    Id(Ref),
    /// The resource's own name (the last segment of a child's).
    Name(Ref),
    /// A runtime property under `properties`, path with dots: `primaryEndpoints.blob`.
    Prop(Ref, &'static str),
    /// The principal id of the resource's system-assigned identity.
    PrincipalId(Ref),
    /// `listKeys` on the resource, then the path after the call: `.keys[0].value`. Secret.
    ListKeys(Ref, &'static str),
    /// The id of a child of a declaration that is not declared itself:
    /// `<of id>/<ty>/<name>` (`config/appsettings` of a site).
    ChildId {
        of: Ref,
        ty: &'static str,
        name: &'static str,
    },
    /// A member path after a value: `.properties`.
    Member(Box<Expr>, &'static str),
    /// `value[key]`.
    Index(Box<Expr>, Box<Expr>),
    /// A function both languages spell the same: `guid`, `subscriptionResourceId`.
    Call(&'static str, Vec<Expr>),
    /// A built-in both languages spell the same, written as is: `resourceGroup().name`.
    Builtin(&'static str),
    /// The parts as one string.
    Concat(Vec<Expr>),
    /// `{0}`-style pattern (sigc's own text, never user input) and its arguments.
    Format(&'static str, Vec<Expr>),
    If(Box<Expr>, Box<Expr>, Box<Expr>),
    /// An object built inside an expression (ARM `createObject`).
    Object(Vec<(String, Expr)>),
    /// An array built inside an expression (ARM `createArray`).
    Array(Vec<Expr>),
}

impl Expr {
    pub fn str(s: impl Into<String>) -> Expr {
        Expr::Str(s.into())
    }

    /// Every declaration this expression references, in order, with repeats.
    pub fn refs(&self, out: &mut Vec<Ref>) {
        match self {
            Expr::Str(_) | Expr::Int(_) | Expr::Bool(_) | Expr::Param(_) | Expr::Var(_) | Expr::Builtin(_) => {}
            Expr::Id(r)
            | Expr::Name(r)
            | Expr::Prop(r, _)
            | Expr::PrincipalId(r)
            | Expr::ListKeys(r, _)
            | Expr::ChildId { of: r, .. } => out.push(*r),
            Expr::Member(e, _) => e.refs(out),
            Expr::Index(e, k) => {
                e.refs(out);
                k.refs(out);
            }
            Expr::Call(_, args) | Expr::Concat(args) | Expr::Format(_, args) | Expr::Array(args) => {
                args.iter().for_each(|a| a.refs(out))
            }
            Expr::If(c, a, b) => [c, a, b].iter().for_each(|e| e.refs(out)),
            Expr::Object(fields) => fields.iter().for_each(|(_, v)| v.refs(out)),
        }
    }
}

/// A value written as structure (JSON in ARM, literals in Bicep), leaves maybe computed.
#[derive(Clone, Debug, PartialEq)]
pub enum Node {
    Str(String),
    Bool(bool),
    Int(i64),
    /// A number with a fraction (ARM writes it as JSON, Bicep through `json()`).
    Num(f64),
    Array(Vec<Node>),
    /// Keys in the order they are printed.
    Object(Vec<(String, Node)>),
    Expr(Expr),
}

impl Node {
    pub fn str(s: impl Into<String>) -> Node {
        Node::Str(s.into())
    }

    pub fn strs(items: &[String]) -> Node {
        Node::Array(items.iter().map(Node::str).collect())
    }

    pub fn obj<const N: usize>(fields: [(&str, Node); N]) -> Node {
        Node::Object(fields.into_iter().map(|(k, v)| (k.to_string(), v)).collect())
    }

    pub fn refs(&self, out: &mut Vec<Ref>) {
        match self {
            Node::Str(_) | Node::Bool(_) | Node::Int(_) | Node::Num(_) => {}
            Node::Array(items) => items.iter().for_each(|n| n.refs(out)),
            Node::Object(fields) => fields.iter().for_each(|(_, n)| n.refs(out)),
            Node::Expr(e) => e.refs(out),
        }
    }
}

/// How a resource is named.
#[derive(Clone, Debug, PartialEq)]
pub enum ResName {
    /// A top-level resource's name.
    Top(String),
    /// A child of `parent` (Bicep `parent:`); ARM joins the parent's name before it.
    Child { parent: Ref, name: String },
    /// Segments below another resource, written as one path (`<owner>/default/<key>`)
    /// because no language declares the resources in between.
    Path { owner: Ref, rest: Vec<String> },
    /// A name computed at deployment start (a role assignment's `guid`).
    Computed(Expr),
}

/// One declaration of the stack.
#[derive(Clone, Debug, PartialEq)]
pub struct Resource {
    pub key: Ref,
    /// Bicep symbolic name, unique in the stack (see [`symbol`]).
    pub symbol: String,
    pub ty: &'static str,
    pub api: &'static str,
    pub name: ResName,
    /// The resource an extension resource (a role assignment) applies to.
    pub scope: Option<Ref>,
    /// Referenced, not deployed: ARM writes no declaration, Bicep an `existing` one.
    pub existing: bool,
    pub location: Option<Expr>,
    /// `None` for a type that takes no tags; printers leave an empty map out.
    pub tags: Option<Vec<(String, String)>>,
    pub sku: Option<Node>,
    pub kind: Option<Node>,
    pub identity: Option<Node>,
    pub properties: Option<Node>,
    /// What this resource must come after: the graph's edges, without the resource group
    /// (the deployment's scope) or itself. Bicep leaves out those its body references.
    pub depends_on: Vec<Ref>,
    /// Deploy only when this holds (none of today's resources has one).
    pub condition: Option<Expr>,
    /// Documentation for languages with comments, one line each.
    pub comments: Vec<String>,
    /// checkov findings accepted on a declaration that is not a graph node (a graph
    /// node's come from `checkov::skips`, per target).
    pub skips: Vec<super::checkov::Skip>,
    /// A call of one of the stack's [`Template`]s (ARM: a nested deployment of type
    /// `Microsoft.Resources/deployments` named `name`; Bicep: a `module`).
    pub module: Option<ModuleCall>,
}

/// The template a module declaration deploys, and the values of its parameters.
#[derive(Clone, Debug, PartialEq)]
pub struct ModuleCall {
    /// Index into [`Stack::templates`].
    pub template: usize,
    /// Parameter values, in the template's parameter order. ARM passes the ones that
    /// read the deployment's state (`reference()`, `listKeys()`, parameters) and writes
    /// the rest into its copy of the template; Bicep passes them all.
    pub params: Vec<(&'static str, Expr)>,
    /// Another resource group to deploy into, `(subscription id, group)`: a role on a
    /// resource outside the stack (the custom domain's Key Vault). `None`: the stack's group.
    pub target: Option<(String, String)>,
}

/// A reusable template: its own parameters and declarations (which reference each other
/// by [`Ref::Local`] and the parameters by [`Expr::Param`]). Bicep writes it once as a
/// module file; ARM copies it into every nested deployment that calls it.
#[derive(Clone, Debug, PartialEq)]
pub struct Template {
    /// The Bicep module file, next to stack.bicep.
    pub file: String,
    /// What the template is, for languages with comments, one line each.
    pub comments: Vec<String>,
    pub params: Vec<Param>,
    pub items: Vec<Item>,
}

impl Resource {
    fn new(key: Ref, ty: &'static str, api: &'static str, name: ResName) -> Resource {
        let symbol = match key {
            Ref::Node(id) => symbol(id),
            Ref::Aux(_, name) | Ref::Local(name) => name.to_string(),
        };
        Resource {
            key,
            symbol,
            ty,
            api,
            name,
            scope: None,
            existing: false,
            location: None,
            tags: None,
            sku: None,
            kind: None,
            identity: None,
            properties: None,
            depends_on: Vec::new(),
            condition: None,
            comments: Vec::new(),
            skips: Vec::new(),
            module: None,
        }
    }

    /// The graph node this declaration is, if it is one.
    pub fn node(&self) -> Option<ResId> {
        match self.key {
            Ref::Node(id) => Some(id),
            Ref::Aux(..) | Ref::Local(_) => None,
        }
    }

    /// Declarations the body names (name, scope, values), the parent chain excluded.
    pub fn references(&self) -> Vec<Ref> {
        let mut out = Vec::new();
        match &self.name {
            ResName::Top(_) => {}
            ResName::Child { parent, .. } => out.push(*parent),
            ResName::Path { owner, .. } => out.push(*owner),
            ResName::Computed(e) => e.refs(&mut out),
        }
        out.extend(self.scope);
        for e in [&self.location, &self.condition].into_iter().flatten() {
            e.refs(&mut out);
        }
        for n in [&self.sku, &self.kind, &self.identity, &self.properties]
            .into_iter()
            .flatten()
        {
            n.refs(&mut out);
        }
        for (_, e) in self.module.iter().flat_map(|m| &m.params) {
            e.refs(&mut out);
        }
        out
    }
}

/// A named value, declared once and used by name.
#[derive(Clone, Debug, PartialEq)]
pub struct Var {
    pub name: &'static str,
    pub value: Expr,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Item {
    Resource(Box<Resource>),
    Var(Var),
}

/// A template parameter of the stack.
#[derive(Clone, Debug, PartialEq)]
pub struct Param {
    pub name: &'static str,
    /// `string` or `bool`.
    pub ty: &'static str,
    pub default: Option<Node>,
    /// What to set it to, for languages with parameter descriptions.
    pub description: String,
}

/// A stack output (the contract's, CONTRACT §4, all but the resource group's name,
/// which each layout takes from its own resource group).
#[derive(Clone, Debug, PartialEq)]
pub struct Output {
    pub name: &'static str,
    /// `string` or `int`.
    pub ty: &'static str,
    pub value: Expr,
}

/// The stack as ARM sees it, ready to print.
#[derive(Clone, Debug, PartialEq)]
pub struct Stack {
    /// The default region (the `location` parameter's default).
    pub location: String,
    pub workload: String,
    pub environment: String,
    pub resource_group: Resource,
    /// Parameters besides `location` (the two-step switch).
    pub params: Vec<Param>,
    pub items: Vec<Item>,
    pub outputs: Vec<Output>,
    /// Templates the stack's modules call, by Bicep file name.
    pub templates: Vec<Template>,
}

impl Stack {
    pub fn resources(&self) -> impl Iterator<Item = &Resource> {
        std::iter::once(&self.resource_group).chain(self.items.iter().filter_map(|i| match i {
            Item::Resource(r) => Some(r.as_ref()),
            Item::Var(_) => None,
        }))
    }

    /// The declaration a reference points at (not one inside a template).
    pub fn get(&self, key: Ref) -> Result<&Resource> {
        self.scope().get(key)
    }

    pub fn var(&self, name: &str) -> Result<&Var> {
        self.scope().var(name)
    }

    /// Whether the upstream waits for the second deploy step (`wiring = "two-step"`).
    pub fn two_step(&self) -> bool {
        self.params.iter().any(|p| p.name == UPSTREAM_SWITCH)
    }

    /// Lookups in the stack itself.
    pub fn scope(&self) -> Scope<'_> {
        Scope {
            stack: self,
            locals: &[],
        }
    }
}

/// Where references resolve: the stack's declarations, and inside a template its own.
#[derive(Clone, Copy)]
pub struct Scope<'a> {
    pub stack: &'a Stack,
    /// The declarations of the template being printed (empty outside one).
    pub locals: &'a [Item],
}

fn resources_of(items: &[Item]) -> impl Iterator<Item = &Resource> {
    items.iter().filter_map(|i| match i {
        Item::Resource(r) => Some(r.as_ref()),
        Item::Var(_) => None,
    })
}

impl<'a> Scope<'a> {
    pub fn get(&self, key: Ref) -> Result<&'a Resource> {
        let found = match key {
            Ref::Local(_) => resources_of(self.locals).find(|r| r.key == key),
            _ => self.stack.resources().find(|r| r.key == key),
        };
        found.with_context(|| format!("{key:?} is referenced but not declared"))
    }

    pub fn var(&self, name: &str) -> Result<&'a Var> {
        let items = if self.locals.is_empty() {
            &self.stack.items[..]
        } else {
            self.locals
        };
        items
            .iter()
            .find_map(|i| match i {
                Item::Var(v) if v.name == name => Some(v),
                _ => None,
            })
            .with_context(|| format!("variable `{name}` is used but not declared"))
    }

    /// Name segments of a declaration, as ARM's `resourceId` takes them. A computed name
    /// has one only once it is a constant (a template's parameter written in).
    pub fn segments(&self, r: &Resource) -> Result<Vec<String>> {
        Ok(match &r.name {
            ResName::Top(n) => vec![n.clone()],
            ResName::Child { parent, name } => {
                let mut s = self.segments(self.get(*parent)?)?;
                s.push(name.clone());
                s
            }
            ResName::Path { owner, rest } => {
                let mut s = self.segments(self.get(*owner)?)?;
                s.extend(rest.iter().cloned());
                s
            }
            ResName::Computed(Expr::Str(name)) => vec![name.clone()],
            ResName::Computed(Expr::Name(of)) => match self.segments(self.get(*of)?)?.pop() {
                Some(leaf) => vec![leaf],
                None => bail!("{} has no name", r.symbol),
            },
            ResName::Computed(_) => bail!("{} has a computed name", r.symbol),
        })
    }

    /// The declaration's parent chain (parents first), for "referenced" in Bicep.
    pub fn ancestors(&self, r: &Resource) -> Result<Vec<Ref>> {
        let mut out = Vec::new();
        let mut at = r;
        while let ResName::Child { parent, .. } = &at.name {
            out.push(*parent);
            at = self.get(*parent)?;
        }
        Ok(out)
    }
}

/// Writes values in for parameters: what ARM does with a template's constant parameters.
pub fn substitute_expr(e: &Expr, values: &[(&'static str, Expr)]) -> Expr {
    let sub = |x: &Expr| substitute_expr(x, values);
    match e {
        Expr::Param(name) => values
            .iter()
            .find(|(n, _)| n == name)
            .map_or_else(|| e.clone(), |(_, v)| v.clone()),
        Expr::Call(f, args) => Expr::Call(f, args.iter().map(sub).collect()),
        Expr::Concat(args) => Expr::Concat(args.iter().map(sub).collect()),
        Expr::Format(p, args) => Expr::Format(p, args.iter().map(sub).collect()),
        Expr::Array(args) => Expr::Array(args.iter().map(sub).collect()),
        Expr::If(c, a, b) => Expr::If(Box::new(sub(c)), Box::new(sub(a)), Box::new(sub(b))),
        Expr::Object(fields) => Expr::Object(fields.iter().map(|(k, v)| (k.clone(), sub(v))).collect()),
        Expr::Member(x, path) => Expr::Member(Box::new(sub(x)), path),
        Expr::Index(x, k) => Expr::Index(Box::new(sub(x)), Box::new(sub(k))),
        other => other.clone(),
    }
}

/// [`substitute_expr`] over a value tree; a leaf that becomes a literal is written as one.
pub fn substitute_node(n: &Node, values: &[(&'static str, Expr)]) -> Node {
    match n {
        Node::Array(items) => Node::Array(items.iter().map(|i| substitute_node(i, values)).collect()),
        Node::Object(fields) => Node::Object(
            fields
                .iter()
                .map(|(k, v)| (k.clone(), substitute_node(v, values)))
                .collect(),
        ),
        Node::Expr(e) => match substitute_expr(e, values) {
            Expr::Str(s) => Node::Str(s),
            Expr::Int(i) => Node::Int(i),
            Expr::Bool(b) => Node::Bool(b),
            other => Node::Expr(other),
        },
        other => other.clone(),
    }
}

/// A template's declarations with the given parameters written in.
pub fn substitute_items(items: &[Item], values: &[(&'static str, Expr)]) -> Vec<Item> {
    let node = |n: &Option<Node>| n.as_ref().map(|n| substitute_node(n, values));
    let expr = |e: &Option<Expr>| e.as_ref().map(|e| substitute_expr(e, values));
    items
        .iter()
        .map(|item| match item {
            Item::Var(v) => Item::Var(Var {
                name: v.name,
                value: substitute_expr(&v.value, values),
            }),
            Item::Resource(r) => {
                let mut r = r.as_ref().clone();
                if let ResName::Computed(e) = &r.name {
                    r.name = ResName::Computed(substitute_expr(e, values));
                }
                r.location = expr(&r.location);
                r.condition = expr(&r.condition);
                r.sku = node(&r.sku);
                r.kind = node(&r.kind);
                r.identity = node(&r.identity);
                r.properties = node(&r.properties);
                Item::Resource(Box::new(r))
            }
        })
        .collect()
}

/// Whether a value must be passed into a nested deployment (it reads the deployment's
/// state or its parameters) rather than written into its template.
pub fn reads_deployment(e: &Expr) -> bool {
    match e {
        Expr::Prop(..) | Expr::PrincipalId(_) | Expr::ListKeys(..) | Expr::Param(_) | Expr::Var(_) => true,
        Expr::Str(_)
        | Expr::Int(_)
        | Expr::Bool(_)
        | Expr::Id(_)
        | Expr::Name(_)
        | Expr::Builtin(_)
        | Expr::ChildId { .. } => false,
        Expr::Member(x, _) => reads_deployment(x),
        Expr::Index(x, k) => reads_deployment(x) || reads_deployment(k),
        Expr::Call(_, args) | Expr::Concat(args) | Expr::Format(_, args) | Expr::Array(args) => {
            args.iter().any(reads_deployment)
        }
        Expr::If(c, a, b) => [c, a, b].iter().any(|x| reads_deployment(x)),
        Expr::Object(fields) => fields.iter().any(|(_, v)| reads_deployment(v)),
    }
}

/// The Bicep symbolic name of a graph node: the kind's name for a singleton, with the
/// key in camel case after it for a keyed instance (`replicaWestus2`). The network ACL
/// is a property of the SignalR resource, so it shares its symbol; role assignments
/// keep the names they had before keyed identity (`signalrServiceOwnerAssignment`).
pub fn symbol(id: ResId) -> String {
    let camel = |words: &str, first_upper: bool| {
        let mut out = String::new();
        for (i, word) in words.split('_').enumerate() {
            let mut cs = word.chars();
            if let Some(first) = cs.next() {
                out.push(if i == 0 && !first_upper {
                    first
                } else {
                    first.to_ascii_uppercase()
                });
                out.extend(cs);
            }
        }
        out
    };
    let base = match id.kind {
        Kind::ResourceGroup => "rg",
        Kind::LogAnalytics => "logAnalytics",
        Kind::AppInsights => "appInsights",
        Kind::Storage => "storageAccount",
        Kind::PackageContainer => "packageContainer",
        Kind::ServicePlan => "servicePlan",
        Kind::FunctionApp => "functionApp",
        Kind::SignalR | Kind::SignalRNetworkAcl => "signalR",
        Kind::HostKey => "signalrHostKey",
        Kind::RoleAssignment => return camel(id.label(), false) + "Assignment",
        Kind::VirtualNetwork => "vnet",
        Kind::Subnet => "subnet",
        Kind::PrivateEndpoint => "privateEndpoint",
        Kind::PrivateDnsZone => "privateDnsZone",
        Kind::PrivateDnsZoneLink => "privateDnsZoneLink",
        Kind::SignalRReplica => "signalRReplica",
        Kind::SignalRCustomCertificate => "signalRCustomCertificate",
        Kind::SignalRCustomDomain => "signalRCustomDomain",
        Kind::ManagementLock => "resourceGroupLock",
        // `signalRDiagnostics`: named after the symbol of the resource whose logs it sends.
        Kind::DiagnosticSetting => {
            if let Some(source) = LogSource::ALL.into_iter().find(|s| s.label() == id.label()) {
                return symbol(source.resource()) + "Diagnostics";
            }
            return camel(id.label(), false) + "Diagnostics";
        }
    };
    if id.key.is_main() {
        base.to_string()
    } else {
        base.to_string() + &camel(id.label(), true)
    }
}

/// The declaration a graph node is printed as (the ACL is SignalR's property).
pub fn decl_of(graph: &ResourceGraph, id: ResId) -> Ref {
    match graph.get(id).map(|r| &r.settings) {
        Some(Settings::SignalRNetworkAcl(acl)) => Ref::Node(acl.signalr),
        // Subnets are declared inside their VNet (see [`virtual_network`]).
        Some(Settings::Subnet(sn)) => Ref::Node(sn.vnet),
        _ => Ref::Node(id),
    }
}

/// The function app's `host` (its key store), read by the upstream.
const HOST: &str = "host";
/// The storage account's `default` blob service, parent of the Flex container.
const BLOB_SERVICE: &str = "blobService";
const WEBHOOK_PATH_VAR: &str = "signalRWebhookPath";

/// Lowers the graph into the ARM model, in the graph's dependency order.
pub fn lower(graph: &ResourceGraph) -> Result<Stack> {
    let info = &graph.info;
    let rg = graph
        .get(ResId::ResourceGroup)
        .context("the stack has a resource group")?;
    let mut resource_group = Resource::new(
        Ref::Node(rg.id),
        "Microsoft.Resources/resourceGroups",
        RESOURCES_API,
        ResName::Top(rg.name.clone()),
    );
    located(&mut resource_group, rg);
    resource_group.properties = Some(Node::Object(Vec::new()));

    let two_step = graph.in_order().any(|r| match &r.settings {
        Settings::SignalR(s) => s.upstream.as_ref().is_some_and(|u| u.host_key.is_none()),
        _ => false,
    });
    let mut items = Vec::new();
    let mut templates = Vec::new();
    // A function app's separate settings (P14): what needs the app needs them too.
    let split_settings: Vec<ResId> = graph
        .in_order()
        .filter(|r| matches!(&r.settings, Settings::FunctionApp(f) if !f.publish_settings.is_empty()))
        .map(|r| r.id)
        .collect();
    for resource in graph.in_order() {
        let context = || format!("lowering {}", resource.id.address());
        // Declarations that come right after this one.
        let mut after = Vec::new();
        let mut r = match &resource.settings {
            // The deployment's scope, declared by the layout.
            Settings::ResourceGroup => continue,
            // A property of the one SignalR resource.
            Settings::SignalRNetworkAcl(_) => continue,
            Settings::LogAnalytics(s) => log_analytics(resource, s),
            Settings::AppInsights(s) => app_insights(resource, s),
            Settings::Storage(s) => storage(resource, s),
            Settings::PackageContainer(c) => {
                items.push(Item::Resource(Box::new(blob_service(c.storage))));
                package_container(resource, c.storage)
            }
            Settings::ServicePlan(s) => service_plan(resource, s),
            Settings::FunctionApp(f) => {
                if !f.publish_settings.is_empty() {
                    after.push(app_settings_resource(f, resource.id).with_context(context)?);
                }
                function_app(graph, resource, f).with_context(context)?
            }
            Settings::SignalR(s) => {
                if let Some(u) = &s.upstream {
                    items.push(Item::Resource(Box::new(host(u))));
                    items.push(Item::Var(Var {
                        name: WEBHOOK_PATH_VAR,
                        value: Expr::str(&u.webhook_path),
                    }));
                }
                signalr(graph, resource, s).with_context(context)?
            }
            Settings::HostKey(k) => host_key(graph, resource, k),
            Settings::RoleAssignment(ra) => role_assignment(graph, resource, ra, &mut templates)?,
            Settings::DiagnosticSetting(d) => diagnostic_setting(resource, d),
            Settings::VirtualNetwork(v) => virtual_network(graph, resource, v),
            Settings::Subnet(sn) => subnet(resource, sn),
            Settings::PrivateDnsZone(_) => private_dns_zone(resource),
            Settings::PrivateDnsZoneLink(l) => zone_link(resource, l),
            Settings::PrivateEndpoint(pe) => {
                // The endpoint, then its zone group (a child that comes after it).
                let own = Ref::Node(resource.id);
                let mut r = private_endpoint(resource, pe);
                for dep in graph.depends_on(resource.id) {
                    let dep = decl_of(graph, dep);
                    if dep != Ref::Node(ResId::ResourceGroup) && dep != own && !r.depends_on.contains(&dep) {
                        r.depends_on.push(dep);
                    }
                }
                let mut group = zone_group(graph, resource.id, pe).with_context(context)?;
                group.depends_on = vec![own, Ref::Node(pe.zone)];
                items.push(Item::Resource(Box::new(r)));
                items.push(Item::Resource(Box::new(group)));
                continue;
            }
            Settings::SignalRReplica(rep) => replica(resource, rep),
            Settings::SignalRCustomCertificate(c) => custom_certificate(resource, c),
            Settings::SignalRCustomDomain(d) => custom_domain(resource, d),
            Settings::ManagementLock(l) => management_lock(resource, l),
            Settings::ExternalRoleAssignment(ra) => {
                external_role_assignment(resource, ra, &mut templates).with_context(context)?
            }
        };
        let own = r.key;
        for dep in graph.depends_on(resource.id) {
            let mut deps = vec![decl_of(graph, dep)];
            if split_settings.contains(&dep) {
                deps.push(Ref::Aux(dep, APP_SETTINGS));
            }
            for dep in deps {
                if dep != Ref::Node(ResId::ResourceGroup) && dep != own && !r.depends_on.contains(&dep) {
                    r.depends_on.push(dep);
                }
            }
        }
        items.push(Item::Resource(Box::new(r)));
        items.extend(after.into_iter().map(|r| Item::Resource(Box::new(r))));
    }
    let params = if two_step {
        vec![Param {
            name: UPSTREAM_SWITCH,
            ty: "bool",
            default: Some(Node::Bool(false)),
            description: "Second deploy step: set to true once the function code (with its SignalR trigger) is published, so the host key the SignalR upstream needs exists.".into(),
        }]
    } else {
        Vec::new()
    };
    let signalr = Ref::Node(ResId::SignalR);
    let app = Ref::Node(ResId::FunctionApp);
    let values = [
        Expr::Prop(signalr, "hostName"),
        Expr::Prop(signalr, "publicPort"),
        Expr::Format("https://{0}", vec![Expr::Prop(app, "defaultHostName")]),
        Expr::Format("https://{0}/api/negotiate", vec![Expr::Prop(app, "defaultHostName")]),
    ];
    let outputs = CONTRACT_OUTPUTS
        .iter()
        .zip(values)
        .map(|(&name, value)| Output {
            name,
            ty: if name == "signalr_public_port" { "int" } else { "string" },
            value,
        })
        .collect();
    Ok(Stack {
        location: info.location.clone(),
        workload: info.workload.clone(),
        environment: info.environment.clone(),
        resource_group,
        params,
        items,
        outputs,
        templates,
    })
}

/// A graph node's declaration, at the top level.
fn top(resource: &GraphResource, ty: &'static str, api: &'static str) -> Resource {
    Resource::new(Ref::Node(resource.id), ty, api, ResName::Top(resource.name.clone()))
}

/// In the deployment's region, with the node's tags.
fn located(r: &mut Resource, resource: &GraphResource) {
    r.location = Some(Expr::Param(LOCATION));
    r.tags = Some(resource.tags.iter().map(|(k, v)| (k.clone(), v.clone())).collect());
}

fn log_analytics(resource: &GraphResource, s: &LogAnalytics) -> Resource {
    let mut r = top(resource, "Microsoft.OperationalInsights/workspaces", WORKSPACES_API);
    located(&mut r, resource);
    let mut properties = vec![
        ("sku".to_string(), Node::obj([("name", Node::str(&s.sku))])),
        ("retentionInDays".to_string(), Node::Int(i64::from(s.retention_days))),
    ];
    if let Some(quota) = s.daily_quota_gb {
        properties.push((
            "workspaceCapping".into(),
            Node::obj([("dailyQuotaGb", Node::Num(quota))]),
        ));
    }
    r.properties = Some(Node::Object(properties));
    r
}

fn app_insights(resource: &GraphResource, s: &AppInsights) -> Resource {
    let mut r = top(resource, "Microsoft.Insights/components", COMPONENTS_API);
    located(&mut r, resource);
    r.kind = Some(Node::str(&s.application_type));
    r.properties = Some(Node::obj([
        ("Application_Type", Node::str(&s.application_type)),
        ("WorkspaceResourceId", Node::Expr(Expr::Id(Ref::Node(s.workspace)))),
    ]));
    r
}

fn storage(resource: &GraphResource, s: &Storage) -> Resource {
    let mut r = top(resource, "Microsoft.Storage/storageAccounts", STORAGE_API);
    located(&mut r, resource);
    r.sku = Some(Node::obj([("name", Node::str(&s.sku_name))]));
    r.kind = Some(Node::str(&s.kind));
    let mut properties = vec![
        ("minimumTlsVersion".to_string(), Node::str(&s.min_tls_version)),
        ("allowBlobPublicAccess".into(), Node::Bool(s.allow_blob_public_access)),
        ("supportsHttpsTrafficOnly".into(), Node::Bool(s.https_only)),
    ];
    if !s.public_network_access {
        // Private mode: only the private endpoints reach the account.
        properties.push(("publicNetworkAccess".into(), Node::str("Disabled")));
        properties.push((
            "networkAcls".into(),
            Node::obj([
                ("defaultAction", Node::str("Deny")),
                ("bypass", Node::str("AzureServices")),
            ]),
        ));
    }
    r.properties = Some(Node::Object(properties));
    r
}

/// The account's `default` blob service always exists: referenced, never deployed.
fn blob_service(storage: ResId) -> Resource {
    let mut r = Resource::new(
        Ref::Aux(storage, BLOB_SERVICE),
        "Microsoft.Storage/storageAccounts/blobServices",
        STORAGE_API,
        ResName::Child {
            parent: Ref::Node(storage),
            name: "default".into(),
        },
    );
    r.existing = true;
    r.comments = vec!["The account's `default` blob service always exists: referenced, not redeployed.".into()];
    r
}

/// The Flex deployment package container.
fn package_container(resource: &GraphResource, storage: ResId) -> Resource {
    let mut r = Resource::new(
        Ref::Node(resource.id),
        "Microsoft.Storage/storageAccounts/blobServices/containers",
        STORAGE_API,
        ResName::Child {
            parent: Ref::Aux(storage, BLOB_SERVICE),
            name: resource.name.clone(),
        },
    );
    r.properties = Some(Node::obj([("publicAccess", Node::str("None"))]));
    r
}

fn service_plan(resource: &GraphResource, s: &ServicePlan) -> Resource {
    let mut r = top(resource, "Microsoft.Web/serverfarms", WEB_API);
    located(&mut r, resource);
    r.sku = Some(Node::obj([
        ("name", Node::str(s.plan.sku_name())),
        ("tier", Node::str(s.plan.sku_tier())),
    ]));
    r.kind = Some(Node::str(s.plan.plan_kind()));
    r.properties = Some(Node::obj([(
        "reserved",
        Node::Bool(s.os_type.eq_ignore_ascii_case("linux")),
    )]));
    r
}

/// A storage connection string built from the account key (Azure Files needs keys).
fn storage_connection_string(storage: Ref) -> Expr {
    Expr::Format(
        "DefaultEndpointsProtocol=https;AccountName={0};EndpointSuffix={1};AccountKey={2}",
        vec![
            Expr::Name(storage),
            Expr::Builtin("environment().suffixes.storage"),
            Expr::ListKeys(storage, ".keys[0].value"),
        ],
    )
}

/// Every app setting of the site, by name: a literal or an expression.
fn app_setting_values(f: &FunctionApp) -> Result<BTreeMap<String, Expr>> {
    let storage = Ref::Node(f.storage);
    let mut settings: BTreeMap<String, Expr> = f.app_settings.iter().map(|(k, v)| (k.clone(), Expr::str(v))).collect();
    let mut computed = vec![(
        "APPLICATIONINSIGHTS_CONNECTION_STRING",
        Expr::Prop(Ref::Node(f.app_insights), "ConnectionString"),
    )];
    if f.storage_auth == StorageAuth::AccessKey {
        computed.push(("AzureWebJobsStorage", storage_connection_string(storage)));
    }
    if let Some(share) = &f.content_share {
        computed.push((
            "WEBSITE_CONTENTAZUREFILECONNECTIONSTRING",
            storage_connection_string(storage),
        ));
        computed.push(("WEBSITE_CONTENTSHARE", Expr::str(share)));
    }
    if f.flex.is_none() {
        // Deprecated on Flex (facts §5): the runtime lives in functionAppConfig there.
        computed.push(("FUNCTIONS_EXTENSION_VERSION", Expr::str(&f.functions_extension_version)));
        computed.push(("FUNCTIONS_WORKER_RUNTIME", Expr::str(&f.runtime)));
    }
    for (name, value) in computed {
        if settings.insert(name.to_string(), value).is_some() {
            bail!("app setting `{name}` is both in the graph and computed by the ARM lowering");
        }
    }
    Ok(settings)
}

/// A literal stays a literal in a value tree.
fn leaf(e: Expr) -> Node {
    match e {
        Expr::Str(s) => Node::Str(s),
        other => Node::Expr(other),
    }
}

/// The separate settings of a site whose publishing adds settings (P14).
const APP_SETTINGS: &str = "functionAppSettings";

/// P14: publishing adds settings (`WEBSITE_RUN_FROM_PACKAGE` on Y1/EP) that a
/// `siteConfig.appSettings` list would drop on every later deployment, and the published
/// code with it. So the settings are a `sites/config` `appsettings` resource after the
/// site (which exists then, on the first deployment too) that keeps each publish
/// setting's current value, read with `list()` (pattern: Azure/bicep#4634); settings
/// removed from ENV.toml are still removed.
fn app_settings_resource(f: &FunctionApp, app: ResId) -> Result<Resource> {
    let mut r = Resource::new(
        Ref::Aux(app, APP_SETTINGS),
        "Microsoft.Web/sites/config",
        WEB_API,
        ResName::Child {
            parent: Ref::Node(app),
            name: "appsettings".into(),
        },
    );
    let current = || {
        Expr::Member(
            Box::new(Expr::Call(
                "list",
                vec![
                    Expr::ChildId {
                        of: Ref::Node(app),
                        ty: "config",
                        name: "appsettings",
                    },
                    Expr::str(WEB_API),
                ],
            )),
            "properties",
        )
    };
    let mut parts = vec![Expr::Object(app_setting_values(f)?.into_iter().collect())];
    for name in &f.publish_settings {
        parts.push(Expr::If(
            Box::new(Expr::Call("contains", vec![current(), Expr::str(name)])),
            Box::new(Expr::Object(vec![(
                name.clone(),
                Expr::Index(Box::new(current()), Box::new(Expr::str(name))),
            )])),
            Box::new(Expr::Object(Vec::new())),
        ));
    }
    r.properties = Some(Node::Expr(Expr::Call("union", parts)));
    r.depends_on = vec![Ref::Node(app)];
    r.skips = super::checkov::app_settings_skips();
    r.comments = vec![
        format!(
            "P14: publishing adds {}; a siteConfig.appSettings list would drop it",
            f.publish_settings.join(", ")
        ),
        "on every later deployment, and the published code with it. So the settings are this separate".into(),
        "resource, after the site (which exists then, on the first deployment too), and each publish".into(),
        "setting keeps its current value, read with list() (pattern: Azure/bicep#4634).".into(),
    ];
    Ok(r)
}

fn function_app(graph: &ResourceGraph, resource: &GraphResource, f: &FunctionApp) -> Result<Resource> {
    let storage = Ref::Node(f.storage);
    // One list with every setting, sorted by name: a later PUT of appSettings replaces
    // the whole set (so with publish settings they are a separate resource).
    let app_settings = app_setting_values(f)?
        .into_iter()
        .map(|(name, value)| Node::obj([("name", Node::Str(name)), ("value", leaf(value))]))
        .collect();

    let mut site_config = Vec::new();
    let mut put = |k: &str, v: Node| site_config.push((k.to_string(), v));
    // The graph's value (main d32ba15: `Node|22`, `Python|3.12`); Flex has none.
    if let Some(fx) = &f.linux_fx_version {
        put("linuxFxVersion", Node::str(fx));
    }
    put("minTlsVersion", Node::str(&f.min_tls_version));
    put("scmMinTlsVersion", Node::str(&f.scm_min_tls_version));
    put("ftpsState", Node::str(&f.ftps_state));
    put("http20Enabled", Node::Bool(f.http2_enabled));
    put("remoteDebuggingEnabled", Node::Bool(f.remote_debugging_enabled));
    // EP: all outbound traffic through the integration subnet (Flex routes all of it anyway).
    if f.vnet_subnet.is_some() && f.plan.is_elastic_premium() {
        put("vnetRouteAllEnabled", Node::Bool(true));
    }
    if !f.cors_allowed_origins.is_empty() {
        put(
            "cors",
            Node::obj([
                ("allowedOrigins", Node::strs(&f.cors_allowed_origins)),
                ("supportCredentials", Node::Bool(f.cors_support_credentials)),
            ]),
        );
    }
    if f.publish_settings.is_empty() {
        put("appSettings", Node::Array(app_settings));
    }

    let mut properties = vec![
        (
            "serverFarmId".to_string(),
            Node::Expr(Expr::Id(Ref::Node(f.service_plan))),
        ),
        ("reserved".into(), Node::Bool(true)),
        ("httpsOnly".into(), Node::Bool(f.https_only)),
        ("siteConfig".into(), Node::Object(site_config)),
    ];
    if let Some(subnet) = f.vnet_subnet {
        properties.push(("virtualNetworkSubnetId".into(), Node::Expr(Expr::Id(Ref::Node(subnet)))));
    }
    if let Some(flex) = &f.flex {
        let container = graph.get(flex.container).context("the Flex package container")?;
        if container.name != flex.container_name {
            bail!(
                "Flex container name `{}` differs from its resource `{}`",
                flex.container_name,
                container.name
            );
        }
        let authentication = match f.storage_auth {
            StorageAuth::SystemAssignedIdentity => Node::obj([("type", Node::str("SystemAssignedIdentity"))]),
            StorageAuth::AccessKey => Node::obj([
                ("type", Node::str("StorageAccountConnectionString")),
                ("storageAccountConnectionStringName", Node::str("AzureWebJobsStorage")),
            ]),
        };
        properties.push((
            "functionAppConfig".into(),
            Node::obj([
                (
                    "deployment",
                    Node::obj([(
                        "storage",
                        Node::obj([
                            ("type", Node::str("blobContainer")),
                            (
                                "value",
                                Node::Expr(Expr::Concat(vec![
                                    Expr::Prop(storage, "primaryEndpoints.blob"),
                                    Expr::Name(Ref::Node(flex.container)),
                                ])),
                            ),
                            ("authentication", authentication),
                        ]),
                    )]),
                ),
                (
                    "scaleAndConcurrency",
                    Node::obj([
                        (
                            "maximumInstanceCount",
                            Node::Int(i64::from(flex.maximum_instance_count)),
                        ),
                        ("instanceMemoryMB", Node::Int(i64::from(flex.instance_memory_mb))),
                    ]),
                ),
                (
                    "runtime",
                    Node::obj([
                        ("name", Node::str(&f.runtime)),
                        ("version", Node::str(&f.runtime_version)),
                    ]),
                ),
            ]),
        ));
    }

    let mut r = top(resource, "Microsoft.Web/sites", WEB_API);
    located(&mut r, resource);
    r.kind = Some(Node::str("functionapp,linux"));
    r.identity = Some(Node::obj([("type", Node::str("SystemAssigned"))]));
    r.properties = Some(Node::Object(properties));
    Ok(r)
}

/// The function app's host, whose keys the upstream reads.
fn host(u: &Upstream) -> Resource {
    let mut r = Resource::new(
        Ref::Aux(u.function_app, HOST),
        "Microsoft.Web/sites/host",
        WEB_API,
        ResName::Child {
            parent: Ref::Node(u.function_app),
            name: "default".into(),
        },
    );
    r.existing = true;
    r.comments = match u.host_key {
        Some(key) => vec![
            "The upstream carries the signalr_extension system key this deployment creates".into(),
            format!("({}), read back from the host once that key exists.", symbol(key)),
        ],
        None => vec![
            "The SignalR extension's host key exists only once code with a SignalR trigger is".into(),
            format!("deployed, so the upstream below is read only when {UPSTREAM_SWITCH} is true."),
        ],
    };
    r
}

fn network_acl(graph: &ResourceGraph, signalr: ResId) -> Option<&NetworkAcl> {
    graph.in_order().find_map(|r| match &r.settings {
        Settings::SignalRNetworkAcl(acl) if acl.signalr == signalr => Some(acl),
        _ => None,
    })
}

fn signalr(graph: &ResourceGraph, resource: &GraphResource, s: &SignalR) -> Result<Resource> {
    let flag = |on: bool| Node::str(if on { "True" } else { "False" });
    let category = |name: &str, on: bool| {
        Node::obj([
            ("name", Node::str(name)),
            ("enabled", Node::str(if on { "true" } else { "false" })),
        ])
    };
    let feature = |name: &str, value: Node| Node::obj([("flag", Node::str(name)), ("value", value)]);
    let mut properties = vec![
        (
            "features".to_string(),
            Node::Array(vec![
                feature("ServiceMode", Node::str(&s.service_mode)),
                feature("EnableConnectivityLogs", flag(s.connectivity_logs)),
                feature("EnableMessagingLogs", flag(s.messaging_logs)),
                feature("EnableLiveTrace", flag(false)),
            ]),
        ),
        (
            "resourceLogConfiguration".into(),
            Node::obj([(
                "categories",
                Node::Array(vec![
                    category("ConnectivityLogs", s.connectivity_logs),
                    category("MessagingLogs", s.messaging_logs),
                    category("HttpRequestLogs", s.http_request_logs),
                ]),
            )]),
        ),
    ];
    if !s.cors_allowed_origins.is_empty() {
        properties.push((
            "cors".into(),
            Node::obj([("allowedOrigins", Node::strs(&s.cors_allowed_origins))]),
        ));
    }
    if let Some(acl) = network_acl(graph, resource.id) {
        let (default_action, public_allow, public_deny) = arm_acl(acl);
        properties.push((
            "networkACLs".into(),
            Node::obj([
                ("defaultAction", Node::str(default_action)),
                (
                    "publicNetwork",
                    Node::obj([("allow", Node::strs(&public_allow)), ("deny", Node::strs(&public_deny))]),
                ),
            ]),
        ));
    }
    properties.push((
        "publicNetworkAccess".into(),
        Node::str(if s.public_network_access { "Enabled" } else { "Disabled" }),
    ));
    properties.push(("disableLocalAuth".into(), Node::Bool(!s.local_auth)));
    properties.push((
        "serverless".into(),
        Node::obj([(
            "connectionTimeoutInSeconds",
            Node::Int(i64::from(s.serverless_connection_timeout_seconds)),
        )]),
    ));
    if let Some(upstream) = &s.upstream {
        properties.push(("upstream".into(), Node::Expr(upstream_settings(upstream)?)));
    }

    let mut r = top(resource, "Microsoft.SignalRService/signalR", SIGNALR_API);
    located(&mut r, resource);
    r.sku = Some(Node::obj([
        ("name", Node::str(&s.sku.name)),
        ("tier", Node::str(&s.sku.tier)),
        ("capacity", Node::Int(i64::from(s.sku.capacity))),
    ]));
    r.kind = Some(Node::str("SignalR"));
    r.identity = Some(Node::obj([(
        "type",
        Node::str(if s.system_assigned_identity {
            "SystemAssigned"
        } else {
            "None"
        }),
    )]));
    r.properties = Some(Node::Object(properties));
    if network_acl(graph, resource.id).is_some_and(|acl| !acl.private_endpoints.is_empty()) {
        r.comments = vec![
            "Private mode: `networkACLs.privateEndpoints` names the service-side connection".into(),
            "(`<service>.<guid>`), which Azure names when the endpoint is created, so this template".into(),
            "cannot list it. Instead the default action allows and the public network denies every".into(),
            "request type it must not carry: the private endpoint gets what no rule denies, the public".into(),
            "network only its allow list (README, Private networking).".into(),
        ];
    }
    Ok(r)
}

/// The ACL as ARM can write it: `(defaultAction, public allow, public deny)`. With private
/// endpoints and a `Deny` default, ARM cannot name the endpoint's connection (Azure names it
/// `<service>.<guid>` when the endpoint is created), and an unnamed endpoint falls to the
/// default action: so the default becomes `Allow` and the public network denies every request
/// type outside its allow list, which leaves the public side as before and lets the private
/// endpoint carry what no rule denies (Terraform names the connection: it keeps the file's ACL).
fn arm_acl(acl: &NetworkAcl) -> (&str, Vec<String>, Vec<String>) {
    if acl.private_endpoints.is_empty() || acl.default_action != "Deny" {
        return (&acl.default_action, acl.public_allow.clone(), acl.public_deny.clone());
    }
    let deny = REQUEST_TYPES
        .iter()
        .filter(|t| !acl.public_allow.iter().any(|a| a == *t))
        .map(|t| t.to_string())
        .collect();
    ("Allow", acl.public_allow.clone(), deny)
}

/// SignalR's request types (facts: ACL request types), in the order ARM documents them.
const REQUEST_TYPES: [&str; 4] = ["ClientConnection", "ServerConnection", "RESTAPI", "Trace"];

/// The upstream as one expression: behind the switch, one `if()` (ARM evaluates only
/// the taken branch, so the host key is read only when the switch is on; off, the
/// template list is empty, which also removes an upstream set by an earlier deployment).
fn upstream_settings(u: &Upstream) -> Result<Expr> {
    let app = Ref::Node(u.function_app);
    let url = Expr::Concat(vec![
        Expr::str("https://"),
        Expr::Prop(app, "defaultHostName"),
        Expr::Var(WEBHOOK_PATH_VAR),
        Expr::str("?code="),
        Expr::ListKeys(Ref::Aux(u.function_app, HOST), ".systemKeys.signalr_extension"),
    ]);
    let mut fields = vec![
        ("hubPattern".to_string(), Expr::Str(u.hub_patterns.join(","))),
        ("eventPattern".into(), Expr::Str(u.event_patterns.join(","))),
        ("categoryPattern".into(), Expr::Str(u.category_patterns.join(","))),
        ("urlTemplate".into(), url),
    ];
    match (u.auth, &u.auth_resource) {
        (UpstreamAuth::None, _) => {}
        (UpstreamAuth::ManagedIdentity, Some(audience)) => fields.push((
            "auth".into(),
            Expr::Object(vec![
                ("type".into(), Expr::str("ManagedIdentity")),
                (
                    "managedIdentity".into(),
                    Expr::Object(vec![("resource".into(), Expr::str(audience))]),
                ),
            ]),
        )),
        (UpstreamAuth::ManagedIdentity, None) => bail!("managed-identity upstream auth without a token audience"),
    }
    let templates = |list: Vec<Expr>| Expr::Object(vec![("templates".into(), Expr::Array(list))]);
    let on = templates(vec![Expr::Object(fields)]);
    if u.host_key.is_some() {
        // One deployment (facts P19): the key resource is in this template and SignalR
        // depends on it, so `listKeys` runs after the key exists.
        return Ok(on);
    }
    Ok(Expr::If(
        Box::new(Expr::Param(UPSTREAM_SWITCH)),
        Box::new(on),
        Box::new(templates(Vec::new())),
    ))
}

/// The ARM type of a host key: `Microsoft.Web/sites/host/systemKeys` (or `functionKeys`).
fn host_key_type(k: &HostKey) -> &'static str {
    if k.key_type == "functionKeys" {
        "Microsoft.Web/sites/host/functionKeys"
    } else {
        "Microsoft.Web/sites/host/systemKeys"
    }
}

/// The `signalr_extension` system key, created by the deployment (facts P19). Only its
/// name is sent: the host generates the value (REST "Web Apps - Create Or Update Host
/// Secret", body `value` optional), so the template never holds it; SignalR reads it
/// back with `listKeys` in the same deployment. It comes after the app and the storage
/// role assignments the host needs to write its secrets (the graph's edges).
fn host_key(graph: &ResourceGraph, resource: &GraphResource, k: &HostKey) -> Resource {
    let mut r = Resource::new(
        Ref::Node(resource.id),
        host_key_type(k),
        WEB_API,
        ResName::Path {
            owner: Ref::Node(k.function_app),
            rest: vec!["default".into(), k.key_name.clone()],
        },
    );
    r.properties = Some(Node::obj([("name", Node::str(&k.key_name))]));
    r.comments = vec![
        format!(
            "The function app's '{}' system key, created by this deployment so the",
            k.key_name
        ),
        "SignalR upstream can carry it (one-apply wiring, facts P19). Only its name is sent: the".into(),
        "host generates the value and SignalR reads it back with listKeys, so no key is in the".into(),
        "template. The Bicep type library has no Microsoft.Web/sites/host/* types (warning BCP081).".into(),
    ];
    let after_roles = graph
        .depends_on(resource.id)
        .iter()
        .any(|d| d.kind == Kind::RoleAssignment);
    if after_roles {
        r.comments
            .push("After the role assignments that let the host store its secrets.".into());
    }
    r
}

/// A diagnostic setting: an extension resource on the resource whose logs it sends
/// (`scope`), to the workspace (P16). Category groups and categories come from the graph.
fn diagnostic_setting(resource: &GraphResource, d: &DiagnosticSetting) -> Resource {
    let mut r = Resource::new(
        Ref::Node(resource.id),
        "Microsoft.Insights/diagnosticSettings",
        DIAGNOSTIC_SETTINGS_API,
        ResName::Top(resource.name.clone()),
    );
    r.scope = Some(Ref::Node(d.source));
    let logs = d
        .category_groups
        .iter()
        .map(|g| Node::obj([("categoryGroup", Node::str(g)), ("enabled", Node::Bool(true))]))
        .chain(
            d.categories
                .iter()
                .map(|c| Node::obj([("category", Node::str(c)), ("enabled", Node::Bool(true))])),
        )
        .collect();
    r.properties = Some(Node::obj([
        ("workspaceId", Node::Expr(Expr::Id(Ref::Node(d.workspace)))),
        ("logs", Node::Array(logs)),
    ]));
    r.comments = vec![format!(
        "Sends the logs of {} to {} (P16: log flags alone store nothing).",
        symbol(d.source),
        symbol(d.workspace)
    )];
    r
}

/// The ARM type and API version of a graph node a role can be granted on.
fn scope_type(graph: &ResourceGraph, id: ResId) -> Result<(&'static str, &'static str)> {
    Ok(match graph.get(id).map(|r| &r.settings) {
        Some(Settings::Storage(_)) => ("Microsoft.Storage/storageAccounts", STORAGE_API),
        Some(Settings::SignalR(_)) => ("Microsoft.SignalRService/signalR", SIGNALR_API),
        _ => bail!("no role-assignment template for a role on {}", id.address()),
    })
}

const SCOPE_NAME: &str = "scopeName";
const PRINCIPAL_ID: &str = "principalId";
const ROLE_DEFINITION_ID: &str = "roleDefinitionId";
const PRINCIPAL_TYPE: &str = "principalType";

/// One role assignment on an existing resource of one type, named from the principal id
/// it is passed (P17): the name, a GUID of (scope, principal id, role) as Azure Verified
/// Modules derive it, is known when the template starts (a name computed from
/// `reference()` is refused: Bicep BCP120), and a recreated identity (new principal id)
/// gets a new name instead of colliding with the old assignment; a re-deployment finds
/// the same assignment (P12).
fn role_template(file: String, ty: &'static str, api: &'static str) -> Template {
    let param = |name, description: &str| Param {
        name,
        ty: "string",
        default: None,
        description: description.into(),
    };
    let scope = Ref::Local("scopeResource");
    let mut scope_resource = Resource::new(scope, ty, api, ResName::Computed(Expr::Param(SCOPE_NAME)));
    scope_resource.existing = true;
    let mut assignment = Resource::new(
        Ref::Local("assignment"),
        "Microsoft.Authorization/roleAssignments",
        ROLE_ASSIGNMENTS_API,
        ResName::Computed(Expr::Call(
            "guid",
            vec![
                Expr::Id(scope),
                Expr::Param(PRINCIPAL_ID),
                Expr::Param(ROLE_DEFINITION_ID),
            ],
        )),
    );
    assignment.scope = Some(scope);
    assignment.properties = Some(Node::obj([
        ("roleDefinitionId", Node::Expr(Expr::Param(ROLE_DEFINITION_ID))),
        ("principalId", Node::Expr(Expr::Param(PRINCIPAL_ID))),
        ("principalType", Node::Expr(Expr::Param(PRINCIPAL_TYPE))),
    ]));
    Template {
        file,
        comments: vec![
            format!("One role assignment on a {ty}@{api} resource. The principal id is a parameter,"),
            "so the assignment's name, a GUID of (scope, principal id, role), is known when this module".into(),
            "starts (a name computed from reference() is refused: BCP120). A recreated identity gets a".into(),
            "new name instead of colliding with the old assignment (P17); a re-deployment finds the same".into(),
            "assignment (P12). The same pattern as Azure Verified Modules' role assignments.".into(),
        ],
        params: vec![
            param(
                SCOPE_NAME,
                "Name of the resource the role is granted on, in this resource group.",
            ),
            param(PRINCIPAL_ID, "Object id of the identity that receives the role."),
            param(ROLE_DEFINITION_ID, "Resource id of the role definition."),
            param(
                PRINCIPAL_TYPE,
                "Type of the principal: ServicePrincipal avoids PrincipalNotFound on a new identity.",
            ),
        ],
        items: vec![
            Item::Resource(Box::new(scope_resource)),
            Item::Resource(Box::new(assignment)),
        ],
    }
}

/// A role assignment (an extension resource on its scope), deployed through the
/// role-assignment template of its scope's type (P17), as a module named
/// `sigc-role-<role>`: unique in the resource group (one assignment per role in the
/// stack), within the 64-character limit of deployment names and known at start.
fn role_assignment(
    graph: &ResourceGraph,
    resource: &GraphResource,
    ra: &RoleAssignment,
    templates: &mut Vec<Template>,
) -> Result<Resource> {
    let file = format!("role_assignment_{}.bicep", ra.scope.kind());
    let template = template_index(templates, &file, || {
        let (ty, api) = scope_type(graph, ra.scope)?;
        Ok(role_template(file.clone(), ty, api))
    })?;
    let mut r = role_module(
        resource,
        ra.role,
        template,
        Expr::Name(Ref::Node(ra.scope)),
        ra.principal,
        &ra.role_definition_id,
        &ra.principal_type,
        None,
    );
    r.comments = vec![
        format!(
            "Grants '{}' to the identity of {} on {}, in the module",
            ra.role.display_name(),
            symbol(ra.principal),
            symbol(ra.scope)
        ),
        format!("{file}: the assignment's name is computed there from the principal id (P17)."),
    ];
    Ok(r)
}

/// The index of the stack's template `file`, made (once) by `make`.
fn template_index(templates: &mut Vec<Template>, file: &str, make: impl FnOnce() -> Result<Template>) -> Result<usize> {
    if let Some(i) = templates.iter().position(|t| t.file == file) {
        return Ok(i);
    }
    templates.push(make()?);
    Ok(templates.len() - 1)
}

/// The module call of a role-assignment template: `sigc-role-<role>`, passing the scope's
/// name, the principal id, the role definition and the principal type (P17).
#[allow(clippy::too_many_arguments)]
fn role_module(
    resource: &GraphResource,
    role: Role,
    template: usize,
    scope_name: Expr,
    principal: ResId,
    role_definition_id: &str,
    principal_type: &str,
    target: Option<(String, String)>,
) -> Resource {
    let mut r = Resource::new(
        Ref::Node(resource.id),
        "Microsoft.Resources/deployments",
        RESOURCES_API,
        ResName::Top(format!("sigc-role-{}", role.label().replace('_', "-"))),
    );
    r.module = Some(ModuleCall {
        template,
        params: vec![
            (SCOPE_NAME, scope_name),
            (PRINCIPAL_ID, Expr::PrincipalId(Ref::Node(principal))),
            (
                ROLE_DEFINITION_ID,
                Expr::Call(
                    "subscriptionResourceId",
                    vec![
                        Expr::str("Microsoft.Authorization/roleDefinitions"),
                        Expr::str(role_definition_id),
                    ],
                ),
            ),
            (PRINCIPAL_TYPE, Expr::str(principal_type)),
        ],
        target,
    });
    r
}

/// The API version of the Key Vault the custom domain's grant is scoped to (referenced only).
pub const KEY_VAULT_API: &str = "2023-07-01";

/// A role on a resource outside the stack's resource group (the custom domain's Key
/// Vault): the same role-assignment template, deployed as a module into that resource's
/// own subscription and group (ARM `subscriptionId`/`resourceGroup` on the nested
/// deployment, Bicep `scope: resourceGroup(...)`).
fn external_role_assignment(
    resource: &GraphResource,
    ra: &ExternalRoleAssignment,
    templates: &mut Vec<Template>,
) -> Result<Resource> {
    let parts: Vec<&str> = ra.scope_id.trim_matches('/').split('/').collect();
    let (subscription, group, name) = match parts.as_slice() {
        ["subscriptions", sub, "resourceGroups", rg, "providers", ns, "vaults", name]
            if ns.eq_ignore_ascii_case("Microsoft.KeyVault") =>
        {
            (sub.to_string(), rg.to_string(), name.to_string())
        }
        _ => bail!("`{}` is not a Key Vault resource ID", ra.scope_id),
    };
    let file = "role_assignment_key_vault.bicep".to_string();
    let template = template_index(templates, &file, || {
        Ok(role_template(file.clone(), "Microsoft.KeyVault/vaults", KEY_VAULT_API))
    })?;
    let target = Some((subscription, group.clone()));
    let mut r = role_module(
        resource,
        ra.role,
        template,
        Expr::str(&name),
        ra.principal,
        &ra.role_definition_id,
        &ra.principal_type,
        target,
    );
    r.comments = vec![
        format!(
            "Grants '{}' to the identity of {} on the Key Vault `{name}`, in its own group `{group}`.",
            ra.role.display_name(),
            symbol(ra.principal)
        ),
        "SignalR reads the custom domain's certificate with it.".into(),
    ];
    Ok(r)
}

/// The VNet with its subnets inline: an ARM redeploy of a VNet whose `subnets` are left
/// out would try to delete the subnets in use (the subnet nodes are `existing` children).
fn virtual_network(graph: &ResourceGraph, resource: &GraphResource, v: &VirtualNetwork) -> Resource {
    let mut r = top(resource, "Microsoft.Network/virtualNetworks", NETWORK_API);
    located(&mut r, resource);
    let subnets = graph
        .in_order()
        .filter_map(|n| match &n.settings {
            Settings::Subnet(sn) if sn.vnet == resource.id => Some((n, sn)),
            _ => None,
        })
        .map(|(n, sn)| {
            let mut properties = vec![("addressPrefix".to_string(), Node::str(&sn.address_prefix))];
            match &sn.delegation {
                Some(service) => properties.push((
                    "delegations".into(),
                    Node::Array(vec![Node::obj([
                        ("name", Node::str("delegation")),
                        ("properties", Node::obj([("serviceName", Node::str(service))])),
                    ])]),
                )),
                None => properties.push(("privateEndpointNetworkPolicies".into(), Node::str("Disabled"))),
            }
            Node::obj([("name", Node::str(&n.name)), ("properties", Node::Object(properties))])
        })
        .collect();
    r.properties = Some(Node::obj([
        (
            "addressSpace",
            Node::obj([("addressPrefixes", Node::strs(std::slice::from_ref(&v.address_space)))]),
        ),
        ("subnets", Node::Array(subnets)),
    ]));
    r
}

/// A subnet, declared in its VNet's body: referenced here, never deployed on its own.
fn subnet(resource: &GraphResource, sn: &Subnet) -> Resource {
    let mut r = Resource::new(
        Ref::Node(resource.id),
        "Microsoft.Network/virtualNetworks/subnets",
        NETWORK_API,
        ResName::Child {
            parent: Ref::Node(sn.vnet),
            name: resource.name.clone(),
        },
    );
    r.existing = true;
    r.comments = vec!["Declared inside its VNet (a VNet redeploy keeps its subnets): referenced here.".into()];
    r
}

/// Private DNS zones are global resources.
fn private_dns_zone(resource: &GraphResource) -> Resource {
    let mut r = top(resource, "Microsoft.Network/privateDnsZones", PRIVATE_DNS_API);
    r.location = Some(Expr::str("global"));
    r.tags = Some(resource.tags.iter().map(|(k, v)| (k.clone(), v.clone())).collect());
    r.properties = Some(Node::Object(Vec::new()));
    r
}

fn zone_link(resource: &GraphResource, l: &PrivateDnsZoneLink) -> Resource {
    let mut r = Resource::new(
        Ref::Node(resource.id),
        "Microsoft.Network/privateDnsZones/virtualNetworkLinks",
        PRIVATE_DNS_API,
        ResName::Child {
            parent: Ref::Node(l.zone),
            name: resource.name.clone(),
        },
    );
    r.location = Some(Expr::str("global"));
    r.tags = Some(resource.tags.iter().map(|(k, v)| (k.clone(), v.clone())).collect());
    r.properties = Some(Node::obj([
        (
            "virtualNetwork",
            Node::obj([("id", Node::Expr(Expr::Id(Ref::Node(l.vnet))))]),
        ),
        ("registrationEnabled", Node::Bool(false)),
    ]));
    r
}

fn private_endpoint(resource: &GraphResource, pe: &PrivateEndpoint) -> Resource {
    let mut r = top(resource, "Microsoft.Network/privateEndpoints", NETWORK_API);
    located(&mut r, resource);
    r.properties = Some(Node::obj([
        (
            "subnet",
            Node::obj([("id", Node::Expr(Expr::Id(Ref::Node(pe.subnet))))]),
        ),
        (
            "privateLinkServiceConnections",
            Node::Array(vec![Node::obj([
                ("name", Node::str(&pe.connection_name)),
                (
                    "properties",
                    Node::obj([
                        ("privateLinkServiceId", Node::Expr(Expr::Id(Ref::Node(pe.target)))),
                        ("groupIds", Node::strs(std::slice::from_ref(&pe.group_id))),
                    ]),
                ),
            ])]),
        ),
    ]));
    r
}

/// The zone group that registers the endpoint's address in its private DNS zone. Its
/// symbol is fixed per private-link group (an aux declaration's name is static).
fn zone_group(graph: &ResourceGraph, endpoint: ResId, pe: &PrivateEndpoint) -> Result<Resource> {
    let symbol = match pe.group_id.as_str() {
        "signalr" => "privateEndpointSignalrZoneGroup",
        "blob" => "privateEndpointBlobZoneGroup",
        "queue" => "privateEndpointQueueZoneGroup",
        "table" => "privateEndpointTableZoneGroup",
        "file" => "privateEndpointFileZoneGroup",
        other => bail!("no zone group symbol for private-link group `{other}`"),
    };
    let zone = graph.get(pe.zone).context("the endpoint's private DNS zone")?;
    let mut r = Resource::new(
        Ref::Aux(endpoint, symbol),
        "Microsoft.Network/privateEndpoints/privateDnsZoneGroups",
        NETWORK_API,
        ResName::Child {
            parent: Ref::Node(endpoint),
            name: "default".into(),
        },
    );
    r.properties = Some(Node::obj([(
        "privateDnsZoneConfigs",
        Node::Array(vec![Node::obj([
            ("name", Node::Str(zone.name.replace('.', "-"))),
            (
                "properties",
                Node::obj([("privateDnsZoneId", Node::Expr(Expr::Id(Ref::Node(pe.zone))))]),
            ),
        ])]),
    )]));
    Ok(r)
}

/// A geo-replica: a child of SignalR in its own region, with its own units.
fn replica(resource: &GraphResource, rep: &SignalRReplica) -> Resource {
    let mut r = Resource::new(
        Ref::Node(resource.id),
        "Microsoft.SignalRService/signalR/replicas",
        SIGNALR_API,
        ResName::Child {
            parent: Ref::Node(rep.signalr),
            name: resource.name.clone(),
        },
    );
    r.location = Some(Expr::str(&rep.location));
    r.tags = Some(resource.tags.iter().map(|(k, v)| (k.clone(), v.clone())).collect());
    r.sku = Some(Node::obj([
        ("name", Node::str(&rep.sku.name)),
        ("tier", Node::str(&rep.sku.tier)),
        ("capacity", Node::Int(i64::from(rep.sku.capacity))),
    ]));
    r.properties = Some(Node::Object(Vec::new()));
    r
}

fn custom_certificate(resource: &GraphResource, c: &CustomCertificate) -> Resource {
    let mut r = Resource::new(
        Ref::Node(resource.id),
        "Microsoft.SignalRService/signalR/customCertificates",
        SIGNALR_API,
        ResName::Child {
            parent: Ref::Node(c.signalr),
            name: resource.name.clone(),
        },
    );
    r.properties = Some(Node::obj([
        ("keyVaultBaseUri", Node::str(&c.key_vault_base_uri)),
        ("keyVaultSecretName", Node::str(&c.secret_name)),
    ]));
    r
}

fn custom_domain(resource: &GraphResource, d: &CustomDomain) -> Resource {
    let mut r = Resource::new(
        Ref::Node(resource.id),
        "Microsoft.SignalRService/signalR/customDomains",
        SIGNALR_API,
        ResName::Child {
            parent: Ref::Node(d.signalr),
            name: resource.name.clone(),
        },
    );
    r.properties = Some(Node::obj([
        ("domainName", Node::str(&d.host_name)),
        (
            "customCertificate",
            Node::obj([("id", Node::Expr(Expr::Id(Ref::Node(d.certificate))))]),
        ),
    ]));
    r
}

/// Deployed into the resource group without a `scope`, the lock applies to the group.
fn management_lock(resource: &GraphResource, l: &ManagementLock) -> Resource {
    let mut r = top(resource, "Microsoft.Authorization/locks", LOCKS_API);
    r.properties = Some(Node::obj([
        ("level", Node::str(&l.level)),
        ("notes", Node::str(&l.notes)),
    ]));
    r.comments = vec!["After every other resource: a ReadOnly lock placed earlier would refuse their creation.".into()];
    r
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::sample::{sample_graph, sample_graph_two_step};
    use crate::graph::FunctionPlan;

    #[test]
    fn every_reference_is_declared_and_dependencies_follow_the_graph() {
        for plan in [FunctionPlan::FC1, FunctionPlan::Y1, FunctionPlan::EP1] {
            for graph in [sample_graph(plan), sample_graph_two_step(plan)] {
                let stack = lower(&graph).expect("lowers");
                for r in stack.resources() {
                    for key in r.references().into_iter().chain(r.depends_on.iter().copied()) {
                        stack.get(key).expect("declared");
                    }
                    if let Some(id) = r.node() {
                        // P14: what needs a split app needs its settings, right after it.
                        let split = stack.get(Ref::Aux(ResId::FunctionApp, APP_SETTINGS)).is_ok();
                        let mut want: Vec<Ref> = graph
                            .depends_on(id)
                            .into_iter()
                            .filter(|d| *d != ResId::ResourceGroup)
                            .flat_map(|d| {
                                let settings = (split && d == ResId::FunctionApp)
                                    .then_some(Ref::Aux(ResId::FunctionApp, APP_SETTINGS));
                                std::iter::once(decl_of(&graph, d)).chain(settings)
                            })
                            .collect();
                        want.dedup();
                        assert_eq!(r.depends_on, want, "{plan:?} {}", id.address());
                    }
                }
                let symbols: std::collections::BTreeSet<&str> = stack.resources().map(|r| r.symbol.as_str()).collect();
                assert_eq!(symbols.len(), stack.resources().count(), "symbols are unique");
                assert_eq!(stack.two_step(), graph.get(ResId::HostKey).is_none());
            }
        }
    }

    #[test]
    fn keyed_symbols_carry_their_key() {
        use crate::graph::Key;
        let replica = ResId::keyed(Kind::SignalR, Key::from_static("west_us2"));
        assert_eq!(symbol(replica), "signalRWestUs2");
        assert_eq!(symbol(ResId::SignalR), "signalR");
        assert_eq!(
            symbol(ResId::role_assignment(crate::graph::Role::StorageBlobDataOwner)),
            "storageBlobDataOwnerAssignment"
        );
    }
}

/// The two printers side by side on hand-built expressions: the same IR, each
/// language's own spelling, and a hostile string escaped by each.
#[cfg(test)]
mod printer_tests {
    use super::*;
    use crate::emit::{arm, bicep};
    use crate::graph::sample::sample_graph_two_step;
    use crate::graph::FunctionPlan;

    fn stack() -> (ResourceGraph, Stack) {
        let graph = sample_graph_two_step(FunctionPlan::Y1);
        let stack = lower(&graph).expect("lowers");
        (graph, stack)
    }

    #[test]
    fn one_expression_in_both_languages() {
        let (graph, stack) = stack();
        let app = graph.expect(ResId::FunctionApp).name.clone();
        let (a, b) = (arm::Printer::new(&stack), bicep::Printer::new(&stack));
        let url = Expr::Concat(vec![
            Expr::str("https://"),
            Expr::Prop(Ref::Node(ResId::FunctionApp), "defaultHostName"),
            Expr::Var(WEBHOOK_PATH_VAR),
            Expr::str("?code="),
            Expr::ListKeys(Ref::Aux(ResId::FunctionApp, HOST), ".systemKeys.signalr_extension"),
        ]);
        assert_eq!(
            a.expr(&url).unwrap(),
            format!(
                "concat('https://', reference(resourceId('Microsoft.Web/sites', '{app}'), '2024-11-01').defaultHostName, \
                 '/runtime/webhooks/signalr?code=', listKeys(resourceId('Microsoft.Web/sites/host', '{app}', 'default'), \
                 '2024-11-01').systemKeys.signalr_extension)"
            ),
            "ARM writes the variable out and joins the literals around it"
        );
        assert_eq!(
            b.expr(&url, 0).unwrap(),
            "'https://${functionApp.properties.defaultHostName}${signalRWebhookPath}?code=${host.listKeys().systemKeys.signalr_extension}'"
        );

        let name = Expr::Call(
            "guid",
            vec![
                Expr::Id(Ref::Node(ResId::SignalR)),
                Expr::PrincipalId(Ref::Node(ResId::FunctionApp)),
            ],
        );
        let signalr = graph.expect(ResId::SignalR).name.clone();
        assert_eq!(
            a.expr(&name).unwrap(),
            format!(
                "guid(resourceId('Microsoft.SignalRService/signalR', '{signalr}'), \
                 reference(resourceId('Microsoft.Web/sites', '{app}'), '2024-11-01', 'full').identity.principalId)"
            )
        );
        assert_eq!(
            b.expr(&name, 0).unwrap(),
            "guid(signalR.id, functionApp.identity.principalId)"
        );

        let switched = Expr::If(
            Box::new(Expr::Param(UPSTREAM_SWITCH)),
            Box::new(Expr::Object(vec![("n".into(), Expr::Int(1))])),
            Box::new(Expr::Array(Vec::new())),
        );
        assert_eq!(
            a.expr(&switched).unwrap(),
            "if(parameters('signalRUpstreamEnabled'), createObject('n', 1), createArray())"
        );
        assert_eq!(
            b.expr(&switched, 2).unwrap(),
            "signalRUpstreamEnabled ? {\n    n: 1\n  } : []"
        );

        let format = Expr::Format(
            "https://{0}/api/{1}",
            vec![Expr::Name(Ref::Node(ResId::FunctionApp)), Expr::Int(7)],
        );
        assert_eq!(
            a.expr(&format).unwrap(),
            format!("format('https://{{0}}/api/{{1}}', '{app}', 7)")
        );
        assert_eq!(b.expr(&format, 0).unwrap(), "'https://${functionApp.name}/api/${7}'");
    }

    #[test]
    fn a_hostile_string_stays_a_string_in_both_languages() {
        let (_, stack) = stack();
        let (a, b) = (arm::Printer::new(&stack), bicep::Printer::new(&stack));
        // An ARM expression's brackets, a quote, a Bicep interpolation, a backslash, a line break.
        let evil = "[it's ${x} \\ \n]";
        // As a literal value.
        assert_eq!(
            a.node(&Node::str(evil)).unwrap(),
            serde_json::json!("[[it's ${x} \\ \n]")
        );
        assert_eq!(b.node(&Node::str(evil), 0).unwrap(), r"'[it\'s \${x} \\ \n]'");
        // Inside an expression, and inside an interpolated string.
        assert_eq!(a.expr(&Expr::str(evil)).unwrap(), "'[it''s ${x} \\ \n]'");
        let joined = Expr::Concat(vec![Expr::str(evil), Expr::Param(LOCATION)]);
        assert_eq!(
            a.expr(&joined).unwrap(),
            "concat('[it''s ${x} \\ \n]', parameters('location'))"
        );
        assert_eq!(b.expr(&joined, 0).unwrap(), r"'[it\'s \${x} \\ \n]${location}'");
        // As an object key.
        let object = Node::Object(vec![(evil.to_string(), Node::Bool(true))]);
        assert_eq!(
            a.node(&object).unwrap(),
            serde_json::json!({"[[it's ${x} \\ \n]": true})
        );
        assert_eq!(b.node(&object, 0).unwrap(), "{\n  '[it\\'s \\${x} \\\\ \\n]': true\n}");
    }

    #[test]
    fn a_module_passes_what_reads_the_deployment_and_writes_the_constants_in() {
        let app = Ref::Node(ResId::FunctionApp);
        assert!(reads_deployment(&Expr::PrincipalId(app)));
        assert!(reads_deployment(&Expr::Concat(vec![
            Expr::str("a"),
            Expr::Param(LOCATION)
        ])));
        assert!(!reads_deployment(&Expr::Call(
            "guid",
            vec![Expr::Id(app), Expr::Name(app)]
        )));
        let values = [("t", Expr::str("ServicePrincipal")), ("n", Expr::Name(app))];
        assert_eq!(
            substitute_node(&Node::Expr(Expr::Param("t")), &values),
            Node::str("ServicePrincipal"),
            "a parameter that becomes a literal is written as one"
        );
        assert_eq!(
            substitute_expr(&Expr::Call("f", vec![Expr::Param("n"), Expr::Param("other")]), &values),
            Expr::Call("f", vec![Expr::Name(app), Expr::Param("other")])
        );
        // In the ARM copy, the scope's name parameter became the scope's own name.
        let (graph, stack) = stack();
        let call = stack
            .resources()
            .find_map(|r| r.module.as_ref())
            .expect("the sample grants a role through a module");
        let (_, constant): (Vec<_>, Vec<_>) = call.params.iter().cloned().partition(|(_, v)| reads_deployment(v));
        let items = substitute_items(&stack.templates[call.template].items, &constant);
        let scope = Scope {
            stack: &stack,
            locals: &items,
        };
        let signalr = graph.expect(ResId::SignalR).name.clone();
        assert_eq!(
            scope.segments(scope.get(Ref::Local("scopeResource")).unwrap()).unwrap(),
            [signalr]
        );
    }

    #[test]
    fn a_reference_to_nothing_declared_is_an_error_not_a_panic() {
        let (_, stack) = stack();
        let dangling = Expr::Id(Ref::Node(ResId::keyed(
            Kind::SignalR,
            crate::graph::Key::from_static("nowhere"),
        )));
        assert!(arm::Printer::new(&stack).expr(&dangling).is_err());
        assert!(bicep::Printer::new(&stack).expr(&dangling, 0).is_err());
        assert!(stack.var("nothing").is_err());
    }
}
