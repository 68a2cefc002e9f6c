//! Checks a parsed TOML document against `schemas/env.schema.json`, collecting every
//! problem with its span. The JSON Schema is the one description of ENV.toml: the same
//! file drives these diagnostics, `sigc schema` and editor completion.
//!
//! Supports the subset the schema uses: type, properties, required,
//! additionalProperties, propertyNames, maxProperties, enum, pattern, min/maxLength,
//! minimum/maximum, items, min/maxItems, uniqueItems.

use std::collections::HashMap;
use std::sync::OnceLock;

use regex::Regex;
use serde_json::Value;
use toml::de::DeValue;
use toml::Spanned;

use crate::diag::{closest, Diagnostic};

/// The JSON Schema of ENV.toml, as shipped (CONTRACT §1 `sigc schema`).
pub const ENV_SCHEMA: &str = include_str!("../../schemas/env.schema.json");

fn schema() -> &'static Value {
    static SCHEMA: OnceLock<Value> = OnceLock::new();
    SCHEMA.get_or_init(|| serde_json::from_str(ENV_SCHEMA).expect("schemas/env.schema.json is valid JSON (tested)"))
}

/// The schema compiled once per process into [`Node`]s: a file's walk reads struct fields
/// instead of looking keywords up by name in `serde_json` maps (a sixth of `sigc check` per
/// file before, bench/run with callgrind), and each `pattern` is compiled on first use.
struct Compiled {
    root: Node,
    /// The distinct `pattern` sources, each compiled when a value first needs it.
    patterns: Vec<(&'static str, OnceLock<Regex>)>,
}

/// The keywords of one schema object that [`Cx`] reads.
struct Node {
    /// The JSON, for what only a diagnostic needs (`examples`).
    raw: &'static Value,
    ty: Option<&'static str>,
    /// `properties`, in schema order.
    properties: Vec<(&'static str, Node)>,
    /// `additionalProperties` when it is a schema (`true`, `false` or absent: unknown keys).
    additional: Option<Box<Node>>,
    /// `propertyNames.pattern`, an index into [`Compiled::patterns`].
    property_names: Option<usize>,
    max_properties: Option<u64>,
    required: Vec<&'static str>,
    items: Option<Box<Node>>,
    min_items: Option<u64>,
    max_items: Option<u64>,
    unique: bool,
    /// `x-sigc-unique-ignore-case`: the service compares these names without case; SignalR
    /// lowercases hub names (https://github.com/Azure/azure-signalr/issues/1769).
    ignore_case: bool,
    enumeration: Option<&'static [Value]>,
    min_length: Option<u64>,
    max_length: Option<u64>,
    pattern: Option<usize>,
    help: Option<&'static str>,
    minimum: Option<f64>,
    maximum: Option<f64>,
}

/// Compiles one schema object and everything under it; `pattern`s are collected, not compiled.
fn compile(raw: &'static Value, patterns: &mut Vec<(&'static str, OnceLock<Regex>)>) -> Node {
    let u64_of = |k: &str| raw.get(k).and_then(Value::as_u64);
    let f64_of = |k: &str| raw.get(k).and_then(Value::as_f64);
    let bool_of = |k: &str| raw.get(k).and_then(Value::as_bool).unwrap_or(false);
    let mut pattern_of = |v: Option<&'static Value>| {
        let source = v?.get("pattern")?.as_str()?;
        Some(match patterns.iter().position(|(p, _)| *p == source) {
            Some(i) => i,
            None => {
                patterns.push((source, OnceLock::new()));
                patterns.len() - 1
            }
        })
    };
    let property_names = pattern_of(raw.get("propertyNames"));
    let pattern = pattern_of(Some(raw));
    let properties = raw
        .get("properties")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .map(|(k, v)| (k.as_str(), compile(v, patterns)))
        .collect();
    let additional = match raw.get("additionalProperties") {
        Some(sub @ Value::Object(_)) => Some(Box::new(compile(sub, patterns))),
        _ => None,
    };
    let items = raw.get("items").map(|sub| Box::new(compile(sub, patterns)));
    Node {
        raw,
        ty: raw.get("type").and_then(Value::as_str),
        properties,
        additional,
        property_names,
        max_properties: u64_of("maxProperties"),
        required: raw
            .get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .collect(),
        items,
        min_items: u64_of("minItems"),
        max_items: u64_of("maxItems"),
        unique: bool_of("uniqueItems"),
        ignore_case: bool_of("x-sigc-unique-ignore-case"),
        enumeration: raw.get("enum").and_then(Value::as_array).map(Vec::as_slice),
        min_length: u64_of("minLength"),
        max_length: u64_of("maxLength"),
        pattern,
        help: raw.get("x-sigc-help").and_then(Value::as_str),
        minimum: f64_of("minimum"),
        maximum: f64_of("maximum"),
    }
}

impl Compiled {
    /// The source and compiled form of a pattern.
    fn pattern(&self, i: usize) -> (&'static str, &Regex) {
        let (source, re) = &self.patterns[i];
        (
            source,
            re.get_or_init(|| Regex::new(source).expect("schema patterns are valid regexes (tested)")),
        )
    }
}

impl Node {
    fn property(&self, name: &str) -> Option<&Node> {
        self.properties.iter().find(|(k, _)| *k == name).map(|(_, n)| n)
    }
}

fn compiled() -> &'static Compiled {
    static COMPILED: OnceLock<Compiled> = OnceLock::new();
    COMPILED.get_or_init(|| {
        let mut patterns = Vec::new();
        let root = compile(schema(), &mut patterns);
        Compiled { root, patterns }
    })
}

/// One step of the path to a value: a key, or an array index. Built into a string only
/// when a diagnostic needs it.
#[derive(Clone, Copy)]
enum Seg<'a> {
    Key(&'a str),
    Index(usize),
}

/// Validates the whole document; an empty result means it has the shape of ENV.toml.
pub fn validate(root: &Spanned<DeValue<'_>>) -> Vec<Diagnostic> {
    let schema = compiled();
    let mut cx = Cx {
        schema,
        diagnostics: Vec::new(),
    };
    cx.value(&schema.root, root, &mut Vec::new(), None);
    cx.diagnostics
}

struct Cx {
    schema: &'static Compiled,
    diagnostics: Vec<Diagnostic>,
}

/// `signalr.network_acl.default_action` style, for messages.
fn dotted(path: &[Seg<'_>]) -> String {
    if path.is_empty() {
        return "the document".to_string();
    }
    let mut out = String::new();
    for (i, seg) in path.iter().enumerate() {
        if i > 0 {
            out.push('.');
        }
        match seg {
            Seg::Key(k) => out.push_str(k),
            Seg::Index(n) => out.push_str(&n.to_string()),
        }
    }
    out
}

fn table_name(path: &[Seg<'_>]) -> String {
    if path.is_empty() {
        "the top level".to_string()
    } else {
        format!("`[{}]`", dotted(path))
    }
}

fn describe(value: &DeValue<'_>) -> &'static str {
    match value {
        DeValue::String(_) => "a string",
        DeValue::Integer(_) => "an integer",
        DeValue::Float(_) => "a float",
        DeValue::Boolean(_) => "a boolean",
        DeValue::Datetime(_) => "a date-time",
        DeValue::Array(_) => "an array",
        DeValue::Table(_) => "a table",
    }
}

fn expected(ty: &str) -> &'static str {
    match ty {
        "string" => "a string",
        "integer" => "an integer",
        "number" => "a number",
        "boolean" => "a boolean (`true` or `false`)",
        "array" => "an array",
        _ => "a table",
    }
}

/// The numeric value of a TOML integer or float.
fn number(value: &DeValue<'_>) -> Option<f64> {
    match value {
        DeValue::Integer(i) => i64::from_str_radix(&digits(i.as_str()), i.radix())
            .ok()
            .map(|n| n as f64),
        DeValue::Float(f) => digits(f.as_str()).parse().ok(),
        _ => None,
    }
}

/// A number's text without `_` separators, copied only when it has some.
fn digits(text: &str) -> std::borrow::Cow<'_, str> {
    if text.contains('_') {
        text.replace('_', "").into()
    } else {
        text.into()
    }
}

/// A short rendering of a scalar for messages.
fn show(value: &DeValue<'_>) -> String {
    match value {
        DeValue::String(s) => s.to_string(),
        DeValue::Integer(i) => i.as_str().to_string(),
        DeValue::Float(f) => f.as_str().to_string(),
        DeValue::Boolean(b) => b.to_string(),
        other => describe(other).to_string(),
    }
}

fn json_matches(want: &Value, value: &DeValue<'_>) -> bool {
    match (want, value) {
        (Value::String(w), DeValue::String(s)) => w == s.as_ref(),
        (Value::Number(w), v) => number(v).is_some_and(|n| w.as_f64() == Some(n)),
        (Value::Bool(w), DeValue::Boolean(b)) => w == b,
        _ => false,
    }
}

fn type_ok(ty: &str, value: &DeValue<'_>) -> bool {
    matches!(
        (ty, value),
        ("string", DeValue::String(_))
            | ("integer", DeValue::Integer(_))
            | ("number", DeValue::Integer(_) | DeValue::Float(_))
            | ("boolean", DeValue::Boolean(_))
            | ("array", DeValue::Array(_))
            | ("object", DeValue::Table(_))
    )
}

impl Cx {
    fn push(&mut self, d: Diagnostic) {
        self.diagnostics.push(d);
    }

    /// `key_span` is where the key was written, for findings about the key itself.
    fn value<'a>(
        &mut self,
        schema: &Node,
        value: &'a Spanned<DeValue<'_>>,
        path: &mut Vec<Seg<'a>>,
        key_span: Option<std::ops::Range<usize>>,
    ) {
        let span = value.span();
        let inner = value.get_ref();
        if let Some(ty) = schema.ty {
            if !type_ok(ty, inner) {
                let hint = match (ty, inner) {
                    ("boolean", DeValue::String(s)) if matches!(s.as_ref(), "true" | "false") => {
                        Some(format!("write `{s}` without quotes"))
                    }
                    ("integer" | "number", DeValue::String(s)) if s.trim().parse::<f64>().is_ok() => {
                        Some(format!("write `{}` without quotes", s.trim()))
                    }
                    ("string", DeValue::Integer(_) | DeValue::Float(_) | DeValue::Boolean(_)) => {
                        Some(format!("quote the value: `\"{}\"`", show(inner)))
                    }
                    ("array", DeValue::String(s)) => Some(format!("write a list: `[\"{s}\"]`")),
                    _ => None,
                };
                let mut d = Diagnostic::error(
                    "input/wrong-type",
                    format!("`{}` must be {}, found {}", dotted(path), expected(ty), describe(inner)),
                )
                .primary(span, format!("expected {}", expected(ty)));
                if let Some(h) = hint {
                    d = d.help(h);
                }
                self.push(d);
                return;
            }
        }
        match inner {
            DeValue::Table(table) => self.table(schema, table, span, path),
            DeValue::Array(items) => self.array(schema, items, span, path),
            _ => self.scalar(schema, inner, span, path, key_span),
        }
    }

    fn table<'a>(
        &mut self,
        schema: &Node,
        table: &'a toml::de::DeTable<'_>,
        span: std::ops::Range<usize>,
        path: &mut Vec<Seg<'a>>,
    ) {
        let mut entries: Vec<_> = table.iter().collect();
        entries.sort_by_key(|(k, _)| k.span().start);
        if let Some(max) = schema.max_properties {
            if entries.len() as u64 > max {
                let mut d = Diagnostic::error(
                    "input/too-many-entries",
                    format!(
                        "`{}` has {} entries, at most {max} are allowed",
                        dotted(path),
                        entries.len()
                    ),
                )
                .primary(entries[max as usize].0.span(), "one too many");
                if matches!(path.last(), Some(Seg::Key("tags"))) {
                    d = d.note("Azure allows at most 50 tags per resource; sigc adds 3 of its own");
                }
                self.push(d);
                // The entries are not checked one by one: the fix is to remove most of them,
                // and 100,000 entries must not cost 100,000 findings.
                return;
            }
        }
        for (key, value) in entries {
            let name: &'a str = key.get_ref();
            if let Some(i) = schema.property_names {
                let (pattern, re) = self.schema.pattern(i);
                if !re.is_match(name) {
                    self.push(
                        Diagnostic::error(
                            "input/invalid-value",
                            format!("key `{name}` in `{}` is not a valid name", dotted(path)),
                        )
                        .primary(key.span(), "invalid key")
                        .note(format!("keys here must match `{pattern}`")),
                    );
                }
            }
            let sub = schema.property(name).or(schema.additional.as_deref());
            path.push(Seg::Key(name));
            match sub {
                Some(sub) => self.value(sub, value, path, Some(key.span())),
                None => {
                    path.pop();
                    let mut d = Diagnostic::error(
                        "input/unknown-key",
                        format!("unknown key `{name}` in {}", table_name(path)),
                    )
                    .primary(key.span(), "unknown key");
                    let known: Vec<&str> = schema.properties.iter().map(|(k, _)| *k).collect();
                    if let Some(near) = closest(name, known.iter().copied()) {
                        d = d.help(format!("`{near}` is the closest key: rename `{name}` to `{near}`"));
                    } else if !known.is_empty() {
                        d = d.note(format!("the keys of {} are: {}", table_name(path), known.join(", ")));
                    }
                    self.push(d);
                    continue;
                }
            }
            path.pop();
        }
        for &required in &schema.required {
            if table.get(required).is_none() {
                let sub = schema.property(required);
                let is_table = sub.and_then(|s| s.ty) == Some("object");
                let mut full = path.clone();
                full.push(Seg::Key(required));
                let help = if is_table {
                    format!("add a `[{}]` table", dotted(&full))
                } else {
                    let sub = sub.map(|s| s.raw);
                    let example = sub
                        .and_then(|s| s.get("examples"))
                        .and_then(|e| e.get(0))
                        .cloned()
                        .or_else(|| sub.and_then(|s| s.get("enum")).and_then(|e| e.get(0)).cloned())
                        .map(|v| v.to_string())
                        .unwrap_or_else(|| "...".to_string());
                    format!("add `{required} = {example}` to {}", table_name(path))
                };
                // Point at the table header; for the top level, at the start of the file.
                let at = if path.is_empty() { 0..0 } else { span.clone() };
                self.push(
                    Diagnostic::error("input/missing-key", format!("missing required key `{}`", dotted(&full)))
                        .primary(at, format!("{} needs `{required}`", table_name(path)))
                        .help(help),
                );
            }
        }
    }

    fn array<'a>(
        &mut self,
        schema: &Node,
        items: &'a [Spanned<DeValue<'_>>],
        span: std::ops::Range<usize>,
        path: &mut Vec<Seg<'a>>,
    ) {
        if let Some(min) = schema.min_items {
            if (items.len() as u64) < min {
                self.push(
                    Diagnostic::error(
                        "input/invalid-value",
                        format!(
                            "`{}` needs at least {min} item{}",
                            dotted(path),
                            if min == 1 { "" } else { "s" }
                        ),
                    )
                    .primary(span.clone(), "too few items"),
                );
            }
        }
        if let Some(max) = schema.max_items {
            if items.len() as u64 > max {
                self.push(
                    Diagnostic::error(
                        "input/too-many-entries",
                        format!(
                            "`{}` has {} items, at most {max} are allowed",
                            dotted(path),
                            items.len()
                        ),
                    )
                    .primary(items[max as usize].span(), "one too many"),
                );
                // As for tables: a list far over its limit is not checked item by item.
                return;
            }
        }
        let (unique, ignore_case) = (schema.unique, schema.ignore_case);
        let item_schema = schema.items.as_deref();
        // A map, not a list: a 100,000-item array must not cost 10^10 comparisons.
        let mut seen: HashMap<String, (std::ops::Range<usize>, String)> = HashMap::new();
        for (i, item) in items.iter().enumerate() {
            path.push(Seg::Index(i));
            if let Some(s) = item_schema {
                self.value(s, item, path, None);
            }
            path.pop();
            if unique {
                let key = show(item.get_ref());
                let folded = if ignore_case { key.to_lowercase() } else { key.clone() };
                if let Some((first, first_key)) = seen.get(&folded) {
                    let message = if *first_key != key {
                        format!(
                            "`{key}` repeats `{first_key}` in `{}`: names that differ only in case are the same",
                            dotted(path)
                        )
                    } else {
                        format!("`{key}` appears twice in `{}`", dotted(path))
                    };
                    self.push(
                        Diagnostic::error("input/duplicate-value", message)
                            .primary(item.span(), "duplicate")
                            .secondary(first.clone(), "first listed here")
                            .help("remove the second entry"),
                    );
                } else {
                    seen.insert(folded, (item.span(), key));
                }
            }
        }
    }

    fn scalar(
        &mut self,
        schema: &Node,
        value: &DeValue<'_>,
        span: std::ops::Range<usize>,
        path: &[Seg<'_>],
        _key: Option<std::ops::Range<usize>>,
    ) {
        // Only a diagnostic needs the dotted name.
        let name = || dotted(path);
        if let Some(options) = schema.enumeration {
            if !options.iter().any(|o| json_matches(o, value)) {
                let name = name();
                let shown = show(value);
                let names: Vec<String> = options
                    .iter()
                    .map(|o| o.as_str().map_or_else(|| o.to_string(), str::to_string))
                    .collect();
                let mut d = Diagnostic::error(
                    "input/invalid-value",
                    format!("`{shown}` is not a valid value for `{name}`"),
                )
                .primary(span.clone(), "not an allowed value");
                let near = closest(&shown, names.iter().map(String::as_str));
                if names.len() <= 12 {
                    d = d.note(format!(
                        "allowed values: {}",
                        names.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", ")
                    ));
                }
                d = match near {
                    Some(n) => d.help(format!("`{n}` is the closest allowed value")),
                    None => d.help(format!(
                        "use one of the allowed values{}",
                        if names.len() > 12 {
                            " (`sigc schema` lists them)"
                        } else {
                            ""
                        }
                    )),
                };
                self.push(d);
                return;
            }
        }
        if let DeValue::String(s) = value {
            let len = s.chars().count() as u64;
            if let Some(min) = schema.min_length {
                if len < min {
                    let name = name();
                    self.push(
                        Diagnostic::error(
                            "input/invalid-value",
                            format!(
                                "`{name}` must not be shorter than {min} character{}",
                                if min == 1 { "" } else { "s" }
                            ),
                        )
                        .primary(span.clone(), "too short"),
                    );
                    return;
                }
            }
            if let Some(max) = schema.max_length {
                if len > max {
                    let name = name();
                    self.push(
                        Diagnostic::error(
                            "input/invalid-value",
                            format!("`{name}` is {len} characters long, at most {max} are allowed"),
                        )
                        .primary(span.clone(), "too long"),
                    );
                    return;
                }
            }
            if let Some(i) = schema.pattern {
                let (pattern, re) = self.schema.pattern(i);
                if !re.is_match(s) {
                    let name = name();
                    let mut d = Diagnostic::error(
                        "input/invalid-value",
                        format!("`{s}` is not a valid value for `{name}`"),
                    )
                    .primary(span.clone(), "does not match the expected format")
                    .note(format!("`{name}` must match `{pattern}`"));
                    let lower = s.to_lowercase();
                    if lower != s.as_ref() && re.is_match(&lower) {
                        d = d.help(format!("write it in lowercase: `\"{lower}\"`"));
                    } else if let Some(hint) = schema.help {
                        d = d.help(hint);
                    }
                    self.push(d);
                }
            }
        }
        if let Some(n) = number(value) {
            let (min, max) = (schema.minimum, schema.maximum);
            let below = min.is_some_and(|m| n < m);
            let above = max.is_some_and(|m| n > m);
            if below || above || !n.is_finite() {
                let range = match (min, max) {
                    (Some(a), Some(b)) => format!("from {a} to {b}"),
                    (Some(a), None) => format!("at least {a}"),
                    (None, Some(b)) => format!("at most {b}"),
                    (None, None) => "a finite number".to_string(),
                };
                self.push(
                    Diagnostic::error(
                        "input/out-of-range",
                        format!("`{}` = {} is out of range", name(), show(value)),
                    )
                    .primary(span, format!("must be {range}")),
                );
            } else if matches!(value, DeValue::Integer(_)) && number(value).is_none() {
                self.push(
                    Diagnostic::error("input/out-of-range", format!("`{}` is too large", name()))
                        .primary(span, "does not fit"),
                );
            }
        } else if matches!(value, DeValue::Integer(_)) {
            self.push(
                Diagnostic::error("input/out-of-range", format!("`{}` is too large", name()))
                    .primary(span, "does not fit in 64 bits"),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(text: &str) -> Vec<(String, String)> {
        let (root, errors) = toml::de::DeTable::parse_recoverable(text);
        assert!(errors.is_empty(), "{errors:?}");
        let root = Spanned::new(root.span(), DeValue::Table(root.into_inner()));
        validate(&root)
            .into_iter()
            .map(|d| {
                let at = text[d.primary_span().unwrap().clone()].to_string();
                (d.rule, at)
            })
            .collect()
    }

    const MIN: &str =
        "[environment]\nname = \"dev\"\nworkload = \"chat\"\nlocation = \"eastus\"\n[signalr]\nsku = \"Free_F1\"\n";

    #[test]
    fn the_shortest_file_is_valid() {
        assert_eq!(check(MIN), vec![]);
    }

    #[test]
    fn every_problem_is_reported_at_its_value() {
        let text = format!("{MIN}capacity = \"2\"\nskuu = 1\nservice_mode = \"Default\"\nhubs = [\"a\", \"a\"]\n");
        let got = check(&text);
        assert!(got.contains(&("input/wrong-type".into(), "\"2\"".into())), "{got:?}");
        assert!(got.contains(&("input/unknown-key".into(), "skuu".into())), "{got:?}");
        assert!(
            got.contains(&("input/invalid-value".into(), "\"Default\"".into())),
            "{got:?}"
        );
        assert!(
            got.contains(&("input/duplicate-value".into(), "\"a\"".into())),
            "{got:?}"
        );
    }

    #[test]
    fn missing_keys_point_at_their_table() {
        let got = check("[environment]\nname = \"dev\"\n[signalr]\nsku = \"Free_F1\"\n");
        assert_eq!(got.len(), 2, "{got:?}");
        assert!(
            got.iter()
                .all(|(rule, at)| rule == "input/missing-key" && at.starts_with("[environment]")),
            "{got:?}"
        );
    }

    #[test]
    fn the_schema_patterns_compile() {
        fn walk(v: &Value) {
            if let Some(p) = v.get("pattern").and_then(Value::as_str) {
                Regex::new(p).unwrap();
            }
            match v {
                Value::Object(m) => m.values().for_each(walk),
                Value::Array(a) => a.iter().for_each(walk),
                _ => {}
            }
        }
        walk(schema());
    }
}
