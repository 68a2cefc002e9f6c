//! Policy rules: the registry, levels per profile, waivers and the rule context.
//!
//! One rule per file (`policy/<family>/<rule_name>.rs`), its docs in its `///`
//! lines (What it does / Why it matters / Example / How to fix / Source). Rules read
//! the resolved environment and Azure limits; they never format output or touch the
//! graph. `input/*` and `graph/*` are fixed errors, listed here for `sigc explain`.

mod acl;
mod cors;
mod functions;
mod graph;
mod input;
mod naming;
mod network;
mod security;
mod sku;
mod upstream;

use crate::diag::{Diagnostic, Severity};
use crate::limits::{limits, Limits};
use crate::resolve::{Profile, Resolved};

/// Rule families, the part of an id before the `/` (CONTRACT §5).
pub const FAMILIES: [&str; 10] = [
    "input",
    "naming",
    "sku",
    "cors",
    "acl",
    "security",
    "graph",
    "upstream",
    "functions",
    "network",
];

/// The level of a rule in one profile; `None` means the rule does not run.
pub type Level = Option<Severity>;

pub struct Rule {
    /// `family/name`, kebab-case.
    pub id: &'static str,
    pub production: Level,
    pub development: Level,
    /// Fixed diagnostics (`input/*`, `graph/*`) cannot be waived.
    pub fixed: bool,
    /// The rule mirrors a limit Azure (or the provider) enforces itself: a waiver would
    /// only move the failure to deploy time, or build output the verifiers reject, so
    /// `[[policy.allow]]` cannot name it.
    pub azure_limit: bool,
    /// Markdown: What it does / Why it matters / Example / How to fix / Source.
    pub docs: &'static str,
    /// `None` for fixed rules, which the parser and lowering report.
    pub check: Option<fn(&mut RuleCx<'_>)>,
}

impl Rule {
    /// Whether `[[policy.allow]]` may name this rule: not a fixed error, not an Azure limit.
    pub fn waivable(&self) -> bool {
        !self.fixed && !self.azure_limit
    }

    pub fn level(&self, profile: Profile) -> Level {
        match profile {
            Profile::Production => self.production,
            Profile::Development => self.development,
        }
    }

    /// The docs as Markdown: `///` lines keep the space after the slashes, drop it.
    pub fn text(&self) -> String {
        self.docs
            .lines()
            .map(|l| l.strip_prefix(' ').unwrap_or(l))
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// The first paragraph of the "What it does" section, on one line.
    pub fn summary(&self) -> String {
        self.docs
            .lines()
            .skip_while(|l| l.trim() != "## What it does")
            .skip(1)
            .take_while(|l| !l.trim().is_empty())
            .map(str::trim)
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// Declares `pub const RULE` from doc lines, an id and the levels per profile.
macro_rules! declare_rule {
    ($(#[doc = $doc:literal])* $id:literal, production = $p:ident, development = $d:ident, check = $check:path) => {
        pub const RULE: $crate::policy::Rule = $crate::policy::Rule {
            id: $id,
            production: $crate::policy::level!($p),
            development: $crate::policy::level!($d),
            fixed: false,
            azure_limit: false,
            docs: concat!($($doc, "\n"),*),
            check: Some($check),
        };
    };
    ($(#[doc = $doc:literal])* $id:literal, azure_limit, production = $p:ident, development = $d:ident, check = $check:path) => {
        pub const RULE: $crate::policy::Rule = $crate::policy::Rule {
            id: $id,
            production: $crate::policy::level!($p),
            development: $crate::policy::level!($d),
            fixed: false,
            azure_limit: true,
            docs: concat!($($doc, "\n"),*),
            check: Some($check),
        };
    };
    ($(#[doc = $doc:literal])* $id:literal, fixed, warning) => {
        pub const RULE: $crate::policy::Rule = $crate::policy::Rule {
            id: $id,
            production: Some($crate::diag::Severity::Warning),
            development: Some($crate::diag::Severity::Warning),
            fixed: true,
            azure_limit: false,
            docs: concat!($($doc, "\n"),*),
            check: None,
        };
    };
    ($(#[doc = $doc:literal])* $id:literal, fixed) => {
        pub const RULE: $crate::policy::Rule = $crate::policy::Rule {
            id: $id,
            production: Some($crate::diag::Severity::Error),
            development: Some($crate::diag::Severity::Error),
            fixed: true,
            azure_limit: false,
            docs: concat!($($doc, "\n"),*),
            check: None,
        };
    };
}
pub(crate) use declare_rule;

macro_rules! level {
    (error) => {
        Some($crate::diag::Severity::Error)
    };
    (warning) => {
        Some($crate::diag::Severity::Warning)
    };
    (off) => {
        None
    };
}
pub(crate) use level;

/// Every rule sigc knows, fixed ones included, sorted by id.
pub fn rules() -> &'static [Rule] {
    RULES
}

pub fn rule(id: &str) -> Option<&'static Rule> {
    RULES.iter().find(|r| r.id == id)
}

static RULES: &[Rule] = &[
    acl::allow_and_deny_mixed::RULE,
    acl::allow_default_in_production::RULE,
    acl::deny_blocks_clients::RULE,
    acl::server_connection_unused::RULE,
    cors::duplicate_origin::RULE,
    cors::empty_origins::RULE,
    cors::function_cors_differs::RULE,
    cors::insecure_origin::RULE,
    cors::invalid_origin::RULE,
    cors::localhost_origin::RULE,
    cors::wildcard_mixed::RULE,
    cors::wildcard_origin::RULE,
    cors::wildcard_with_credentials::RULE,
    functions::cors_unavailable_on_y1::RULE,
    functions::invalid_host_id::RULE,
    functions::language_not_for_runtime::RULE,
    functions::reserved_app_setting::RULE,
    functions::runtime_end_of_support::RULE,
    functions::runtime_not_supported::RULE,
    functions::setting_not_for_plan::RULE,
    functions::y1_retiring::RULE,
    graph::cycle::RULE,
    graph::duplicate_resource::RULE,
    input::duplicate_value::RULE,
    input::invalid_value::RULE,
    input::missing_key::RULE,
    input::out_of_range::RULE,
    input::syntax::RULE,
    input::too_large::RULE,
    input::too_many_entries::RULE,
    input::unknown_key::RULE,
    input::unused_waiver::RULE,
    input::wrong_type::RULE,
    naming::host_id_collision::RULE,
    naming::invalid_name::RULE,
    naming::invalid_pattern::RULE,
    naming::invalid_tag::RULE,
    naming::reserved_word::RULE,
    network::custom_domain_without_identity::RULE,
    network::invalid_certificate_id::RULE,
    network::invalid_cidr::RULE,
    network::private_mode_on_y1::RULE,
    network::public_access_without_private_endpoint::RULE,
    network::replica_region_conflict::RULE,
    network::subnet_outside_address_space::RULE,
    network::subnet_too_small::RULE,
    network::subnets_overlap::RULE,
    security::function_https_disabled::RULE,
    security::function_tls_below_1_2::RULE,
    security::read_only_lock::RULE,
    security::resource_group_unlocked::RULE,
    security::signalr_identity_missing::RULE,
    security::signalr_local_auth::RULE,
    security::storage_public_blob_access::RULE,
    security::storage_tls_below_1_2::RULE,
    sku::capacity_not_offered::RULE,
    sku::connections_exceed_capacity::RULE,
    sku::feature_not_offered::RULE,
    sku::free_in_production::RULE,
    sku::free_message_cap::RULE,
    sku::messages_over_quota::RULE,
    sku::premium_feature_not_offered::RULE,
    sku::private_mode_on_free::RULE,
    sku::too_many_replicas::RULE,
    upstream::identity_auth_without_audience::RULE,
    upstream::pattern_matches_no_hub::RULE,
    upstream::trigger_not_routed::RULE,
];

/// What a rule sees, and where it reports.
pub struct RuleCx<'a> {
    pub env: &'a Resolved,
    pub limits: &'static Limits,
    rule: &'static Rule,
    severity: Severity,
    out: &'a mut Vec<Diagnostic>,
}

impl RuleCx<'_> {
    /// A diagnostic stamped with this rule's id and effective level.
    pub fn diagnostic(&self, message: impl Into<String>) -> Diagnostic {
        Diagnostic::new(self.rule.id, self.severity, message)
    }

    pub fn emit(&mut self, diagnostic: Diagnostic) {
        self.out.push(diagnostic);
    }

    pub fn profile(&self) -> Profile {
        self.env.profile.value
    }
}

/// Runs every rule that is on in the environment's profile and not waived, then
/// judges the waivers themselves.
pub fn check(env: &Resolved) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let waived: Vec<&str> = env.waivers.iter().map(|w| w.rule.value.as_str()).collect();
    for rule in RULES {
        // A waiver of an unwaivable rule is itself an error (below); the rule still runs.
        if rule.waivable() && waived.contains(&rule.id) {
            continue;
        }
        run_rule(env, rule, &mut out);
    }
    out.extend(check_waivers(env));
    out
}

/// Runs one rule alone, at its level for the environment's profile (rule tests).
pub fn check_rule(env: &Resolved, rule: &'static Rule) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    run_rule(env, rule, &mut out);
    out
}

fn run_rule(env: &Resolved, rule: &'static Rule, out: &mut Vec<Diagnostic>) {
    let (Some(check), Some(severity)) = (rule.check, rule.level(env.profile.value)) else {
        return;
    };
    let mut cx = RuleCx {
        env,
        limits: limits(),
        rule,
        severity,
        out,
    };
    check(&mut cx);
}

/// A waiver must name a known, waivable rule, once, with a reason.
fn check_waivers(env: &Resolved) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for (i, w) in env.waivers.iter().enumerate() {
        let id = w.rule.value.as_str();
        if w.reason.value.trim().is_empty() {
            out.push(
                Diagnostic::error("input/invalid-value", format!("the waiver for `{id}` gives no reason"))
                    .primary(w.reason.span.clone(), "empty reason")
                    .help("say in `reason` why this environment may break the rule"),
            );
        }
        if let Some(first) = env.waivers[..i].iter().find(|o| o.rule.value == w.rule.value) {
            out.push(
                Diagnostic::error("input/duplicate-value", format!("`{id}` is waived twice"))
                    .primary(w.rule.span.clone(), "second waiver")
                    .secondary(first.rule.span.clone(), "first waiver")
                    .help("keep one `[[policy.allow]]` entry per rule"),
            );
            continue;
        }
        match rule(id) {
            None => {
                let mut d = Diagnostic::error("input/invalid-value", format!("`{id}` is not a sigc rule"))
                    .primary(w.rule.span.clone(), "unknown rule");
                if let Some(near) = crate::diag::closest(id, RULES.iter().map(|r| r.id)) {
                    d = d.help(format!("`{near}` is the closest rule id"));
                } else {
                    d = d.help("run `sigc explain --all` for the list of rules");
                }
                out.push(d);
            }
            Some(r) if r.fixed => out.push(
                Diagnostic::error(
                    "input/invalid-value",
                    format!("`{id}` is a fixed error and cannot be waived"),
                )
                .primary(w.rule.span.clone(), "not waivable")
                .help("fix the input instead; only policy rules can be waived"),
            ),
            Some(r) if r.azure_limit => out.push(
                Diagnostic::error(
                    "input/invalid-value",
                    format!("`{id}` mirrors a limit Azure enforces itself and cannot be waived"),
                )
                .primary(w.rule.span.clone(), "not waivable")
                .note("Azure (or the azurerm provider) would reject the deployment anyway; a waiver only moves the failure to deploy time")
                .help("fix the value the rule reports and remove this `[[policy.allow]]` entry"),
            ),
            Some(r) => {
                // Run the waived rule anyway, silently: a waiver it would not need is stale.
                if check_rule(env, r).is_empty() {
                    out.push(
                        Diagnostic::warning(
                            "input/unused-waiver",
                            format!("the waiver for `{id}` matches nothing in this environment"),
                        )
                        .primary(w.rule.span.clone(), "nothing to waive")
                        .secondary(w.reason.span.clone(), "reason given")
                        .help("remove this `[[policy.allow]]` entry"),
                    );
                }
            }
        }
    }
    out
}

fn level_name(level: Level) -> &'static str {
    level.map_or("off", Severity::as_str)
}

/// The documentation `sigc explain` prints for one rule.
pub fn explain(rule: &Rule) -> String {
    let levels = if rule.fixed {
        "fixed error (cannot be waived)".to_string()
    } else if rule.azure_limit {
        format!(
            "production: {}, development: {} (an Azure limit: cannot be waived)",
            level_name(rule.production),
            level_name(rule.development)
        )
    } else {
        format!(
            "production: {}, development: {}",
            level_name(rule.production),
            level_name(rule.development)
        )
    };
    format!("# {}\n\nLevel: {levels}\n\n{}\n", rule.id, rule.text().trim_end())
}

/// `sigc explain --all`: one line per rule with its levels per profile.
pub fn listing() -> String {
    let width = RULES.iter().map(|r| r.id.len()).max().unwrap_or(0);
    let mut out = format!(
        "{:<width$}  {:<10}  {:<11}  summary\n",
        "rule", "production", "development"
    );
    for r in RULES {
        let fixed = if r.fixed {
            " (fixed)"
        } else if r.azure_limit {
            " (Azure limit)"
        } else {
            ""
        };
        out.push_str(&format!(
            "{:<width$}  {:<10}  {:<11}  {}{fixed}\n",
            r.id,
            level_name(r.production),
            level_name(r.development),
            r.summary()
        ));
    }
    out
}

/// The Markdown table of every rule with its levels per profile (`docs/rules.md`).
pub fn table() -> String {
    let mut out = String::from(
        "# sigc rules\n\nGenerated from the rule registry (`sigc explain --all`); a test keeps it in sync.\n\nWaivable: `yes` rules are policy and `[[policy.allow]]` may waive them with a reason; `no (fixed)` are input and graph errors; `no (Azure limit)` rules mirror a limit Azure or the azurerm provider enforces itself (names, reserved words, tags, SKU capacity and features, reserved app settings, runtimes, origin format, plan settings), so a waiver would only move the failure to deploy time and is refused.\n\n| rule | production | development | waivable | what it does |\n| --- | --- | --- | --- | --- |\n",
    );
    for r in RULES {
        out.push_str(&format!(
            "| <a id=\"{}\"></a>`{}` | {} | {} | {} | {} |\n",
            crate::diag::sarif::rule_anchor(r.id),
            r.id,
            level_name(r.production),
            level_name(r.development),
            if r.fixed {
                "no (fixed)"
            } else if r.azure_limit {
                "no (Azure limit)"
            } else {
                "yes"
            },
            r.summary()
        ));
    }
    out
}
