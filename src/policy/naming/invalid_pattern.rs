//! `naming/invalid-pattern`: a fixed error reported while names are resolved.

use crate::policy::declare_rule;

declare_rule! {
    /// ## What it does
    /// A `[naming] pattern` or `compact_pattern` that cannot be rendered: a template
    /// syntax error, or a variable other than `abbr`, `workload`, `env`, `location`,
    /// `instance` and `suffix`.
    ///
    /// ## Why it matters
    /// Without a rendered name there is no resource to emit; an unknown variable would
    /// otherwise render as an empty string and silently change every name.
    ///
    /// ## Example
    /// ```toml
    /// [naming]
    /// pattern = "{{ abbr }}-{{ team }}"
    /// ```
    ///
    /// ## How to fix
    /// Use only the listed variables and valid minijinja syntax.
    ///
    /// ## Source
    /// https://docs.rs/minijinja/latest/minijinja/syntax/index.html
    "naming/invalid-pattern", fixed
}
