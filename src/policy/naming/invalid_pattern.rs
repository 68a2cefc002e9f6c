//! `naming/invalid-pattern`: a fixed error reported while names are resolved.

use crate::policy::declare_rule;

declare_rule! {
    /// ## What it does
    /// A `[naming] pattern` or `compact_pattern` that cannot be rendered: a template
    /// syntax error, a variable other than `abbr`, `workload`, `env`, `location`,
    /// `instance` and `suffix`, or anything outside the bounded subset patterns use:
    /// text, `{# comments #}` and `{{ variable | filter }}` with the filters `lower`,
    /// `upper`, `trim`, `title` and `capitalize` (no `{% %}` statements, operators or
    /// literals, at most 256 bytes, not blank).
    ///
    /// ## Why it matters
    /// Without a rendered name there is no resource to emit; an unknown variable would
    /// otherwise render as an empty string and silently change every name. A template
    /// with loops or string operators could run forever or fill memory.
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
