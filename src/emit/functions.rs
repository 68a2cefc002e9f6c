//! Functions target: the Python app the stack runs (`functions/function_app.py`,
//! `host.json`, `requirements.txt`), from the minijinja templates in
//! `modules/functions/`.
//!
//! Hub names are user strings: they reach Python only as literals made by
//! [`py_str`], and each hub's trigger function gets a name derived by
//! [`function_names`] (sanitised, unique, deterministic).

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

/// Templates in `modules/functions/`, with the file each one renders.
const TEMPLATES: &[(&str, &str, &str)] = &[
    (
        "functions/function_app.py.j2",
        "functions/function_app.py",
        include_str!("../../modules/functions/function_app.py.j2"),
    ),
    (
        "functions/host.json.j2",
        "functions/host.json",
        include_str!("../../modules/functions/host.json.j2"),
    ),
    (
        "functions/requirements.txt.j2",
        "functions/requirements.txt",
        include_str!("../../modules/functions/requirements.txt.j2"),
    ),
];

/// Longest hub-derived part of a function name (Functions allows 128 characters).
const MAX_SLUG: usize = 64;

/// Emits the Python Functions app that serves the stack's hubs.
pub fn emit(graph: &ResourceGraph) -> anyhow::Result<Vec<Artifact>> {
    let (_, app) = graph.function_app();
    render(&View::new(&app.hubs)?)
}

fn render(view: &View) -> anyhow::Result<Vec<Artifact>> {
    let env = environment()?;
    TEMPLATES
        .iter()
        .map(|(template, path, _)| {
            let text = env
                .get_template(template)
                .and_then(|t| t.render(view))
                .map_err(|e| anyhow::anyhow!("{e:#}"))
                .with_context(|| format!("rendering {path}"))?;
            Ok(Artifact::new(*path, text))
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
        for (name, _, source) in TEMPLATES {
            env.add_template(name, source)
                .map_err(|e| format!("template {name}: {e:#}"))?;
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
            format!("{value:?} is not Python code: pass it through py_str"),
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

/// Characters that render as nothing or reorder text ("Trojan Source", CVE-2021-42574).
fn is_invisible(c: char) -> bool {
    matches!(c, '\u{200B}'..='\u{200F}' | '\u{2028}'..='\u{202E}' | '\u{2060}'..='\u{2069}' | '\u{FEFF}')
}

/// One Python function name per hub, in hub order: `on_<slug>_message`, where the
/// slug is the hub name lower-cased with every run of other characters than ASCII
/// letters and digits turned into one `_`. A name already taken gets `_2`, `_3`, ...
/// after the slug, so the result depends only on the list.
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
            let mut name = format!("on_{slug}_message");
            let mut n = 2;
            while !taken.insert(name.clone()) {
                name = format!("on_{slug}_{n}_message");
                n += 1;
            }
            name
        })
        .collect()
}

#[derive(Serialize)]
struct View {
    /// Distinct hubs (case-insensitively, as the SignalR extension routes them), in order.
    hubs: Vec<Hub>,
}

#[derive(Serialize)]
struct Hub {
    name: String,
    function: String,
}

impl View {
    fn new(hubs: &[String]) -> anyhow::Result<View> {
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
        })
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;
    use std::path::PathBuf;
    use std::process::Command;

    use super::*;
    use crate::graph::sample::sample_graph;
    use crate::graph::FunctionPlan;

    fn render_hubs(hubs: &[&str]) -> BTreeMap<String, String> {
        let hubs: Vec<String> = hubs.iter().map(|h| h.to_string()).collect();
        render(&View::new(&hubs).expect("view"))
            .expect("renders")
            .into_iter()
            .map(|a| (a.path, a.contents))
            .collect()
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
    ];

    #[test]
    fn py_str_round_trips_through_python() {
        let samples = [
            "it's ${x} \\ \n",
            "",
            "\"\"\"",
            "tab\t\r\n",
            "\u{0}\u{1b}\u{7f}\u{85}",
            "naïve 名前 🚀",
            "\u{202E}x\u{2028}",
        ];
        let dir = scratch("literals");
        let mut program = String::from("import json, sys\nvalues = [\n");
        for s in samples {
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
        assert_eq!(back, samples);
    }

    #[test]
    fn function_names_are_unique_identifiers() {
        let hubs: Vec<String> = TRICKY_HUBS.iter().map(|h| h.to_string()).collect();
        let names = function_names(&hubs);
        assert_eq!(
            names,
            [
                "on_chat_message",
                "on_chat_room_message",
                "on_chat_room_2_message",
                "on_1st_message",
                "on_hub_message",
                "on_hub_2_message",
                "on_a_b_c_d_message",
                "on_chat_2_message",
                "on_x_y_message",
                "on_rtl_message",
            ]
        );
        assert!(names.iter().all(|n| is_identifier(n) && n.len() <= 128));
        let long = function_names(&["x".repeat(500)]);
        assert!(long[0].len() <= MAX_SLUG + "on__message".len());
    }

    #[test]
    fn the_app_compiles_and_has_one_trigger_per_hub() {
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
            assert_eq!(app.matches("type=\"signalRTrigger\"").count(), distinct.len(), "{case}");
            let defs: Vec<&str> = app.lines().filter_map(|l| l.strip_prefix("def ")).collect();
            let unique: BTreeSet<&str> = defs.iter().copied().collect();
            assert_eq!(unique.len(), defs.len(), "{case}: duplicate function names");
            for required in ["def negotiate(", "def broadcast(", "def send_to_user("] {
                assert!(app.contains(required), "{case}: {required}");
            }
            assert!(!app.contains("{{") && !app.contains("{%"), "{case}: template leftovers");
            for (path, text) in &files {
                assert!(
                    text.ends_with('\n') && !text.ends_with("\n\n"),
                    "{path} ends with one newline"
                );
                assert!(
                    text.lines().all(|l| l == l.trim_end()),
                    "{path} has trailing whitespace"
                );
            }
            let dir = scratch(case);
            let file = dir.join("function_app.py");
            std::fs::write(&file, app).expect("write");
            let out = python(&["-m", "py_compile", file.to_str().expect("utf-8 path")]);
            assert!(out.status.success(), "{case}: {}", String::from_utf8_lossy(&out.stderr));
        }
    }

    #[test]
    fn every_hub_reaches_python_intact() {
        let app = &render_hubs(TRICKY_HUBS)["functions/function_app.py"];
        let dir = scratch("hubs");
        // Stub just enough of azure.functions to import the app and record the bindings.
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
        let view = View::new(&TRICKY_HUBS.iter().map(|h| h.to_string()).collect::<Vec<_>>()).expect("view");
        let expected: Vec<(String, String)> = view.hubs.iter().map(|h| (h.name.clone(), h.function.clone())).collect();
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
        let files = render_hubs(&["chat"]);
        let host: serde_json::Value = serde_json::from_str(&files["functions/host.json"]).expect("host.json is JSON");
        assert_eq!(host["version"], "2.0");
        assert_eq!(
            host["extensionBundle"]["id"],
            "Microsoft.Azure.Functions.ExtensionBundle"
        );
        assert_eq!(host["extensionBundle"]["version"], "[4.*, 5.0.0)");
        assert_eq!(files["functions/requirements.txt"], "azure-functions\n");
    }

    #[test]
    fn sample_graph_renders_deterministically() {
        let graph = sample_graph(FunctionPlan::FC1);
        let first = emit(&graph).expect("renders");
        assert_eq!(first, emit(&graph).expect("renders"));
        assert!(first[0].contents.contains("hub_name=\"chat\""));
    }

    #[test]
    fn an_app_without_hubs_is_an_error() {
        assert!(View::new(&[]).is_err());
    }
}
