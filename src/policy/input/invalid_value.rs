//! `input/invalid-value`: a fixed error reported by the parser.

use crate::policy::declare_rule;

declare_rule! {
    /// ## What it does
    /// A value outside its allowed set or format (enum, pattern, length), or a waiver naming an unknown or fixed rule.
    ///
    /// ## Why it matters
    /// Azure or the provider would reject it at deploy time, after review.
    ///
    /// ## Example
    /// ```toml
    /// [signalr]
    /// sku = "Standard_S2"
    /// ```
    ///
    /// ## How to fix
    /// Use one of the allowed values; the help names the closest one.
    ///
    /// ## Source
    /// https://github.com/sigc/sigc/blob/main/schemas/env.schema.json
    "input/invalid-value", fixed
}
