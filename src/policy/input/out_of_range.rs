//! `input/out-of-range`: a fixed error reported by the parser.

use crate::policy::declare_rule;

declare_rule! {
    /// ## What it does
    /// A number outside its allowed range.
    ///
    /// ## Why it matters
    /// Azure rejects out-of-range values (for example a serverless timeout above 120 seconds).
    ///
    /// ## Example
    /// ```toml
    /// [signalr]
    /// serverless_connection_timeout_seconds = 600
    /// ```
    ///
    /// ## How to fix
    /// Use a value inside the range the label names.
    ///
    /// ## Source
    /// https://github.com/sigc/sigc/blob/main/schemas/env.schema.json
    "input/out-of-range", fixed
}
