//! `sigc plan`: the resolved stack in dependency order, in several formats.

use std::fmt::Write;
use std::path::Path;

use serde_json::json;
use sigc::diag::human::Style;
use sigc::diag::FileReport;
use sigc::graph::{ResourceGraph, Settings};
use sigc::{compile, Options};

use super::inputs::{self, expand};
use super::{print_human, PlanFormat, FAILED, OK, USAGE};

pub fn run(arg: &Path, format: PlanFormat, style: Style) -> u8 {
    let (files, errors) = expand(&[arg.to_path_buf()]);
    if !errors.is_empty() {
        errors.iter().for_each(|msg| eprintln!("{msg}"));
        return USAGE;
    }
    let [file] = files.as_slice() else {
        eprintln!(
            "sigc: plan takes one ENV file; `{}` holds {} of them",
            arg.display(),
            files.len()
        );
        return USAGE;
    };
    let source = match inputs::read(file) {
        Ok(s) => s,
        Err(msg) => {
            eprintln!("{msg}");
            return USAGE;
        }
    };
    let result = match compile(&source, &Options::default()) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("sigc: internal error while planning `{}`: {e:#}", file.name());
            return USAGE;
        }
    };
    let failed = result.has_errors();
    print_human(
        &[FileReport {
            source,
            diagnostics: result.diagnostics,
        }],
        style,
        true,
    );
    let Some(graph) = result.graph.filter(|_| !failed) else {
        return FAILED;
    };
    let text = match format {
        PlanFormat::Human => human(&graph),
        PlanFormat::Markdown => markdown(&graph),
        PlanFormat::Json => json_plan(&graph),
        PlanFormat::Dot => dot(&graph),
        PlanFormat::Mermaid => mermaid(&graph),
    };
    print!("{text}");
    OK
}

fn deps(graph: &ResourceGraph, id: sigc::graph::ResId) -> Vec<String> {
    graph.depends_on(id).into_iter().map(|d| d.address()).collect()
}

/// SignalR units across the primary and its geo-replicas (each billed as its own units),
/// with one `address xN` part each; `None` without replicas.
fn signalr_units(graph: &ResourceGraph) -> Option<(u32, String)> {
    let units: Vec<(String, u32)> = graph
        .in_order()
        .filter_map(|r| match &r.settings {
            Settings::SignalR(s) => Some((r.id.address(), s.sku.capacity)),
            Settings::SignalRReplica(s) => Some((r.id.address(), s.sku.capacity)),
            _ => None,
        })
        .collect();
    if units.len() < 2 {
        return None;
    }
    let total = units.iter().map(|(_, u)| u).sum();
    let parts = units
        .iter()
        .map(|(a, u)| format!("{a} x{u}"))
        .collect::<Vec<_>>()
        .join(", ");
    Some((total, parts))
}

fn human(graph: &ResourceGraph) -> String {
    let i = &graph.info;
    let mut out = format!(
        "environment `{}` of workload `{}` in {}: {} resources\n",
        i.environment,
        i.workload,
        i.location,
        graph.len()
    );
    if let Some((total, parts)) = signalr_units(graph) {
        let _ = writeln!(out, "SignalR units: {total}, each billed ({parts})");
    }
    out.push('\n');
    for (n, r) in graph.in_order().enumerate() {
        let _ = writeln!(out, "{:>2}. {}  {}", n + 1, r.id.address(), r.name);
        let _ = writeln!(
            out,
            "    type: {}{}",
            r.azure_type(),
            r.sku_summary().map(|s| format!("  sku: {s}")).unwrap_or_default()
        );
        let d = deps(graph, r.id);
        if !d.is_empty() {
            let _ = writeln!(out, "    depends on: {}", d.join(", "));
        }
    }
    out
}

fn markdown(graph: &ResourceGraph) -> String {
    let i = &graph.info;
    let mut out = format!(
        "### sigc plan: `{}` ({}, {})\n\n| # | resource | name | type | sku | depends on |\n| --- | --- | --- | --- | --- | --- |\n",
        i.environment, i.workload, i.location
    );
    if let Some((total, parts)) = signalr_units(graph) {
        out = out.replacen(
            "\n\n|",
            &format!("\n\nSignalR units: **{total}**, each billed ({parts})\n\n|"),
            1,
        );
    }
    for (n, r) in graph.in_order().enumerate() {
        let cell = |s: &str| s.replace('|', "\\|");
        let _ = writeln!(
            out,
            "| {} | `{}` | `{}` | {} | {} | {} |",
            n + 1,
            r.id.address(),
            cell(&r.name),
            r.azure_type(),
            cell(&r.sku_summary().unwrap_or_default()),
            deps(graph, r.id)
                .iter()
                .map(|d| format!("`{d}`"))
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    out
}

fn json_plan(graph: &ResourceGraph) -> String {
    let resources: Vec<_> = graph
        .in_order()
        .map(|r| {
            json!({
                "address": r.id.address(),
                "name": r.name,
                "type": r.azure_type(),
                "sku": r.sku_summary(),
                "depends_on": deps(graph, r.id),
            })
        })
        .collect();
    let mut doc = json!({"version": 1, "environment": graph.info.environment, "workload": graph.info.workload, "location": graph.info.location, "resources": resources});
    if let Some((total, _)) = signalr_units(graph) {
        doc["signalr_units"] = json!(total);
    }
    serde_json::to_string_pretty(&doc).expect("JSON values serialise") + "\n"
}

fn quote(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

fn dot(graph: &ResourceGraph) -> String {
    let mut out = String::from("digraph sigc {\n  rankdir=LR;\n  node [shape=box];\n");
    for r in graph.in_order() {
        let _ = writeln!(
            out,
            "  {} [label={}];",
            quote(&r.id.address()),
            quote(&format!("{}\n{}", r.id.address(), r.name))
        );
    }
    for r in graph.in_order() {
        for d in deps(graph, r.id) {
            let _ = writeln!(out, "  {} -> {};", quote(&d), quote(&r.id.address()));
        }
    }
    out.push_str("}\n");
    out
}

fn mermaid(graph: &ResourceGraph) -> String {
    let id = |a: &str| a.replace('.', "_");
    let mut out = String::from("flowchart LR\n");
    for r in graph.in_order() {
        let label = format!("{}<br/>{}", r.id.address(), r.name).replace('"', "#quot;");
        let _ = writeln!(out, "  {}[\"{}\"]", id(&r.id.address()), label);
    }
    for r in graph.in_order() {
        for d in deps(graph, r.id) {
            let _ = writeln!(out, "  {} --> {}", id(&d), id(&r.id.address()));
        }
    }
    out
}
