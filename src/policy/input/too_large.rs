//! `input/too-large`: a fixed error reported by the parser.

use crate::policy::declare_rule;

declare_rule! {
    /// ## What it does
    /// The file is larger than sigc reads.
    ///
    /// ## Why it matters
    /// An ENV.toml is a few KB; a huge file is a mistake or an attack, and is refused before parsing.
    ///
    /// ## Example
    /// ```toml
    /// # a 5 MB file
    /// ```
    ///
    /// ## How to fix
    /// Trim the file; one file describes one environment.
    ///
    /// ## Source
    /// https://github.com/sigc/sigc#envtoml-reference
    "input/too-large", fixed
}
