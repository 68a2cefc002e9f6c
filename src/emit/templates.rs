//! What the template-based targets (Bicep, the Functions scaffold) share: a
//! minijinja environment that never escapes for HTML and fails on undefined values,
//! and the identifier test their formatters use to let symbol names through.

use minijinja::{AutoEscape, Environment, UndefinedBehavior};

/// A strict environment for generating code: undefined values are errors, no HTML
/// escaping (each target escapes through its own filters), block tags leave no
/// blank lines, and files keep their final newline.
pub fn strict_environment() -> Environment<'static> {
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    env.set_auto_escape_callback(|_| AutoEscape::None);
    env.set_trim_blocks(true);
    env.set_lstrip_blocks(true);
    env.set_keep_trailing_newline(true);
    env
}

/// `[A-Za-z_][A-Za-z0-9_]*`: a symbol both Bicep and Python accept unquoted.
pub fn is_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

#[cfg(test)]
mod tests {
    #[test]
    fn identifiers() {
        assert!(super::is_identifier("signalR_2"));
        assert!(!super::is_identifier("2x"));
        assert!(!super::is_identifier("a-b"));
        assert!(!super::is_identifier(""));
    }
}
