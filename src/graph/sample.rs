//! A realistic stack for emitter unit tests, made by the real pipeline from a small
//! ENV.toml, so the tests always see what lowering produces. Not public API.

use super::{FunctionPlan, ResourceGraph};
use crate::source::SourceFile;

/// The full stack for `workload = "chat"`, `name = "dev"` in `eastus` on the given
/// Functions plan (FC1 adds the package container and the storage data roles; Y1/EP
/// use an access key and a content share).
pub fn sample_graph(plan: FunctionPlan) -> ResourceGraph {
    sample_graph_wired(plan, "one-apply")
}

/// The sample with `[signalr.upstream] wiring = "two-step"` (the upstream behind a switch).
pub fn sample_graph_two_step(plan: FunctionPlan) -> ResourceGraph {
    sample_graph_wired(plan, "two-step")
}

fn sample_graph_wired(plan: FunctionPlan, wiring: &str) -> ResourceGraph {
    let text = format!(
        r#"[environment]
name = "dev"
workload = "chat"
location = "eastus"
tags = {{ owner = "team" }}

[signalr]
sku = "Standard_S1"

[signalr.cors]
allowed_origins = ["https://app.example.com"]

[signalr.upstream]
wiring = "{}"

[functions]
plan = "{}"
runtime_version = "3.12"
"#,
        wiring,
        plan.sku_name()
    );
    let source = SourceFile::new("sample.env.toml", text);
    let env = crate::parse::parse(&source).expect("the sample parses");
    let resolved = crate::resolve::resolve(&env).expect("the sample resolves");
    super::lower(&resolved).expect("the sample stack is acyclic and has no duplicates")
}
