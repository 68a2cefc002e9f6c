//! `graph/duplicate-resource`: a fixed error reported by graph lowering.

use crate::policy::declare_rule;

declare_rule! {
    /// ## What it does
    /// Two resources of one type share a name (or two role assignments share scope, principal and role).
    ///
    /// ## Why it matters
    /// Declaring one Azure resource twice makes the second declaration overwrite the first (the seed program's duplicate SignalR), and a second role assignment fails with RoleAssignmentExists.
    ///
    /// ## Example
    /// ```toml
    /// [naming.names]
    /// log_analytics = "same"
    /// app_insights = "same"  # fine: different types
    /// ```
    ///
    /// ## How to fix
    /// Give each resource its own name in `[naming.names]`.
    ///
    /// ## Source
    /// https://github.com/hashicorp/terraform-provider-azurerm/issues/17421
    "graph/duplicate-resource", fixed
}
