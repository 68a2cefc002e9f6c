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

/// A pattern longer than this is refused: the longest Azure name sigc makes is 260 characters.
pub const MAX_PATTERN_BYTES: usize = 512;
/// A rendered name longer than this stops the render (names are at most 260 characters).
pub const MAX_RENDERED_BYTES: usize = 1024;
/// Template instructions per render: the default pattern needs about a dozen.
pub const PATTERN_FUEL: u64 = 10_000;
/// The only statements a name pattern may use; loops, assignments, macros and includes have
/// no use in a name and are how a pattern runs forever or grows without bound.
const ALLOWED_TAGS: [&str; 4] = ["if", "elif", "else", "endif"];

/// Templates are bounded: no loops or `range`, no string repetition, no filter that grows a
/// string, a fuel limit (minijinja `Environment::set_fuel`) and a cap on the rendered size.
fn jinja() -> &'static Environment<'static> {
    static ENV: OnceLock<Environment<'static>> = OnceLock::new();
    ENV.get_or_init(|| {
        let mut env = Environment::empty();
        env.set_undefined_behavior(UndefinedBehavior::Strict);
        // Names are not HTML: never escape.
        env.set_auto_escape_callback(|_| minijinja::AutoEscape::None);
        env.set_fuel(Some(PATTERN_FUEL));
        env.set_recursion_limit(16);
        env.add_filter("lower", minijinja::filters::lower);
        env.add_filter("upper", minijinja::filters::upper);
        env.add_filter("trim", minijinja::filters::trim);
        env.add_filter("default", minijinja::filters::default);
        env
    })
}

/// Why a pattern is refused before it is compiled, if it is.
fn refuse_pattern(pattern: &str) -> Option<String> {
    if pattern.trim().is_empty() {
        return Some("it is empty or only whitespace".to_string());
    }
    if pattern.len() > MAX_PATTERN_BYTES {
        return Some(format!(
            "it is {} bytes long; a pattern may have at most {MAX_PATTERN_BYTES}",
            pattern.len()
        ));
    }
    // Walk the tags outside string literals: statements must be `if`/`elif`/`else`/`endif`,
    // and `*` (string repetition, `**`) is refused.
    let bytes = pattern.as_bytes();
    let mut i = 0;
    while i + 1 < bytes.len() {
        // Bytes, not `str` slices: `i` may sit inside a multi-byte character.
        let open = &bytes[i..i + 2];
        if open != b"{{" && open != b"{%" {
            i += 1;
            continue;
        }
        let close: &[u8] = if open == b"{{" { b"}}" } else { b"%}" };
        let body_start = i + 2;
        let mut j = body_start;
        let mut quote: Option<u8> = None;
        while j < bytes.len() {
            let b = bytes[j];
            match quote {
                Some(_) if b == b'\\' => j += 1,
                Some(q) if b == q => quote = None,
                Some(_) => {}
                None if b == b'"' || b == b'\'' => quote = Some(b),
                None if b == b'*' => return Some("`*` (repetition) is not allowed in a name".to_string()),
                None if bytes[j..].starts_with(close) => break,
                None => {}
            }
            j += 1;
        }
        if open == b"{%" {
            let word: String = pattern[body_start..j]
                .trim_start_matches(['-', '+', '~'])
                .trim_start()
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            if !ALLOWED_TAGS.contains(&word.as_str()) {
                return Some(format!(
                    "`{{% {word} %}}` is not allowed in a name; only `if`, `elif`, `else` and `endif` are"
                ));
            }
        }
        i = j + 2;
    }
    None
}

/// Collects rendered output and stops the render past [`MAX_RENDERED_BYTES`].
struct Capped {
    out: Vec<u8>,
    over: bool,
}

impl std::io::Write for Capped {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if self.out.len() + buf.len() > MAX_RENDERED_BYTES {
            self.over = true;
            return Err(std::io::Error::other("name too long"));
        }
        self.out.extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn render(template: &minijinja::Template<'_, '_>, vars: &Vars<'_>) -> Result<String, String> {
    let mut out = Capped {
        out: Vec::new(),
        over: false,
    };
    match template.render_captured_to(vars, &mut out) {
        Ok(_) => Ok(String::from_utf8_lossy(&out.out).into_owned()),
        Err(_) if out.over => Err(format!("it renders more than {MAX_RENDERED_BYTES} bytes")),
        Err(e) if e.kind() == minijinja::ErrorKind::OutOfFuel => {
            Err(format!("it takes more than {PATTERN_FUEL} template steps"))
        }
        Err(e) => Err(describe(&e)),
    }
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

    // Each template is compiled once per file, then rendered for every resource.
    let templates = [&pattern, &compact].map(|t| match refuse_pattern(&t.value) {
        Some(why) => Err(why),
        None => jinja().template_from_str(&t.value).map_err(|e| describe(&e)),
    });
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
        let (template, compiled) = if rule.compact {
            (&compact, &templates[1])
        } else {
            (&pattern, &templates[0])
        };
        let vars = Vars {
            abbr: &rule.abbr,
            workload,
            env,
            location,
            instance,
            suffix,
        };
        let rendered = match compiled {
            Ok(t) => render(t, &vars),
            Err(e) => Err(e.clone()),
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
                .note("the variables are `abbr`, `workload`, `env`, `location`, `instance` and `suffix`")
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
