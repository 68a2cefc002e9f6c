//! `naming/reserved-word`.

use crate::policy::{declare_rule, RuleCx};
use crate::resolve::NameKey;

declare_rule! {
    /// ## What it does
    /// Flags names of resources with a public endpoint (SignalR, storage account,
    /// function app) that are, contain, or start with a word Azure reserves.
    ///
    /// ## Why it matters
    /// Azure refuses them with `ReservedResourceName` at create time.
    ///
    /// ## Example
    /// ```toml
    /// [naming.names]
    /// function_app = "microsoft-chat"
    /// ```
    ///
    /// ## How to fix
    /// Choose a name without the reserved word.
    ///
    /// ## Source
    /// https://learn.microsoft.com/en-us/azure/azure-resource-manager/troubleshooting/error-reserved-resource-name
    "naming/reserved-word", azure_limit, production = error, development = error, check = check
}

fn check(cx: &mut RuleCx<'_>) {
    let n = &cx.limits.naming;
    for key in NameKey::ALL {
        if !cx.limits.name_rule(key.key()).reserved_words {
            continue;
        }
        let name = &cx.env.names[&key];
        let upper = name.value.to_uppercase();
        let found = n
            .reserved_whole
            .iter()
            .find(|w| upper == **w)
            .map(|w| format!("is the reserved word `{w}`"))
            .or_else(|| {
                n.reserved_substring
                    .iter()
                    .find(|w| upper.contains(w.as_str()))
                    .map(|w| format!("contains the reserved word `{w}`"))
            })
            .or_else(|| {
                n.reserved_prefix
                    .iter()
                    .find(|w| upper.starts_with(w.as_str()))
                    .map(|w| format!("starts with the reserved word `{w}`"))
            });
        if let Some(problem) = found {
            let d = cx
                .diagnostic(format!("name `{}` {problem}", name.value))
                .resource(key.key())
                .primary(name.span.clone(), "reserved by Azure")
                .help(format!("choose another name for `{}`", key.key()));
            cx.emit(d);
        }
    }
}
