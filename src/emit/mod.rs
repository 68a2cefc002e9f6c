//! Emitters: each turns the [`ResourceGraph`] into the files of one target.
//!
//! Emitters read the graph only (never the model or spans) and walk it in
//! dependency order. A failure here is a bug in sigc, reported through `anyhow`.

pub mod arm;
pub mod arm_model;
pub mod bicep;
pub mod checkov;
pub mod functions;
pub mod templates;
pub mod terraform;
pub mod terraform_json;

use std::fmt;

use serde::Serialize;

use crate::graph::ResourceGraph;

/// The outputs every deploy target exports, in this order (CONTRACT §4).
pub const CONTRACT_OUTPUTS: [&str; 5] = [
    "signalr_hostname",
    "signalr_public_port",
    "function_app_url",
    "negotiate_url",
    "resource_group_name",
];

/// One output target of `sigc build` (CONTRACT §1, §4).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum Target {
    Terraform,
    TerraformJson,
    Arm,
    Bicep,
    Functions,
}

impl Target {
    pub const ALL: [Target; 5] = [
        Target::Terraform,
        Target::TerraformJson,
        Target::Arm,
        Target::Bicep,
        Target::Functions,
    ];

    /// The default when neither `--target` nor `[outputs] targets` says otherwise.
    pub const DEFAULT: [Target; 4] = [Target::Terraform, Target::Arm, Target::Bicep, Target::Functions];

    pub fn name(self) -> &'static str {
        match self {
            Target::Terraform => "terraform",
            Target::TerraformJson => "terraform-json",
            Target::Arm => "arm",
            Target::Bicep => "bicep",
            Target::Functions => "functions",
        }
    }

    pub fn parse(name: &str) -> Option<Target> {
        Target::ALL.into_iter().find(|t| t.name() == name)
    }

    /// Targets whose output is one document, printable with `--stdout`.
    pub fn single_document(self) -> bool {
        matches!(self, Target::Terraform | Target::TerraformJson | Target::Arm)
    }
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// One emitted file, with its path relative to `DIR/<environment>/`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Artifact {
    pub path: String,
    pub contents: String,
}

impl Artifact {
    pub fn new(path: impl Into<String>, contents: impl Into<String>) -> Self {
        Self {
            path: path.into(),
            contents: contents.into(),
        }
    }
}

/// Emits the files of one target.
/// The one document `sigc build --stdout` prints for a single-document target, from the files
/// [`emit`] made for it: for `terraform` the whole configuration, its files joined in order with a
/// blank line between them (Terraform reads a configuration as the union of its `.tf` files, so
/// the join is one valid `.tf` file); for `terraform-json` and `arm` the template itself.
pub fn document(target: Target, artifacts: &[Artifact]) -> Option<String> {
    match target {
        Target::Terraform => {
            let files: Vec<&str> = artifacts.iter().map(|a| a.contents.as_str()).collect();
            (!files.is_empty()).then(|| files.join("\n"))
        }
        Target::TerraformJson | Target::Arm => artifacts.first().map(|a| a.contents.clone()),
        Target::Bicep | Target::Functions => None,
    }
}

pub fn emit(graph: &ResourceGraph, target: Target) -> anyhow::Result<Vec<Artifact>> {
    match target {
        Target::Terraform => terraform::emit(graph),
        Target::TerraformJson => terraform_json::emit(graph),
        Target::Arm => arm::emit(graph),
        Target::Bicep => bicep::emit(graph),
        Target::Functions => functions::emit(graph),
    }
}
