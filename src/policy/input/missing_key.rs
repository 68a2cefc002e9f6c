//! `input/missing-key`: a fixed error reported by the parser.

use crate::policy::declare_rule;

declare_rule! {
    /// ## What it does
    /// A required key or table is absent.
    ///
    /// ## Why it matters
    /// sigc cannot invent an environment name, a region or a SKU.
    ///
    /// ## Example
    /// ```toml
    /// [environment]
    /// name = "dev"
    /// ```
    ///
    /// ## How to fix
    /// Add the key to the table the diagnostic points at.
    ///
    /// ## Source
    /// https://github.com/sigc/sigc/blob/main/schemas/env.schema.json
    "input/missing-key", fixed
}
