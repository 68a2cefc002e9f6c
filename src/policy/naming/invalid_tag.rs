//! `naming/invalid-tag`.

use crate::policy::{declare_rule, RuleCx};

/// Tags sigc adds to every resource; the user's take effect for none of them.
const SIGC_TAGS: [&str; 3] = ["environment", "workload", "managed_by"];

declare_rule! {
    /// ## What it does
    /// Checks `[environment] tags` against Azure's tag limits (`[tags]` in
    /// `schemas/azure-limits.toml`): name and value lengths (storage accounts take
    /// shorter names), characters names may not contain, reserved name prefixes, and
    /// the tags sigc sets itself.
    ///
    /// ## Why it matters
    /// Every resource carries these tags; one bad tag fails every resource at apply.
    ///
    /// ## Example
    /// ```toml
    /// [environment]
    /// tags = { "cost/center" = "1234" }
    /// ```
    ///
    /// ## How to fix
    /// Rename or shorten the tag as the help says.
    ///
    /// ## Source
    /// https://learn.microsoft.com/en-us/azure/azure-resource-manager/management/tag-resources#limitations
    "naming/invalid-tag", azure_limit, production = error, development = error, check = check
}

fn check(cx: &mut RuleCx<'_>) {
    let t = &cx.limits.tags;
    // Azure compares tag names without case: `Env` and `env` are one tag (tag-resources#limitations).
    let mut seen: std::collections::BTreeMap<String, &str> = std::collections::BTreeMap::new();
    for (name, value) in &cx.env.tags {
        let n = name.value.as_str();
        let len = n.chars().count();
        let bad_char = t.name_forbidden_chars.iter().find(|c| n.contains(c.as_str()));
        let reserved = t
            .reserved_name_prefixes
            .iter()
            .find(|p| n.to_lowercase().starts_with(p.as_str()));
        let problem = if n.trim().is_empty() {
            Some(("tag name is empty".to_string(), "give the tag a name".to_string()))
        } else if let Some(c) = bad_char {
            Some((
                format!("tag name `{n}` contains `{c}`"),
                format!("remove `{c}` from the tag name"),
            ))
        } else if let Some(p) = reserved {
            Some((
                format!("tag name `{n}` starts with the reserved prefix `{p}`"),
                "choose a name without the prefix".to_string(),
            ))
        } else if let Some(own) = SIGC_TAGS.iter().find(|s| s.eq_ignore_ascii_case(n)) {
            Some(if *own == n {
                (
                    format!("tag `{n}` is set by sigc on every resource"),
                    format!("remove `{n}`; sigc sets it from `[environment]`"),
                )
            } else {
                (
                    format!("tag `{n}` is sigc's own `{own}` (Azure tag names ignore case), set on every resource"),
                    format!("remove `{n}`; sigc sets `{own}` from `[environment]`"),
                )
            })
        } else if let Some(first) = seen.get(&n.to_lowercase()) {
            Some((
                format!("tag `{n}` and tag `{first}` differ only in case; Azure treats them as one tag"),
                format!("keep one of `{first}` and `{n}`"),
            ))
        } else if len > t.storage_name_max_length {
            let limit = if len > t.name_max_length {
                t.name_max_length
            } else {
                t.storage_name_max_length
            };
            Some((
                format!(
                    "tag name is {len} characters long, more than the {limit} Azure allows{}",
                    if limit == t.storage_name_max_length {
                        " on storage accounts"
                    } else {
                        ""
                    }
                ),
                format!(
                    "shorten the tag name to {} characters or fewer",
                    t.storage_name_max_length
                ),
            ))
        } else {
            None
        };
        seen.entry(n.to_lowercase()).or_insert(n);
        if let Some((message, help)) = problem {
            let d = cx.diagnostic(message).primary(name.span.clone(), "tag name").help(help);
            cx.emit(d);
        }
        let vlen = value.value.chars().count();
        if vlen > t.value_max_length {
            let d = cx
                .diagnostic(format!(
                    "tag value of `{n}` is {vlen} characters long, more than the {} Azure allows",
                    t.value_max_length
                ))
                .primary(value.span.clone(), "tag value")
                .help(format!(
                    "shorten the value to {} characters or fewer",
                    t.value_max_length
                ));
            cx.emit(d);
        }
    }
    let total = cx.env.tags.len() + SIGC_TAGS.len();
    if total > t.max_per_resource {
        if let Some((name, _)) = cx.env.tags.get(t.max_per_resource - SIGC_TAGS.len()) {
            let d = cx
                .diagnostic(format!(
                    "{total} tags per resource, more than the {} Azure allows",
                    t.max_per_resource
                ))
                .primary(name.span.clone(), "first tag over the limit")
                .note(format!(
                    "sigc adds {} tags of its own: {}",
                    SIGC_TAGS.len(),
                    SIGC_TAGS.join(", ")
                ))
                .help("remove tags");
            cx.emit(d);
        }
    }
}
