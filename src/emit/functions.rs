//! Functions target: the app the stack runs, in the language the graph carries:
//! Python (`functions/function_app.py`, `host.json`, `requirements.txt`) or Node.js
//! v4 in TypeScript or JavaScript (`functions/package.json`, `host.json`,
//! `src/functions/http.*`, `src/functions/hubs.*`, and `tsconfig.json` for
//! TypeScript), from the minijinja templates in `modules/functions/`.
//!
//! Hub names are user strings: they reach the code only as literals made by
//! [`py_str`] (Python) or [`js_str`] (TypeScript and JavaScript), and each hub's
//! trigger functions get names derived by [`function_names`] (sanitised, unique,
//! deterministic). The same functions exist in every language.

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::sync::OnceLock;

use anyhow::{bail, Context};
use minijinja::value::ValueKind;
use minijinja::{Environment, Error, ErrorKind, Output, State, Value};
use serde::Serialize;

use super::templates::is_identifier;
use super::Artifact;
use crate::graph::ResourceGraph;
use crate::graph::SIGNALR_TRIGGERS;

/// One template of `modules/functions/`: its name, the file it renders, its source
/// and the languages whose app has that file.
struct Template {
    name: &'static str,
    path: &'static str,
    source: &'static str,
    languages: &'static [&'static str],
}

const PY: &[&str] = &["python"];
const TS: &[&str] = &["typescript"];
const JS: &[&str] = &["javascript"];
const NODE: &[&str] = &["typescript", "javascript"];

/// Every template, in the order of the files it writes.
const TEMPLATES: &[Template] = &[
    Template {
        name: "functions/function_app.py.j2",
        path: "functions/function_app.py",
        source: include_str!("../../modules/functions/function_app.py.j2"),
        languages: PY,
    },
    Template {
        name: "functions/host.json.j2",
        path: "functions/host.json",
        source: include_str!("../../modules/functions/host.json.j2"),
        languages: &["python", "typescript", "javascript"],
    },
    Template {
        name: "functions/node/package.json.j2",
        path: "functions/package.json",
        source: include_str!("../../modules/functions/node/package.json.j2"),
        languages: NODE,
    },
    Template {
        name: "functions/requirements.txt.j2",
        path: "functions/requirements.txt",
        source: include_str!("../../modules/functions/requirements.txt.j2"),
        languages: PY,
    },
    Template {
        name: "functions/node/http.js.j2",
        path: "functions/src/functions/http.js",
        source: include_str!("../../modules/functions/node/http.js.j2"),
        languages: JS,
    },
    Template {
        name: "functions/node/http.ts.j2",
        path: "functions/src/functions/http.ts",
        source: include_str!("../../modules/functions/node/http.ts.j2"),
        languages: TS,
    },
    Template {
        name: "functions/node/hubs.js.j2",
        path: "functions/src/functions/hubs.js",
        source: include_str!("../../modules/functions/node/hubs.js.j2"),
        languages: JS,
    },
    Template {
        name: "functions/node/hubs.ts.j2",
        path: "functions/src/functions/hubs.ts",
        source: include_str!("../../modules/functions/node/hubs.ts.j2"),
        languages: TS,
    },
    Template {
        name: "functions/node/tsconfig.json.j2",
        path: "functions/tsconfig.json",
        source: include_str!("../../modules/functions/node/tsconfig.json.j2"),
        languages: TS,
    },
];

/// The suffixes of the trigger functions every hub gets (`on_<hub>_message`, ...), in
/// the order of [`SIGNALR_TRIGGERS`], whose (category, event) the templates write.
pub const TRIGGER_SUFFIXES: [&str; 3] = [SIGNALR_TRIGGERS[0].0, SIGNALR_TRIGGERS[1].0, SIGNALR_TRIGGERS[2].0];

/// Longest hub-derived part of a function name (Functions allows 128 characters).
const MAX_SLUG: usize = 64;

/// Emits the Functions app that serves the stack's hubs, in the app's language.
pub fn emit(graph: &ResourceGraph) -> anyhow::Result<Vec<Artifact>> {
    let (_, app) = graph.function_app();
    render(&View::new(&app.hubs, &app.language, &app.runtime_version)?)
}

fn render(view: &View) -> anyhow::Result<Vec<Artifact>> {
    let env = environment()?;
    TEMPLATES
        .iter()
        .filter(|t| t.languages.contains(&view.language.as_str()))
        .map(|t| {
            let text = env
                .get_template(t.name)
                .and_then(|template| template.render(view))
                .map_err(|e| anyhow::anyhow!("{e:#}"))
                .with_context(|| format!("rendering {}", t.path))?;
            Ok(Artifact::new(t.path, text))
        })
        .collect()
}

/// The one template environment of this target, built once per process.
fn environment() -> anyhow::Result<&'static Environment<'static>> {
    static ENV: OnceLock<Result<Environment<'static>, String>> = OnceLock::new();
    ENV.get_or_init(|| {
        let mut env = super::templates::strict_environment();
        env.set_formatter(format_value);
        env.add_filter("py_str", |s: &str| Value::from_safe_string(py_str(s)));
        env.add_filter("js_str", |s: &str| Value::from_safe_string(js_str(s)));
        for t in TEMPLATES {
            env.add_template(t.name, t.source)
                .map_err(|e| format!("template {}: {e:#}", t.name))?;
        }
        Ok(env)
    })
    .as_ref()
    .map_err(|e| anyhow::anyhow!("loading the Functions templates: {e}"))
}

/// Prints `{{ ... }}` values: strings only when [`py_str`] made them (marked safe) or
/// when they are identifiers (function names), integers as digits. Anything else is
/// an error, so a raw hub name can never land in the code.
fn format_value(out: &mut Output, _state: &State, value: &Value) -> Result<(), Error> {
    let ok = match value.kind() {
        ValueKind::Number => i64::try_from(value.clone()).is_ok(),
        ValueKind::String => value.is_safe() || value.as_str().is_some_and(is_identifier),
        _ => false,
    };
    if !ok {
        return Err(Error::new(
            ErrorKind::InvalidOperation,
            format!("{value:?} is not code: pass it through py_str or js_str"),
        ));
    }
    out.write_str(&value.to_string()).map_err(Error::from)
}

/// Quotes `s` as a Python string literal (`"..."`). Backslash, quote, control
/// characters, line separators and invisible bidirectional/zero-width characters are
/// escaped, so the literal is one line that reads as what it is.
pub fn py_str(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() || is_invisible(c) => {
                let code = u32::from(c);
                let _ = match code {
                    0..=0xFF => write!(out, "\\x{code:02x}"),
                    0x100..=0xFFFF => write!(out, "\\u{code:04x}"),
                    _ => write!(out, "\\U{code:08x}"),
                };
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Quotes `s` as a JavaScript (and TypeScript) string literal (`'...'`), the one place
/// a user string becomes JS/TS code. Backslash, both quotes, control characters, line
/// separators and invisible bidirectional/zero-width characters are escaped, so the
/// literal is one line that reads as what it is.
pub fn js_str(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('\'');
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\'' => out.push_str("\\'"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() || is_invisible(c) => {
                let _ = write!(out, "\\u{{{:04x}}}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('\'');
    out
}

/// Characters that render as nothing or reorder text ("Trojan Source", CVE-2021-42574).
fn is_invisible(c: char) -> bool {
    matches!(c, '\u{200B}'..='\u{200F}' | '\u{2028}'..='\u{202E}' | '\u{2060}'..='\u{2069}' | '\u{FEFF}')
}

/// The base name of each hub's trigger functions, in hub order: `on_<slug>`, where
/// the slug is the hub name lower-cased with every run of other characters than
/// ASCII letters and digits turned into one `_`. Each hub's functions are the base
/// plus `_` and one of [`TRIGGER_SUFFIXES`]; when one of those names is already
/// taken, the base gets `_2`, `_3`, ... after the slug, so the result depends only on
/// the list and every function name is unique.
pub fn function_names(hubs: &[String]) -> Vec<String> {
    let mut taken = BTreeSet::new();
    hubs.iter()
        .map(|hub| {
            let mut slug = String::new();
            for c in hub.chars() {
                if c.is_ascii_alphanumeric() {
                    slug.push(c.to_ascii_lowercase());
                } else if !slug.ends_with('_') {
                    slug.push('_');
                }
            }
            let mut slug = slug.trim_matches('_').to_string();
            slug.truncate(MAX_SLUG);
            let slug = if slug.is_empty() {
                "hub".to_string()
            } else {
                slug.trim_end_matches('_').to_string()
            };
            let mut base = format!("on_{slug}");
            let mut n = 2;
            while TRIGGER_SUFFIXES.iter().any(|s| taken.contains(&format!("{base}_{s}"))) {
                base = format!("on_{slug}_{n}");
                n += 1;
            }
            for s in TRIGGER_SUFFIXES {
                taken.insert(format!("{base}_{s}"));
            }
            base
        })
        .collect()
}

#[derive(Serialize)]
struct View {
    /// Distinct hubs (case-insensitively, as the SignalR extension routes them), in order.
    hubs: Vec<Hub>,
    /// `python`, `typescript` or `javascript`.
    language: String,
    typescript: bool,
    /// The Node.js major version (`@types/node`); 0 for Python.
    node_major: u32,
}

#[derive(Serialize)]
struct Hub {
    name: String,
    function: String,
}

impl View {
    fn new(hubs: &[String], language: &str, runtime_version: &str) -> anyhow::Result<View> {
        if !TEMPLATES.iter().any(|t| t.languages.contains(&language)) {
            bail!("language `{language}` has no Functions templates");
        }
        let node_major = if language == "python" {
            0
        } else {
            runtime_version
                .parse()
                .with_context(|| format!("Node.js version `{runtime_version}` is not a major version"))?
        };
        let mut seen = BTreeSet::new();
        // Two triggers for one hub (case-insensitive) stop the Functions host at start-up.
        let hubs: Vec<String> = hubs.iter().filter(|h| seen.insert(h.to_lowercase())).cloned().collect();
        if hubs.is_empty() {
            bail!("the function app serves no hub");
        }
        let names = function_names(&hubs);
        Ok(View {
            hubs: hubs
                .into_iter()
                .zip(names)
                .map(|(name, function)| Hub { name, function })
                .collect(),
            language: language.to_string(),
            typescript: language == "typescript",
            node_major,
        })
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;
    use std::path::{Path, PathBuf};
    use std::process::Command;

    use super::*;
    use crate::graph::sample::sample_graph;
    use crate::graph::FunctionPlan;

    fn render_lang(hubs: &[&str], language: &str) -> BTreeMap<String, String> {
        let hubs: Vec<String> = hubs.iter().map(|h| h.to_string()).collect();
        let version = if language == "python" { "3.12" } else { "22" };
        render(&View::new(&hubs, language, version).expect("view"))
            .expect("renders")
            .into_iter()
            .map(|a| (a.path, a.contents))
            .collect()
    }

    fn render_hubs(hubs: &[&str]) -> BTreeMap<String, String> {
        render_lang(hubs, "python")
    }

    /// A fresh scratch directory for one test.
    fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("sigc-functions-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("scratch dir");
        dir
    }

    fn python(args: &[&str]) -> std::process::Output {
        Command::new("python3")
            .args(args)
            .output()
            .expect("python3 runs (it is required for these tests)")
    }

    fn node(dir: &Path, args: &[&str]) -> std::process::Output {
        Command::new("node")
            .current_dir(dir)
            .args(args)
            .output()
            .expect("node runs (it is required for these tests)")
    }

    const TRICKY_HUBS: &[&str] = &[
        "chat",
        "Chat-Room",
        "chat_room",
        "1st",
        "класс",
        "",
        "a\"b\\c\nd'''",
        "Chat",
        "${x} %{y}",
        "\u{202E}rtl",
        "x_dis",
        "x",
    ];

    const SAMPLES: [&str; 8] = [
        "it's ${x} \\ \n",
        "",
        "\"\"\"",
        "tab\t\r\n",
        "\u{0}\u{1b}\u{7f}\u{85}",
        "naïve 名前 🚀",
        "\u{202E}x\u{2028}",
        "`${x}` </script>",
    ];

    #[test]
    fn py_str_round_trips_through_python() {
        let dir = scratch("literals");
        let mut program = String::from("import json, sys\nvalues = [\n");
        for s in SAMPLES {
            let lit = py_str(s);
            assert!(
                !lit.contains('\n') && !lit.chars().any(|c| c.is_control() || is_invisible(c)),
                "{lit:?}"
            );
            program.push_str(&format!("    {lit},\n"));
        }
        program.push_str("]\nsys.stdout.write(json.dumps(values))\n");
        let file = dir.join("literals.py");
        std::fs::write(&file, program).expect("write");
        let out = python(&[file.to_str().expect("utf-8 path")]);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let back: Vec<String> = serde_json::from_slice(&out.stdout).expect("json");
        assert_eq!(back, SAMPLES);
    }

    #[test]
    fn js_str_round_trips_through_node() {
        let dir = scratch("js-literals");
        let mut program = String::from("const values = [\n");
        for s in SAMPLES {
            let lit = js_str(s);
            assert!(
                !lit.contains('\n') && !lit.chars().any(|c| c.is_control() || is_invisible(c)),
                "{lit:?}"
            );
            program.push_str(&format!("    {lit},\n"));
        }
        program.push_str("];\nprocess.stdout.write(JSON.stringify(values));\n");
        std::fs::write(dir.join("literals.js"), program).expect("write");
        let out = node(&dir, &["literals.js"]);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let back: Vec<String> = serde_json::from_slice(&out.stdout).expect("json");
        assert_eq!(back, SAMPLES);
    }

    #[test]
    fn function_names_are_unique_identifiers() {
        let hubs: Vec<String> = TRICKY_HUBS.iter().map(|h| h.to_string()).collect();
        let names = function_names(&hubs);
        assert_eq!(
            names,
            [
                "on_chat",
                "on_chat_room",
                "on_chat_room_2",
                "on_1st",
                "on_hub",
                "on_hub_2",
                "on_a_b_c_d",
                "on_chat_2",
                "on_x_y",
                "on_rtl",
                "on_x_dis",
                "on_x",
            ]
        );
        let all: Vec<String> = names
            .iter()
            .flat_map(|b| TRIGGER_SUFFIXES.iter().map(move |s| format!("{b}_{s}")))
            .collect();
        let unique: BTreeSet<&String> = all.iter().collect();
        assert_eq!(unique.len(), all.len(), "{all:?}");
        assert!(all.iter().all(|n| is_identifier(n) && n.len() <= 128));
        // A base whose names another hub already has moves on to `_2`.
        let clash = function_names(&["a_2".into(), "a".into(), "a".into()]);
        assert_eq!(clash, ["on_a_2", "on_a", "on_a_3"]);
        let long = function_names(&["x".repeat(500)]);
        assert!(long[0].len() <= MAX_SLUG + "on_".len());
    }

    #[test]
    fn the_python_app_compiles_and_has_three_triggers_per_hub() {
        for (case, hubs) in [("one", &["chat"][..]), ("tricky", TRICKY_HUBS)] {
            let files = render_hubs(hubs);
            assert_eq!(
                files.keys().collect::<Vec<_>>(),
                [
                    "functions/function_app.py",
                    "functions/host.json",
                    "functions/requirements.txt"
                ]
            );
            let app = &files["functions/function_app.py"];
            let distinct: BTreeSet<String> = hubs.iter().map(|h| h.to_lowercase()).collect();
            assert_eq!(
                app.matches("type=\"signalRTrigger\"").count(),
                3 * distinct.len(),
                "{case}"
            );
            let defs: Vec<&str> = app.lines().filter_map(|l| l.strip_prefix("def ")).collect();
            let unique: BTreeSet<&str> = defs.iter().copied().collect();
            assert_eq!(unique.len(), defs.len(), "{case}: duplicate function names");
            for required in [
                "def negotiate(",
                "def negotiate_user(",
                "def broadcast(",
                "def send_to_user(",
                "def send_to_group(",
                "def add_to_group(",
                "def remove_from_group(",
            ] {
                assert!(app.contains(required), "{case}: {required}");
            }
            assert_clean(&files, case);
            let dir = scratch(case);
            let file = dir.join("function_app.py");
            std::fs::write(&file, app).expect("write");
            let out = python(&["-m", "py_compile", file.to_str().expect("utf-8 path")]);
            assert!(out.status.success(), "{case}: {}", String::from_utf8_lossy(&out.stderr));
        }
    }

    fn assert_clean(files: &BTreeMap<String, String>, case: &str) {
        for (path, text) in files {
            assert!(
                !text.contains("{{") && !text.contains("{%"),
                "{case}: {path}: template leftovers"
            );
            assert!(
                text.ends_with('\n') && !text.ends_with("\n\n"),
                "{case}: {path} ends with one newline"
            );
            assert!(
                text.lines().all(|l| l == l.trim_end()),
                "{case}: {path} has trailing whitespace"
            );
        }
    }

    #[test]
    fn the_node_apps_have_their_files_and_valid_json() {
        for (language, expected) in [
            (
                "typescript",
                &[
                    "functions/host.json",
                    "functions/package.json",
                    "functions/src/functions/http.ts",
                    "functions/src/functions/hubs.ts",
                    "functions/tsconfig.json",
                ][..],
            ),
            (
                "javascript",
                &[
                    "functions/host.json",
                    "functions/package.json",
                    "functions/src/functions/http.js",
                    "functions/src/functions/hubs.js",
                ][..],
            ),
        ] {
            let files = render_lang(TRICKY_HUBS, language);
            assert_eq!(files.keys().map(String::as_str).collect::<Vec<_>>(), expected);
            assert_clean(&files, language);
            let package: serde_json::Value =
                serde_json::from_str(&files["functions/package.json"]).expect("package.json is JSON");
            assert_eq!(package["dependencies"]["@azure/functions"], "^4.16.5");
            if language == "typescript" {
                assert_eq!(package["main"], "dist/src/functions/*.js");
                assert_eq!(package["devDependencies"]["@types/node"], "^22.0.0");
                let tsconfig: serde_json::Value =
                    serde_json::from_str(&files["functions/tsconfig.json"]).expect("tsconfig.json is JSON");
                assert_eq!(tsconfig["compilerOptions"]["outDir"], "dist");
            } else {
                assert_eq!(package["main"], "src/functions/*.js");
                assert!(package.get("devDependencies").is_none());
            }
        }
    }

    /// Loads the JavaScript app with a stand-in `@azure/functions` that records each
    /// registration (the real SDK runs in scripts/check-functions.py), so every hub
    /// name reaches the code intact and the function names are the emitter's.
    #[test]
    fn every_hub_reaches_javascript_intact() {
        let files = render_lang(TRICKY_HUBS, "javascript");
        let dir = scratch("js-hubs");
        for (path, text) in &files {
            let path = dir.join(path.strip_prefix("functions/").expect("under functions/"));
            std::fs::create_dir_all(path.parent().expect("parent")).expect("dir");
            std::fs::write(path, text).expect("write");
        }
        let stub = dir.join("node_modules/@azure/functions");
        std::fs::create_dir_all(&stub).expect("stub dir");
        std::fs::write(
            stub.join("index.js"),
            "const registered = [];\n\
             const record = (kind) => (name, options) => registered.push({ kind, name, options });\n\
             module.exports = {\n\
             \x20 registered,\n\
             \x20 app: { http: record('http'), generic: record('generic') },\n\
             \x20 input: { generic: (o) => o },\n\
             \x20 output: { generic: (o) => o },\n\
             \x20 trigger: { generic: (o) => o },\n\
             };\n",
        )
        .expect("write");
        let out = node(
            &dir,
            &[
                "-e",
                "require('./src/functions/http.js'); require('./src/functions/hubs.js');\n\
                 const r = require('@azure/functions').registered;\n\
                 process.stdout.write(JSON.stringify(r.map(({ kind, name, options }) => ({ kind, name, trigger: options.trigger ?? null }))));",
            ],
        );
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let registered: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).expect("json");
        let http: Vec<&str> = registered
            .iter()
            .filter(|r| r["kind"] == "http")
            .map(|r| r["name"].as_str().expect("name"))
            .collect();
        assert_eq!(
            http,
            [
                "negotiate",
                "negotiate_user",
                "broadcast",
                "send_to_user",
                "send_to_group",
                "add_to_group",
                "remove_from_group"
            ]
        );
        let triggers: Vec<(String, String, String, String)> = registered
            .iter()
            .filter(|r| r["kind"] == "generic")
            .map(|r| {
                let t = &r["trigger"];
                let text = |v: &serde_json::Value| v.as_str().expect("a string").to_string();
                (
                    text(&t["hubName"]),
                    text(&r["name"]),
                    text(&t["category"]),
                    text(&t["event"]),
                )
            })
            .collect();
        let hubs: Vec<String> = TRICKY_HUBS.iter().map(|h| h.to_string()).collect();
        let view = View::new(&hubs, "javascript", "22").expect("view");
        let expected: Vec<(String, String, String, String)> = view
            .hubs
            .iter()
            .flat_map(|h| {
                SIGNALR_TRIGGERS.iter().map(|(suffix, category, event)| {
                    (
                        h.name.clone(),
                        format!("{}_{suffix}", h.function),
                        category.to_string(),
                        event.to_string(),
                    )
                })
            })
            .collect();
        assert_eq!(triggers, expected);
    }

    #[test]
    fn every_hub_reaches_python_intact() {
        let app = &render_hubs(TRICKY_HUBS)["functions/function_app.py"];
        let dir = scratch("hubs");
        // Stub just enough of azure.functions to import the app and record the bindings
        // (the real SDK runs in scripts/check-functions.py).
        let stub = dir.join("azure/functions");
        std::fs::create_dir_all(&stub).expect("stub dir");
        std::fs::write(dir.join("azure/__init__.py"), "").expect("write");
        std::fs::write(
            stub.join("__init__.py"),
            "import json\n\
             BINDINGS = []\n\
             class AuthLevel:\n    ANONYMOUS = 'anonymous'\n    FUNCTION = 'function'\n\
             class HttpRequest: pass\n\
             class HttpResponse: pass\n\
             class Out:\n    def __class_getitem__(cls, item): return cls\n\
             class FunctionApp:\n\
             \x20   def _record(self, kind, **kwargs):\n\
             \x20       def wrap(f):\n\
             \x20           BINDINGS.append(dict(kwargs, function=f.__name__, kind=kind))\n\
             \x20           return f\n\
             \x20       return wrap\n\
             \x20   def route(self, **kw): return self._record('route', **kw)\n\
             \x20   def generic_trigger(self, **kw): return self._record('trigger', **kw)\n\
             \x20   def generic_input_binding(self, **kw): return self._record('input', **kw)\n\
             \x20   def generic_output_binding(self, **kw): return self._record('output', **kw)\n",
        )
        .expect("write");
        std::fs::write(dir.join("function_app.py"), app).expect("write");
        let out = Command::new("python3")
            .current_dir(&dir)
            .args([
                "-c",
                "import json, sys, function_app, azure.functions as f; sys.stdout.write(json.dumps(f.BINDINGS))",
            ])
            .output()
            .expect("python3 runs");
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let bindings: Vec<BTreeMap<String, serde_json::Value>> = serde_json::from_slice(&out.stdout).expect("json");
        let triggers: Vec<(String, String)> = bindings
            .iter()
            .filter(|b| b["kind"] == "trigger")
            .map(|b| {
                (
                    b["hub_name"].as_str().expect("hub").to_string(),
                    b["function"].as_str().expect("fn").to_string(),
                )
            })
            .collect();
        let hubs: Vec<String> = TRICKY_HUBS.iter().map(|h| h.to_string()).collect();
        let view = View::new(&hubs, "python", "3.12").expect("view");
        let expected: Vec<(String, String)> = view
            .hubs
            .iter()
            .flat_map(|h| {
                TRIGGER_SUFFIXES
                    .iter()
                    .map(|s| (h.name.clone(), format!("{}_{s}", h.function)))
            })
            .collect();
        assert_eq!(triggers, expected);
        for b in &bindings {
            if b["kind"] != "route" {
                assert_eq!(b["connection_string_setting"], "AzureSignalRConnectionString", "{b:?}");
            }
        }
        let negotiate = bindings
            .iter()
            .find(|b| b["function"] == "negotiate" && b["kind"] == "input")
            .expect("negotiate");
        assert_eq!(negotiate["hub_name"], "chat", "HTTP functions use the first hub");
    }

    #[test]
    fn host_json_pins_the_extension_bundle() {
        for language in ["python", "typescript", "javascript"] {
            let files = render_lang(&["chat"], language);
            let host: serde_json::Value =
                serde_json::from_str(&files["functions/host.json"]).expect("host.json is JSON");
            assert_eq!(host["version"], "2.0");
            assert_eq!(
                host["extensionBundle"]["id"],
                "Microsoft.Azure.Functions.ExtensionBundle"
            );
            assert_eq!(host["extensionBundle"]["version"], "[4.*, 5.0.0)");
        }
        assert_eq!(
            render_hubs(&["chat"])["functions/requirements.txt"],
            "azure-functions\n"
        );
    }

    #[test]
    fn sample_graph_renders_deterministically() {
        let graph = sample_graph(FunctionPlan::FC1);
        let first = emit(&graph).expect("renders");
        assert_eq!(first, emit(&graph).expect("renders"));
        assert!(first[0].contents.contains("hub_name=\"chat\""));
    }

    #[test]
    fn an_app_without_hubs_or_templates_is_an_error() {
        assert!(View::new(&[], "python", "3.12").is_err());
        assert!(View::new(&["chat".into()], "cobol", "1").is_err());
        assert!(View::new(&["chat".into()], "typescript", "3.12").is_err());
    }
}
