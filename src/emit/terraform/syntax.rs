//! Small constructors over hcl-rs's expression types, so the resource builders read
//! like the HCL they produce without ever assembling HCL text.

use hcl::expr::{
    Conditional, FuncCall, Object, ObjectKey, TemplateExpr, Traversal, TraversalBuilder, Variable,
};
use hcl::template::Template;
use hcl::{Expression, Identifier};

/// A user or graph string as a literal. This is the single escaping point of the
/// Terraform targets: hcl-rs's formatter escapes quotes, backslashes and control
/// characters and doubles the template markers (`${` → `$${`, `%{` → `%%{`), and the
/// JSON serialisation applies the same marker rule to `Expression::String`.
pub fn lit(s: &str) -> Expression {
    Expression::String(s.to_owned())
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

/// A quoted string template (`"https://${...}/api"`), built from hcl-rs template
/// elements and rendered by hcl-rs; literal parts are escaped by [`quoted_literal`].
pub fn template(parts: Vec<Part>) -> anyhow::Result<Expression> {
    let mut tpl = Template::new();
    for part in parts {
        tpl = match part {
            Part::Lit(s) => tpl.add_literal(quoted_literal(&s)),
            Part::Expr(e) => tpl.add_interpolation(e),
        };
    }
    let raw = hcl::format::to_string(&tpl)
        .map_err(|e| anyhow::anyhow!("formatting a string template: {e}"))?;
    Ok(Expression::TemplateExpr(Box::new(
        TemplateExpr::QuotedString(raw),
    )))
}

/// Escapes a template literal for a quoted string. hcl-rs escapes only the template
/// markers in template literals (not quotes or backslashes, unlike plain strings), so
/// the rest of HCL's quoted-string escaping happens here.
pub fn quoted_literal(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
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
                    .ok_or_else(|| {
                        anyhow::anyhow!("invalid escape `\\{u}{hex}` in a template literal")
                    })?;
                out.push(code);
            }
            other => anyhow::bail!(
                "invalid escape `\\{}` in a template literal",
                other.unwrap_or(' ')
            ),
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
    fn unquote_rejects_bad_escapes() {
        assert!(unquote_literal("\\q").is_err());
        assert!(unquote_literal("\\u12").is_err());
        assert_eq!(unquote_literal("\\u00e9\\U0001F600").unwrap(), "é😀");
    }
}
