//! Property tests: arbitrary Unicode in tag keys and values and in app setting values
//! goes through the real pipeline (`sigc::compile` on ENV.toml text) and comes back as
//! the same literal string from every target, read the way its tool reads it:
//! HCL through hcl-rs (templates evaluated, so `$${` must read as `${`), Terraform
//! JSON and ARM through serde_json with their template rules, Bicep through the
//! string rules of the Bicep lexer (below). An escaping bug shows up as a parse error,
//! an interpolation that does not evaluate, or a different string.
//!
//! `PROPTEST_CASES` sets the number of cases per property (default 64).

use std::collections::BTreeMap;

use hcl::eval::{Context, Evaluate};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use serde_json::Value;
use sigc::emit::Target;
use sigc::source::SourceFile;
use sigc::{compile, Options};

/// Tags sigc adds to every resource, with the values the generated file implies.
/// String to string, as tags and app settings are.
type Map = BTreeMap<String, String>;

const SIGC_TAGS: [(&str, &str); 3] = [("environment", "dev"), ("managed_by", "sigc"), ("workload", "chat")];

/// Rules that may refuse a generated value (Azure's limits): the case is then
/// skipped. Any other error, and any internal error, fails the property.
const MAY_REFUSE: [&str; 2] = ["naming/invalid-tag", "functions/reserved-app-setting"];

fn cases() -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(64)
}

/// Deterministic by default, so CI sees the same cases every run; `SIGC_PROPTEST_RANDOM=1`
/// draws fresh ones (for long local runs with a large `PROPTEST_CASES`).
fn runner() -> TestRunner {
    let config = Config {
        cases: cases(),
        failure_persistence: None,
        max_global_rejects: cases() * 8,
        ..Config::default()
    };
    if std::env::var_os("SIGC_PROPTEST_RANDOM").is_some() {
        TestRunner::new(config)
    } else {
        let rng = proptest::test_runner::TestRng::deterministic_rng(config.rng_algorithm);
        TestRunner::new_with_rng(config, rng)
    }
}

/// Text that is hard to carry: live syntax of every target language, escapes,
/// controls, quotes, non-BMP and bidi characters, and any char at all.
fn nasty() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        4 => any::<char>().prop_map(String::from),
        2 => "[a-z ]{1,4}",
        1 => prop::sample::select(vec![
            "${", "$${", "$$${", "%{", "%%{", "}", "[", "[[", "]", "[concat('a')]", "'", "\\'", "\"", "\\", "\\\\",
            "\\n", "\n", "\r\n", "\t", "\u{0}", "\u{1b}[31m", "\u{7f}", "\u{85}", "\u{2028}", "\u{202e}", "\u{feff}",
            "é", "✓", "😀", "\u{10ffff}", "${var.x}", "%{ if true }", "\\u{41}", "\\$", "$", "{", "''", "'''", "#", "//", "/*",
        ])
        .prop_map(str::to_string),
    ];
    prop::collection::vec(piece, 0..12).prop_map(|parts| parts.concat())
}

/// A tag name Azure accepts: no forbidden character, no reserved prefix, not sigc's own.
fn tag_name() -> impl Strategy<Value = String> {
    (
        prop::sample::select(vec!['a', 'Z', '_', 'é', '日', '$', '[', '\'', '"', '{', ' ', '-']),
        nasty(),
    )
        .prop_map(|(first, rest)| {
            let name: String = std::iter::once(first)
                .chain(rest.chars())
                .filter(|c| !"<>%&\\?/".contains(*c))
                .take(100)
                .collect();
            name
        })
}

/// An app setting name the schema accepts (`^[A-Za-z0-9_.-]{1,256}$`), never a reserved one.
fn setting_name() -> impl Strategy<Value = String> {
    "[A-Za-z0-9_.-]{1,24}".prop_map(|n| format!("X_{n}"))
}

/// A TOML basic string: every char that TOML requires escaped is, the rest verbatim.
fn toml_str(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn env_toml(tags: &BTreeMap<String, String>, settings: &BTreeMap<String, String>) -> String {
    let inline = |m: &BTreeMap<String, String>| {
        m.iter()
            .map(|(k, v)| format!("{} = {}", toml_str(k), toml_str(v)))
            .collect::<Vec<_>>()
            .join(", ")
    };
    // FC1: its settings are one `siteConfig.appSettings` list in every target (on Y1/EP they
    // are a separate `sites/config` resource with a list() expression, P14).
    format!(
        "[environment]\nname = \"dev\"\nworkload = \"chat\"\nlocation = \"eastus\"\nprofile = \"development\"\ntags = {{ {} }}\n\n[signalr]\nsku = \"Standard_S1\"\n\n[functions]\nplan = \"FC1\"\napp_settings = {{ {} }}\n",
        inline(tags),
        inline(settings)
    )
}

/// Compiles a generated file with `targets`. `None` when an Azure rule refused a
/// value; panics on any other finding or an internal error.
fn build(
    tags: &BTreeMap<String, String>,
    settings: &BTreeMap<String, String>,
    targets: &[Target],
) -> Option<BTreeMap<String, String>> {
    let text = env_toml(tags, settings);
    let source = SourceFile::new("props.env.toml", text.clone());
    let result = compile(
        &source,
        &Options {
            targets: Some(targets.to_vec()),
        },
    )
    .unwrap_or_else(|e| panic!("internal error: {e:#}\n{text}"));
    let errors: Vec<_> = result.diagnostics.iter().filter(|d| d.is_error()).collect();
    if !errors.is_empty() {
        for d in &errors {
            assert!(
                MAY_REFUSE.contains(&d.rule.as_str()),
                "unexpected finding {}: {}\n{text}",
                d.rule,
                d.message
            );
        }
        return None;
    }
    Some(result.artifacts.into_iter().map(|a| (a.path, a.contents)).collect())
}

// ---------- Terraform (HCL) ----------

fn hcl_string(expr: &hcl::Expression, what: &str) -> Result<String, String> {
    match expr.evaluate(&Context::new()) {
        Ok(hcl::Value::String(s)) => Ok(s),
        Ok(other) => Err(format!("{what}: not a string: {other:?}")),
        Err(e) => Err(format!("{what}: does not evaluate as a literal: {e}")),
    }
}

/// Every `tags` object and the `app_settings` object of main.tf, evaluated.
fn hcl_maps(text: &str) -> Result<(Vec<Map>, Map), String> {
    let body = hcl::parse(text).map_err(|e| format!("main.tf does not parse: {e}"))?;
    let mut tags = Vec::new();
    let mut settings = BTreeMap::new();
    for block in body.blocks().filter(|b| b.identifier() == "resource") {
        for attr in block.body().attributes() {
            let key = attr.key();
            if key != "tags" && key != "app_settings" {
                continue;
            }
            let hcl::Expression::Object(object) = attr.expr() else {
                return Err(format!("{key} is not an object literal"));
            };
            let mut map = BTreeMap::new();
            for (k, v) in object {
                let k = k
                    .evaluate(&Context::new())
                    .map_err(|e| format!("a {key} key does not evaluate: {e}"))?;
                let v = hcl_string(v, &format!("{key}[{k:?}]"))?;
                map.insert(k, v);
            }
            if key == "tags" {
                tags.push(map);
            } else {
                settings = map;
            }
        }
    }
    Ok((tags, settings))
}

// ---------- Terraform JSON ----------

/// A Terraform JSON string as Terraform reads it: a template where `$${` and `%%{`
/// are literal `${` and `%{`; an unescaped `${` or `%{` is live syntax.
fn tf_json_unescape(s: &str) -> Result<String, String> {
    let mut out = String::new();
    let mut rest = s;
    while let Some(c) = rest.chars().next() {
        if rest.starts_with("$${") || rest.starts_with("%%{") {
            out.push_str(&rest[1..3]);
            rest = &rest[3..];
        } else if rest.starts_with("${") || rest.starts_with("%{") {
            return Err(format!("live template syntax in {s:?}"));
        } else {
            out.push(c);
            rest = &rest[c.len_utf8()..];
        }
    }
    Ok(out)
}

fn json_maps(doc: &Value, unescape: fn(&str) -> Result<String, String>) -> Result<Vec<(String, Map)>, String> {
    fn walk(v: &Value, path: &str, out: &mut Vec<(String, Value)>) {
        match v {
            Value::Object(m) => {
                for (k, child) in m {
                    if k == "tags" || k == "app_settings" || k == "appSettings" {
                        out.push((k.clone(), child.clone()));
                    }
                    walk(child, &format!("{path}/{k}"), out);
                }
            }
            Value::Array(items) => items.iter().for_each(|i| walk(i, path, out)),
            _ => {}
        }
    }
    let mut found = Vec::new();
    walk(doc, "", &mut found);
    let mut maps = Vec::new();
    for (key, v) in found {
        let mut map = BTreeMap::new();
        match &v {
            Value::Object(m) => {
                for (k, val) in m {
                    let Value::String(val) = val else {
                        return Err(format!("{key}[{k:?}] is not a string"));
                    };
                    map.insert(unescape(k)?, unescape(val)?);
                }
            }
            // ARM app settings: [{"name": .., "value": ..}]
            Value::Array(items) => {
                for item in items {
                    let (Some(Value::String(n)), Some(Value::String(val))) = (item.get("name"), item.get("value"))
                    else {
                        return Err(format!("{key} item {item}"));
                    };
                    // Settings sigc computes with expressions are not user strings.
                    if let (Ok(n), Ok(val)) = (unescape(n), unescape(val)) {
                        map.insert(n, val);
                    }
                }
            }
            // A reference to a variable or parameter: not what sigc emits for tags today.
            other => return Err(format!("{key} is {other}")),
        }
        maps.push((key, map));
    }
    Ok(maps)
}

// ---------- ARM ----------

/// An ARM JSON string as ARM reads it: `[...]` is an expression, and a leading `[[`
/// of such a string is a literal `[`.
fn arm_unescape(s: &str) -> Result<String, String> {
    if s.starts_with('[') && s.ends_with(']') {
        return match s.strip_prefix("[[") {
            Some(_) => Ok(s[1..].to_string()),
            None => Err(format!("ARM would evaluate {s:?}")),
        };
    }
    Ok(s.to_string())
}

// ---------- Bicep ----------

#[derive(Clone, Debug, PartialEq)]
enum Tok {
    Ident(String),
    /// A string literal, decoded; `live` when it has an interpolation.
    Str {
        text: String,
        live: bool,
    },
    Punct(char),
}

/// The Bicep lexer's view of a file, enough to read literals: identifiers, strings
/// (with `\\ \' \n \r \t \$ \u{..}` escapes and `${...}` interpolation; `'''` verbatim
/// strings), comments skipped, everything else one punctuation char at a time.
fn bicep_tokens(src: &str) -> Result<Vec<Tok>, String> {
    let chars: Vec<char> = src.chars().collect();
    let mut toks = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            i += 1;
        } else if c == '/' && chars.get(i + 1) == Some(&'/') {
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
        } else if c == '/' && chars.get(i + 1) == Some(&'*') {
            i += 2;
            while i + 1 < chars.len() && !(chars[i] == '*' && chars[i + 1] == '/') {
                i += 1;
            }
            i += 2;
        } else if chars[i..].starts_with(&['\'', '\'', '\'']) {
            let start = i + 3;
            let mut j = start;
            while j + 2 < chars.len() && !chars[j..].starts_with(&['\'', '\'', '\'']) {
                j += 1;
            }
            toks.push(Tok::Str {
                text: chars[start..j].iter().collect(),
                live: false,
            });
            i = j + 3;
        } else if c == '\'' {
            let mut text = String::new();
            let mut live = false;
            let mut depth = 0usize;
            i += 1;
            loop {
                let Some(&c) = chars.get(i) else {
                    return Err("unterminated string".into());
                };
                match c {
                    '\n' | '\r' => return Err(format!("raw line break in a string after {text:?}")),
                    '\'' if depth == 0 => break,
                    '\\' if depth == 0 => {
                        let esc = chars.get(i + 1).copied().ok_or("dangling escape")?;
                        i += 1;
                        match esc {
                            '\\' => text.push('\\'),
                            '\'' => text.push('\''),
                            'n' => text.push('\n'),
                            'r' => text.push('\r'),
                            't' => text.push('\t'),
                            '$' => text.push('$'),
                            'u' => {
                                if chars.get(i + 1) != Some(&'{') {
                                    return Err("\\u without {".into());
                                }
                                let close = chars[i..].iter().position(|&c| c == '}').ok_or("\\u{ unclosed")? + i;
                                let hex: String = chars[i + 2..close].iter().collect();
                                let code = u32::from_str_radix(&hex, 16).map_err(|e| format!("\\u{{{hex}}}: {e}"))?;
                                text.push(char::from_u32(code).ok_or(format!("\\u{{{hex}}} is not a char"))?);
                                i = close;
                            }
                            other => return Err(format!("unknown escape \\{other} in a string after {text:?}")),
                        }
                    }
                    '$' if depth == 0 && chars.get(i + 1) == Some(&'{') => {
                        live = true;
                        depth = 1;
                        i += 1;
                    }
                    '{' if depth > 0 => depth += 1,
                    '}' if depth > 0 => depth -= 1,
                    c if depth == 0 => text.push(c),
                    _ => {}
                }
                i += 1;
            }
            toks.push(Tok::Str { text, live });
            i += 1;
        } else if c.is_alphanumeric() || c == '_' {
            let start = i;
            while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_') {
                i += 1;
            }
            toks.push(Tok::Ident(chars[start..i].iter().collect()));
        } else {
            toks.push(Tok::Punct(c));
            i += 1;
        }
    }
    Ok(toks)
}

fn bicep_literal(tok: Option<&Tok>, what: &str) -> Result<String, String> {
    match tok {
        Some(Tok::Str { text, live: false }) => Ok(text.clone()),
        other => Err(format!("{what} is not a plain string literal: {other:?}")),
    }
}

/// Every `tags: { k: 'v' ... }` object and every `{ name: 'n' value: 'v' }` pair.
fn bicep_maps(src: &str) -> Result<(Vec<Map>, Map), String> {
    let toks = bicep_tokens(src)?;
    let mut tags = Vec::new();
    let mut settings = BTreeMap::new();
    let mut i = 0;
    while i < toks.len() {
        let is = |j: usize, t: &Tok| toks.get(j) == Some(t);
        if is(i, &Tok::Ident("tags".into())) && is(i + 1, &Tok::Punct(':')) && is(i + 2, &Tok::Punct('{')) {
            let mut map = BTreeMap::new();
            let mut j = i + 3;
            while !is(j, &Tok::Punct('}')) {
                let key = match toks.get(j) {
                    Some(Tok::Ident(k)) => k.clone(),
                    other => bicep_literal(other, "a tag key")?,
                };
                if !is(j + 1, &Tok::Punct(':')) {
                    return Err(format!("no `:` after tag key {key:?}"));
                }
                map.insert(key.clone(), bicep_literal(toks.get(j + 2), &format!("tag {key:?}"))?);
                j += 3;
            }
            tags.push(map);
            i = j;
        } else if is(i, &Tok::Ident("name".into()))
            && is(i + 1, &Tok::Punct(':'))
            && is(i + 3, &Tok::Ident("value".into()))
            && is(i + 4, &Tok::Punct(':'))
        {
            if let (Ok(n), Ok(v)) = (
                bicep_literal(toks.get(i + 2), "name"),
                bicep_literal(toks.get(i + 5), "value"),
            ) {
                settings.insert(n, v);
            }
            i += 6;
        } else {
            i += 1;
        }
    }
    Ok((tags, settings))
}

// ---------- the properties ----------

fn expected_tags(tags: &BTreeMap<String, String>) -> BTreeMap<String, String> {
    let mut all = tags.clone();
    for (k, v) in SIGC_TAGS {
        all.insert(k.to_string(), v.to_string());
    }
    all
}

/// Every tags map equals the expected one; the settings map holds every expected setting.
fn compare(
    target: &str,
    tag_maps: &[BTreeMap<String, String>],
    settings: &BTreeMap<String, String>,
    tags: &BTreeMap<String, String>,
    want_settings: &BTreeMap<String, String>,
) -> Result<(), String> {
    let want = expected_tags(tags);
    if tag_maps.is_empty() {
        return Err(format!("{target}: no tags found"));
    }
    for got in tag_maps {
        if *got != want {
            return Err(format!("{target}: tags read back as {got:?}, want {want:?}"));
        }
    }
    for (k, v) in want_settings {
        if settings.get(k) != Some(v) {
            return Err(format!(
                "{target}: app setting {k:?} read back as {:?}, want {v:?}",
                settings.get(k)
            ));
        }
    }
    Ok(())
}

/// The deploy targets, each read back by the rules of its own tool.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Reader {
    Terraform,
    TerraformJson,
    Arm,
    Bicep,
}

const READERS: [Reader; 4] = [Reader::Terraform, Reader::TerraformJson, Reader::Arm, Reader::Bicep];

impl Reader {
    fn target(self) -> Target {
        match self {
            Reader::Terraform => Target::Terraform,
            Reader::TerraformJson => Target::TerraformJson,
            Reader::Arm => Target::Arm,
            Reader::Bicep => Target::Bicep,
        }
    }
}

/// One generated environment through the pipeline, read back by `readers`.
/// `Ok(false)` when an Azure rule refused a generated value.
fn round_trip(
    tags: &BTreeMap<String, String>,
    settings: &BTreeMap<String, String>,
    readers: &[Reader],
) -> Result<bool, String> {
    // Only the targets read: an internal error in another target is that target's failure.
    let targets: Vec<Target> = readers.iter().map(|r| r.target()).collect();
    let Some(files) = build(tags, settings, &targets) else {
        return Ok(false);
    };
    for &r in readers {
        read_back(&files, tags, settings, r)?;
    }
    Ok(true)
}

/// Reads one target's files back and compares them with the generated strings.
fn read_back(
    files: &BTreeMap<String, String>,
    tags: &BTreeMap<String, String>,
    settings: &BTreeMap<String, String>,
    reader: Reader,
) -> Result<(), String> {
    let file = |p: &str| files.get(p).ok_or(format!("no {p}"));
    let empty = BTreeMap::new();
    match reader {
        Reader::Terraform => {
            let (tag_maps, tf_settings) = hcl_maps(file("terraform/main.tf")?)?;
            compare("terraform", &tag_maps, &tf_settings, tags, settings)
        }
        Reader::TerraformJson => {
            let doc: Value =
                serde_json::from_str(file("terraform-json/main.tf.json")?).map_err(|e| format!("main.tf.json: {e}"))?;
            let maps = json_maps(&doc, tf_json_unescape)?;
            let tag_maps: Vec<_> = maps
                .iter()
                .filter(|(k, _)| k == "tags")
                .map(|(_, m)| m.clone())
                .collect();
            let tf_settings = maps
                .iter()
                .find(|(k, _)| k == "app_settings")
                .map_or(&empty, |(_, m)| m);
            compare("terraform-json", &tag_maps, tf_settings, tags, settings)
        }
        Reader::Arm => {
            let doc: Value =
                serde_json::from_str(file("arm/azuredeploy.json")?).map_err(|e| format!("azuredeploy.json: {e}"))?;
            let maps = json_maps(&doc, arm_unescape)?;
            let tag_maps: Vec<_> = maps
                .iter()
                .filter(|(k, _)| k == "tags")
                .map(|(_, m)| m.clone())
                .collect();
            let arm_settings = maps.iter().find(|(k, _)| k == "appSettings").map_or(&empty, |(_, m)| m);
            compare("arm", &tag_maps, arm_settings, tags, settings)
        }
        Reader::Bicep => {
            let mut bicep_tags = Vec::new();
            let mut bicep_settings = BTreeMap::new();
            for (path, text) in files.iter().filter(|(p, _)| p.ends_with(".bicep")) {
                let (t, s) = bicep_maps(text).map_err(|e| format!("{path}: {e}"))?;
                bicep_tags.extend(t);
                bicep_settings.extend(s);
            }
            compare("bicep", &bicep_tags, &bicep_settings, tags, settings)
        }
    }
}

/// Tag names and values and app setting values, all hard to carry.
fn environments() -> impl Strategy<Value = (Map, Map)> {
    let tags = prop::collection::btree_map(tag_name(), nasty().prop_map(|v| v.chars().take(256).collect()), 1..6)
        .prop_filter("sigc sets these tags itself", |t| {
            !t.keys().any(|k| SIGC_TAGS.iter().any(|(s, _)| s == k))
        });
    let settings = prop::collection::btree_map(setting_name(), nasty(), 0..6);
    (tags, settings)
}

/// Runs the property for one target and checks that most cases got through the
/// rules: a property whose every case is refused tests nothing.
fn check(reader: Reader) {
    let built = std::cell::Cell::new(0u32);
    let result = runner().run(&environments(), |(tags, settings)| {
        match round_trip(&tags, &settings, &[reader]) {
            Ok(true) => built.set(built.get() + 1),
            Ok(false) => return Err(TestCaseError::reject("an Azure rule refused a generated value")),
            Err(e) => {
                return Err(TestCaseError::fail(format!(
                    "{e}\nENV.toml:\n{}",
                    env_toml(&tags, &settings)
                )))
            }
        }
        Ok(())
    });
    if let Err(e) = result {
        panic!("{e}");
    }
    eprintln!("{reader:?}: {} cases compiled and read back", built.get());
    assert!(
        built.get() >= cases() / 2,
        "only {} of {} cases compiled",
        built.get(),
        cases()
    );
}

/// Known bug, see [`marker_after_a_lone_dollar_or_percent_stays_literal_in_terraform`]:
/// the default (deterministic) cases miss it, `SIGC_PROPTEST_RANDOM=1` finds it.
#[test]
fn strings_round_trip_through_terraform() {
    check(Reader::Terraform);
}

#[test]
fn strings_round_trip_through_terraform_json() {
    check(Reader::TerraformJson);
}

#[test]
fn strings_round_trip_through_arm() {
    check(Reader::Arm);
}

#[test]
fn strings_round_trip_through_bicep() {
    check(Reader::Bicep);
}

/// Regression: hcl-rs's own marker escaping (hcl-primitives 0.1.13 `escape_markers`)
/// skips the character after a lone `$` or `%` once it has escaped one marker, so
/// `${} %${path.cwd}` came out as `"$${} %${path.cwd}"`, a live interpolation. The
/// Terraform emitter now escapes markers itself (`emit::terraform::syntax::lit`).
#[test]
fn marker_after_a_lone_dollar_or_percent_stays_literal_in_terraform() {
    for value in ["${$${", "${} %${path.cwd}", "${} $%{ if true }x$%{ endif }", "%{$%{"] {
        let tags = BTreeMap::from([("k".to_string(), value.to_string())]);
        match round_trip(&tags, &BTreeMap::new(), &[Reader::Terraform]) {
            Ok(true) => {}
            Ok(false) => panic!("{value:?} was refused"),
            Err(e) => panic!("{value:?}: {e}"),
        }
    }
}

/// Fixed cases that broke or nearly broke an escaper, kept out of the random draw.
#[test]
fn known_hard_strings_round_trip() {
    let hard = [
        "${x}",
        "$${x}",
        "$$${x}",
        "%{ if true }",
        "%%{",
        "[x]",
        "[[x]",
        "[]",
        "[",
        "]",
        "'",
        "\\'",
        "\\",
        "a\nb\r\tc",
        "\u{0}\u{1}\u{1b}\u{7f}\u{85}",
        "\u{2028}\u{2029}",
        "\u{202e}rtl",
        "\u{feff}",
        "😀\u{10ffff}",
        "${",
        "%{",
        "$",
        "%",
        "\\u{41}",
        "\\$",
        "'''",
        "//",
        "/*",
        "}",
    ];
    for value in hard {
        let tags = BTreeMap::from([("k".to_string(), value.to_string())]);
        let settings = BTreeMap::from([("X_S".to_string(), value.to_string())]);
        match round_trip(&tags, &settings, &READERS) {
            Ok(true) => {}
            Ok(false) => panic!("{value:?} was refused"),
            Err(e) => panic!("{value:?}: {e}"),
        }
    }
}

#[test]
fn the_readers_reject_live_syntax() {
    assert!(tf_json_unescape("a ${b}").is_err());
    assert_eq!(tf_json_unescape("$$${b}%%{").unwrap(), "$${b}%{");
    assert!(arm_unescape("[b]").is_err());
    assert_eq!(arm_unescape("[[b]").unwrap(), "[b]");
    assert_eq!(arm_unescape("[b").unwrap(), "[b");
    let toks = bicep_tokens("x: 'a\\'b\\u{1F600}\\$' y: 'c${d}' z: '''raw\\n'''").unwrap();
    assert_eq!(
        toks[2],
        Tok::Str {
            text: "a'b😀$".into(),
            live: false
        }
    );
    assert_eq!(
        toks[5],
        Tok::Str {
            text: "c".into(),
            live: true
        }
    );
    assert_eq!(
        toks[8],
        Tok::Str {
            text: "raw\\n".into(),
            live: false
        }
    );
    let (t, _) = hcl_maps("resource \"a\" \"b\" {\n  tags = { \"k\" = \"$${x}\" }\n}\n").unwrap();
    assert_eq!(t[0]["k"], "${x}");
    assert!(hcl_maps("resource \"a\" \"b\" {\n  tags = { \"k\" = \"${x}\" }\n}\n").is_err());
}

/// The readers catch each way an escaper can fail: an output with one escape undone
/// no longer reads back.
#[test]
fn an_undone_escape_is_caught_in_every_target() {
    let tags = BTreeMap::from([("k".to_string(), "${x} %{y} [z] it's \\".to_string())]);
    let settings = BTreeMap::from([("X_S".to_string(), "[[a]".to_string())]);
    let files = build(&tags, &settings, &Target::ALL).expect("the hard strings compile");
    for r in READERS {
        read_back(&files, &tags, &settings, r).unwrap();
    }
    let undo = [
        (Reader::Terraform, "terraform/main.tf", "$${x}", "${x}"),
        (Reader::TerraformJson, "terraform-json/main.tf.json", "%%{y}", "%{y}"),
        (Reader::Arm, "arm/azuredeploy.json", "[[[a]", "[[a]"),
        (Reader::Bicep, "bicep/stack.bicep", "\\${x}", "${x}"),
        (Reader::Bicep, "bicep/stack.bicep", "it\\'s", "it's"),
    ];
    for (reader, path, from, to) in undo {
        let mut broken = files.clone();
        let text = broken.get_mut(path).unwrap();
        assert!(text.contains(from), "{path} contains {from:?}");
        *text = text.replace(from, to);
        assert!(
            read_back(&broken, &tags, &settings, reader).is_err(),
            "{path} with {from:?} undone still reads back"
        );
    }
}

// ---------- check passing implies build passing ----------

/// A value for a free-text field: often one the field accepts (so `check` passes and
/// the build runs), often hostile (target-language syntax, escapes, lookalikes of
/// the words the verifiers look for), sometimes anything at all.
fn field_value() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => "[a-z][a-z0-9]{0,10}",
        2 => prop::sample::select(vec![
            "[concat(1)]", "[[x]", "[parameters('x')]", "parameters('x')", "variables('v')", "connectionstring",
            "ConnectionString", "listKeys", "primaryKey", "${var.x}", "%{ if true }", "'", "''", "\\", "*", "a*",
            "https://a.example.com", "http://localhost:3000", "api://sigc", "{{ abbr }}", "{0}", "[", "]",
            "resourceId('a', 'b')", "Chat", "chat", "a-b", "a_b", "a.b", "é", "😀", " x ", "x\ny",
        ])
        .prop_map(str::to_string),
        2 => nasty(),
        1 => (nasty(), "[a-z]{1,6}").prop_map(|(a, b)| format!("{b}{a}")),
    ]
}

/// Every free-text field of ENV.toml, each present or not.
#[derive(Debug, Clone)]
struct Fields {
    names: Vec<(usize, String)>,
    pattern: Option<String>,
    compact_pattern: Option<String>,
    suffix: Option<String>,
    instance: Option<String>,
    tags: Vec<(String, String)>,
    hubs: Vec<String>,
    upstream: [Option<String>; 3],
    audience: Option<String>,
    app_settings: Vec<(String, String)>,
    signalr_origins: Vec<String>,
    function_origins: Vec<String>,
    reason: Option<String>,
}

const NAME_KEYS: [&str; 7] = [
    "resource_group",
    "signalr",
    "storage_account",
    "log_analytics",
    "app_insights",
    "service_plan",
    "function_app",
];

/// Mostly a value of the field's own shape, sometimes any [`field_value`].
fn shaped(shape: &'static str) -> BoxedStrategy<String> {
    prop_oneof![5 => shape.prop_map(|s| s), 1 => field_value()].boxed()
}

fn fields() -> impl Strategy<Value = Fields> {
    let opt = |s: BoxedStrategy<String>| prop::option::weighted(0.25, s);
    let list = |s: BoxedStrategy<String>, n| prop::collection::vec(s, 0..n);
    let origin = || shaped("https://[a-z]{1,8}\\.example\\.com");
    (
        (
            prop::collection::vec((0..NAME_KEYS.len(), shaped("[a-z][a-z0-9]{2,12}")), 0..3),
            opt(prop_oneof![
                field_value(),
                field_value().prop_map(|v| format!("{{{{ abbr }}}}-{v}-{{{{ env }}}}"))
            ]
            .boxed()),
            opt(field_value()
                .prop_map(|v| format!("{{{{ abbr }}}}{v}{{{{ env }}}}"))
                .boxed()),
            opt(shaped("[a-z0-9]{0,4}")),
            opt(shaped("[0-9]{1,3}")),
            prop::collection::vec((field_value(), field_value()), 0..3),
        ),
        (
            list(shaped("[A-Za-z][A-Za-z0-9_]{0,10}"), 3),
            [
                opt(field_value().boxed()),
                opt(field_value().boxed()),
                opt(field_value().boxed()),
            ],
            opt(shaped("api://[a-z]{1,8}")),
            prop::collection::vec((shaped("X_[A-Za-z0-9_.-]{1,12}"), field_value()), 0..3),
            list(origin(), 3),
            list(origin(), 2),
            prop::option::weighted(0.2, field_value()),
        ),
    )
        .prop_map(
            |(
                (names, pattern, compact_pattern, suffix, instance, tags),
                (hubs, upstream, audience, app_settings, signalr_origins, function_origins, reason),
            )| Fields {
                names,
                pattern,
                compact_pattern,
                suffix,
                instance,
                tags,
                hubs,
                upstream,
                audience,
                app_settings,
                signalr_origins,
                function_origins,
                reason,
            },
        )
}

fn fields_toml(f: &Fields) -> String {
    let list = |v: &[String]| v.iter().map(|s| toml_str(s)).collect::<Vec<_>>().join(", ");
    let pairs = |v: &[(String, String)]| {
        v.iter()
            .map(|(k, v)| format!("{} = {}", toml_str(k), toml_str(v)))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut t = String::from(
        "[environment]\nname = \"dev\"\nworkload = \"chat\"\nlocation = \"eastus\"\nprofile = \"development\"\n",
    );
    let mut tags = f.tags.clone();
    tags.sort();
    tags.dedup_by(|a, b| a.0 == b.0);
    t += &format!("tags = {{ {} }}\n\n[naming]\n", pairs(&tags));
    for (key, v) in [
        ("pattern", &f.pattern),
        ("compact_pattern", &f.compact_pattern),
        ("suffix", &f.suffix),
        ("instance", &f.instance),
    ] {
        if let Some(v) = v {
            t += &format!("{key} = {}\n", toml_str(v));
        }
    }
    let mut names: Vec<(String, String)> = f
        .names
        .iter()
        .map(|(i, v)| (NAME_KEYS[*i].to_string(), v.clone()))
        .collect();
    names.sort();
    names.dedup_by(|a, b| a.0 == b.0);
    t += &format!("names = {{ {} }}\n\n[signalr]\nsku = \"Standard_S1\"\n", pairs(&names));
    if !f.hubs.is_empty() {
        t += &format!("hubs = [{}]\n", list(&f.hubs));
    }
    if !f.signalr_origins.is_empty() {
        t += &format!("[signalr.cors]\nallowed_origins = [{}]\n", list(&f.signalr_origins));
    }
    t += "[signalr.upstream]\n";
    for (key, v) in ["hub_pattern", "event_pattern", "category_pattern"]
        .iter()
        .zip(&f.upstream)
    {
        if let Some(v) = v {
            t += &format!("{key} = {}\n", toml_str(v));
        }
    }
    if let Some(a) = &f.audience {
        t += &format!("auth = \"managed-identity\"\naudience = {}\n", toml_str(a));
    }
    let mut settings = f.app_settings.clone();
    settings.sort();
    settings.dedup_by(|a, b| a.0 == b.0);
    t += &format!(
        "\n[functions]\nplan = \"FC1\"\napp_settings = {{ {} }}\n",
        pairs(&settings)
    );
    if !f.function_origins.is_empty() {
        t += &format!("cors_allowed_origins = [{}]\n", list(&f.function_origins));
    }
    if let Some(r) = &f.reason {
        t += &format!(
            "\n[[policy.allow]]\nrule = \"cors/wildcard-origin\"\nreason = {}\n",
            toml_str(r)
        );
    }
    t
}

/// No valid input is an internal error: whenever `check` reports no error, a build of
/// every target (emit and the output verifiers) succeeds. Cases `check` refuses are
/// counted, so a generator that only makes invalid files is noticed.
#[test]
fn check_passing_implies_build_passing_for_every_free_text_field() {
    let built = std::cell::Cell::new(0u32);
    let total = std::cell::Cell::new(0u32);
    let result = runner().run(&fields(), |f| {
        let text = fields_toml(&f);
        let source = SourceFile::new("props.env.toml", text.clone());
        total.set(total.get() + 1);
        let checked = compile(&source, &Options::default()).map_err(|e| TestCaseError::fail(format!("{e:#}")))?;
        if checked.has_errors() {
            if std::env::var_os("SIGC_PROPS_DEBUG").is_some() {
                for d in checked.diagnostics.iter().filter(|d| d.is_error()) {
                    eprintln!("refused: {}", d.rule);
                }
            }
            return Ok(());
        }
        let all = Options {
            targets: Some(Target::ALL.to_vec()),
        };
        match compile(&source, &all) {
            Ok(c) if !c.has_errors() && !c.artifacts.is_empty() => {
                built.set(built.get() + 1);
                Ok(())
            }
            Ok(c) => Err(TestCaseError::fail(format!(
                "check passed, build did not: {:?}\n{text}",
                c.diagnostics
            ))),
            Err(e) => Err(TestCaseError::fail(format!(
                "check passed, build failed: {e:#}\n{text}"
            ))),
        }
    });
    if let Err(e) = result {
        panic!("{e}");
    }
    let (built, total) = (built.get(), total.get());
    assert!(
        built * 8 >= total,
        "only {built} of {total} generated files passed check: the generator is too hostile to test builds"
    );
}
