//! Lowering: the resolved environment becomes the resource graph.

pub fn lower() {}
