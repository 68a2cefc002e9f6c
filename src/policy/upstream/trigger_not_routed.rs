//! `upstream/trigger-not-routed`.

use crate::graph::SIGNALR_TRIGGERS;
use crate::policy::{declare_rule, RuleCx};
use crate::resolve::Setting;

declare_rule! {
    /// ## What it does
    /// Checks that the upstream's `hub_pattern`, `category_pattern` and `event_pattern`
    /// route every event the generated Functions app has a SignalR trigger for: per hub,
    /// `messages`/`sendMessage` and `connections`/`connected` and `disconnected`.
    ///
    /// ## Why it matters
    /// SignalR calls the app only for events the upstream template matches; a trigger
    /// whose event is filtered out is deployed and never runs, with nothing in any log.
    ///
    /// ## Example
    /// ```toml
    /// [signalr.upstream]
    /// category_pattern = "messages"   # the connected/disconnected triggers never run
    /// ```
    ///
    /// ## How to fix
    /// Widen the pattern (`*`, or a comma-separated list that names the category or
    /// event), or waive the rule and delete the triggers you do not want from the code.
    ///
    /// ## Source
    /// https://learn.microsoft.com/en-us/azure/azure-signalr/concept-upstream
    "upstream/trigger-not-routed", production = warning, development = warning, check = check
}

/// Whether an upstream pattern (`*`, one name, or names separated by commas) matches
/// `name`; names compare case-insensitively, as `upstream/pattern-matches-no-hub` does,
/// so a differently cased name is never reported.
fn matches(pattern: &str, name: &str) -> bool {
    pattern
        .split(',')
        .map(str::trim)
        .any(|p| p == "*" || p.eq_ignore_ascii_case(name))
}

fn check(cx: &mut RuleCx<'_>) {
    let s = &cx.env.signalr;
    let up = &s.upstream;
    let routed_hubs: Vec<&str> = s
        .hubs
        .value
        .iter()
        .map(|h| h.value.as_str())
        .filter(|h| matches(&up.hub_pattern.value, h))
        .collect();
    if routed_hubs.is_empty() {
        return; // upstream/pattern-matches-no-hub reports the hub pattern
    }
    // One finding per pattern that leaves something out, naming every event it drops.
    let mut by_pattern: Vec<(&str, &Setting<String>, Vec<String>)> = Vec::new();
    for (_, category, event) in SIGNALR_TRIGGERS {
        let (kind, setting) = if !matches(&up.category_pattern.value, category) {
            ("category", &up.category_pattern)
        } else if !matches(&up.event_pattern.value, event) {
            ("event", &up.event_pattern)
        } else {
            continue;
        };
        let missing = format!("`{category}`/`{event}`");
        match by_pattern.iter_mut().find(|(k, _, _)| *k == kind) {
            Some((_, _, list)) => list.push(missing),
            None => by_pattern.push((kind, setting, vec![missing])),
        }
    }
    for (kind, setting, missing) in by_pattern {
        let list = missing.join(", ");
        let d = cx
            .diagnostic(format!(
                "the upstream {kind} pattern `{}` does not route {list}: the app's triggers for them never run",
                setting.value
            ))
            .resource("signalr")
            .primary(setting.span.clone(), format!("leaves out {list}"))
            .note("the generated app has a trigger for each of them, for every hub")
            .help(format!("add the missing {kind} names to the pattern, or use `*`"));
        cx.emit(d);
    }
}
