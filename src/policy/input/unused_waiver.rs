//! `input/unused-waiver`: a fixed warning reported when waivers are judged.

use crate::policy::declare_rule;

declare_rule! {
    /// ## What it does
    /// A `[[policy.allow]]` entry whose rule would report nothing in this environment.
    ///
    /// ## Why it matters
    /// A stale waiver hides the rule for good: the day the problem comes back, nobody
    /// is told. Waivers should say what they waive, and nothing more.
    ///
    /// ## Example
    /// ```toml
    /// [[policy.allow]]
    /// rule = "cors/wildcard-origin"
    /// reason = "public demo"     # but no origin is "*"
    /// ```
    ///
    /// ## How to fix
    /// Remove the entry.
    ///
    /// ## Source
    /// https://github.com/sigc/sigc/blob/main/docs/rules.md
    "input/unused-waiver", fixed, warning
}
