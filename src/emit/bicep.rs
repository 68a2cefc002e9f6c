//! Bicep target: `bicep/main.bicep` (subscription scope: the resource group and one
//! module call) and `bicep/stack.bicep` (every resource of the stack, in the group),
//! printed from the ARM-shaped lowering ([`super::arm_model`]).
//!
//! The file layout comes from the minijinja templates `modules/bicep/main.bicep.j2` and
//! `stack.bicep.j2`, embedded in the binary; the declarations in them are printed here
//! from the IR. Every string of the IR reaches the output through [`bicep_str`] (or
//! [`bicep_key`] for an object key, [`bicep_comment`] for a comment), so a name or tag
//! cannot break out of its string literal or inject an interpolation.

use std::fmt::Write as _;
use std::sync::OnceLock;

use anyhow::{bail, Context};
use minijinja::value::ValueKind;
use minijinja::{Environment, Error, ErrorKind, Output, State, Value};
use serde::Serialize;

use super::arm_model::{self, Expr, Item, Node, Ref, ResName, Resource, Scope, Stack, Template};
use super::templates::is_identifier;
use super::{checkov, Artifact, Target};
use crate::graph::ResourceGraph;

/// The layout templates in `modules/bicep/`.
const TEMPLATES: &[(&str, &str)] = &[
    ("bicep/main.bicep.j2", include_str!("../../modules/bicep/main.bicep.j2")),
    (
        "bicep/stack.bicep.j2",
        include_str!("../../modules/bicep/stack.bicep.j2"),
    ),
    (
        "bicep/module.bicep.j2",
        include_str!("../../modules/bicep/module.bicep.j2"),
    ),
];

/// Emits `bicep/main.bicep`, `bicep/stack.bicep` and one module file per template the
/// stack calls (`bicep/role_assignment_<kind>.bicep`), in file-name order.
pub fn emit(graph: &ResourceGraph) -> anyhow::Result<Vec<Artifact>> {
    let stack = arm_model::lower(graph).context("lowering the stack to the ARM model")?;
    render(&View::new(&stack, graph)?)
}

fn render(view: &View) -> anyhow::Result<Vec<Artifact>> {
    let env = environment()?;
    let mut artifacts = Vec::with_capacity(2);
    for (template, path) in [
        ("bicep/main.bicep.j2", "bicep/main.bicep"),
        ("bicep/stack.bicep.j2", "bicep/stack.bicep"),
    ] {
        let text = env
            .get_template(template)
            .and_then(|t| t.render(view))
            .map_err(|e| anyhow::anyhow!("{e:#}"))
            .with_context(|| format!("rendering {path}"))?;
        artifacts.push(Artifact::new(path, text));
    }
    let module = env
        .get_template("bicep/module.bicep.j2")
        .map_err(|e| anyhow::anyhow!("{e:#}"))?;
    for m in &view.modules {
        let text = module
            .render(minijinja::context! { m => m })
            .map_err(|e| anyhow::anyhow!("{e:#}"))
            .with_context(|| format!("rendering bicep/{}", m.file))?;
        artifacts.push(Artifact::new(format!("bicep/{}", m.file), text));
    }
    Ok(artifacts)
}

/// The one template environment of this target, built once per process.
fn environment() -> anyhow::Result<&'static Environment<'static>> {
    static ENV: OnceLock<Result<Environment<'static>, String>> = OnceLock::new();
    ENV.get_or_init(|| {
        let mut env = super::templates::strict_environment();
        env.set_formatter(format_value);
        // Filter results are marked safe: the formatter prints them as they are.
        env.add_filter("bicep_str", |s: &str| Value::from_safe_string(bicep_str(s)));
        env.add_filter("bicep_key", |s: &str| Value::from_safe_string(bicep_key(s)));
        env.add_filter("bicep_num", |n: f64| Value::from_safe_string(bicep_num(n)));
        env.add_filter("bicep_comment", |s: &str| Value::from_safe_string(bicep_comment(s)));
        env.add_filter("bicep_list", |items: Vec<String>, pad: &str| {
            Value::from_safe_string(bicep_list(&items, pad))
        });
        for (name, source) in TEMPLATES {
            env.add_template(name, source)
                .map_err(|e| format!("template {name}: {e:#}"))?;
        }
        Ok(env)
    })
    .as_ref()
    .map_err(|e| anyhow::anyhow!("loading the Bicep templates: {e}"))
}

/// Prints `{{ ... }}` values as Bicep tokens, and refuses anything that could be a
/// raw user string: a string prints only if a `bicep_*` filter made it (marked
/// safe) or it is a plain identifier (a symbol). Booleans print as `true`/`false`
/// (minijinja's default is Python's `True`), integers as digits.
fn format_value(out: &mut Output, _state: &State, value: &Value) -> Result<(), Error> {
    let text = match value.kind() {
        ValueKind::Bool => if value.is_true() { "true" } else { "false" }.to_string(),
        ValueKind::Number if i64::try_from(value.clone()).is_ok() => value.to_string(),
        ValueKind::String if value.is_safe() || value.as_str().is_some_and(is_identifier) => value.to_string(),
        _ => {
            return Err(Error::new(
                ErrorKind::InvalidOperation,
                format!("{value:?} is not a Bicep token: pass it through bicep_str"),
            ))
        }
    };
    out.write_str(&text).map_err(Error::from)
}

/// Quotes `s` as a Bicep string literal: `'...'` with `\\`, `\'`, `\${`, `\n`, `\r`,
/// `\t` and every other control character as `\u{..}`. This is the only way a user
/// string enters Bicep output (inside an interpolated string too: [`escape_into`]).
pub fn bicep_str(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('\'');
    escape_into(&mut out, s);
    out.push('\'');
    out
}

/// The body of a Bicep string literal, without its quotes.
fn escape_into(out: &mut String, s: &str) {
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\'' => out.push_str("\\'"),
            // `${` opens an interpolation; a lone `$` is literal already.
            '$' if chars.peek() == Some(&'{') => out.push_str("\\$"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{{{:X}}}", u32::from(c));
            }
            c => out.push(c),
        }
    }
}

/// Text for a `//` line comment: every control character (a line break would end the
/// comment and let the rest through as code) becomes a space.
fn bicep_comment(s: &str) -> String {
    s.chars().map(|c| if c.is_control() { ' ' } else { c }).collect()
}

/// An object key: bare when it is a plain identifier, else a [`bicep_str`] literal.
fn bicep_key(s: &str) -> String {
    if is_identifier(s) && !matches!(s, "true" | "false" | "null") {
        s.to_string()
    } else {
        bicep_str(s)
    }
}

/// Bicep has integer literals only; a fractional number goes through `json()`.
fn bicep_num(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 9.0e15 {
        format!("{}", n as i64)
    } else {
        format!("json({})", bicep_str(&n.to_string()))
    }
}

/// An array of string literals that starts on a line indented by `pad`.
fn bicep_list(items: &[String], pad: &str) -> String {
    if items.is_empty() {
        return "[]".to_string();
    }
    let mut out = String::from("[\n");
    for item in items {
        let _ = writeln!(out, "{pad}  {}", bicep_str(item));
    }
    out.push_str(pad);
    out.push(']');
    out
}

// ---- printing the IR ----

/// Prints the IR of one stack as Bicep declarations and expressions.
pub struct Printer<'a> {
    scope: Scope<'a>,
}

fn pad(indent: usize) -> String {
    " ".repeat(indent)
}

impl<'a> Printer<'a> {
    pub fn new(stack: &'a Stack) -> Self {
        Printer { scope: stack.scope() }
    }

    fn sym(&self, key: Ref) -> anyhow::Result<&'a str> {
        Ok(self.scope.get(key)?.symbol.as_str())
    }

    /// An expression that starts on a line indented by `indent` (objects and arrays
    /// built in it continue on the lines below).
    pub fn expr(&self, e: &Expr, indent: usize) -> anyhow::Result<String> {
        Ok(match e {
            Expr::Str(s) => bicep_str(s),
            Expr::Int(n) => n.to_string(),
            Expr::Bool(b) => b.to_string(),
            Expr::Param(name) | Expr::Var(name) => name.to_string(),
            Expr::Id(key) => format!("{}.id", self.sym(*key)?),
            Expr::Name(key) => format!("{}.name", self.sym(*key)?),
            Expr::Prop(key, path) => format!("{}.properties.{path}", self.sym(*key)?),
            Expr::PrincipalId(key) => format!("{}.identity.principalId", self.sym(*key)?),
            Expr::ListKeys(key, path) => format!("{}.listKeys(){path}", self.sym(*key)?),
            Expr::ChildId { of, ty, name } => {
                let tail = format!("/{ty}/{name}");
                self.interpolated(vec![Piece::Expr(&Expr::Id(*of)), Piece::Text(&tail)], indent)?
            }
            Expr::Member(e, path) => format!("{}.{path}", self.expr(e, indent)?),
            Expr::Index(e, key) => format!("{}[{}]", self.expr(e, indent)?, self.expr(key, indent)?),
            Expr::Call(name, args) => {
                let args: Vec<String> = args
                    .iter()
                    .map(|a| self.expr(a, indent))
                    .collect::<anyhow::Result<_>>()?;
                format!("{name}({})", args.join(", "))
            }
            Expr::Builtin(text) => text.to_string(),
            Expr::Concat(parts) => self.interpolated(parts.iter().map(Piece::Expr).collect(), indent)?,
            Expr::Format(pattern, args) => self.interpolated(format_pieces(pattern, args)?, indent)?,
            Expr::If(c, a, b) => format!(
                "{} ? {} : {}",
                self.expr(c, indent)?,
                self.expr(a, indent)?,
                self.expr(b, indent)?
            ),
            Expr::Object(fields) => {
                let fields: Vec<(&str, Field)> = fields.iter().map(|(k, v)| (k.as_str(), Field::Expr(v))).collect();
                self.object(&fields, indent)?
            }
            Expr::Array(items) => {
                let items: Vec<Field> = items.iter().map(Field::Expr).collect();
                self.array(&items, indent)?
            }
        })
    }

    /// One interpolated string: literal pieces escaped, the rest as `${...}`.
    fn interpolated(&self, pieces: Vec<Piece>, indent: usize) -> anyhow::Result<String> {
        let mut out = String::from("'");
        for piece in pieces {
            match piece {
                Piece::Text(s) => escape_into(&mut out, s),
                Piece::Expr(Expr::Str(s)) => escape_into(&mut out, s),
                Piece::Expr(e) => {
                    out.push_str("${");
                    out.push_str(&self.expr(e, indent)?);
                    out.push('}');
                }
            }
        }
        out.push('\'');
        Ok(out)
    }

    fn field(&self, f: &Field, indent: usize) -> anyhow::Result<String> {
        match f {
            Field::Expr(e) => self.expr(e, indent),
            Field::Node(n) => self.node(n, indent),
        }
    }

    fn object(&self, fields: &[(&str, Field)], indent: usize) -> anyhow::Result<String> {
        if fields.is_empty() {
            return Ok("{}".into());
        }
        let mut out = String::from("{\n");
        for (k, v) in fields {
            let _ = writeln!(
                out,
                "{}{}: {}",
                pad(indent + 2),
                bicep_key(k),
                self.field(v, indent + 2)?
            );
        }
        out.push_str(&pad(indent));
        out.push('}');
        Ok(out)
    }

    fn array(&self, items: &[Field], indent: usize) -> anyhow::Result<String> {
        if items.is_empty() {
            return Ok("[]".into());
        }
        let mut out = String::from("[\n");
        for item in items {
            let _ = writeln!(out, "{}{}", pad(indent + 2), self.field(item, indent + 2)?);
        }
        out.push_str(&pad(indent));
        out.push(']');
        Ok(out)
    }

    pub fn node(&self, n: &Node, indent: usize) -> anyhow::Result<String> {
        Ok(match n {
            Node::Str(s) => bicep_str(s),
            Node::Bool(b) => b.to_string(),
            Node::Int(i) => i.to_string(),
            Node::Num(x) => bicep_num(*x),
            Node::Array(items) => {
                let items: Vec<Field> = items.iter().map(Field::Node).collect();
                self.array(&items, indent)?
            }
            Node::Object(fields) => {
                let fields: Vec<(&str, Field)> = fields.iter().map(|(k, v)| (k.as_str(), Field::Node(v))).collect();
                self.object(&fields, indent)?
            }
            Node::Expr(e) => self.expr(e, indent)?,
        })
    }

    /// One declaration, with its comments and checkov skips.
    fn resource(&self, r: &Resource, graph: &ResourceGraph) -> anyhow::Result<String> {
        let mut out = String::new();
        for line in &r.comments {
            let _ = writeln!(out, "// {}", bicep_comment(line));
        }
        if let Some(call) = &r.module {
            let template = self
                .scope
                .stack
                .templates
                .get(call.template)
                .context("a module calls a template the stack does not have")?;
            let _ = writeln!(out, "module {} {} = {{", r.symbol, bicep_str(&template.file));
            let ResName::Top(name) = &r.name else {
                bail!("module {} has a fixed deployment name", r.symbol)
            };
            let _ = writeln!(out, "  name: {}", bicep_str(name));
            if let Some((subscription, group)) = &call.target {
                let _ = writeln!(
                    out,
                    "  scope: resourceGroup({}, {})",
                    bicep_str(subscription),
                    bicep_str(group)
                );
            }
            let params: Vec<(&str, Field)> = call.params.iter().map(|(k, v)| (*k, Field::Expr(v))).collect();
            let _ = writeln!(out, "  params: {}", self.object(&params, 2)?);
            self.explicit_depends_on(r, &mut out)?;
            out.push('}');
            return Ok(out);
        }
        let _ = write!(out, "resource {} '{}@{}' ", r.symbol, r.ty, r.api);
        if r.existing {
            out.push_str("existing ");
        }
        out.push_str("= ");
        if let Some(condition) = &r.condition {
            let _ = write!(out, "if ({}) ", self.expr(condition, 0)?);
        }
        out.push_str("{\n");
        if let Some(node) = r.node().and_then(|id| graph.get(id)) {
            for skip in checkov::skips(node, graph, Target::Bicep) {
                let _ = writeln!(out, "  // {}", bicep_comment(&skip.directive()));
            }
        }
        for skip in &r.skips {
            let _ = writeln!(out, "  // {}", bicep_comment(&skip.directive()));
        }
        let mut line = |key: &str, value: String| {
            let _ = writeln!(out, "  {key}: {value}");
        };
        match &r.name {
            ResName::Top(name) => line("name", bicep_str(name)),
            ResName::Child { parent, name } => {
                line("parent", self.sym(*parent)?.to_string());
                line("name", bicep_str(name));
            }
            ResName::Path { owner, rest } => {
                let mut path = String::new();
                for segment in rest {
                    path.push('/');
                    path.push_str(segment);
                }
                let name = self.interpolated(vec![Piece::Expr(&Expr::Name(*owner)), Piece::Text(&path)], 2)?;
                line("name", name);
            }
            ResName::Computed(e) => line("name", self.expr(e, 2)?),
        }
        if let Some(scope) = r.scope {
            line("scope", self.sym(scope)?.to_string());
        }
        if let Some(location) = &r.location {
            line("location", self.expr(location, 2)?);
        }
        if let Some(tags) = r.tags.as_ref().filter(|t| !t.is_empty()) {
            let node = Node::Object(tags.iter().map(|(k, v)| (k.clone(), Node::str(v))).collect());
            line("tags", self.node(&node, 2)?);
        }
        for (key, node) in [("sku", &r.sku), ("kind", &r.kind), ("identity", &r.identity)] {
            if let Some(node) = node {
                line(key, self.node(node, 2)?);
            }
        }
        // An empty `properties` says nothing in Bicep.
        if let Some(node) = r.properties.as_ref().filter(|n| **n != Node::Object(Vec::new())) {
            line("properties", self.node(node, 2)?);
        }
        self.explicit_depends_on(r, &mut out)?;
        out.push('}');
        Ok(out)
    }

    /// Bicep orders what a declaration references by itself; the rest is explicit.
    fn explicit_depends_on(&self, r: &Resource, out: &mut String) -> anyhow::Result<()> {
        let mut implied = r.references();
        implied.extend(self.scope.ancestors(r)?);
        let explicit: Vec<&str> = r
            .depends_on
            .iter()
            .filter(|d| !implied.contains(d))
            .map(|d| self.sym(*d))
            .collect::<anyhow::Result<_>>()?;
        if !explicit.is_empty() {
            out.push_str("  dependsOn: [\n");
            for sym in explicit {
                let _ = writeln!(out, "    {sym}");
            }
            out.push_str("  ]\n");
        }
        Ok(())
    }
}

/// A piece of an interpolated string.
enum Piece<'e> {
    /// sigc's own text (a format pattern's, a name path's).
    Text(&'e str),
    Expr(&'e Expr),
}

/// A value in an object or array: structure or expression.
enum Field<'e> {
    Node(&'e Node),
    Expr(&'e Expr),
}

/// A `{0}`-style pattern split into its text and its arguments.
fn format_pieces<'e>(pattern: &'e str, args: &'e [Expr]) -> anyhow::Result<Vec<Piece<'e>>> {
    let mut pieces = Vec::new();
    let mut rest = pattern;
    while let Some(open) = rest.find('{') {
        let close = rest[open..].find('}').context("an unclosed `{` in a format pattern")? + open;
        let index: usize = rest[open + 1..close].parse().context("a format placeholder is `{n}`")?;
        let arg = args.get(index).context("a format placeholder without its argument")?;
        if open > 0 {
            pieces.push(Piece::Text(&rest[..open]));
        }
        pieces.push(Piece::Expr(arg));
        rest = &rest[close + 1..];
    }
    if !rest.is_empty() {
        pieces.push(Piece::Text(rest));
    }
    Ok(pieces)
}

// ---- the view the layout templates see ----

/// Pre-printed Bicep (safe strings) and the few facts the layout needs.
#[derive(Serialize)]
struct View {
    location: String,
    params: Vec<ParamView>,
    /// The resource group's declaration (in main.bicep).
    resource_group: Value,
    resource_group_symbol: String,
    /// Stack declarations in dependency order: resources, existing ones and variables.
    items: Vec<Value>,
    /// `output ...` lines of stack.bicep.
    outputs: Vec<Value>,
    /// The module files, in file-name order.
    modules: Vec<ModuleView>,
}

/// One module file: its header comment, parameters and declarations, pre-printed.
#[derive(Serialize)]
struct ModuleView {
    file: String,
    comments: Vec<String>,
    params: Vec<ParamView>,
    items: Vec<Value>,
}

#[derive(Serialize)]
struct ParamView {
    name: &'static str,
    ty: &'static str,
    /// ` = <value>`, or nothing.
    default: Value,
    description: String,
}

fn params(p: &Printer, params: &[arm_model::Param]) -> anyhow::Result<Vec<ParamView>> {
    params
        .iter()
        .map(|param| {
            let default = match &param.default {
                Some(node) => format!(" = {}", p.node(node, 0)?),
                None => String::new(),
            };
            Ok(ParamView {
                name: param.name,
                ty: param.ty,
                default: Value::from_safe_string(default),
                description: param.description.clone(),
            })
        })
        .collect()
}

fn items(p: &Printer, items: &[Item], graph: &ResourceGraph) -> anyhow::Result<Vec<Value>> {
    let mut out = Vec::new();
    for item in items {
        let text = match item {
            Item::Resource(r) => p.resource(r, graph).with_context(|| format!("printing {}", r.symbol))?,
            Item::Var(v) => format!("var {} = {}", v.name, p.expr(&v.value, 0)?),
        };
        out.push(Value::from_safe_string(text));
    }
    Ok(out)
}

fn module_view(stack: &Stack, template: &Template, graph: &ResourceGraph) -> anyhow::Result<ModuleView> {
    let p = Printer {
        scope: Scope {
            stack,
            locals: &template.items,
        },
    };
    Ok(ModuleView {
        file: template.file.clone(),
        comments: template.comments.clone(),
        params: params(&p, &template.params)?,
        items: items(&p, &template.items, graph)?,
    })
}

impl View {
    fn new(stack: &Stack, graph: &ResourceGraph) -> anyhow::Result<View> {
        let p = Printer::new(stack);
        let outputs = stack
            .outputs
            .iter()
            .map(|o| {
                Ok(Value::from_safe_string(format!(
                    "output {} {} = {}",
                    o.name,
                    o.ty,
                    p.expr(&o.value, 0)?
                )))
            })
            .collect::<anyhow::Result<_>>()?;
        let rg = &stack.resource_group;
        if rg.symbol.is_empty() {
            bail!("the resource group has no symbol");
        }
        let mut modules = stack
            .templates
            .iter()
            .map(|t| module_view(stack, t, graph))
            .collect::<anyhow::Result<Vec<_>>>()?;
        modules.sort_by(|a, b| a.file.cmp(&b.file));
        Ok(View {
            location: stack.location.clone(),
            params: params(&p, &stack.params)?,
            resource_group: Value::from_safe_string(p.resource(rg, graph)?),
            resource_group_symbol: rg.symbol.clone(),
            items: items(&p, &stack.items, graph)?,
            outputs,
            modules,
        })
    }
}

#[cfg(test)]
mod tests {
    use std::collections::{BTreeMap, BTreeSet};

    use super::*;
    use crate::emit::arm_model::symbol;
    use crate::graph::sample::{sample_graph, sample_graph_two_step};
    use crate::graph::{dependencies, FunctionPlan, ResId, Settings};

    /// Reverses [`bicep_str`] the way Bicep reads a literal, to prove the round trip.
    fn unescape_bicep(lit: &str) -> String {
        let inner = lit
            .strip_prefix('\'')
            .and_then(|s| s.strip_suffix('\''))
            .expect("quoted");
        let mut out = String::new();
        let mut chars = inner.chars();
        while let Some(c) = chars.next() {
            assert_ne!(c, '\'', "unescaped quote in {lit}");
            if c == '$' {
                assert_ne!(chars.clone().next(), Some('{'), "live interpolation in {lit}");
            }
            if c != '\\' {
                out.push(c);
                continue;
            }
            match chars.next().expect("escape has a second char") {
                '\\' => out.push('\\'),
                '\'' => out.push('\''),
                '$' => out.push('$'),
                'n' => out.push('\n'),
                'r' => out.push('\r'),
                't' => out.push('\t'),
                'u' => {
                    assert_eq!(chars.next(), Some('{'));
                    let hex: String = chars.by_ref().take_while(|&c| c != '}').collect();
                    out.push(char::from_u32(u32::from_str_radix(&hex, 16).expect("hex")).expect("scalar"));
                }
                other => panic!("unknown escape \\{other} in {lit}"),
            }
        }
        out
    }

    #[test]
    fn bicep_str_round_trips_tricky_strings() {
        for s in [
            "it's ${x} \\ \n",
            "",
            "plain",
            "$ alone, $${double}, {braces}",
            "tab\there\r\nline",
            "\u{0}\u{1b}[31m\u{7f}\u{85}",
            "naïve 名前 🚀",
            "'''",
            "\\${not}",
        ] {
            let lit = bicep_str(s);
            assert!(!lit.chars().any(|c| c.is_control()), "raw control char in {lit:?}");
            assert_eq!(unescape_bicep(&lit), s, "literal {lit}");
        }
        assert_eq!(bicep_str("it's ${x} \\ \n"), r"'it\'s \${x} \\ \n'");
    }

    #[test]
    fn raw_strings_cannot_reach_the_output() {
        let env = environment().expect("templates load");
        let render = |src: &str, x: Value| env.render_str(src, minijinja::context! { x => x });
        assert!(render("{{ x }}", Value::from("it's")).is_err());
        assert!(render("{{ x }}", Value::from("a b")).is_err());
        assert!(render("{{ x }}", Value::from(0.5)).is_err());
        assert!(render("{{ x }}", Value::from(())).is_err());
        assert!(render("{{ y }}", Value::from(1)).is_err(), "undefined is an error");
        assert_eq!(
            render("{{ x }}", Value::from("functionApp")).expect("symbol"),
            "functionApp"
        );
        assert_eq!(
            render("{{ x }} {{ not x }}", Value::from(true)).expect("bool"),
            "true false"
        );
        assert_eq!(
            render("{{ x | bicep_str }}", Value::from("it's")).expect("literal"),
            r"'it\'s'"
        );
        assert_eq!(
            render("{{ x | bicep_list('') }}", Value::from(vec!["a"])).expect("list"),
            "[\n  'a'\n]"
        );
    }

    #[test]
    fn keys_are_bare_only_when_they_are_identifiers() {
        assert_eq!(bicep_key("owner"), "owner");
        assert_eq!(bicep_key("cost_center2"), "cost_center2");
        assert_eq!(bicep_key("cost-center"), "'cost-center'");
        assert_eq!(bicep_key("2fa"), "'2fa'");
        assert_eq!(bicep_key("true"), "'true'");
        assert_eq!(bicep_key("it's"), r"'it\'s'");
    }

    #[test]
    fn numbers_without_a_fraction_are_integers() {
        assert_eq!(bicep_num(5.0), "5");
        assert_eq!(bicep_num(0.5), "json('0.5')");
    }

    fn files(plan: FunctionPlan) -> BTreeMap<String, String> {
        emit(&sample_graph(plan))
            .expect("renders")
            .into_iter()
            .map(|a| (a.path, a.contents))
            .collect()
    }

    /// Every symbol a Bicep file declares (params, vars, resources, modules, outputs).
    fn declared(text: &str) -> Vec<String> {
        text.lines()
            .filter_map(|l| {
                let mut words = l.split_whitespace();
                match words.next() {
                    Some("param" | "var" | "resource" | "module" | "output") => words.next().map(str::to_string),
                    _ => None,
                }
            })
            .collect()
    }

    /// The text of `resource <symbol> ...` (or `module <symbol> ...`) up to its closing
    /// brace at column 0.
    fn declaration<'a>(text: &'a str, sym: &str) -> &'a str {
        let start = text
            .find(&format!("\nresource {sym} "))
            .or_else(|| text.find(&format!("\nmodule {sym} ")))
            .unwrap_or_else(|| panic!("{sym} declared"))
            + 1;
        let end = text[start..].find("\n}\n").expect("closing brace") + start;
        &text[start..end]
    }

    #[test]
    fn sample_stacks_render_clean_bicep() {
        for plan in [FunctionPlan::FC1, FunctionPlan::Y1, FunctionPlan::EP1] {
            let files = files(plan);
            let mut expected = vec![
                "bicep/main.bicep",
                "bicep/role_assignment_signalr.bicep",
                "bicep/stack.bicep",
            ];
            if plan.is_flex() {
                expected.insert(2, "bicep/role_assignment_storage_account.bicep");
            }
            assert_eq!(files.keys().collect::<Vec<_>>(), expected);
            for (path, text) in &files {
                assert!(
                    text.ends_with("}\n") || text.ends_with('\n'),
                    "{path} ends with a newline"
                );
                assert!(!text.ends_with("\n\n"), "{path} has one final newline");
                assert!(
                    !text.contains("{{") && !text.contains("}}") && !text.contains("{%"),
                    "{path} has template leftovers"
                );
                assert!(!text.contains("\n\n\n"), "{path} has double blank lines");
                assert!(
                    !text.contains("True") && !text.contains("False") || text.contains("'True'"),
                    "{path} Python booleans"
                );
                for (n, line) in text.lines().enumerate() {
                    let value = line.split_once(": ").map_or("", |(_, v)| v);
                    assert!(!matches!(value, "True" | "False" | "None"), "{path}:{} {line}", n + 1);
                }
                for (n, line) in text.lines().enumerate() {
                    assert_eq!(line, line.trim_end(), "{path}:{} trailing whitespace", n + 1);
                    let indent = line.len() - line.trim_start_matches(' ').len();
                    assert_eq!(indent % 2, 0, "{path}:{} indent", n + 1);
                    assert!(!line.starts_with('\t'), "{path}:{} tab", n + 1);
                }
                let symbols = declared(text);
                let unique: BTreeSet<_> = symbols.iter().collect();
                assert_eq!(unique.len(), symbols.len(), "{path} duplicate symbols: {symbols:?}");
                let opens = text.matches(['{', '[']).count();
                let closes = text.matches(['}', ']']).count();
                assert_eq!(opens, closes, "{path} brackets balance");
            }
            let main = &files["bicep/main.bicep"];
            let stack = &files["bicep/stack.bicep"];
            assert!(main.contains("targetScope = 'subscription'\n"));
            assert!(!main.contains("signalRUpstreamEnabled"), "one-apply has no switch");
            assert!(!stack.contains("signalRUpstreamEnabled"));
            assert!(stack.contains("resource signalrHostKey 'Microsoft.Web/sites/host/systemKeys@2024-11-01' = {\n"));
            assert_eq!(
                stack.matches("'Microsoft.SignalRService/signalR@").count(),
                1,
                "SignalR declared once"
            );
            assert!(
                declaration(stack, "signalR").contains("networkACLs: {"),
                "ACL folded into SignalR"
            );
            for out in crate::emit::CONTRACT_OUTPUTS {
                assert!(main.contains(&format!("\noutput {out} ")), "main.bicep output {out}");
            }
            for text in [main, stack] {
                for line in text.lines().filter(|l| l.starts_with("output ")) {
                    assert!(
                        !line.contains("listKeys") && !line.to_lowercase().contains("key"),
                        "secret in {line}"
                    );
                }
            }
            assert_eq!(stack.contains("functionAppConfig"), plan.is_flex());
            assert_eq!(stack.contains("WEBSITE_CONTENTSHARE"), !plan.is_flex());
            assert_eq!(stack.contains("FUNCTIONS_WORKER_RUNTIME"), !plan.is_flex());
            assert!(!stack.contains("APPINSIGHTS_INSTRUMENTATIONKEY"));
        }
    }

    #[test]
    fn every_graph_resource_is_declared_and_references_its_dependencies() {
        for plan in [FunctionPlan::FC1, FunctionPlan::Y1] {
            let graph = sample_graph(plan);
            let files = files(plan);
            let stack = &files["bicep/stack.bicep"];
            let mut position = 0;
            for r in graph.in_order() {
                if matches!(r.id, ResId::ResourceGroup) {
                    assert!(files["bicep/main.bicep"].contains(&format!("resource {} ", symbol(r.id))));
                    continue;
                }
                let sym = symbol(r.id);
                let decl = declaration(stack, &sym);
                let at = stack.find(decl).expect("declared");
                if r.id != ResId::SignalRNetworkAcl {
                    assert!(at >= position, "{} out of dependency order", r.id.address());
                    position = at;
                }
                for dep in dependencies(r) {
                    if dep == ResId::ResourceGroup || dep == ResId::SignalR && r.id == ResId::SignalRNetworkAcl {
                        continue;
                    }
                    let dep_sym = symbol(dep);
                    // The container's parent is the blob service, whose parent is the account.
                    // P14: on Y1/EP the app's settings (storage, App Insights) are their own resource.
                    let decl = if r.id == ResId::PackageContainer {
                        declaration(stack, "blobService").to_string()
                    } else if r.id == ResId::FunctionApp && stack.contains("\nresource functionAppSettings ") {
                        format!("{decl}\n{}", declaration(stack, "functionAppSettings"))
                    } else {
                        decl.to_string()
                    };
                    assert!(
                        decl.contains(&format!("{dep_sym}."))
                            || decl.contains(&format!("parent: {dep_sym}\n"))
                            || decl.contains(&format!("scope: {dep_sym}\n"))
                            || decl.contains(&format!("\n    {dep_sym}\n")),
                        "{} does not reference {}",
                        r.id.address(),
                        dep.address()
                    );
                }
            }
        }
    }

    #[test]
    fn role_assignments_are_named_in_a_module_from_the_principal_id() {
        let files = files(FunctionPlan::FC1);
        let stack = &files["bicep/stack.bicep"];
        let decl = declaration(stack, "signalrServiceOwnerAssignment");
        assert!(decl.starts_with("module signalrServiceOwnerAssignment 'role_assignment_signalr.bicep' = {\n"));
        assert!(decl.contains("\n  name: 'sigc-role-signalr-service-owner'\n"), "{decl}");
        assert!(decl.contains("\n    scopeName: signalR.name\n"), "{decl}");
        assert!(
            decl.contains("\n    principalId: functionApp.identity.principalId\n"),
            "{decl}"
        );
        assert!(decl.contains(
            "\n    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '7e4f1700-ea5a-4f59-8f37-079cfe29dce3')\n"
        ));
        assert!(decl.contains("principalType: 'ServicePrincipal'"));
        assert!(
            !stack.contains("'Microsoft.Authorization/roleAssignments@"),
            "only in the modules"
        );
        for (file, ty) in [
            (
                "bicep/role_assignment_signalr.bicep",
                "'Microsoft.SignalRService/signalR@2024-03-01'",
            ),
            (
                "bicep/role_assignment_storage_account.bicep",
                "'Microsoft.Storage/storageAccounts@2025-08-01'",
            ),
        ] {
            let module = &files[file];
            assert!(
                module.contains(&format!("resource scopeResource {ty} existing = {{\n")),
                "{module}"
            );
            assert!(
                module.contains(
                    "  name: guid(scopeResource.id, principalId, roleDefinitionId)\n  scope: scopeResource\n"
                ),
                "{module}"
            );
            assert_eq!(
                module
                    .matches("'Microsoft.Authorization/roleAssignments@2022-04-01'")
                    .count(),
                1
            );
        }
    }

    #[test]
    fn one_apply_declares_the_system_key_and_signalr_waits_for_it() {
        for plan in [FunctionPlan::FC1, FunctionPlan::Y1, FunctionPlan::EP1] {
            let stack = &files(plan)["bicep/stack.bicep"];
            let key = declaration(stack, "signalrHostKey");
            assert!(
                key.contains("  name: '${functionApp.name}/default/signalr_extension'\n"),
                "{key}"
            );
            assert!(
                key.contains("  properties: {\n    name: 'signalr_extension'\n  }"),
                "{key}"
            );
            assert!(!key.contains("value"), "the template never holds the key: {key}");
            assert_eq!(
                key.contains("    storageBlobDataOwnerAssignment\n"),
                plan.is_flex(),
                "{key}"
            );
            let signalr = declaration(stack, "signalR");
            assert!(signalr.contains("      templates: [\n"), "{signalr}");
            assert!(signalr.contains("?code=${host.listKeys().systemKeys.signalr_extension}'"));
            // P14: on Y1/EP what needs the app waits for its separate settings too.
            let deps = if plan.is_flex() {
                "  dependsOn: [\n    signalrHostKey\n  ]"
            } else {
                "  dependsOn: [\n    functionAppSettings\n    signalrHostKey\n  ]"
            };
            assert!(signalr.contains(deps), "{signalr}");
        }
    }

    #[test]
    fn upstream_is_behind_the_switch() {
        let emitted = emit(&sample_graph_two_step(FunctionPlan::Y1)).unwrap();
        let main = &emitted[0].contents;
        let stack = &emitted[1].contents;
        assert!(main.contains("param signalRUpstreamEnabled bool = false\n"));
        assert!(stack.contains("param signalRUpstreamEnabled bool = false\n"));
        assert!(!stack.contains("systemKeys@"));
        assert!(stack.contains("resource host 'Microsoft.Web/sites/host@2024-11-01' existing = {\n  parent: functionApp\n  name: 'default'\n}"));
        assert!(stack.contains("host.listKeys().systemKeys.signalr_extension"));
        // Off, the upstream is an empty template list, as in the ARM template's `if()`.
        assert!(stack.contains("    upstream: signalRUpstreamEnabled ? {\n      templates: [\n"));
        assert!(stack.contains("\n      ]\n    } : {\n      templates: []\n    }\n"));
    }

    #[test]
    fn user_strings_cannot_escape_their_literals() {
        let graph = sample_graph(FunctionPlan::FC1);
        let mut stack = arm_model::lower(&graph).expect("lowers");
        let evil = "it's ${x} \\ \n";
        stack
            .resource_group
            .tags
            .get_or_insert_with(Vec::new)
            .push(("we'ird-key".into(), evil.into()));
        stack.location = evil.into();
        let main = &render(&View::new(&stack, &graph).expect("view")).expect("renders")[0].contents;
        assert!(main.contains(r"'we\'ird-key': 'it\'s \${x} \\ \n'"), "{main}");
        assert!(main.contains(r"param location string = 'it\'s \${x} \\ \n'"));
    }

    #[test]
    fn checkov_skips_open_the_body_of_their_resource() {
        for plan in [FunctionPlan::FC1, FunctionPlan::Y1, FunctionPlan::EP1] {
            let graph = sample_graph(plan);
            let stack = &files(plan)["bicep/stack.bicep"];
            for r in graph
                .in_order()
                .filter(|r| !matches!(r.settings, Settings::ResourceGroup | Settings::SignalRNetworkAcl(_)))
            {
                let decl = declaration(stack, &symbol(r.id));
                let want: Vec<String> = checkov::skips(r, &graph, Target::Bicep)
                    .iter()
                    .map(|s| format!("  // {}", s.directive()))
                    .collect();
                let got: Vec<&str> = decl.lines().skip(1).take(want.len()).collect();
                assert_eq!(got, want, "{plan:?} {}", r.id.address());
                assert_eq!(decl.matches("checkov:skip=").count(), want.len());
            }
            // The separate app-settings resource of Y1/EP (P14) has its own skips.
            let settings = if plan.is_flex() {
                0
            } else {
                checkov::app_settings_skips().len()
            };
            assert_eq!(stack.matches("// checkov:skip=").count(), {
                graph
                    .in_order()
                    .map(|r| checkov::skips(r, &graph, Target::Bicep).len())
                    .sum::<usize>()
                    + settings
            });
        }
        assert_eq!(bicep_comment("a\nb\r\tc"), "a b  c");
    }

    #[test]
    fn rendering_is_deterministic() {
        for plan in [FunctionPlan::FC1, FunctionPlan::Y1] {
            assert_eq!(files(plan), files(plan));
        }
    }
}
