//! `input/duplicate-value`: a fixed error reported by the parser.

use crate::policy::declare_rule;

declare_rule! {
    /// ## What it does
    /// The same entry twice in a list that must hold distinct values.
    ///
    /// ## Why it matters
    /// Duplicates are at best noise and at worst rejected by the API.
    ///
    /// ## Example
    /// ```toml
    /// [signalr]
    /// hubs = ["chat", "chat"]
    /// ```
    ///
    /// ## How to fix
    /// Remove the second entry.
    ///
    /// ## Source
    /// https://github.com/sigc/sigc/blob/main/schemas/env.schema.json
    "input/duplicate-value", fixed
}
