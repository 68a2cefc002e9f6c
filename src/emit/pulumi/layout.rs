//! Python line layout for the Pulumi program: a line too wide is broken inside its brackets,
//! one item a line (what black would do), so a reviewer reads one setting per line in a PR.

/// Lines longer than this are broken inside their brackets, one item a line (what black
/// would do), so a reviewer reads one setting per line in a PR.
const WIDTH: usize = 100;

/// Lays out one Python expression or `name=value` starting at column `indent`: if it is too
/// wide, the top-level bracket with the most inside is opened, its items (split at top-level
/// commas) go one a line, each laid out again. Nothing inside a string literal is touched.
pub(super) fn layout(code: &str, indent: usize) -> String {
    if indent + code.len() <= WIDTH {
        return code.to_string();
    }
    let Some((open, close)) = widest_group(code) else {
        return code.to_string();
    };
    let items = split_top(&code[open + 1..close]);
    if items.is_empty() {
        return code.to_string();
    }
    // A grouping `(x if c else y)` is not a call: a trailing comma would make it a tuple.
    let grouping = code.as_bytes()[open] == b'('
        && (code[..open].trim_end().is_empty() || code[..open].trim_end().ends_with(['=', '(', '[', '{', ',', ':']));
    let pad = " ".repeat(indent + 4);
    let mut out = String::with_capacity(code.len() + items.len() * (pad.len() + 2));
    out.push_str(&code[..=open]);
    out.push('\n');
    for item in items {
        out.push_str(&pad);
        out.push_str(&layout(item, indent + 4));
        out.push_str(if grouping { "\n" } else { ",\n" });
    }
    out.push_str(&" ".repeat(indent));
    out.push_str(&code[close..]);
    out
}

/// Byte offsets of the top-level `(`/`[`/`{` group with the longest content, and its close.
fn widest_group(code: &str) -> Option<(usize, usize)> {
    let bytes = code.as_bytes();
    let (mut depth, mut start, mut best): (usize, usize, Option<(usize, usize)>) = (0, 0, None);
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'"' => i = skip_string(bytes, i),
            b'(' | b'[' | b'{' => {
                if depth == 0 {
                    start = i;
                }
                depth += 1;
            }
            b')' | b']' | b'}' => {
                depth = depth.saturating_sub(1);
                if depth == 0 && best.is_none_or(|(o, c)| i - start > c - o) {
                    best = Some((start, i));
                }
            }
            _ => {}
        }
        i += 1;
    }
    best.filter(|(o, c)| c > &(o + 1))
}

/// The items of a bracket's content, split at its top-level commas (a trailing one dropped).
fn split_top(inner: &str) -> Vec<&str> {
    let bytes = inner.as_bytes();
    let (mut depth, mut from, mut out) = (0usize, 0usize, Vec::new());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'"' => i = skip_string(bytes, i),
            b'(' | b'[' | b'{' => depth += 1,
            b')' | b']' | b'}' => depth = depth.saturating_sub(1),
            b',' if depth == 0 => {
                out.push(inner[from..i].trim());
                from = i + 1;
            }
            _ => {}
        }
        i += 1;
    }
    let last = inner[from..].trim();
    if !last.is_empty() {
        out.push(last);
    }
    out
}

/// The index of the closing quote of the string literal opening at `at` ([`py_str`]'s form).
fn skip_string(bytes: &[u8], at: usize) -> usize {
    let mut i = at + 1;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 1,
            b'"' => return i,
            _ => {}
        }
        i += 1;
    }
    i
}
