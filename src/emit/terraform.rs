//! Placeholder until this emitter is written.

use super::Artifact;
use crate::graph::ResourceGraph;

pub fn emit(_graph: &ResourceGraph) -> anyhow::Result<Vec<Artifact>> {
    anyhow::bail!("this target is not implemented yet")
}
