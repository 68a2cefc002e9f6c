//! Small constructors over hcl-rs's expression types, so the resource builders read
//! like the HCL they produce without ever assembling HCL text.

use hcl::expr::{Conditional, FuncCall, Object, ObjectKey, TemplateExpr, Traversal, TraversalBuilder, Variable};
use hcl::template::Template;
use hcl::{Expression, Identifier};

/// A user or graph string as a literal. This is the single escaping point of the
/// Terraform targets. A string without template markers is an `Expression::String`,
/// which hcl-rs quotes and escapes. A string with `${` or `%{` is written as a quoted
/// template whose literal is escaped by [`quoted_literal`]: hcl-rs's own marker
/// escaping (hcl-primitives 0.1.13 `escape_markers`) skips the character after a lone
/// `$` or `%`, so `%${x}` would stay a live interpolation.
pub fn lit(s: &str) -> Expression {
    if s.contains("${") || s.contains("%{") {
        Expression::TemplateExpr(Box::new(TemplateExpr::QuotedString(quoted_literal(s))))
    } else {
        Expression::String(s.to_owned())
    }
}

pub fn num(n: u32) -> Expression {
    Expression::from(n)
}

pub fn bool(b: bool) -> Expression {
    Expression::Bool(b)
}

/// A list of literal strings.
pub fn strings(items: &[String]) -> Expression {
    Expression::Array(items.iter().map(|s| lit(s)).collect())
}

/// The start of a reference such as `azurerm_resource_group.main.name`.
pub fn root(name: &str) -> TraversalBuilder {
    Traversal::builder(Variable::unchecked(name))
}

/// `root.a.b.c` as an expression.
pub fn reference(root_name: &str, path: &[&str]) -> Expression {
    path.iter()
        .fold(root(root_name), |t, attr| t.attr(*attr))
        .build()
        .into()
}

/// `var.<name>`.
pub fn var(name: &str) -> Expression {
    reference("var", &[name])
}

/// A bare keyword such as the type `bool` in a variable declaration.
pub fn keyword(name: &str) -> Expression {
    Expression::Variable(Variable::unchecked(name))
}

pub fn call(name: &str, args: Vec<Expression>) -> Expression {
    args.into_iter()
        .fold(FuncCall::builder(name), |b, arg| b.arg(arg))
        .build()
        .into()
}

pub fn cond(test: Expression, then: Expression, otherwise: Expression) -> Expression {
    Conditional::new(test, then, otherwise).into()
}

/// An object whose keys are user strings: always quoted, so any key is valid HCL.
pub fn string_map<'a>(entries: impl IntoIterator<Item = (&'a String, &'a String)>) -> Expression {
    let mut object = Object::new();
    for (key, value) in entries {
        object.insert(ObjectKey::Expression(lit(key)), lit(value));
    }
    Expression::Object(object)
}

/// An object with fixed identifier keys (`source`, `version`).
pub fn ident_object(entries: Vec<(&str, Expression)>) -> Expression {
    let mut object = Object::new();
    for (key, value) in entries {
        object.insert(ObjectKey::Identifier(Identifier::unchecked(key)), value);
    }
    Expression::Object(object)
}

/// One piece of a string template.
pub enum Part {
    Lit(String),
    Expr(Expression),
}

pub fn text(s: &str) -> Part {
    Part::Lit(s.to_owned())
}

pub fn interp(expr: Expression) -> Part {
    Part::Expr(expr)
}

/// A quoted string template (`"https://${...}/api"`): each interpolation is rendered
/// by hcl-rs, each literal part is escaped by [`quoted_literal`] (not by hcl-rs, whose
/// marker escaping is unreliable: see [`lit`]).
pub fn template(parts: Vec<Part>) -> anyhow::Result<Expression> {
    let mut raw = String::new();
    for part in parts {
        match part {
            Part::Lit(s) => raw.push_str(&quoted_literal(&s)),
            Part::Expr(e) => {
                let one = Template::new().add_interpolation(e);
                let text =
                    hcl::format::to_string(&one).map_err(|e| anyhow::anyhow!("formatting a string template: {e}"))?;
                raw.push_str(&text);
            }
        }
    }
    Ok(Expression::TemplateExpr(Box::new(TemplateExpr::QuotedString(raw))))
}

/// Escapes text for the inside of an HCL quoted template: backslash, quote and
/// control characters as backslash escapes, and every template marker doubled
/// (`${` → `$${`, `%{` → `%%{`), looking at each `$`/`%` without consuming what follows.
pub fn quoted_literal(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(ch) = chars.next() {
        if (ch == '$' || ch == '%') && chars.peek() == Some(&'{') {
            out.push(ch);
        }
        match ch {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out
}

/// Reverses [`quoted_literal`] (and every other HCL quoted-string escape) for a template
/// literal read back from hcl-rs, which keeps the escapes of template literals raw.
pub fn unquote_literal(s: &str) -> anyhow::Result<String> {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(ch) = chars.next() {
        if ch != '\\' {
            out.push(ch);
            continue;
        }
        match chars.next() {
            Some('\\') => out.push('\\'),
            Some('"') => out.push('"'),
            Some('n') => out.push('\n'),
            Some('r') => out.push('\r'),
            Some('t') => out.push('\t'),
            Some(u @ ('u' | 'U')) => {
                let len = if u == 'u' { 4 } else { 8 };
                let hex: String = chars.by_ref().take(len).collect();
                let code = (hex.len() == len)
                    .then(|| u32::from_str_radix(&hex, 16).ok())
                    .flatten()
                    .and_then(char::from_u32)
                    .ok_or_else(|| anyhow::anyhow!("invalid escape `\\{u}{hex}` in a template literal"))?;
                out.push(code);
            }
            other => anyhow::bail!("invalid escape `\\{}` in a template literal", other.unwrap_or(' ')),
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn template_literals_round_trip_through_hcl() {
        let nasty = "a\"b\\c ${x} %{ if } \t\u{1}";
        let expr = template(vec![
            text(nasty),
            interp(reference("azurerm_x", &["main", "id"])),
            text("/z"),
        ])
        .unwrap();
        let Expression::TemplateExpr(t) = &expr else {
            panic!("a template expression")
        };
        let parsed = Template::from_expr(t).unwrap();
        let hcl::template::Element::Literal(first) = &parsed.elements()[0] else {
            panic!("a literal first")
        };
        assert_eq!(unquote_literal(first).unwrap(), nasty);
        // And the whole attribute parses back as HCL.
        let body = hcl::Body::builder().add_attribute(("x", expr)).build();
        let text = hcl::format::to_string(&body).unwrap();
        let back: hcl::Body = hcl::from_str(&text).unwrap();
        assert_eq!(back.attributes().count(), 1);
    }

    #[test]
    fn markers_after_a_lone_dollar_or_percent_are_escaped() {
        for (input, want) in [
            ("${} %${path.cwd}", "$${} %$${path.cwd}"),
            ("${$${", "$${$$${"),
            ("$%{ if }", "$%%{ if }"),
            ("%%{", "%%%{"),
            ("no markers $ % {", "no markers $ % {"),
        ] {
            assert_eq!(quoted_literal(input), want, "{input}");
            // And it reads back as the input through hcl-rs.
            let body = hcl::Body::builder().add_attribute(("x", lit(input))).build();
            let text = hcl::format::to_string(&body).unwrap();
            let back: hcl::Body = hcl::from_str(&text).unwrap();
            let value = back.attributes().next().unwrap().expr().clone();
            let literal = match value {
                Expression::String(s) => s,
                Expression::TemplateExpr(t) => {
                    let parsed = Template::from_expr(&t).unwrap();
                    parsed
                        .elements()
                        .iter()
                        .map(|e| match e {
                            hcl::template::Element::Literal(l) => unquote_literal(l).unwrap(),
                            other => panic!("{input}: live template element {other:?} in {text}"),
                        })
                        .collect()
                }
                other => panic!("{other:?}"),
            };
            assert_eq!(literal, input, "{text}");
        }
    }

    #[test]
    fn unquote_rejects_bad_escapes() {
        assert!(unquote_literal("\\q").is_err());
        assert!(unquote_literal("\\u12").is_err());
        assert_eq!(unquote_literal("\\u00e9\\U0001F600").unwrap(), "é😀");
    }
}
