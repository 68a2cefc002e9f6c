//! sigc: compiles one ENV.toml into the Azure SignalR serverless stack.
//!
//! Pipeline: parse (with spans) → resolve defaults and names → lower into the
//! resource graph → policy rules → emit each target → verify the output against
//! `schemas/` → the CLI writes atomically.

pub mod diag;
pub mod emit;
pub mod graph;
pub mod limits;
pub mod model;
pub mod parse;
pub mod policy;
pub mod resolve;
pub mod source;
pub mod verify;

use anyhow::Context;

use diag::Diagnostic;
use emit::{Artifact, Target};
use graph::{GraphError, ResourceGraph};
use resolve::Resolved;
use source::SourceFile;

/// What to do beyond checking.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// Targets to emit; `None` checks only. An empty list means the file's
    /// `[outputs] targets` (else the contract's default).
    pub targets: Option<Vec<Target>>,
}

/// The result of compiling one ENV.toml.
#[derive(Debug, Default)]
pub struct Compilation {
    /// Sorted and deduplicated.
    pub diagnostics: Vec<Diagnostic>,
    pub resolved: Option<Resolved>,
    pub graph: Option<ResourceGraph>,
    /// Emitted only when there is no error diagnostic.
    pub artifacts: Vec<Artifact>,
    pub targets: Vec<Target>,
}

impl Compilation {
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }
}

/// Runs the pipeline on one file: parse → resolve → policy → lower → emit → verify.
/// Stops after the first stage that reports an error. `Err` is a sigc bug (an
/// emitter failure or output that fails its own schema check), never bad input.
pub fn compile(source: &SourceFile, options: &Options) -> anyhow::Result<Compilation> {
    let mut out = Compilation::default();
    let env = match parse::parse(source) {
        Ok(env) => env,
        Err(diags) => return Ok(finish(out, diags)),
    };
    let resolved = match resolve::resolve(&env) {
        Ok(r) => r,
        Err(diags) => return Ok(finish(out, diags)),
    };
    let mut diags = policy::check(&resolved);
    let graph = match graph::lower(&resolved) {
        Ok(g) => Some(g),
        Err(errors) => {
            diags.extend(errors.into_iter().map(|e| graph_diagnostic(e, &resolved)));
            None
        }
    };
    out.targets = match &options.targets {
        Some(t) if !t.is_empty() => t.clone(),
        _ => resolved.targets.value.clone(),
    };
    out = finish(out, diags);
    if let (Some(graph), Some(_)) = (&graph, &options.targets) {
        if !out.has_errors() {
            for &target in &out.targets {
                let files = emit::emit(graph, target).with_context(|| format!("emitting the {target} target"))?;
                verify::verify(&files).with_context(|| format!("the {target} output failed its schema check"))?;
                out.artifacts.extend(files);
            }
        }
    }
    out.resolved = Some(resolved);
    out.graph = graph;
    Ok(out)
}

fn finish(mut out: Compilation, mut diags: Vec<Diagnostic>) -> Compilation {
    diag::normalize(&mut diags);
    out.diagnostics = diags;
    out
}

fn graph_diagnostic(error: GraphError, r: &Resolved) -> Diagnostic {
    match error {
        GraphError::Cycle(members) => Diagnostic::error(
            "graph/cycle",
            format!(
                "the resources {} depend on each other in a cycle",
                members.iter().map(|m| format!("`{m}`")).collect::<Vec<_>>().join(", ")
            ),
        )
        .primary(r.tables.get("signalr").cloned().unwrap_or(0..0), "stack declared here")
        .note("sigc wires the stack without cycles; this is a bug, please report it with this file"),
        GraphError::Duplicate { first, second, name } => {
            let span_of = |id: graph::ResId| {
                resolve::NameKey::parse(id.kind())
                    .or(match id {
                        graph::ResId::Storage => Some(resolve::NameKey::StorageAccount),
                        _ => None,
                    })
                    .map(|k| r.names[&k].span.clone())
                    .unwrap_or(0..0)
            };
            Diagnostic::error(
                "graph/duplicate-resource",
                format!(
                    "`{}` and `{}` are both named `{name}`",
                    first.address(),
                    second.address()
                ),
            )
            .primary(span_of(second), "second declaration")
            .secondary(span_of(first), "first declaration")
            .help("give each resource its own name in `[naming.names]`")
        }
    }
}
