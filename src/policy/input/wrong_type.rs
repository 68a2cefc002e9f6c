//! `input/wrong-type`: a fixed error reported by the parser.

use crate::policy::declare_rule;

declare_rule! {
    /// ## What it does
    /// A value of the wrong TOML type (a quoted number, a bare word, a string where a list is expected).
    ///
    /// ## Why it matters
    /// The stack needs typed values; guessing a conversion hides mistakes.
    ///
    /// ## Example
    /// ```toml
    /// [signalr]
    /// capacity = "2"
    /// ```
    ///
    /// ## How to fix
    /// Write the value with the type the message names.
    ///
    /// ## Source
    /// https://github.com/sigc/sigc/blob/main/schemas/env.schema.json
    "input/wrong-type", fixed
}
