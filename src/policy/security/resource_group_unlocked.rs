//! `security/resource-group-unlocked`.

use crate::policy::{declare_rule, RuleCx};

declare_rule! {
    /// ## What it does
    /// Flags a production environment whose `[environment] lock` is `none`.
    ///
    /// ## Why it matters
    /// Without a management lock one mistaken `terraform destroy`, portal click or script
    /// deletes the resource group and every resource of the stack; a `CanNotDelete` lock
    /// stops that while leaving the stack free to change.
    ///
    /// ## Example
    /// ```toml
    /// [environment]
    /// profile = "production"
    /// lock = "none"
    /// ```
    ///
    /// ## How to fix
    /// Set `lock = "CanNotDelete"` (`"ReadOnly"` also blocks the key listing this stack's
    /// deployments make: `security/read-only-lock`). Remove the lock before a deliberate teardown.
    ///
    /// ## Source
    /// https://learn.microsoft.com/en-us/azure/azure-resource-manager/management/lock-resources
    "security/resource-group-unlocked", production = warning, development = off, check = check
}

fn check(cx: &mut RuleCx<'_>) {
    let lock = &cx.env.lock;
    if lock.value != "none" {
        return;
    }
    let label = if lock.explicit { "no lock" } else { "no `lock` set" };
    let d = cx
        .diagnostic("the production resource group has no management lock")
        .resource("resource_group")
        .primary(lock.span.clone(), label)
        .help("set `lock = \"CanNotDelete\"` in `[environment]`");
    cx.emit(d);
}
