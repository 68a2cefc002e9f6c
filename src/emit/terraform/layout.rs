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
                b'$' | b'%' if bytes.get(i + 1) == Some(&b) && bytes.get(i + 2) == Some(&b'{') => {
                    i += 2
                }
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
                if !matches!(prev, b'=' | b'!' | b'<' | b'>')
                    && !matches!(next, b'=' | b'>')
                    && i > 0
                {
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
        let width = leads
            .iter()
            .map(|(lead, _)| columns(lead))
            .max()
            .unwrap_or(0);
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
        let input = "x = \"a = { [ $${b} %%{c} \\\" ${d[0]} {  }\"\nlonger = f(\"=\", [1])\ncount = var.on == true ? 1 : 0\n";
        let want = "x      = \"a = { [ $${b} %%{c} \\\" ${d[0]} {  }\"\nlonger = f(\"=\", [1])\ncount  = var.on == true ? 1 : 0\n";
        assert_eq!(canonical(input), want);
    }

    #[test]
    fn multi_line_values_break_the_run() {
        let input = "a = [\n  \"x\",\n]\nbb = 1\nc = 2\n";
        let want = "a = [\n  \"x\",\n]\nbb = 1\nc  = 2\n";
        assert_eq!(canonical(input), want);
    }
}
