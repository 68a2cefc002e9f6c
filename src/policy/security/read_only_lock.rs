//! `security/read-only-lock`.

use crate::policy::{declare_rule, RuleCx};

declare_rule! {
    /// ## What it does
    /// Flags `[environment] lock = "ReadOnly"`.
    ///
    /// ## Why it matters
    /// A read-only lock refuses every write and every POST under the resource group, and
    /// listing keys is a POST: the stack reads the function app's `signalr_extension` key
    /// with `listKeys` (and Terraform's host-keys data source) on every deployment, so the
    /// next deployment fails; the App Service plan can no longer scale either. The lock is
    /// created last, so the first deployment succeeds and the failure comes later.
    ///
    /// ## Example
    /// ```toml
    /// [environment]
    /// lock = "ReadOnly"
    /// ```
    ///
    /// ## How to fix
    /// Use `lock = "CanNotDelete"`: it stops deletion and leaves the stack free to change.
    ///
    /// ## Source
    /// https://learn.microsoft.com/en-us/azure/azure-resource-manager/management/lock-resources#considerations-before-applying-your-locks
    "security/read-only-lock", production = error, development = warning, check = check
}

fn check(cx: &mut RuleCx<'_>) {
    let lock = &cx.env.lock;
    if lock.value != "ReadOnly" {
        return;
    }
    let d = cx
        .diagnostic("a `ReadOnly` lock blocks the key listing every deployment of this stack makes")
        .resource("management_lock")
        .primary(lock.span.clone(), "read-only lock")
        .note("listKeys is a POST, which a read-only lock refuses; App Service plans under it cannot scale")
        .help("set `lock = \"CanNotDelete\"`");
    cx.emit(d);
}
