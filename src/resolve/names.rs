//! Resource names: `[naming.names]` wins, else the pattern rendered with minijinja
//! (strict undefined) and the CAF abbreviation from `schemas/azure-limits.toml`.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use minijinja::{Environment, UndefinedBehavior};
use serde::Serialize;

use super::Setting;
use crate::diag::Diagnostic;
use crate::limits::limits;
use crate::model::{Naming, S};

pub const DEFAULT_PATTERN: &str = "{{ abbr }}-{{ workload }}-{{ env }}{{ suffix }}";
pub const DEFAULT_COMPACT_PATTERN: &str = "{{ abbr }}{{ workload }}{{ env }}{{ suffix }}";
pub const DEFAULT_INSTANCE: &str = "001";

/// The seven named resources, keyed as in `[naming.names]` and azure-limits.toml.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum NameKey {
    ResourceGroup,
    Signalr,
    StorageAccount,
    LogAnalytics,
    AppInsights,
    ServicePlan,
    FunctionApp,
}

impl NameKey {
    pub const ALL: [NameKey; 7] = [
        NameKey::ResourceGroup,
        NameKey::Signalr,
        NameKey::StorageAccount,
        NameKey::LogAnalytics,
        NameKey::AppInsights,
        NameKey::ServicePlan,
        NameKey::FunctionApp,
    ];

    pub fn key(self) -> &'static str {
        match self {
            NameKey::ResourceGroup => "resource_group",
            NameKey::Signalr => "signalr",
            NameKey::StorageAccount => "storage_account",
            NameKey::LogAnalytics => "log_analytics",
            NameKey::AppInsights => "app_insights",
            NameKey::ServicePlan => "service_plan",
            NameKey::FunctionApp => "function_app",
        }
    }

    pub fn parse(key: &str) -> Option<NameKey> {
        NameKey::ALL.into_iter().find(|k| k.key() == key)
    }
}

/// Where a name came from, so a naming rule can point at what to change.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NameSource {
    /// `[naming.names] <key> = "..."`.
    Explicit,
    /// Rendered from `pattern` or `compact_pattern` (explicit or default).
    Pattern { template: String, explicit: bool },
}

#[derive(Clone, Debug)]
pub struct ResolvedName {
    pub value: String,
    /// The explicit name's span, the pattern's span, or the `[environment]` name it came from.
    pub span: crate::source::Span,
    pub source: NameSource,
}

#[derive(Serialize)]
struct Vars<'a> {
    abbr: &'a str,
    workload: &'a str,
    env: &'a str,
    location: &'a str,
    instance: &'a str,
    suffix: &'a str,
}

/// Patterns longer than this are refused: a name is at most a few dozen characters.
pub const MAX_PATTERN_LEN: usize = 256;
/// Instructions one rendering may run (minijinja fuel); the accepted subset needs a few dozen.
const FUEL: u64 = 2_000;
/// Variables and filters a pattern may use.
const VARIABLES: [&str; 6] = ["abbr", "workload", "env", "location", "instance", "suffix"];
const FILTERS: [&str; 5] = ["lower", "upper", "trim", "title", "capitalize"];

/// Patterns are a bounded subset of minijinja: text, `{# comments #}` and
/// `{{ variable | filter | ... }}` with length-preserving filters. Statements (`{% for %}`,
/// `{% set %}`, macros), operators and literals are refused before rendering, so no
/// pattern can loop, recurse or build a large string (fuel alone bounds instructions,
/// not the size of one `"x" * n` or a doubling `~`).
fn check_pattern(pattern: &str) -> Result<(), String> {
    if pattern.trim().is_empty() {
        return Err("the pattern is empty or only whitespace".into());
    }
    if pattern.len() > MAX_PATTERN_LEN {
        return Err(format!("the pattern is longer than {MAX_PATTERN_LEN} bytes"));
    }
    let mut rest = pattern;
    while let Some(at) = rest.find('{') {
        let tail = &rest[at..];
        if tail.starts_with("{%") {
            return Err("`{% ... %}` statements are not allowed in a naming pattern".into());
        } else if let Some(body) = tail.strip_prefix("{#") {
            let end = body.find("#}").ok_or("a `{#` comment is not closed")?;
            rest = &body[end + 2..];
        } else if let Some(body) = tail.strip_prefix("{{") {
            let end = body.find("}}").ok_or("a `{{` expression is not closed")?;
            let inner = body[..end].trim_start_matches(['-', '+']).trim_end_matches(['-', '+']);
            let mut parts = inner.split('|').map(str::trim);
            let var = parts.next().unwrap_or_default();
            if !VARIABLES.contains(&var) {
                return Err(format!(
                    "`{{{{{}}}}}` is not one of the variables; a pattern expression is a variable and optional filters",
                    &body[..end]
                ));
            }
            if let Some(f) = parts.find(|f| !FILTERS.contains(f)) {
                return Err(format!("filter `{f}` is not allowed in a naming pattern"));
            }
            rest = &body[end + 2..];
        } else {
            rest = &tail[1..];
        }
    }
    Ok(())
}

fn jinja() -> &'static Environment<'static> {
    static ENV: OnceLock<Environment<'static>> = OnceLock::new();
    ENV.get_or_init(|| {
        let mut env = Environment::new();
        env.set_fuel(Some(FUEL));
        env.set_undefined_behavior(UndefinedBehavior::Strict);
        // Names are not HTML: never escape.
        env.set_auto_escape_callback(|_| minijinja::AutoEscape::None);
        env
    })
}

impl Vars<'_> {
    fn get(&self, name: &str) -> Option<&str> {
        Some(match name {
            "abbr" => self.abbr,
            "workload" => self.workload,
            "env" => self.env,
            "location" => self.location,
            "instance" => self.instance,
            "suffix" => self.suffix,
            _ => return None,
        })
    }
}

/// Renders a pattern that [`check_pattern`] accepted and that is only text and bare
/// `{{ variable }}` expressions (no filter, comment, whitespace control or line break),
/// as minijinja would: the text as written, each expression replaced by its variable.
/// `None` for any other pattern, which minijinja renders. Compiling and rendering two
/// templates per file was a tenth of `sigc check` (bench/run, callgrind); the test
/// `substitution_renders_as_minijinja` holds the two to the same output.
fn substitute(pattern: &str, vars: &Vars<'_>) -> Option<String> {
    if pattern.contains(['\n', '\r']) || pattern.contains("{#") {
        return None;
    }
    let mut out = String::with_capacity(pattern.len() + 32);
    let mut rest = pattern;
    while let Some(at) = find_pair(rest, b'{') {
        out.push_str(&rest[..at]);
        let body = &rest[at + 2..];
        let end = find_pair(body, b'}')?;
        out.push_str(vars.get(body[..end].trim_matches([' ', '\t']))?);
        rest = &body[end + 2..];
    }
    out.push_str(rest);
    Some(out)
}

/// Where `{{` (or `}}`) first starts in `text`, as `text.find("{{")` but without setting
/// up a substring searcher per call (a tenth of the names' cost, bench/run).
fn find_pair(text: &str, brace: u8) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut from = 0;
    while let Some(i) = bytes[from..].iter().position(|&b| b == brace) {
        let at = from + i;
        if bytes.get(at + 1) == Some(&brace) {
            return Some(at);
        }
        from = at + 1;
    }
    None
}

/// A template error in a few words, for the diagnostic message.
fn describe(err: &minijinja::Error) -> String {
    err.detail()
        .map(str::to_string)
        .unwrap_or_else(|| err.kind().to_string())
}

fn setting(field: &Option<S<String>>, default: &str, fallback: &crate::source::Span) -> Setting<String> {
    match field {
        Some(v) => Setting::explicit(v.get_ref().clone(), v.span()),
        None => Setting::default(default.to_string(), fallback.clone()),
    }
}

pub fn resolve_names(
    naming: Option<&S<Naming>>,
    env_name: &Setting<String>,
    workload_name: &Setting<String>,
    location_name: &Setting<String>,
) -> Result<BTreeMap<NameKey, ResolvedName>, Vec<Diagnostic>> {
    let table = naming.map_or(0..0, |n| n.span());
    let n = naming.map(|n| n.get_ref());
    let pattern = setting(&n.and_then(|n| n.pattern.clone()), DEFAULT_PATTERN, &table);
    let compact = setting(
        &n.and_then(|n| n.compact_pattern.clone()),
        DEFAULT_COMPACT_PATTERN,
        &table,
    );
    let (env, workload, location) = (
        env_name.value.as_str(),
        workload_name.value.as_str(),
        location_name.value.as_str(),
    );
    let suffix = n.and_then(|n| n.suffix.as_ref()).map_or("", |s| s.get_ref().as_str());
    // A name from the default pattern points at the key whose value produced it: the first of
    // `workload`, `name`, `suffix` holding a character outside `[a-z0-9]`, else the longest.
    let default_span = {
        let mut parts = vec![(workload, workload_name.span.clone()), (env, env_name.span.clone())];
        if let Some(s) = n.and_then(|n| n.suffix.as_ref()) {
            parts.push((s.get_ref().as_str(), s.span()));
        }
        let odd = |v: &str| v.chars().any(|c| !c.is_ascii_lowercase() && !c.is_ascii_digit());
        parts
            .iter()
            .find(|(v, _)| odd(v))
            .or_else(|| parts.iter().rev().max_by_key(|(v, _)| v.chars().count()))
            .map(|(_, span)| span.clone())
            .unwrap_or_else(|| workload_name.span.clone())
    };
    let instance = n
        .and_then(|n| n.instance.as_ref())
        .map_or(DEFAULT_INSTANCE, |s| s.get_ref().as_str());
    let explicit: BTreeMap<&str, &S<String>> = n
        .map(|n| n.names.iter().map(|(k, v)| (k.get_ref().as_str(), v)).collect())
        .unwrap_or_default();

    let mut errors = Vec::new();
    for key in explicit.keys() {
        if NameKey::parse(key).is_none() {
            let k = n
                .expect("explicit names come from [naming]")
                .names
                .keys()
                .find(|k| k.get_ref() == key)
                .expect("key listed");
            let keys: Vec<&str> = NameKey::ALL.iter().map(|k| k.key()).collect();
            let mut d = Diagnostic::error("input/unknown-key", format!("unknown key `{key}` in `[naming.names]`"))
                .primary(k.span(), "not a resource sigc names");
            d = match crate::diag::closest(key, keys.iter().copied()) {
                Some(near) => d.help(format!("`{near}` is the closest key: rename `{key}` to `{near}`")),
                None => d.note(format!("the keys of `[naming.names]` are: {}", keys.join(", "))),
            };
            errors.push(d);
        }
    }

    // Each template is checked once per file; minijinja compiles it only if a name needs it
    // and plain substitution cannot render it.
    let checked = [&pattern, &compact].map(|t| check_pattern(&t.value));
    let mut templates = [None, None];
    let mut names = BTreeMap::new();
    for key in NameKey::ALL {
        if let Some(v) = explicit.get(key.key()) {
            names.insert(
                key,
                ResolvedName {
                    value: v.get_ref().clone(),
                    span: v.span(),
                    source: NameSource::Explicit,
                },
            );
            continue;
        }
        let rule = limits().name_rule(key.key());
        let which = usize::from(rule.compact);
        let template = if rule.compact { &compact } else { &pattern };
        let vars = Vars {
            abbr: &rule.abbr,
            workload,
            env,
            location,
            instance,
            suffix,
        };
        let rendered = match &checked[which] {
            Err(detail) => Err(detail.clone()),
            Ok(()) => match substitute(&template.value, &vars) {
                Some(value) => Ok(value),
                None => match templates[which].get_or_insert_with(|| jinja().template_from_str(&template.value)) {
                    Ok(t) => t.render(&vars).map_err(|e| describe(&e)),
                    Err(e) => Err(describe(e)),
                },
            },
        };
        match rendered {
            Ok(value) => {
                names.insert(
                    key,
                    ResolvedName {
                        value: value.trim().to_string(),
                        span: if template.explicit {
                            template.span.clone()
                        } else {
                            default_span.clone()
                        },
                        source: NameSource::Pattern {
                            template: template.value.clone(),
                            explicit: template.explicit,
                        },
                    },
                );
            }
            Err(detail) => {
                let which = if rule.compact { "compact_pattern" } else { "pattern" };
                let d = Diagnostic::error(
                    "naming/invalid-pattern",
                    format!("`[naming] {which}` cannot be rendered: {detail}"),
                )
                .primary(template.span.clone(), "this template")
                .resource(key.key())
                .note("a pattern is text and `{{ variable }}` expressions; the variables are `abbr`, `workload`, `env`, `location`, `instance` and `suffix`; the filters `lower`, `upper`, `trim`, `title` and `capitalize`")
                .help(format!(
                    "fix the template; the default is `{}`",
                    if rule.compact {
                        DEFAULT_COMPACT_PATTERN
                    } else {
                        DEFAULT_PATTERN
                    }
                ));
                if !errors
                    .iter()
                    .any(|e: &Diagnostic| e.rule == d.rule && e.primary_span() == d.primary_span())
                {
                    errors.push(d);
                }
            }
        }
    }
    if errors.is_empty() {
        Ok(names)
    } else {
        Err(errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every pattern the substitution renders, it renders as minijinja does: thousands of
    /// patterns built from text, delimiters, odd whitespace and expressions with and
    /// without filters or whitespace control (which must fall back to minijinja).
    #[test]
    fn substitution_renders_as_minijinja() {
        const PIECES: [&str; 24] = [
            "-",
            "_",
            "x",
            "Ab",
            " ",
            "\t",
            "{",
            "}",
            "}}",
            "%",
            "é",
            "\u{a0}",
            "{{ abbr }}",
            "{{workload}}",
            "{{  env\t}}",
            "{{ location }}",
            "{{ instance}}",
            "{{suffix }}",
            "{{ env | upper }}",
            "{{- env }}",
            "{{ env -}}",
            "{# c #}",
            "\n",
            "{{ nope }}",
        ];
        let vars = Vars {
            abbr: "st",
            workload: "Chat App",
            env: "dev",
            location: "eastus",
            instance: "001",
            suffix: "-x",
        };
        let (mut state, mut fast) = (0x2545_f491_4f6c_dd1du64, 0);
        for _ in 0..20_000 {
            let mut pattern = String::new();
            for _ in 0..1 + state % 7 {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                pattern.push_str(PIECES[(state % PIECES.len() as u64) as usize]);
            }
            if check_pattern(&pattern).is_err() {
                continue;
            }
            if let Some(got) = substitute(&pattern, &vars) {
                fast += 1;
                let want = jinja().template_from_str(&pattern).and_then(|t| t.render(&vars));
                assert_eq!(Some(got), want.ok(), "pattern {pattern:?}");
            }
        }
        assert!(fast > 1_000, "only {fast} patterns took the substitution");
        for default in [DEFAULT_PATTERN, DEFAULT_COMPACT_PATTERN] {
            assert!(substitute(default, &vars).is_some(), "{default}");
        }
        for fallback in ["{{ env | upper }}", "{{- env }}", "a{# c #}", "{{ env }}\n"] {
            assert_eq!(substitute(fallback, &vars), None, "{fallback}");
        }
    }
}
