//! `upstream/pattern-matches-no-hub`.

use crate::policy::{declare_rule, RuleCx};

/// Categories SignalR sends upstream (facts §4).
const CATEGORIES: [&str; 2] = ["connections", "messages"];

declare_rule! {
    /// ## What it does
    /// Checks the upstream match patterns: every hub named in `hub_pattern` is one of
    /// `[signalr] hubs`, and `category_pattern` names only `connections` or `messages`.
    ///
    /// ## Why it matters
    /// A pattern that matches no hub or category routes nothing: the function app's
    /// SignalR triggers silently never fire.
    ///
    /// ## Example
    /// ```toml
    /// [signalr]
    /// hubs = ["chat"]
    /// [signalr.upstream]
    /// hub_pattern = "chta"
    /// ```
    ///
    /// ## How to fix
    /// Use `*`, or list hubs from `[signalr] hubs` separated by commas.
    ///
    /// ## Source
    /// https://learn.microsoft.com/en-us/azure/azure-signalr/concept-upstream
    "upstream/pattern-matches-no-hub", production = error, development = warning, check = check
}

fn check(cx: &mut RuleCx<'_>) {
    let s = &cx.env.signalr;
    let up = &s.upstream;
    let hubs: Vec<&str> = s.hubs.value.iter().map(|h| h.value.as_str()).collect();
    for pattern in up.hub_pattern.value.split(',').map(str::trim) {
        if pattern == "*" || hubs.iter().any(|h| h.eq_ignore_ascii_case(pattern)) {
            continue;
        }
        let mut d = cx
            .diagnostic(format!("upstream hub pattern `{pattern}` matches none of the hubs"))
            .resource("signalr")
            .primary(up.hub_pattern.span.clone(), "matches no hub")
            .note(format!(
                "the hubs are {}",
                hubs.iter().map(|h| format!("`{h}`")).collect::<Vec<_>>().join(", ")
            ));
        d = match crate::diag::closest(pattern, hubs.iter().copied()) {
            Some(near) => d.help(format!("`{near}` is the closest hub")),
            None => d.help("use `*`, or hubs from `[signalr] hubs` separated by commas"),
        };
        cx.emit(d);
    }
    for pattern in up.category_pattern.value.split(',').map(str::trim) {
        if pattern == "*" || CATEGORIES.contains(&pattern) {
            continue;
        }
        let d = cx
            .diagnostic(format!("upstream category pattern `{pattern}` is not a category"))
            .resource("signalr")
            .primary(up.category_pattern.span.clone(), "matches no category")
            .help("use `*`, `connections`, `messages`, or both separated by a comma");
        cx.emit(d);
    }
}
