//! `graph/cycle`: a fixed error reported by graph lowering.

use crate::policy::declare_rule;

declare_rule! {
    /// ## What it does
    /// The resources depend on each other in a cycle.
    ///
    /// ## Why it matters
    /// No deployment tool can create a set of resources that each need the other first; the seed program's SignalR/Function App wiring is the classic case.
    ///
    /// ## Example
    /// ```toml
    /// # not reachable from ENV.toml: sigc wires the stack without cycles
    /// ```
    ///
    /// ## How to fix
    /// This is a sigc bug if it ever appears: report it with the ENV.toml.
    ///
    /// ## Source
    /// https://github.com/Azure/azure-signalr/issues/1664
    "graph/cycle", fixed
}
