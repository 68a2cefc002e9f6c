//! `input/syntax`: a fixed error reported by the parser.

use crate::policy::declare_rule;

declare_rule! {
    /// ## What it does
    /// The file is not valid TOML.
    ///
    /// ## Why it matters
    /// Nothing can be checked or built from a file the TOML parser rejects.
    ///
    /// ## Example
    /// ```toml
    /// [signalr]
    /// sku = "Standard_S1
    /// ```
    ///
    /// ## How to fix
    /// Fix the syntax at the marked position (an unclosed string, a missing `=`, a duplicate key or table).
    ///
    /// ## Source
    /// https://toml.io/en/v1.0.0
    "input/syntax", fixed
}
