//! Bicep target: `bicep/main.bicep` (subscription scope: the resource group and one
//! module call) and `bicep/stack.bicep` (every resource of the stack, in the group).
//!
//! The text comes from the minijinja templates in `modules/bicep/`, one per resource
//! kind, embedded in the binary. Templates see a serializable view built here from
//! the graph, never the graph itself, and every user string reaches the output
//! through [`bicep_str`] (the `bicep_str` / `bicep_key` filters), so a name or tag
//! cannot break out of its string literal or inject an interpolation.

use std::fmt::Write as _;
use std::sync::OnceLock;

use anyhow::{bail, Context};
use minijinja::value::ValueKind;
use minijinja::{Environment, Error, ErrorKind, Output, State, Value};
use serde::Serialize;

use super::templates::is_identifier;
use super::{checkov, Artifact, Target};
use crate::graph::{FunctionApp, Kind, ResId, Resource, ResourceGraph, Settings, StorageAuth, Tags, UpstreamAuth};

/// Templates in `modules/bicep/`, by the name the other templates include them with.
const TEMPLATES: &[(&str, &str)] = &[
    ("bicep/main.bicep.j2", include_str!("../../modules/bicep/main.bicep.j2")),
    (
        "bicep/host_key.bicep.j2",
        include_str!("../../modules/bicep/host_key.bicep.j2"),
    ),
    (
        "bicep/stack.bicep.j2",
        include_str!("../../modules/bicep/stack.bicep.j2"),
    ),
    (
        "bicep/_tags.bicep.j2",
        include_str!("../../modules/bicep/_tags.bicep.j2"),
    ),
    (
        "bicep/_skips.bicep.j2",
        include_str!("../../modules/bicep/_skips.bicep.j2"),
    ),
    (
        "bicep/resource_group.bicep.j2",
        include_str!("../../modules/bicep/resource_group.bicep.j2"),
    ),
    (
        "bicep/log_analytics.bicep.j2",
        include_str!("../../modules/bicep/log_analytics.bicep.j2"),
    ),
    (
        "bicep/app_insights.bicep.j2",
        include_str!("../../modules/bicep/app_insights.bicep.j2"),
    ),
    (
        "bicep/storage_account.bicep.j2",
        include_str!("../../modules/bicep/storage_account.bicep.j2"),
    ),
    (
        "bicep/storage_container.bicep.j2",
        include_str!("../../modules/bicep/storage_container.bicep.j2"),
    ),
    (
        "bicep/service_plan.bicep.j2",
        include_str!("../../modules/bicep/service_plan.bicep.j2"),
    ),
    (
        "bicep/function_app.bicep.j2",
        include_str!("../../modules/bicep/function_app.bicep.j2"),
    ),
    (
        "bicep/signalr.bicep.j2",
        include_str!("../../modules/bicep/signalr.bicep.j2"),
    ),
    (
        "bicep/role_assignment.bicep.j2",
        include_str!("../../modules/bicep/role_assignment.bicep.j2"),
    ),
];

/// Emits `bicep/main.bicep` and `bicep/stack.bicep`.
pub fn emit(graph: &ResourceGraph) -> anyhow::Result<Vec<Artifact>> {
    render(&View::from_graph(graph)?)
}

fn render(view: &View) -> anyhow::Result<Vec<Artifact>> {
    let env = environment()?;
    let mut artifacts = Vec::with_capacity(2);
    for (template, path) in [
        ("bicep/main.bicep.j2", "bicep/main.bicep"),
        ("bicep/stack.bicep.j2", "bicep/stack.bicep"),
    ] {
        let text = env
            .get_template(template)
            .and_then(|t| t.render(view))
            .map_err(|e| anyhow::anyhow!("{e:#}"))
            .with_context(|| format!("rendering {path}"))?;
        artifacts.push(Artifact::new(path, text));
    }
    Ok(artifacts)
}

/// The one template environment of this target, built once per process.
fn environment() -> anyhow::Result<&'static Environment<'static>> {
    static ENV: OnceLock<Result<Environment<'static>, String>> = OnceLock::new();
    ENV.get_or_init(|| {
        let mut env = super::templates::strict_environment();
        env.set_formatter(format_value);
        // Filter results are marked safe: the formatter prints them as they are.
        env.add_filter("bicep_str", |s: &str| Value::from_safe_string(bicep_str(s)));
        env.add_filter("bicep_key", |s: &str| Value::from_safe_string(bicep_key(s)));
        env.add_filter("bicep_num", |n: f64| Value::from_safe_string(bicep_num(n)));
        env.add_filter("bicep_comment", |s: &str| Value::from_safe_string(bicep_comment(s)));
        env.add_filter("bicep_list", |items: Vec<String>, pad: &str| {
            Value::from_safe_string(bicep_list(&items, pad))
        });
        for (name, source) in TEMPLATES {
            env.add_template(name, source)
                .map_err(|e| format!("template {name}: {e:#}"))?;
        }
        Ok(env)
    })
    .as_ref()
    .map_err(|e| anyhow::anyhow!("loading the Bicep templates: {e}"))
}

/// Prints `{{ ... }}` values as Bicep tokens, and refuses anything that could be a
/// raw user string: a string prints only if a `bicep_*` filter made it (marked
/// safe) or it is a plain identifier (a symbol). Booleans print as `true`/`false`
/// (minijinja's default is Python's `True`), integers as digits.
fn format_value(out: &mut Output, _state: &State, value: &Value) -> Result<(), Error> {
    let text = match value.kind() {
        ValueKind::Bool => if value.is_true() { "true" } else { "false" }.to_string(),
        ValueKind::Number if i64::try_from(value.clone()).is_ok() => value.to_string(),
        ValueKind::String if value.is_safe() || value.as_str().is_some_and(is_identifier) => value.to_string(),
        _ => {
            return Err(Error::new(
                ErrorKind::InvalidOperation,
                format!("{value:?} is not a Bicep token: pass it through bicep_str"),
            ))
        }
    };
    out.write_str(&text).map_err(Error::from)
}

/// Quotes `s` as a Bicep string literal: `'...'` with `\\`, `\'`, `\${`, `\n`, `\r`,
/// `\t` and every other control character as `\u{..}`. This is the only way a user
/// string enters Bicep output.
pub fn bicep_str(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('\'');
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\'' => out.push_str("\\'"),
            // `${` opens an interpolation; a lone `$` is literal already.
            '$' if chars.peek() == Some(&'{') => out.push_str("\\$"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{{{:X}}}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('\'');
    out
}

/// Text for a `//` line comment: every control character (a line break would end the
/// comment and let the rest through as code) becomes a space.
fn bicep_comment(s: &str) -> String {
    s.chars().map(|c| if c.is_control() { ' ' } else { c }).collect()
}

/// An object key: bare when it is a plain identifier, else a [`bicep_str`] literal.
fn bicep_key(s: &str) -> String {
    if is_identifier(s) && !matches!(s, "true" | "false" | "null") {
        s.to_string()
    } else {
        bicep_str(s)
    }
}

/// Bicep has integer literals only; a fractional number goes through `json()`.
fn bicep_num(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 9.0e15 {
        format!("{}", n as i64)
    } else {
        format!("json({})", bicep_str(&n.to_string()))
    }
}

/// An array of string literals that starts on a line indented by `pad`.
fn bicep_list(items: &[String], pad: &str) -> String {
    if items.is_empty() {
        return "[]".to_string();
    }
    let mut out = String::from("[\n");
    for item in items {
        let _ = writeln!(out, "{pad}  {}", bicep_str(item));
    }
    out.push_str(pad);
    out.push(']');
    out
}

/// The Bicep symbolic name of a resource: the kind's name for a singleton, with the key
/// in camel case after it for a keyed instance (`replicaWestus2`). The network ACL is a
/// property of the SignalR resource, so it shares its symbol; role assignments keep the
/// names they had before keyed identity (`signalrServiceOwnerAssignment`).
fn symbol(id: ResId) -> String {
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
    };
    if id.key.is_main() {
        base.to_string()
    } else {
        base.to_string() + &camel(id.label(), true)
    }
}

// ---- the view the templates see ----

#[derive(Serialize)]
struct View {
    location: String,
    resource_group: Decl,
    /// Stack resources in dependency order (the resource group and the ACL excluded).
    resources: Vec<Decl>,
    /// Whether the SignalR upstream waits for the switch (`two-step`), so the parameter exists.
    upstream: bool,
    signalr: String,
    function_app: String,
}

#[derive(Serialize)]
struct Tag {
    key: String,
    value: String,
}

/// One resource declaration: `kind` picks the template `modules/bicep/<kind>.bicep.j2`.
#[derive(Serialize)]
struct Decl {
    kind: &'static str,
    symbol: String,
    name: String,
    tags: Vec<Tag>,
    /// `checkov:skip=ID:reason` directives, written as `//` comments in the resource body.
    skips: Vec<String>,
    p: Props,
}

#[derive(Serialize)]
#[serde(untagged)]
enum Props {
    None {},
    HostKey {
        function_app: String,
        key_type: String,
        key_name: String,
        after: Vec<String>,
    },
    LogAnalytics {
        sku: String,
        retention_days: u32,
        daily_quota_gb: Option<f64>,
    },
    AppInsights {
        workspace: String,
        application_type: String,
    },
    Storage {
        sku_name: String,
        kind: String,
        min_tls_version: String,
        allow_blob_public_access: bool,
        https_only: bool,
    },
    Container {
        storage: String,
    },
    ServicePlan {
        sku_name: &'static str,
        sku_tier: &'static str,
        plan_kind: &'static str,
    },
    FunctionApp(Box<FunctionAppView>),
    SignalR(Box<SignalRView>),
    RoleAssignment {
        scope: String,
        principal: String,
        role: &'static str,
        role_definition_id: String,
        principal_type: String,
    },
}

#[derive(Serialize)]
struct FunctionAppView {
    service_plan: String,
    storage: String,
    app_insights: String,
    flex: Option<FlexView>,
    linux_fx_version: Option<String>,
    https_only: bool,
    min_tls_version: String,
    scm_min_tls_version: String,
    ftps_state: String,
    http2_enabled: bool,
    remote_debugging_enabled: bool,
    cors: Vec<String>,
    cors_support_credentials: bool,
    /// Every app setting, sorted by name as the ARM template lists them.
    app_settings: Vec<AppSetting>,
}

#[derive(Serialize)]
struct AppSetting {
    name: String,
    /// `literal` (the value), `app_insights` (its connection string) or `storage_key`
    /// (the host storage connection string built from the account key).
    kind: &'static str,
    value: String,
}

#[derive(Serialize)]
struct FlexView {
    container: String,
    /// `SystemAssignedIdentity`, or `StorageAccountConnectionString` (through `AzureWebJobsStorage`).
    auth: &'static str,
    runtime: String,
    runtime_version: String,
    maximum_instance_count: u32,
    instance_memory_mb: u32,
}

#[derive(Serialize)]
struct SignalRView {
    sku_name: String,
    sku_tier: String,
    capacity: u32,
    identity: bool,
    service_mode: String,
    connectivity_logs: bool,
    messaging_logs: bool,
    http_request_logs: bool,
    cors: Vec<String>,
    timeout: u32,
    disable_local_auth: bool,
    public_network_access: &'static str,
    acl: Option<AclView>,
    upstream: Option<UpstreamView>,
}

#[derive(Serialize)]
struct AclView {
    default_action: String,
    allow: Vec<String>,
    deny: Vec<String>,
}

#[derive(Serialize)]
struct UpstreamView {
    function_app: String,
    hub_pattern: String,
    event_pattern: String,
    category_pattern: String,
    managed_identity: bool,
    auth_resource: Option<String>,
    webhook_path: String,
    /// The stack's own host key symbol (`one-apply`); `None`: behind the switch.
    host_key: Option<String>,
}

fn tags(tags: &Tags) -> Vec<Tag> {
    tags.iter()
        .map(|(k, v)| Tag {
            key: k.clone(),
            value: v.clone(),
        })
        .collect()
}

fn decl(graph: &ResourceGraph, kind: &'static str, r: &Resource, p: Props) -> Decl {
    Decl {
        kind,
        symbol: symbol(r.id),
        name: r.name.clone(),
        tags: tags(&r.tags),
        skips: checkov::skips(r, graph, Target::Bicep)
            .iter()
            .map(checkov::Skip::directive)
            .collect(),
        p,
    }
}

impl View {
    fn from_graph(graph: &ResourceGraph) -> anyhow::Result<View> {
        let acl = graph.in_order().find_map(|r| match &r.settings {
            Settings::SignalRNetworkAcl(acl) => Some(acl),
            _ => None,
        });
        let mut resource_group = None;
        let mut resources = Vec::new();
        let mut upstream = false;
        for r in graph.in_order() {
            let p = match &r.settings {
                Settings::ResourceGroup => {
                    resource_group = Some(decl(graph, "resource_group", r, Props::None {}));
                    continue;
                }
                // Folded into the SignalR resource's `networkACLs`.
                Settings::SignalRNetworkAcl(_) => continue,
                Settings::VirtualNetwork(_)
                | Settings::Subnet(_)
                | Settings::PrivateEndpoint(_)
                | Settings::PrivateDnsZone(_)
                | Settings::PrivateDnsZoneLink(_)
                | Settings::SignalRReplica(_)
                | Settings::SignalRCustomCertificate(_)
                | Settings::SignalRCustomDomain(_)
                | Settings::ExternalRoleAssignment(_)
                | Settings::ManagementLock(_) => anyhow::bail!(
                    "{} is not in the Bicep target yet (issue 10: private networking, replicas, custom domain, lock)",
                    r.id.address()
                ),
                Settings::LogAnalytics(l) => Props::LogAnalytics {
                    sku: l.sku.clone(),
                    retention_days: l.retention_days,
                    daily_quota_gb: l.daily_quota_gb,
                },
                Settings::AppInsights(a) => Props::AppInsights {
                    workspace: symbol(a.workspace),
                    application_type: a.application_type.clone(),
                },
                Settings::Storage(s) => Props::Storage {
                    sku_name: s.sku_name.clone(),
                    kind: s.kind.clone(),
                    min_tls_version: s.min_tls_version.clone(),
                    allow_blob_public_access: s.allow_blob_public_access,
                    https_only: s.https_only,
                },
                Settings::PackageContainer(c) => Props::Container {
                    storage: symbol(c.storage),
                },
                Settings::ServicePlan(s) => Props::ServicePlan {
                    sku_name: s.plan.sku_name(),
                    sku_tier: s.plan.sku_tier(),
                    plan_kind: s.plan.plan_kind(),
                },
                Settings::FunctionApp(f) => Props::FunctionApp(Box::new(function_app_view(graph, f)?)),
                Settings::SignalR(s) => {
                    upstream = s.upstream.as_ref().is_some_and(|u| u.host_key.is_none());
                    Props::SignalR(Box::new(SignalRView {
                        sku_name: s.sku.name.clone(),
                        sku_tier: s.sku.tier.clone(),
                        capacity: s.sku.capacity,
                        identity: s.system_assigned_identity,
                        service_mode: s.service_mode.clone(),
                        connectivity_logs: s.connectivity_logs,
                        messaging_logs: s.messaging_logs,
                        http_request_logs: s.http_request_logs,
                        cors: s.cors_allowed_origins.clone(),
                        timeout: s.serverless_connection_timeout_seconds,
                        disable_local_auth: !s.local_auth,
                        public_network_access: if s.public_network_access { "Enabled" } else { "Disabled" },
                        acl: acl.map(|a| AclView {
                            default_action: a.default_action.clone(),
                            allow: a.public_allow.clone(),
                            deny: a.public_deny.clone(),
                        }),
                        upstream: s.upstream.as_ref().map(|u| UpstreamView {
                            function_app: symbol(u.function_app),
                            hub_pattern: u.hub_patterns.join(","),
                            event_pattern: u.event_patterns.join(","),
                            category_pattern: u.category_patterns.join(","),
                            managed_identity: u.auth == UpstreamAuth::ManagedIdentity,
                            auth_resource: u.auth_resource.clone(),
                            webhook_path: u.webhook_path.clone(),
                            host_key: u.host_key.map(symbol),
                        }),
                    }))
                }
                Settings::HostKey(k) => Props::HostKey {
                    function_app: symbol(k.function_app),
                    key_type: k.key_type.clone(),
                    key_name: k.key_name.clone(),
                    // Bicep orders references implicitly; the rest come from the graph.
                    after: graph
                        .depends_on(r.id)
                        .into_iter()
                        .filter(|d| !matches!(*d, ResId::ResourceGroup | ResId::FunctionApp))
                        .map(symbol)
                        .collect(),
                },
                Settings::RoleAssignment(ra) => Props::RoleAssignment {
                    scope: symbol(ra.scope),
                    principal: symbol(ra.principal),
                    role: ra.role.display_name(),
                    role_definition_id: ra.role_definition_id.clone(),
                    principal_type: ra.principal_type.clone(),
                },
            };
            resources.push(decl(graph, r.id.kind(), r, p));
        }
        let Some(resource_group) = resource_group else {
            bail!("the graph has no resource group")
        };
        Ok(View {
            location: graph.info.location.clone(),
            resource_group,
            resources,
            upstream,
            signalr: symbol(ResId::SignalR),
            function_app: symbol(ResId::FunctionApp),
        })
    }
}

fn function_app_view(graph: &ResourceGraph, f: &FunctionApp) -> anyhow::Result<FunctionAppView> {
    let storage_key = f.storage_auth == StorageAuth::AccessKey;
    let flex = match &f.flex {
        Some(flex) => {
            let container = graph
                .get(flex.container)
                .context("the Flex package container is not in the graph")?;
            if container.name != flex.container_name {
                bail!(
                    "Flex container name `{}` differs from the container resource `{}`",
                    flex.container_name,
                    container.name
                );
            }
            Some(FlexView {
                container: symbol(flex.container),
                auth: if storage_key {
                    "StorageAccountConnectionString"
                } else {
                    "SystemAssignedIdentity"
                },
                runtime: f.runtime.clone(),
                runtime_version: f.runtime_version.clone(),
                maximum_instance_count: flex.maximum_instance_count,
                instance_memory_mb: flex.instance_memory_mb,
            })
        }
        None => None,
    };
    let classic = flex.is_none();
    // One list with every setting, as the ARM template has it (a later PUT of
    // appSettings replaces the whole set).
    let mut settings: std::collections::BTreeMap<String, (&'static str, String)> = f
        .app_settings
        .iter()
        .map(|(k, v)| (k.clone(), ("literal", v.clone())))
        .collect();
    let mut computed = vec![("APPLICATIONINSIGHTS_CONNECTION_STRING", ("app_insights", String::new()))];
    if storage_key {
        computed.push(("AzureWebJobsStorage", ("storage_key", String::new())));
    }
    if let Some(share) = &f.content_share {
        computed.push((
            "WEBSITE_CONTENTAZUREFILECONNECTIONSTRING",
            ("storage_key", String::new()),
        ));
        computed.push(("WEBSITE_CONTENTSHARE", ("literal", share.clone())));
    }
    if classic {
        computed.push((
            "FUNCTIONS_EXTENSION_VERSION",
            ("literal", f.functions_extension_version.clone()),
        ));
        computed.push(("FUNCTIONS_WORKER_RUNTIME", ("literal", f.runtime.clone())));
    }
    for (name, value) in computed {
        if settings.insert(name.to_string(), value).is_some() {
            bail!("app setting `{name}` is both in the graph and set by the Bicep emitter");
        }
    }
    Ok(FunctionAppView {
        service_plan: symbol(f.service_plan),
        storage: symbol(f.storage),
        app_insights: symbol(f.app_insights),
        linux_fx_version: classic.then(|| format!("{}|{}", capitalized(&f.runtime), f.runtime_version)),
        flex,
        https_only: f.https_only,
        min_tls_version: f.min_tls_version.clone(),
        scm_min_tls_version: f.scm_min_tls_version.clone(),
        ftps_state: f.ftps_state.clone(),
        http2_enabled: f.http2_enabled,
        remote_debugging_enabled: f.remote_debugging_enabled,
        cors: f.cors_allowed_origins.clone(),
        cors_support_credentials: f.cors_support_credentials,
        app_settings: settings
            .into_iter()
            .map(|(name, (kind, value))| AppSetting { name, kind, value })
            .collect(),
    })
}

/// `python` → `Python`, the spelling of `linuxFxVersion` stacks.
fn capitalized(s: &str) -> String {
    let mut cs = s.chars();
    cs.next()
        .map(|c| c.to_uppercase().chain(cs).collect())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use std::collections::{BTreeMap, BTreeSet};

    use super::*;
    use crate::graph::sample::{sample_graph, sample_graph_two_step};
    use crate::graph::{dependencies, FunctionPlan};

    /// Reverses [`bicep_str`] the way Bicep reads a literal, to prove the round trip.
    fn unescape_bicep(lit: &str) -> String {
        let inner = lit
            .strip_prefix('\'')
            .and_then(|s| s.strip_suffix('\''))
            .expect("quoted");
        let mut out = String::new();
        let mut chars = inner.chars();
        while let Some(c) = chars.next() {
            assert_ne!(c, '\'', "unescaped quote in {lit}");
            if c == '$' {
                assert_ne!(chars.clone().next(), Some('{'), "live interpolation in {lit}");
            }
            if c != '\\' {
                out.push(c);
                continue;
            }
            match chars.next().expect("escape has a second char") {
                '\\' => out.push('\\'),
                '\'' => out.push('\''),
                '$' => out.push('$'),
                'n' => out.push('\n'),
                'r' => out.push('\r'),
                't' => out.push('\t'),
                'u' => {
                    assert_eq!(chars.next(), Some('{'));
                    let hex: String = chars.by_ref().take_while(|&c| c != '}').collect();
                    out.push(char::from_u32(u32::from_str_radix(&hex, 16).expect("hex")).expect("scalar"));
                }
                other => panic!("unknown escape \\{other} in {lit}"),
            }
        }
        out
    }

    #[test]
    fn bicep_str_round_trips_tricky_strings() {
        for s in [
            "it's ${x} \\ \n",
            "",
            "plain",
            "$ alone, $${double}, {braces}",
            "tab\there\r\nline",
            "\u{0}\u{1b}[31m\u{7f}\u{85}",
            "naïve 名前 🚀",
            "'''",
            "\\${not}",
        ] {
            let lit = bicep_str(s);
            assert!(!lit.chars().any(|c| c.is_control()), "raw control char in {lit:?}");
            assert_eq!(unescape_bicep(&lit), s, "literal {lit}");
        }
        assert_eq!(bicep_str("it's ${x} \\ \n"), r"'it\'s \${x} \\ \n'");
    }

    #[test]
    fn raw_strings_cannot_reach_the_output() {
        let env = environment().expect("templates load");
        let render = |src: &str, x: Value| env.render_str(src, minijinja::context! { x => x });
        assert!(render("{{ x }}", Value::from("it's")).is_err());
        assert!(render("{{ x }}", Value::from("a b")).is_err());
        assert!(render("{{ x }}", Value::from(0.5)).is_err());
        assert!(render("{{ x }}", Value::from(())).is_err());
        assert!(render("{{ y }}", Value::from(1)).is_err(), "undefined is an error");
        assert_eq!(
            render("{{ x }}", Value::from("functionApp")).expect("symbol"),
            "functionApp"
        );
        assert_eq!(
            render("{{ x }} {{ not x }}", Value::from(true)).expect("bool"),
            "true false"
        );
        assert_eq!(
            render("{{ x | bicep_str }}", Value::from("it's")).expect("literal"),
            r"'it\'s'"
        );
        assert_eq!(
            render("{{ x | bicep_list('') }}", Value::from(vec!["a"])).expect("list"),
            "[\n  'a'\n]"
        );
    }

    #[test]
    fn keys_are_bare_only_when_they_are_identifiers() {
        assert_eq!(bicep_key("owner"), "owner");
        assert_eq!(bicep_key("cost_center2"), "cost_center2");
        assert_eq!(bicep_key("cost-center"), "'cost-center'");
        assert_eq!(bicep_key("2fa"), "'2fa'");
        assert_eq!(bicep_key("true"), "'true'");
        assert_eq!(bicep_key("it's"), r"'it\'s'");
    }

    #[test]
    fn numbers_without_a_fraction_are_integers() {
        assert_eq!(bicep_num(5.0), "5");
        assert_eq!(bicep_num(0.5), "json('0.5')");
    }

    fn files(plan: FunctionPlan) -> BTreeMap<String, String> {
        emit(&sample_graph(plan))
            .expect("renders")
            .into_iter()
            .map(|a| (a.path, a.contents))
            .collect()
    }

    /// Every symbol a Bicep file declares (params, vars, resources, modules, outputs).
    fn declared(text: &str) -> Vec<String> {
        text.lines()
            .filter_map(|l| {
                let mut words = l.split_whitespace();
                match words.next() {
                    Some("param" | "var" | "resource" | "module" | "output") => words.next().map(str::to_string),
                    _ => None,
                }
            })
            .collect()
    }

    /// The text of `resource <symbol> ...` up to its closing brace at column 0.
    fn declaration<'a>(text: &'a str, sym: &str) -> &'a str {
        let start = text
            .find(&format!("\nresource {sym} "))
            .unwrap_or_else(|| panic!("{sym} declared"))
            + 1;
        let end = text[start..].find("\n}\n").expect("closing brace") + start;
        &text[start..end]
    }

    #[test]
    fn sample_stacks_render_clean_bicep() {
        for plan in [FunctionPlan::FC1, FunctionPlan::Y1, FunctionPlan::EP1] {
            let files = files(plan);
            assert_eq!(
                files.keys().collect::<Vec<_>>(),
                ["bicep/main.bicep", "bicep/stack.bicep"]
            );
            for (path, text) in &files {
                assert!(
                    text.ends_with("}\n") || text.ends_with('\n'),
                    "{path} ends with a newline"
                );
                assert!(!text.ends_with("\n\n"), "{path} has one final newline");
                assert!(
                    !text.contains("{{") && !text.contains("}}") && !text.contains("{%"),
                    "{path} has template leftovers"
                );
                assert!(!text.contains("\n\n\n"), "{path} has double blank lines");
                assert!(
                    !text.contains("True") && !text.contains("False") || text.contains("'True'"),
                    "{path} Python booleans"
                );
                for (n, line) in text.lines().enumerate() {
                    let value = line.split_once(": ").map_or("", |(_, v)| v);
                    assert!(!matches!(value, "True" | "False" | "None"), "{path}:{} {line}", n + 1);
                }
                for (n, line) in text.lines().enumerate() {
                    assert_eq!(line, line.trim_end(), "{path}:{} trailing whitespace", n + 1);
                    let indent = line.len() - line.trim_start_matches(' ').len();
                    assert_eq!(indent % 2, 0, "{path}:{} indent", n + 1);
                    assert!(!line.starts_with('\t'), "{path}:{} tab", n + 1);
                }
                let symbols = declared(text);
                let unique: BTreeSet<_> = symbols.iter().collect();
                assert_eq!(unique.len(), symbols.len(), "{path} duplicate symbols: {symbols:?}");
                let opens = text.matches(['{', '[']).count();
                let closes = text.matches(['}', ']']).count();
                assert_eq!(opens, closes, "{path} brackets balance");
            }
            let main = &files["bicep/main.bicep"];
            let stack = &files["bicep/stack.bicep"];
            assert!(main.contains("targetScope = 'subscription'\n"));
            assert!(!main.contains("signalRUpstreamEnabled"), "one-apply has no switch");
            assert!(!stack.contains("signalRUpstreamEnabled"));
            assert!(stack.contains("resource signalrHostKey 'Microsoft.Web/sites/host/systemKeys@2024-11-01' = {\n"));
            assert_eq!(
                stack.matches("'Microsoft.SignalRService/signalR@").count(),
                1,
                "SignalR declared once"
            );
            assert!(
                declaration(stack, "signalR").contains("networkACLs: {"),
                "ACL folded into SignalR"
            );
            for out in crate::emit::CONTRACT_OUTPUTS {
                assert!(main.contains(&format!("\noutput {out} ")), "main.bicep output {out}");
            }
            for text in [main, stack] {
                for line in text.lines().filter(|l| l.starts_with("output ")) {
                    assert!(
                        !line.contains("listKeys") && !line.to_lowercase().contains("key"),
                        "secret in {line}"
                    );
                }
            }
            assert_eq!(stack.contains("functionAppConfig"), plan.is_flex());
            assert_eq!(stack.contains("WEBSITE_CONTENTSHARE"), !plan.is_flex());
            assert_eq!(stack.contains("FUNCTIONS_WORKER_RUNTIME"), !plan.is_flex());
            assert!(!stack.contains("APPINSIGHTS_INSTRUMENTATIONKEY"));
        }
    }

    #[test]
    fn every_graph_resource_is_declared_and_references_its_dependencies() {
        for plan in [FunctionPlan::FC1, FunctionPlan::Y1] {
            let graph = sample_graph(plan);
            let files = files(plan);
            let stack = &files["bicep/stack.bicep"];
            let mut position = 0;
            for r in graph.in_order() {
                if matches!(r.id, ResId::ResourceGroup) {
                    assert!(files["bicep/main.bicep"].contains(&format!("resource {} ", symbol(r.id))));
                    continue;
                }
                let sym = symbol(r.id);
                let decl = declaration(stack, &sym);
                let at = stack.find(decl).expect("declared");
                if r.id != ResId::SignalRNetworkAcl {
                    assert!(at >= position, "{} out of dependency order", r.id.address());
                    position = at;
                }
                for dep in dependencies(r) {
                    if dep == ResId::ResourceGroup || dep == ResId::SignalR && r.id == ResId::SignalRNetworkAcl {
                        continue;
                    }
                    let dep_sym = symbol(dep);
                    // The container's parent is the blob service, whose parent is the account.
                    let decl = if r.id == ResId::PackageContainer {
                        declaration(stack, "blobService")
                    } else {
                        decl
                    };
                    assert!(
                        decl.contains(&format!("{dep_sym}."))
                            || decl.contains(&format!("parent: {dep_sym}\n"))
                            || decl.contains(&format!("\n    {dep_sym}\n")),
                        "{} does not reference {}",
                        r.id.address(),
                        dep.address()
                    );
                }
            }
        }
    }

    #[test]
    fn role_assignments_have_deterministic_names_and_scope() {
        let stack = &files(FunctionPlan::FC1)["bicep/stack.bicep"];
        let decl = declaration(stack, "signalrServiceOwnerAssignment");
        assert!(decl.contains(
            "name: guid(signalR.id, functionApp.id, subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '7e4f1700-ea5a-4f59-8f37-079cfe29dce3'))"
        ));
        assert!(decl.contains("\n  scope: signalR\n"));
        assert!(decl.contains("principalType: 'ServicePrincipal'"));
        assert_eq!(
            stack
                .matches("'Microsoft.Authorization/roleAssignments@2022-04-01'")
                .count(),
            4
        );
    }

    #[test]
    fn one_apply_declares_the_system_key_and_signalr_waits_for_it() {
        for plan in [FunctionPlan::FC1, FunctionPlan::Y1, FunctionPlan::EP1] {
            let stack = &files(plan)["bicep/stack.bicep"];
            let key = declaration(stack, "signalrHostKey");
            assert!(
                key.contains("  name: '${functionApp.name}/default/signalr_extension'\n"),
                "{key}"
            );
            assert!(
                key.contains("  properties: {\n    name: 'signalr_extension'\n  }"),
                "{key}"
            );
            assert!(!key.contains("value"), "the template never holds the key: {key}");
            assert_eq!(
                key.contains("    storageBlobDataOwnerAssignment\n"),
                plan.is_flex(),
                "{key}"
            );
            let signalr = declaration(stack, "signalR");
            assert!(signalr.contains("      templates: [\n"), "{signalr}");
            assert!(signalr.contains("?code=${host.listKeys().systemKeys.signalr_extension}'"));
            assert!(signalr.contains("  dependsOn: [\n    signalrHostKey\n  ]"), "{signalr}");
        }
    }

    #[test]
    fn upstream_is_behind_the_switch() {
        let emitted = emit(&sample_graph_two_step(FunctionPlan::Y1)).unwrap();
        let main = &emitted[0].contents;
        let stack = &emitted[1].contents;
        assert!(main.contains("param signalRUpstreamEnabled bool = false\n"));
        assert!(stack.contains("param signalRUpstreamEnabled bool = false\n"));
        assert!(!stack.contains("systemKeys@"));
        assert!(stack.contains("resource host 'Microsoft.Web/sites/host@2024-11-01' existing = {\n  parent: functionApp\n  name: 'default'\n}"));
        assert!(stack.contains("host.listKeys().systemKeys.signalr_extension"));
        // Off, the upstream is an empty template list, as in the ARM template's `if()`.
        assert!(stack.contains("    upstream: signalRUpstreamEnabled ? {\n      templates: [\n"));
        assert!(stack.contains("\n      ]\n    } : {\n      templates: []\n    }\n"));
    }

    #[test]
    fn user_strings_cannot_escape_their_literals() {
        let mut view = View::from_graph(&sample_graph(FunctionPlan::FC1)).expect("view");
        let evil = "it's ${x} \\ \n";
        view.resource_group.tags.push(Tag {
            key: "we'ird-key".into(),
            value: evil.into(),
        });
        view.location = evil.into();
        let main = &render(&view).expect("renders")[0].contents;
        assert!(main.contains(r"'we\'ird-key': 'it\'s \${x} \\ \n'"), "{main}");
        assert!(main.contains(r"param location string = 'it\'s \${x} \\ \n'"));
    }

    #[test]
    fn checkov_skips_open_the_body_of_their_resource() {
        for plan in [FunctionPlan::FC1, FunctionPlan::Y1, FunctionPlan::EP1] {
            let graph = sample_graph(plan);
            let stack = &files(plan)["bicep/stack.bicep"];
            for r in graph
                .in_order()
                .filter(|r| !matches!(r.settings, Settings::ResourceGroup | Settings::SignalRNetworkAcl(_)))
            {
                let decl = declaration(stack, &symbol(r.id));
                let want: Vec<String> = checkov::skips(r, &graph, Target::Bicep)
                    .iter()
                    .map(|s| format!("  // {}", s.directive()))
                    .collect();
                let got: Vec<&str> = decl.lines().skip(1).take(want.len()).collect();
                assert_eq!(got, want, "{plan:?} {}", r.id.address());
                assert_eq!(decl.matches("checkov:skip=").count(), want.len());
            }
            assert_eq!(stack.matches("// checkov:skip=").count(), {
                graph
                    .in_order()
                    .map(|r| checkov::skips(r, &graph, Target::Bicep).len())
                    .sum::<usize>()
            });
        }
        assert_eq!(bicep_comment("a\nb\r\tc"), "a b  c");
    }

    #[test]
    fn rendering_is_deterministic() {
        for plan in [FunctionPlan::FC1, FunctionPlan::Y1] {
            assert_eq!(files(plan), files(plan));
        }
    }
}
