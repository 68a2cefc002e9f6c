//! `naming/invalid-name`.

use crate::policy::{declare_rule, RuleCx};
use crate::resolve::{NameKey, NameSource};

declare_rule! {
    /// ## What it does
    /// Checks every resource name against Azure's length and character rules for its
    /// type (listed per resource in `schemas/azure-limits.toml`), whether the name was
    /// written in `[naming.names]` or rendered from a `[naming]` pattern.
    ///
    /// ## Why it matters
    /// azurerm checks few of these rules (SignalR names only for emptiness), so an
    /// invalid name passes `terraform plan` and fails at apply.
    ///
    /// ## Example
    /// ```toml
    /// [environment]
    /// name = "production"
    /// workload = "realtimemessaging"  # stdrealtimemessagingproduction: 29 > 24
    /// ```
    ///
    /// ## How to fix
    /// Shorten the parts the pattern uses, change the pattern, or set the name in
    /// `[naming.names]`.
    ///
    /// ## Source
    /// https://learn.microsoft.com/en-us/azure/azure-resource-manager/management/resource-name-rules
    "naming/invalid-name", azure_limit, production = error, development = error, check = check
}

fn label(key: NameKey) -> &'static str {
    match key {
        NameKey::ResourceGroup => "resource group",
        NameKey::Signalr => "SignalR",
        NameKey::StorageAccount => "storage account",
        NameKey::LogAnalytics => "Log Analytics workspace",
        NameKey::AppInsights => "Application Insights",
        NameKey::ServicePlan => "App Service plan",
        NameKey::FunctionApp => "function app",
    }
}

fn check(cx: &mut RuleCx<'_>) {
    for key in NameKey::ALL {
        let name = &cx.env.names[&key];
        let rule = cx.limits.name_rule(key.key());
        let len = name.value.chars().count();
        let problem = if len < rule.min_length || len > rule.max_length {
            Some(format!(
                "is {len} characters long; {} names take {}-{}",
                label(key),
                rule.min_length,
                rule.max_length
            ))
        } else if !cx.limits.name_regex(key.key()).is_match(&name.value) {
            Some(format!(
                "does not match the {} naming rule: {}",
                label(key),
                rule.allowed
            ))
        } else {
            None
        };
        let Some(problem) = problem else { continue };
        let (label_text, help) = match &name.source {
            NameSource::Explicit => (
                "this name".to_string(),
                format!("change `[naming.names] {}`", key.key()),
            ),
            NameSource::Pattern { template, .. } => (
                format!("renders `{}`", name.value),
                format!(
                    "shorten or change what `{template}` renders, or set `{} = \"...\"` in `[naming.names]`",
                    key.key()
                ),
            ),
        };
        let d = cx
            .diagnostic(format!("{} name `{}` {problem}", label(key), name.value))
            .resource(key.key())
            .primary(name.span.clone(), label_text)
            .note(format!("pattern `{}`, scope: {}", rule.regex, rule.scope))
            .help(help);
        cx.emit(d);
    }
}
