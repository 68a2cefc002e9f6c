//! `input/unknown-key`: a fixed error reported by the parser.

use crate::policy::declare_rule;

declare_rule! {
    /// ## What it does
    /// A key or table that ENV.toml does not define.
    ///
    /// ## Why it matters
    /// A misspelt key would otherwise be ignored silently and the stack built with a default the user did not mean.
    ///
    /// ## Example
    /// ```toml
    /// [signalr]
    /// skuu = "Standard_S1"
    /// ```
    ///
    /// ## How to fix
    /// Rename the key to the one the help names, or remove it. `sigc schema` prints every key.
    ///
    /// ## Source
    /// https://github.com/sigc/sigc/blob/main/schemas/env.schema.json
    "input/unknown-key", fixed
}
