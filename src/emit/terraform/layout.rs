//! Turns hcl-rs's formatter output into the exact layout `terraform fmt` produces.
//!
//! hcl-rs already indents with two spaces and separates blocks with a blank line, but
//! it neither aligns `=` nor writes empty blocks as `{}`. This pass does both, on the
//! same rules as hclwrite's formatter (hashicorp/hcl `hclwrite/format.go`): a line
//! takes part in alignment when its first `=` is followed by a whole expression (no
//! net opening bracket on the rest of the line); a run of such consecutive lines gets
//! its `=` signs lined up one column after the longest key; any other line (blank,
//! block header, closing brace, the opening line of a multi-line value) ends the run.

/// What the lexer found on one line, outside string literals.
struct LineShape {
    /// Byte offset of the first assignment `=` (not `==`, `!=`, `<=`, `>=`, `=>`).
    assign: Option<usize>,
    /// Net bracket depth change from the `=` (or line start) to the end of the line.
    net_after_assign: i32,
    /// Byte offset of a trailing `{` whose only follower is spaces and a `}`.
    empty_braces: Option<usize>,
}

#[derive(Clone, Copy, PartialEq)]
enum Ctx {
    /// Inside a quoted string.
    Str,
    /// Inside `${ ... }` or `%{ ... }` of a string: ends at its `}`.
    Interp,
    /// Inside `{ ... }` of an expression.
    Brace,
}

fn shape(line: &str) -> LineShape {
    let bytes = line.as_bytes();
    let mut stack: Vec<Ctx> = Vec::new();
    let mut assign = None;
    let mut net = 0i32;
    let mut last_open_brace: Option<usize> = None;
    let mut empty_braces = None;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        let in_str = stack.last() == Some(&Ctx::Str);
        if in_str {
            match b {
                b'\\' => i += 1,
                b'$' | b'%' if bytes.get(i + 1) == Some(&b) && bytes.get(i + 2) == Some(&b'{') => i += 2,
                b'$' | b'%' if bytes.get(i + 1) == Some(&b'{') => {
                    stack.push(Ctx::Interp);
                    net += 1;
                    i += 1;
                }
                b'"' => {
                    stack.pop();
                }
                _ => {}
            }
            i += 1;
            continue;
        }
        match b {
            b'"' => stack.push(Ctx::Str),
            b'{' => {
                stack.push(Ctx::Brace);
                net += 1;
                last_open_brace = Some(i);
            }
            b'}' => {
                stack.pop();
                net -= 1;
                if let Some(open) = last_open_brace.take() {
                    let between = &line[open + 1..i];
                    if between.bytes().all(|c| c == b' ') && line[i + 1..].trim().is_empty() {
                        empty_braces = Some(open);
                    }
                }
            }
            b'[' | b'(' => net += 1,
            b']' | b')' => net -= 1,
            b'=' if assign.is_none() => {
                let prev = if i > 0 { bytes[i - 1] } else { b' ' };
                let next = bytes.get(i + 1).copied().unwrap_or(b' ');
                if !matches!(prev, b'=' | b'!' | b'<' | b'>') && !matches!(next, b'=' | b'>') && i > 0 {
                    assign = Some(i);
                    net = 0;
                }
            }
            _ => {}
        }
        if b != b'{' && !b.is_ascii_whitespace() {
            // Anything but spaces between `{` and `}` makes them a non-empty pair.
            if b != b'}' {
                last_open_brace = None;
            }
        }
        i += 1;
    }
    LineShape {
        assign,
        net_after_assign: net,
        empty_braces,
    }
}

/// Display columns of the text left of `=`, as hclwrite counts them (one per char;
/// hclwrite counts grapheme clusters, which differs only for combining marks).
fn columns(lead: &str) -> usize {
    lead.chars().count()
}

/// Applies `terraform fmt`'s alignment and empty-block rules to formatted HCL.
pub fn canonical(text: &str) -> String {
    let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
    let shapes: Vec<LineShape> = lines.iter().map(|l| shape(l)).collect();

    let aligned = |s: &LineShape| s.assign.is_some() && s.net_after_assign == 0;
    let mut i = 0;
    while i < lines.len() {
        if !aligned(&shapes[i]) {
            i += 1;
            continue;
        }
        let start = i;
        while i < lines.len() && aligned(&shapes[i]) {
            i += 1;
        }
        let leads: Vec<(String, String)> = (start..i)
            .map(|n| {
                let at = shapes[n].assign.expect("aligned lines have an `=`");
                (
                    lines[n][..at].trim_end().to_owned(),
                    lines[n][at + 1..].trim_start().to_owned(),
                )
            })
            .collect();
        let width = leads.iter().map(|(lead, _)| columns(lead)).max().unwrap_or(0);
        for (n, (lead, rest)) in (start..i).zip(leads) {
            let pad = width - columns(&lead) + 1;
            lines[n] = format!("{lead}{}= {rest}", " ".repeat(pad));
        }
    }
    for (line, s) in lines.iter_mut().zip(&shapes) {
        if s.assign.is_none() {
            if let Some(open) = s.empty_braces {
                *line = format!("{}{{}}", &line[..open]);
            }
        }
    }
    let mut out = lines.join("\n");
    out.push('\n');
    out
}

/// Puts `#comment` lines (the text after `#` verbatim, on one line) at the top of top-level `resource`/`data` blocks, keyed by
/// address (`azurerm_x.main`, `data.azurerm_x.main`). hcl-rs bodies cannot carry
/// comments, so scanner directives such as `#checkov:skip=CKV_AZURE_1:reason` are
/// added to the rendered text; `terraform fmt` keeps such lines as they are.
pub fn insert_comments(text: &str, comments: &std::collections::BTreeMap<String, Vec<String>>) -> String {
    let mut out = String::with_capacity(text.len());
    for line in text.split_inclusive('\n') {
        let Some((address, empty)) = header_address(line.trim_end()) else {
            out.push_str(line);
            continue;
        };
        let notes = comments.get(&address).map(Vec::as_slice).unwrap_or_default();
        if notes.is_empty() {
            out.push_str(line);
            continue;
        }
        // An empty block (`data "t" "n" {}`) opens up to hold its comments.
        out.push_str(
            line.trim_end()
                .strip_suffix("{}")
                .map(|h| format!("{h}{{"))
                .as_deref()
                .unwrap_or(line.trim_end()),
        );
        out.push('\n');
        for comment in notes {
            let one_line: String = comment.chars().map(|c| if c.is_control() { ' ' } else { c }).collect();
            out.push_str("  #");
            out.push_str(one_line.trim_end());
            out.push('\n');
        }
        if empty {
            out.push_str("}\n");
        }
    }
    out
}

/// The address of a `resource "t" "n" {` / `data "t" "n" {` header line, and whether
/// the block is empty and closed on the same line (`{}`).
fn header_address(line: &str) -> Option<(String, bool)> {
    let (kind, rest) = line.split_once(' ')?;
    if kind != "resource" && kind != "data" {
        return None;
    }
    let (labels, empty) = match (rest.strip_suffix(" {"), rest.strip_suffix(" {}")) {
        (Some(l), _) => (l, false),
        (None, Some(l)) => (l, true),
        (None, None) => return None,
    };
    let labels: Vec<&str> = labels.split(' ').collect();
    let [ty, name] = labels[..] else { return None };
    let unquote = |l: &str| l.strip_prefix('"')?.strip_suffix('"').map(str::to_owned);
    let (ty, name) = (unquote(ty)?, unquote(name)?);
    let address = if kind == "data" {
        format!("data.{ty}.{name}")
    } else {
        format!("{ty}.{name}")
    };
    Some((address, empty))
}

#[cfg(test)]
mod tests {
    use super::canonical;

    #[test]
    fn aligns_runs_of_single_line_attributes() {
        let input = "resource \"a\" \"b\" {\n  name = \"x\"\n  resource_group_name = y.z\n  tags = {\n    \"k\" = \"v\"\n    \"longer\" = \"w\"\n  }\n  after = 1\n\n  sku {\n    name = \"S1\"\n    capacity = 1\n  }\n\n  features {  }\n}\n";
        let want = "resource \"a\" \"b\" {\n  name                = \"x\"\n  resource_group_name = y.z\n  tags = {\n    \"k\"      = \"v\"\n    \"longer\" = \"w\"\n  }\n  after = 1\n\n  sku {\n    name     = \"S1\"\n    capacity = 1\n  }\n\n  features {}\n}\n";
        assert_eq!(canonical(input), want);
    }

    #[test]
    fn strings_and_interpolations_do_not_confuse_the_lexer() {
        let input =
            "x = \"a = { [ $${b} %%{c} \\\" ${d[0]} {  }\"\nlonger = f(\"=\", [1])\ncount = var.on == true ? 1 : 0\n";
        let want = "x      = \"a = { [ $${b} %%{c} \\\" ${d[0]} {  }\"\nlonger = f(\"=\", [1])\ncount  = var.on == true ? 1 : 0\n";
        assert_eq!(canonical(input), want);
    }

    #[test]
    fn comments_go_to_the_top_of_the_named_blocks() {
        let text = "data \"a\" \"b\" {}\n\nresource \"t\" \"main\" {\n  x = 1\n}\n";
        let comments = [("t.main".to_string(), vec!["checkov:skip=CKV_X:why\nnot".to_string()])]
            .into_iter()
            .collect();
        let want = "data \"a\" \"b\" {}\n\nresource \"t\" \"main\" {\n  #checkov:skip=CKV_X:why not\n  x = 1\n}\n";
        assert_eq!(super::insert_comments(text, &comments), want);
        let comments = [("data.a.b".to_string(), vec![" note".to_string()])]
            .into_iter()
            .collect();
        let want = "data \"a\" \"b\" {\n  # note\n}\n\nresource \"t\" \"main\" {\n  x = 1\n}\n";
        assert_eq!(super::insert_comments(text, &comments), want);
    }

    #[test]
    fn multi_line_values_break_the_run() {
        let input = "a = [\n  \"x\",\n]\nbb = 1\nc = 2\n";
        let want = "a = [\n  \"x\",\n]\nbb = 1\nc  = 2\n";
        assert_eq!(canonical(input), want);
    }
}
