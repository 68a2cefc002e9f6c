//! `terraform-json` target: the `terraform` configuration in Terraform's JSON syntax.
//!
//! It serialises the same `hcl::Body` values the HCL target renders
//! ([`terraform::config`]), so both targets always describe the same resources.
//! Mapping (developer.hashicorp.com/terraform/language/syntax/json): labelled blocks
//! nest one object per label and merge with their siblings; a nested block without
//! labels is an object, or an array of objects when it repeats; literal strings keep
//! their value with `${` → `$${` and `%{` → `%%{`; any other expression becomes a
//! `"${...}"` template in HCL native syntax, except where Terraform reads a bare
//! expression string (a variable's `type`, `depends_on`).

use anyhow::{bail, Context};
use hcl::expr::{ObjectKey, TemplateExpr};
use hcl::template::{Element, Template};
use hcl::{Body, Expression, Structure};
use serde_json::{Map, Value};

use super::terraform::{self, syntax::unquote_literal};
use super::Artifact;
use crate::graph::ResourceGraph;

pub const PATH: &str = "terraform-json/main.tf.json";

pub fn emit(graph: &ResourceGraph) -> anyhow::Result<Vec<Artifact>> {
    let config = terraform::config(graph)?;
    let document = to_json(&[&config.versions, &config.main, &config.outputs])?;
    Ok(vec![Artifact::new(PATH, render(&document)?)])
}

/// Pretty-printed with two-space indents and a final newline; key order is the
/// order of the HCL bodies (serde_json's `preserve_order`), hence deterministic.
pub fn render(document: &Value) -> anyhow::Result<String> {
    let mut text = serde_json::to_string_pretty(document).context("serialising main.tf.json")?;
    text.push('\n');
    Ok(text)
}

/// One JSON document from several top-level HCL bodies (the files of one module).
pub fn to_json(bodies: &[&Body]) -> anyhow::Result<Value> {
    let mut root = Map::new();
    for body in bodies {
        body_into(&mut root, body, Scope::Root)?;
    }
    Ok(Value::Object(root))
}

/// Where a body sits: attribute names that take a bare expression depend on it.
#[derive(Clone, Copy, PartialEq)]
enum Scope {
    Root,
    Variable,
    Other,
}

fn body_into(out: &mut Map<String, Value>, body: &Body, scope: Scope) -> anyhow::Result<()> {
    for structure in body.iter() {
        match structure {
            Structure::Attribute(attr) => {
                let key = attr.key();
                let value = match (scope, key) {
                    (Scope::Variable, "type") => Value::String(native(attr.expr())?),
                    // Both take bare references: `lifecycle.ignore_changes` holds attribute
                    // paths such as `app_settings["WEBSITE_RUN_FROM_PACKAGE"]` (Terraform JSON
                    // syntax, "lifecycle blocks": each element a string holding the expression).
                    (_, "depends_on" | "ignore_changes") => match attr.expr() {
                        Expression::Array(items) => Value::Array(
                            items
                                .iter()
                                .map(|e| native(e).map(Value::String))
                                .collect::<Result<_, _>>()?,
                        ),
                        other => bail!("`{key}` must be a list, found {other:?}"),
                    },
                    _ => expression(attr.expr()).with_context(|| format!("attribute `{key}`"))?,
                };
                if out.insert(key.to_owned(), value).is_some() {
                    bail!("attribute `{key}` is set twice");
                }
            }
            Structure::Block(block) => {
                let ident = block.identifier();
                let inner_scope = if scope == Scope::Root && ident == "variable" {
                    Scope::Variable
                } else {
                    Scope::Other
                };
                let mut content = Map::new();
                body_into(&mut content, block.body(), inner_scope).with_context(|| format!("block `{ident}`"))?;
                let labels: Vec<&str> = block.labels().iter().map(|l| l.as_str()).collect();
                insert_block(out, ident, &labels, Value::Object(content))?;
            }
        }
    }
    Ok(())
}

fn insert_block(out: &mut Map<String, Value>, ident: &str, labels: &[&str], content: Value) -> anyhow::Result<()> {
    let Some((last, parents)) = labels.split_last() else {
        // No labels: an object, or an array of objects once the block repeats.
        match out.remove(ident) {
            None => {
                out.insert(ident.to_owned(), content);
            }
            Some(Value::Array(mut items)) => {
                items.push(content);
                out.insert(ident.to_owned(), Value::Array(items));
            }
            Some(previous @ Value::Object(_)) => {
                out.insert(ident.to_owned(), Value::Array(vec![previous, content]));
            }
            Some(other) => bail!("`{ident}` is both an attribute ({other}) and a block"),
        }
        return Ok(());
    };
    let mut level = out
        .entry(ident.to_owned())
        .or_insert_with(|| Value::Object(Map::new()))
        .as_object_mut()
        .with_context(|| format!("`{ident}` is both an attribute and a labelled block"))?;
    for label in parents {
        level = level
            .entry((*label).to_owned())
            .or_insert_with(|| Value::Object(Map::new()))
            .as_object_mut()
            .with_context(|| format!("label `{label}` of `{ident}` clashes with an attribute"))?;
    }
    if level.insert((*last).to_owned(), content).is_some() {
        bail!("block `{ident} \"{}\"` is declared twice", labels.join("\" \""));
    }
    Ok(())
}

/// Terraform's JSON escape for literal text: `${` → `$${`, `%{` → `%%{` (the JSON
/// encoder handles quotes and backslashes).
pub fn escape_template(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(ch) = chars.next() {
        out.push(ch);
        if (ch == '$' || ch == '%') && chars.peek() == Some(&'{') {
            out.push(ch);
        }
    }
    out
}

/// HCL native syntax of an expression, on one line (for `${...}` and bare expressions).
fn native(expr: &Expression) -> anyhow::Result<String> {
    use hcl::format::{Format, Formatter};
    let mut formatter = Formatter::builder().compact(true).build(Vec::new());
    expr.format_string(&mut formatter)
        .map_err(|e| anyhow::anyhow!("formatting an expression: {e}"))
}

fn interpolation(expr: &Expression) -> anyhow::Result<String> {
    Ok(format!("${{{}}}", native(expr)?))
}

fn expression(expr: &Expression) -> anyhow::Result<Value> {
    Ok(match expr {
        Expression::Null => Value::Null,
        Expression::Bool(b) => Value::Bool(*b),
        Expression::Number(n) => serde_json::to_value(n).context("a number")?,
        Expression::String(s) => Value::String(escape_template(s)),
        Expression::Array(items) => Value::Array(items.iter().map(expression).collect::<Result<_, _>>()?),
        Expression::Object(object) => {
            let mut map = Map::new();
            for (key, value) in object.iter() {
                let key = match key {
                    ObjectKey::Identifier(ident) => ident.as_str().to_owned(),
                    ObjectKey::Expression(Expression::String(s)) => escape_template(s),
                    ObjectKey::Expression(Expression::TemplateExpr(t)) => template(t)?,
                    ObjectKey::Expression(other) => interpolation(other)?,
                    other => bail!("unsupported object key {other:?}"),
                };
                if map.insert(key.clone(), expression(value)?).is_some() {
                    bail!("object key `{key}` appears twice");
                }
            }
            Value::Object(map)
        }
        Expression::TemplateExpr(t) => Value::String(template(t)?),
        other => Value::String(interpolation(other)?),
    })
}

/// A quoted HCL template as a JSON template string: literal parts lose their HCL
/// backslash escapes and keep marker escapes; interpolations stay `${...}`.
fn template(t: &TemplateExpr) -> anyhow::Result<String> {
    let parsed = Template::from_expr(t).map_err(|e| anyhow::anyhow!("parsing template `{t}`: {e}"))?;
    let mut out = String::new();
    for element in parsed.elements() {
        match element {
            Element::Literal(text) => out.push_str(&escape_template(&unquote_literal(text)?)),
            Element::Interpolation(i) if i.strip == hcl::template::Strip::None => {
                out.push_str(&interpolation(&i.expr)?)
            }
            other => bail!("template element {other:?} has no JSON form in sigc"),
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use std::process::Command;

    use super::*;
    use crate::emit::terraform::syntax::{interp, reference, template as tpl, text};
    use crate::emit::terraform::tests::{hostile_graph, scratch_dir, terraform_binary, write_all, HOSTILE, PLANS};
    use crate::graph::sample::{sample_graph, sample_graph_two_step};
    use crate::verify::azurerm::check_json;

    fn document(graph: &ResourceGraph) -> (String, Value) {
        let files = emit(graph).unwrap();
        assert_eq!(files.len(), 1);
        assert_eq!(files[0].path, PATH);
        let text = files[0].contents.clone();
        let value = serde_json::from_str(&text).expect("main.tf.json is JSON");
        (text, value)
    }

    #[test]
    fn sample_stacks_emit_schema_valid_json() {
        for plan in PLANS {
            let graph = sample_graph(plan);
            let (text, doc) = document(&graph);
            assert_eq!(check_json(&doc), Vec::<String>::new(), "{plan:?}");
            assert!(
                text.starts_with(
                    "{\n  \"terraform\": {\n    \"required_version\": \">= 1.5\",\n    \"required_providers\""
                ),
                "{text}"
            );
            assert!(text.ends_with("}\n") && !text.ends_with("\n\n"));
            let keys: Vec<&String> = doc.as_object().unwrap().keys().collect();
            assert_eq!(keys, ["terraform", "provider", "data", "resource", "output"]);
            assert_eq!(document(&graph).0, text, "deterministic");
        }
    }

    /// Literal text of a JSON template string, or `None` when it interpolates.
    fn literal(json: &str) -> Option<String> {
        if !crate::verify::azurerm::json_string_is_literal(json) {
            return None;
        }
        Some(json.replace("$${", "${").replace("%%{", "%{"))
    }

    /// Compares an HCL expression (parsed back from the HCL target) with its JSON form.
    fn same_expr(path: &str, e: &Expression, j: &Value, diffs: &mut Vec<String>) {
        match (e, j) {
            (Expression::String(s), Value::String(js)) if literal(js).as_deref() == Some(s) => {}
            (Expression::Bool(a), Value::Bool(b)) if a == b => {}
            (Expression::Number(a), Value::Number(b)) if a.to_string() == b.to_string() => {}
            (Expression::Array(a), Value::Array(b)) if a.len() == b.len() => {
                for (n, (x, y)) in a.iter().zip(b).enumerate() {
                    same_expr(&format!("{path}[{n}]"), x, y, diffs);
                }
            }
            (Expression::Object(a), Value::Object(b)) if a.len() == b.len() => {
                for ((k, v), (jk, jv)) in a.iter().zip(b) {
                    let key = match k {
                        ObjectKey::Identifier(i) => i.to_string(),
                        ObjectKey::Expression(Expression::String(s)) => s.clone(),
                        other => other.to_string(),
                    };
                    if literal(jk).as_deref() != Some(key.as_str()) {
                        diffs.push(format!("{path}: key `{key}` vs `{jk}`"));
                    }
                    same_expr(&format!("{path}.{key}"), v, jv, diffs);
                }
            }
            (Expression::String(_) | Expression::Bool(_) | Expression::Number(_), _)
            | (Expression::Array(_) | Expression::Object(_), _) => diffs.push(format!("{path}: {e:?} vs {j}")),
            // Non-literal expressions must stay expressions in JSON.
            (_, Value::String(js)) if literal(js).is_none() || path.ends_with(".type") => {}
            // `depends_on` and `ignore_changes` entries are bare references in JSON (Terraform
            // JSON syntax).
            (Expression::Traversal(_), Value::String(js))
                if (path.contains(".depends_on[") || path.contains(".ignore_changes[")) && *js == e.to_string() => {}
            _ => diffs.push(format!("{path}: {e:?} vs {j}")),
        }
    }

    fn same_body(path: &str, body: &Body, json: &Value, diffs: &mut Vec<String>) {
        let Some(obj) = json.as_object() else {
            diffs.push(format!("{path}: not an object: {json}"));
            return;
        };
        let mut used = std::collections::BTreeSet::new();
        for attr in body.attributes() {
            used.insert(attr.key().to_string());
            match obj.get(attr.key()) {
                Some(j) => same_expr(&format!("{path}.{}", attr.key()), attr.expr(), j, diffs),
                None => diffs.push(format!("{path}.{} is missing in JSON", attr.key())),
            }
        }
        let mut seen: std::collections::BTreeMap<&str, usize> = Default::default();
        for block in body.blocks() {
            let ident = block.identifier();
            used.insert(ident.to_string());
            let mut node = obj.get(ident);
            for label in block.labels() {
                node = node.and_then(|n| n.get(label.as_str()));
            }
            let Some(mut node) = node else {
                diffs.push(format!("{path}.{ident} {:?} is missing in JSON", block.labels()));
                continue;
            };
            if block.labels().is_empty() {
                let count = body.blocks().filter(|b| b.identifier() == ident).count();
                let n = seen.entry(ident).or_default();
                if count > 1 {
                    node = &node[*n];
                }
                *n += 1;
            }
            let labels: String = block.labels().iter().map(|l| format!(".{}", l.as_str())).collect();
            same_body(&format!("{path}.{ident}{labels}"), block.body(), node, diffs);
        }
        for key in obj.keys() {
            if !used.contains(key) && path.matches('.').count() > 0 {
                diffs.push(format!("{path}.{key} exists only in JSON"));
            }
        }
    }

    #[test]
    fn json_and_hcl_describe_the_same_configuration() {
        for graph in PLANS.map(sample_graph).into_iter().chain([hostile_graph()]) {
            let hcl_files = terraform::emit(&graph).unwrap();
            let (_, doc) = document(&graph);
            let mut diffs = Vec::new();
            let mut top = std::collections::BTreeSet::new();
            for file in &hcl_files {
                let body: Body = hcl::from_str(&file.contents).unwrap();
                for block in body.blocks() {
                    top.insert(block.identifier().to_string());
                }
                same_body("", &body, &doc, &mut diffs);
            }
            let json_top: std::collections::BTreeSet<String> = doc.as_object().unwrap().keys().cloned().collect();
            assert_eq!(top, json_top);
            // Every JSON resource is an HCL resource too (the walk above covers the reverse).
            let count = |v: &Value| {
                v.as_object().map_or(0, |types| {
                    types
                        .values()
                        .map(|n| n.as_object().map_or(0, |m| m.len()))
                        .sum::<usize>()
                })
            };
            let main: Body = hcl::from_str(&hcl_files[1].contents).unwrap();
            assert_eq!(
                count(&doc["resource"]),
                main.blocks().filter(|b| b.identifier() == "resource").count()
            );
            assert_eq!(
                count(&doc["data"]),
                main.blocks().filter(|b| b.identifier() == "data").count()
            );
            assert_eq!(diffs, Vec::<String>::new());
        }
    }

    #[test]
    fn hostile_strings_are_escaped_for_json_templates() {
        let (text, doc) = document(&hostile_graph());
        let tags = &doc["resource"]["azurerm_resource_group"]["main"]["tags"];
        assert_eq!(
            tags["note"],
            Value::String("$${jndi} %%{ if } \"quote\" \\ back".into())
        );
        assert_eq!(literal(tags["note"].as_str().unwrap()).as_deref(), Some(HOSTILE));
        assert_eq!(tags["$${key}"], Value::String("v".into()));
        assert!(
            text.contains(r#""note": "$${jndi} %%{ if } \"quote\" \\ back""#),
            "{text}"
        );
        assert_eq!(check_json(&doc), Vec::<String>::new());
    }

    #[test]
    fn escape_template_doubles_only_live_markers() {
        assert_eq!(escape_template("a ${b} %{c} $d %e {f}"), "a $${b} %%{c} $d %e {f}");
        assert_eq!(escape_template("$${x}"), "$$${x}");
        assert_eq!(escape_template("€${"), "€$${");
    }

    #[test]
    fn templates_keep_interpolations_and_lose_hcl_escapes() {
        let expr = tpl(vec![text("a\"b\\ ${c} "), interp(reference("x", &["y"])), text("/z")]).unwrap();
        let body = Body::builder().add_attribute(("v", expr)).build();
        let doc = to_json(&[&body]).unwrap();
        assert_eq!(doc["v"], Value::String("a\"b\\ $${c} ${x.y}/z".into()));
    }

    #[test]
    fn variable_type_is_a_bare_type_expression() {
        let (_, doc) = document(&sample_graph_two_step(crate::graph::FunctionPlan::FC1));
        assert_eq!(
            doc["variable"]["signalr_upstream_enabled"]["type"],
            Value::String("bool".into())
        );
        assert_eq!(
            doc["variable"]["signalr_upstream_enabled"]["default"],
            Value::Bool(false)
        );
    }

    #[test]
    fn terraform_reads_the_json_configuration() {
        let Some(terraform) = terraform_binary() else {
            println!("NOTICE: no terraform binary found (set TERRAFORM); skipping the `terraform providers` test");
            return;
        };
        for plan in PLANS {
            let dir = scratch_dir(&format!("json-{}", plan.sku_name()));
            write_all(&dir, &emit(&sample_graph(plan)).unwrap(), "terraform-json/");
            // `providers` loads and decodes the whole configuration without a provider install.
            let out = Command::new(&terraform)
                .arg(format!("-chdir={}", dir.display()))
                .arg("providers")
                .output()
                .unwrap();
            let stdout = String::from_utf8_lossy(&out.stdout);
            assert!(
                out.status.success(),
                "terraform providers failed: {stdout}{}",
                String::from_utf8_lossy(&out.stderr)
            );
            assert!(
                stdout.contains("provider[registry.terraform.io/hashicorp/azurerm] >= 4.31"),
                "{stdout}"
            );
            let _ = std::fs::remove_dir_all(&dir);
        }
    }
}
