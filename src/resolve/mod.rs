//! Resolve: every default applied in one place, every name rendered.
//!
//! The result keeps where each value came from (the user's span, or the table
//! that would hold it when defaulted), so policy rules can point at the line to
//! change. Defaults adapt to what the user chose: a Free_F1 service gets no network
//! ACL, because the tier does not offer one.

mod constraint;
mod names;

use std::collections::BTreeMap;

use crate::diag::Diagnostic;
use crate::emit::Target;
use crate::limits::limits;
use crate::model::{Env, S};
use crate::source::Span;

pub use names::{NameKey, NameSource, ResolvedName};

/// A final value and where it came from.
#[derive(Clone, Debug, PartialEq)]
pub struct Setting<T> {
    pub value: T,
    /// The value's span when the user wrote it; else the table that would hold it.
    pub span: Span,
    pub explicit: bool,
}

impl<T> Setting<T> {
    fn explicit(value: T, span: Span) -> Self {
        Self {
            value,
            span,
            explicit: true,
        }
    }

    fn default(value: T, span: Span) -> Self {
        Self {
            value,
            span,
            explicit: false,
        }
    }
}

fn pick<T: Clone>(field: &Option<S<T>>, default: T, table: &Span) -> Setting<T> {
    match field {
        Some(v) => Setting::explicit(v.get_ref().clone(), v.span()),
        None => Setting::default(default, table.clone()),
    }
}

fn strings(field: &Option<S<Vec<S<String>>>>, default: &[&str], table: &Span) -> Setting<Vec<Setting<String>>> {
    match field {
        Some(list) => Setting::explicit(
            list.get_ref()
                .iter()
                .map(|s| Setting::explicit(s.get_ref().clone(), s.span()))
                .collect(),
            list.span(),
        ),
        None => Setting::default(
            default
                .iter()
                .map(|s| Setting::default(s.to_string(), table.clone()))
                .collect(),
            table.clone(),
        ),
    }
}

fn map(field: &BTreeMap<S<String>, S<String>>) -> Vec<(Setting<String>, Setting<String>)> {
    field
        .iter()
        .map(|(k, v)| {
            (
                Setting::explicit(k.get_ref().clone(), k.span()),
                Setting::explicit(v.get_ref().clone(), v.span()),
            )
        })
        .collect()
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Profile {
    Production,
    Development,
}

#[derive(Clone, Debug)]
pub struct Resolved {
    pub environment: Setting<String>,
    pub workload: Setting<String>,
    pub location: Setting<String>,
    pub profile: Setting<Profile>,
    pub subscription_id: Option<Setting<String>>,
    /// The user's tags (sigc adds its own three in lowering).
    pub tags: Vec<(Setting<String>, Setting<String>)>,
    pub names: BTreeMap<NameKey, ResolvedName>,
    pub signalr: SignalR,
    pub storage: Storage,
    pub monitoring: Monitoring,
    pub functions: Functions,
    pub network: Network,
    /// `none`, `CanNotDelete` or `ReadOnly`: the resource group's management lock.
    pub lock: Setting<String>,
    pub targets: Setting<Vec<Target>>,
    pub azurerm_version: Setting<String>,
    /// `[outputs.terraform] required_version`.
    pub terraform_required_version: Setting<String>,
    /// `[outputs.terraform] backend`: its type and settings, in file order of sorted keys.
    pub terraform_backend: Option<TerraformBackend>,
    pub waivers: Vec<Waiver>,
    /// Span of each top-level table the user wrote (`signalr`, `signalr.cors`, ...).
    pub tables: BTreeMap<String, Span>,
}

#[derive(Clone, Debug)]
pub struct SignalR {
    pub sku: Setting<String>,
    pub tier: String,
    pub capacity: Setting<u32>,
    pub service_mode: Setting<String>,
    pub hubs: Setting<Vec<Setting<String>>>,
    pub connectivity_logs: Setting<bool>,
    pub messaging_logs: Setting<bool>,
    pub http_request_logs: Setting<bool>,
    pub local_auth: Setting<bool>,
    pub public_network_access: Setting<bool>,
    pub serverless_connection_timeout_seconds: Setting<u32>,
    pub identity: Setting<String>,
    pub concurrent_connections: Option<Setting<u64>>,
    pub messages_per_day: Option<Setting<u64>>,
    pub cors_allowed_origins: Setting<Vec<Setting<String>>>,
    /// `None` when the tier offers no ACL and the user wrote none.
    pub network_acl: Option<NetworkAcl>,
    pub upstream: Upstream,
    /// `[[signalr.replicas]]` in file order; empty when there are none.
    pub replicas: Vec<Replica>,
    /// The `replicas` array's span, when the file has one.
    pub replicas_span: Option<Span>,
    pub custom_domain: Option<CustomDomain>,
}

/// One geo-replica of the SignalR service.
#[derive(Clone, Debug)]
pub struct Replica {
    pub location: Setting<String>,
    /// Defaults to the primary's capacity.
    pub capacity: Setting<u32>,
    /// The `[[signalr.replicas]]` entry.
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct CustomDomain {
    pub host_name: Setting<String>,
    pub certificate_secret_id: Setting<String>,
    pub key_vault_id: Setting<String>,
    pub span: Span,
}

/// `[network]`: public, or private endpoints in a VNet sigc creates.
#[derive(Clone, Debug)]
pub struct Network {
    /// `public` or `private`.
    pub mode: Setting<String>,
    pub address_space: Setting<String>,
    pub functions_subnet: Setting<String>,
    pub endpoints_subnet: Setting<String>,
    /// The `[network]` table, or the file's start when it has none.
    pub span: Span,
}

impl Network {
    pub fn private(&self) -> bool {
        self.mode.value == "private"
    }
}

#[derive(Clone, Debug)]
pub struct NetworkAcl {
    pub explicit: bool,
    pub span: Span,
    pub default_action: Setting<String>,
    pub public_allow: Setting<Vec<Setting<String>>>,
    pub public_deny: Setting<Vec<Setting<String>>>,
}

#[derive(Clone, Debug)]
pub struct Upstream {
    pub hub_pattern: Setting<String>,
    pub event_pattern: Setting<String>,
    pub category_pattern: Setting<String>,
    pub auth: Setting<String>,
    pub audience: Option<Setting<String>>,
    /// `one-apply` (the stack creates the host key) or `two-step` (a switch).
    pub wiring: Setting<String>,
}

/// A Terraform state backend.
#[derive(Clone, Debug)]
pub struct TerraformBackend {
    /// `azurerm` or `local`.
    pub kind: String,
    /// Every other key, sorted, with its value.
    pub settings: Vec<(String, crate::model::BackendValue)>,
}

/// Terraform CLI constraint written when the file sets none: 1.5 has every language
/// feature the output uses (`import`-free, `check`-free; azapi 2.x needs >= 1.0).
pub const DEFAULT_TERRAFORM_VERSION: &str = ">= 1.5";

/// Keys the azurerm backend cannot work without
/// (developer.hashicorp.com/terraform/language/backend/azurerm).
const AZURERM_BACKEND_REQUIRED: [&str; 3] = ["storage_account_name", "container_name", "key"];

#[derive(Clone, Debug)]
pub struct Storage {
    pub sku: Setting<String>,
    pub min_tls_version: Setting<String>,
    pub allow_blob_public_access: Setting<bool>,
}

#[derive(Clone, Debug)]
pub struct Monitoring {
    pub retention_days: Setting<u32>,
    pub daily_quota_gb: Setting<f64>,
    /// Diagnostic settings to the workspace (P16).
    pub diagnostic_settings: Setting<bool>,
}

#[derive(Clone, Debug)]
pub struct Functions {
    pub plan: Setting<String>,
    pub runtime: Setting<String>,
    pub runtime_version: Setting<String>,
    /// `python`, `typescript` or `javascript`; the default follows the runtime.
    pub language: Setting<String>,
    pub https_only: Setting<bool>,
    pub min_tls_version: Setting<String>,
    /// Defaults to the SignalR origins.
    pub cors_allowed_origins: Setting<Vec<Setting<String>>>,
    /// P15: default true unless the origins hold `*` (browsers refuse `*` with credentials).
    pub cors_support_credentials: Setting<bool>,
    pub app_settings: Vec<(Setting<String>, Setting<String>)>,
    pub maximum_instance_count: Setting<u32>,
    pub instance_memory_mb: Setting<u32>,
}

#[derive(Clone, Debug)]
pub struct Waiver {
    pub rule: Setting<String>,
    pub reason: Setting<String>,
    pub span: Span,
}

fn span_of<T>(table: &Option<S<T>>, fallback: &Span) -> Span {
    table.as_ref().map_or_else(|| fallback.clone(), |t| t.span())
}

/// Applies every default and renders every name. Naming template errors are the
/// only diagnostics here; everything else is judged by policy.
pub fn resolve(env: &Env) -> Result<Resolved, Vec<Diagnostic>> {
    let limits = limits();
    let e = env.environment.get_ref();
    let env_span = env.environment.span();
    let mut tables = BTreeMap::new();
    tables.insert("environment".to_string(), env_span.clone());

    let s = env.signalr.get_ref();
    let sr_span = env.signalr.span();
    tables.insert("signalr".to_string(), sr_span.clone());
    let sku = Setting::explicit(s.sku.get_ref().clone(), s.sku.span());
    // The schema admits only SKUs that azure-limits.toml lists.
    let sku_facts = limits
        .sku(&sku.value)
        .expect("the schema's SKU enum matches azure-limits.toml");

    let load = s.load.as_ref().map(|l| l.get_ref());
    let concurrent_connections = load
        .and_then(|l| l.concurrent_connections.as_ref())
        .map(|c| Setting::explicit(*c.get_ref(), c.span()));
    let messages_per_day = load
        .and_then(|l| l.messages_per_day.as_ref())
        .map(|c| Setting::explicit(*c.get_ref(), c.span()));
    let capacity = match (&s.capacity, &concurrent_connections) {
        (Some(c), _) => Setting::explicit(*c.get_ref(), c.span()),
        (None, Some(conns)) => {
            // No offered capacity covers the load: take the largest; policy reports it.
            let fit = sku_facts
                .capacity_for(conns.value)
                .unwrap_or_else(|| *sku_facts.capacity_allowed.last().expect("every SKU offers a capacity"));
            Setting::default(fit, conns.span.clone())
        }
        (None, None) => Setting::default(sku_facts.capacity_default, sku.span.clone()),
    };

    let cors_span = span_of(&s.cors, &sr_span);
    let cors = s.cors.as_ref().map(|c| c.get_ref());
    let signalr_origins = strings(&cors.and_then(|c| c.allowed_origins.clone()), &[], &cors_span);

    let acl_span = span_of(&s.network_acl, &sr_span);
    let private_mode = env
        .network
        .as_ref()
        .and_then(|n| n.get_ref().mode.as_ref())
        .is_some_and(|m| m.get_ref() == "private");
    let network_acl = match (&s.network_acl, sku_facts.network_acl) {
        (None, false) => None,
        (acl, _) => {
            let a = acl.as_ref().map(|a| a.get_ref());
            Some(NetworkAcl {
                explicit: acl.is_some(),
                span: acl_span.clone(),
                default_action: pick(&a.and_then(|a| a.default_action.clone()), "Deny".to_string(), &acl_span),
                // azurerm allows only denies under Allow and only allows under Deny, so
                // the default allow list applies only to a Deny default.
                public_allow: strings(
                    &a.and_then(|a| a.public_allow.clone()),
                    if a.and_then(|a| a.default_action.as_ref())
                        .is_some_and(|d| d.get_ref() == "Allow")
                    {
                        &[]
                    } else if private_mode {
                        // Private mode: server and REST traffic take the private endpoint;
                        // browsers keep the public client endpoint.
                        &["ClientConnection"]
                    } else {
                        &["ClientConnection", "ServerConnection", "RESTAPI"]
                    },
                    &acl_span,
                ),
                public_deny: strings(&a.and_then(|a| a.public_deny.clone()), &[], &acl_span),
            })
        }
    };
    if let Some(acl) = &s.network_acl {
        tables.insert("signalr.network_acl".to_string(), acl.span());
    }
    if let Some(c) = &s.cors {
        tables.insert("signalr.cors".to_string(), c.span());
    }

    let up_span = span_of(&s.upstream, &sr_span);
    let up = s.upstream.as_ref().map(|u| u.get_ref());
    let upstream = Upstream {
        hub_pattern: pick(&up.and_then(|u| u.hub_pattern.clone()), "*".to_string(), &up_span),
        event_pattern: pick(&up.and_then(|u| u.event_pattern.clone()), "*".to_string(), &up_span),
        category_pattern: pick(&up.and_then(|u| u.category_pattern.clone()), "*".to_string(), &up_span),
        auth: pick(&up.and_then(|u| u.auth.clone()), "none".to_string(), &up_span),
        audience: up
            .and_then(|u| u.audience.as_ref())
            .map(|a| Setting::explicit(a.get_ref().clone(), a.span())),
        wiring: pick(&up.and_then(|u| u.wiring.clone()), "one-apply".to_string(), &up_span),
    };
    if let Some(u) = &s.upstream {
        tables.insert("signalr.upstream".to_string(), u.span());
    }

    let replicas = s
        .replicas
        .as_ref()
        .map(|list| {
            list.get_ref()
                .iter()
                .map(|r| {
                    let e = r.get_ref();
                    Replica {
                        location: Setting::explicit(e.location.get_ref().clone(), e.location.span()),
                        capacity: match &e.capacity {
                            Some(c) => Setting::explicit(*c.get_ref(), c.span()),
                            None => Setting::default(capacity.value, r.span()),
                        },
                        span: r.span(),
                    }
                })
                .collect()
        })
        .unwrap_or_default();
    let custom_domain = s.custom_domain.as_ref().map(|c| {
        let d = c.get_ref();
        let text = |v: &S<String>| Setting::explicit(v.get_ref().clone(), v.span());
        CustomDomain {
            host_name: text(&d.host_name),
            certificate_secret_id: text(&d.certificate_secret_id),
            key_vault_id: text(&d.key_vault_id),
            span: c.span(),
        }
    });
    if let Some(c) = &s.custom_domain {
        tables.insert("signalr.custom_domain".to_string(), c.span());
    }

    let signalr = SignalR {
        replicas,
        replicas_span: s.replicas.as_ref().map(|r| r.span()),
        custom_domain,
        tier: sku_facts.tier.clone(),
        sku,
        capacity,
        service_mode: pick(&s.service_mode, "Serverless".to_string(), &sr_span),
        hubs: strings(&s.hubs, &["chat"], &sr_span),
        connectivity_logs: pick(&s.connectivity_logs, true, &sr_span),
        messaging_logs: pick(&s.messaging_logs, true, &sr_span),
        http_request_logs: pick(&s.http_request_logs, false, &sr_span),
        local_auth: pick(&s.local_auth, true, &sr_span),
        public_network_access: pick(&s.public_network_access, true, &sr_span),
        serverless_connection_timeout_seconds: pick(&s.serverless_connection_timeout_seconds, 30, &sr_span),
        identity: pick(&s.identity, "SystemAssigned".to_string(), &sr_span),
        concurrent_connections,
        messages_per_day,
        cors_allowed_origins: signalr_origins.clone(),
        network_acl,
        upstream,
    };

    let st_span = span_of(&env.storage, &(0..0));
    let st = env.storage.as_ref().map(|t| t.get_ref());
    let storage = Storage {
        sku: pick(&st.and_then(|t| t.sku.clone()), "Standard_LRS".to_string(), &st_span),
        min_tls_version: pick(
            &st.and_then(|t| t.min_tls_version.clone()),
            "TLS1_2".to_string(),
            &st_span,
        ),
        allow_blob_public_access: pick(&st.and_then(|t| t.allow_blob_public_access.clone()), false, &st_span),
    };

    let mo_span = span_of(&env.monitoring, &(0..0));
    let mo = env.monitoring.as_ref().map(|t| t.get_ref());
    let monitoring = Monitoring {
        retention_days: pick(&mo.and_then(|t| t.retention_days.clone()), 30, &mo_span),
        daily_quota_gb: pick(&mo.and_then(|t| t.daily_quota_gb.clone()), 0.0, &mo_span),
        diagnostic_settings: pick(&mo.and_then(|t| t.diagnostic_settings.clone()), true, &mo_span),
    };

    let net_span = span_of(&env.network, &(0..0));
    let n = env.network.as_ref().map(|t| t.get_ref());
    // CONTRACT §3 defaults: a /16 with a /24 for each subnet.
    let network = Network {
        mode: pick(&n.and_then(|t| t.mode.clone()), "public".to_string(), &net_span),
        address_space: pick(
            &n.and_then(|t| t.address_space.clone()),
            "10.40.0.0/16".to_string(),
            &net_span,
        ),
        functions_subnet: pick(
            &n.and_then(|t| t.functions_subnet.clone()),
            "10.40.1.0/24".to_string(),
            &net_span,
        ),
        endpoints_subnet: pick(
            &n.and_then(|t| t.endpoints_subnet.clone()),
            "10.40.2.0/24".to_string(),
            &net_span,
        ),
        span: net_span,
    };
    if let Some(t) = &env.network {
        tables.insert("network".to_string(), t.span());
    }

    let fn_span = span_of(&env.functions, &(0..0));
    let f = env.functions.as_ref().map(|t| t.get_ref());
    let fl = &limits.functions;
    let runtime = pick(&f.and_then(|t| t.runtime.clone()), "python".to_string(), &fn_span);
    let functions = Functions {
        plan: pick(&f.and_then(|t| t.plan.clone()), "FC1".to_string(), &fn_span),
        runtime: runtime.clone(),
        // The defaults of version and language follow the runtime (azure-limits.toml
        // `default_versions`, `languages`); an unknown runtime is an input error already.
        runtime_version: pick(
            &f.and_then(|t| t.runtime_version.clone()),
            fl.default_versions.get(&runtime.value).cloned().unwrap_or_default(),
            &fn_span,
        ),
        language: pick(
            &f.and_then(|t| t.language.clone()),
            fl.languages
                .get(&runtime.value)
                .and_then(|l| l.first())
                .cloned()
                .unwrap_or_default(),
            &fn_span,
        ),
        https_only: pick(&f.and_then(|t| t.https_only.clone()), true, &fn_span),
        min_tls_version: pick(&f.and_then(|t| t.min_tls_version.clone()), "1.2".to_string(), &fn_span),
        cors_allowed_origins: match f.and_then(|t| t.cors_allowed_origins.clone()) {
            Some(list) => strings(&Some(list), &[], &fn_span),
            None => Setting {
                explicit: false,
                ..signalr_origins
            },
        },
        cors_support_credentials: match f.and_then(|t| t.cors_support_credentials.clone()) {
            Some(v) => Setting::explicit(*v.get_ref(), v.span()),
            None => Setting::default(true, fn_span.clone()),
        },
        app_settings: f.map(|t| map(&t.app_settings)).unwrap_or_default(),
        maximum_instance_count: pick(
            &f.and_then(|t| t.maximum_instance_count.clone()),
            fl.flex_maximum_instance_count_default,
            &fn_span,
        ),
        instance_memory_mb: pick(
            &f.and_then(|t| t.instance_memory_mb.clone()),
            fl.flex_instance_memory_default_mb,
            &fn_span,
        ),
    };

    let out_span = span_of(&env.outputs, &(0..0));
    let o = env.outputs.as_ref().map(|t| t.get_ref());
    let targets = match o.and_then(|o| o.targets.as_ref()) {
        Some(list) => Setting::explicit(
            parse_targets(list.get_ref().iter().map(|t| t.get_ref().as_str())),
            list.span(),
        ),
        None => Setting::default(Target::DEFAULT.to_vec(), out_span.clone()),
    };

    let waivers = env
        .policy
        .as_ref()
        .map(|p| {
            p.get_ref()
                .allow
                .iter()
                .map(|w| Waiver {
                    rule: Setting::explicit(w.get_ref().rule.get_ref().clone(), w.get_ref().rule.span()),
                    reason: Setting::explicit(w.get_ref().reason.get_ref().clone(), w.get_ref().reason.span()),
                    span: w.span(),
                })
                .collect()
        })
        .unwrap_or_default();

    let profile = match &e.profile {
        Some(p) if p.get_ref() == "development" => Setting::explicit(Profile::Development, p.span()),
        Some(p) => Setting::explicit(Profile::Production, p.span()),
        None => Setting::default(Profile::Production, env_span.clone()),
    };

    let environment = Setting::explicit(e.name.get_ref().clone(), e.name.span());
    let workload = Setting::explicit(e.workload.get_ref().clone(), e.workload.span());
    let location = Setting::explicit(e.location.get_ref().clone(), e.location.span());
    let names = names::resolve_names(env.naming.as_ref(), &environment, &workload, &location)?;
    if let Some(v) = env.outputs.as_ref().and_then(|o| o.get_ref().azurerm_version.as_ref()) {
        if let Some(why) = constraint::azurerm_constraint_problem(v.get_ref()) {
            return Err(vec![Diagnostic::error(
                "input/invalid-value",
                format!(
                    "`azurerm_version = \"{}\"` does not fit azurerm 4.x: {why}",
                    v.get_ref()
                ),
            )
            .primary(v.span(), "version constraint")
            .help("write a constraint inside 4.x, e.g. `\"~> 4.0\"` or `\">= 4.21, < 5.0\"`")]);
        }
    }
    if let Some(n) = &env.naming {
        tables.insert("naming".to_string(), n.span());
    }
    let tf = o.and_then(|o| o.terraform.as_ref());
    let tf_span = tf.map(|t| t.span()).unwrap_or_else(|| out_span.clone());
    let terraform_required_version = pick(
        &tf.and_then(|t| t.get_ref().required_version.clone()),
        DEFAULT_TERRAFORM_VERSION.to_string(),
        &tf_span,
    );
    let terraform_backend = match tf.and_then(|t| t.get_ref().backend.as_ref()) {
        None => None,
        Some(backend) => {
            // The schema has checked the keys, their types and `type` itself.
            let mut kind = String::new();
            let mut settings = Vec::new();
            for (k, v) in backend.get_ref() {
                match (k.get_ref().as_str(), v.get_ref()) {
                    ("type", crate::model::BackendValue::Str(t)) => kind = t.clone(),
                    (key, value) => settings.push((key.to_string(), value.clone())),
                }
            }
            if kind == "azurerm" {
                let missing: Vec<&str> = AZURERM_BACKEND_REQUIRED
                    .into_iter()
                    .filter(|r| !settings.iter().any(|(k, _)| k == r))
                    .collect();
                if let Some(first) = missing.first() {
                    let list = missing.iter().map(|m| format!("`{m}`")).collect::<Vec<_>>().join(", ");
                    return Err(vec![Diagnostic::error(
                        "input/missing-key",
                        format!("the azurerm backend needs {list}"),
                    )
                    .primary(backend.span(), format!("azurerm backend without `{first}`"))
                    .note("Terraform asks for them at `terraform init` otherwise, and the state location stays unrecorded")
                    .help(format!("add {list} to `backend`"))]);
                }
            }
            Some(TerraformBackend { kind, settings })
        }
    };

    Ok(Resolved {
        environment,
        workload,
        location,
        profile,
        subscription_id: e
            .subscription_id
            .as_ref()
            .map(|s| Setting::explicit(s.get_ref().clone(), s.span())),
        tags: map(&e.tags),
        names,
        signalr,
        storage,
        monitoring,
        functions,
        network,
        lock: pick(&e.lock, "none".to_string(), &env_span),
        targets,
        azurerm_version: pick(
            &o.and_then(|o| o.azurerm_version.clone()),
            DEFAULT_AZURERM_VERSION.to_string(),
            &out_span,
        ),
        terraform_required_version,
        terraform_backend,
        waivers,
        tables,
    })
}

/// P18: the default azurerm constraint starts at 4.31.0, the lowest 4.x release whose provider
/// schema has every resource type, block and attribute sigc emits: `azurerm_function_app_flex_consumption`
/// appeared in 4.21.0, its `https_only` only in 4.31.0 (measured over every 4.x schema in
/// lonegunmanb/terraform-azurerm-schema, tags v4.0.0-v4.79.0, against the Terraform JSON of the
/// examples and test cases; facts §8 P18). `< 5.0` keeps out the next major's breaking changes.
pub const DEFAULT_AZURERM_VERSION: &str = ">= 4.31, < 5.0";

/// Target names as the schema admits them; `all` expands to every target.
pub fn parse_targets<'a>(names: impl IntoIterator<Item = &'a str>) -> Vec<Target> {
    let mut targets = Vec::new();
    for name in names {
        if name == "all" {
            targets.extend(Target::ALL);
        } else if let Some(t) = Target::parse(name) {
            targets.push(t);
        }
    }
    targets.sort();
    targets.dedup();
    targets
}

impl Resolved {
    pub fn name(&self, key: NameKey) -> &str {
        &self.names[&key].value
    }
}
