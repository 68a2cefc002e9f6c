//! `security/storage-tls-below-1-2`.

use crate::limits::Security;
use crate::policy::{declare_rule, RuleCx};

declare_rule! {
    /// ## What it does
    /// Flags a `[storage] min_tls_version` older than the minimum in
    /// `schemas/azure-limits.toml` (`[security] storage_min_tls_version`).
    ///
    /// ## Why it matters
    /// TLS 1.0 and 1.1 lack modern ciphers and have known attacks. Azure Storage has
    /// refused them on its public endpoints since 2026-02-03 whatever this setting
    /// says, so an older value only misstates what the account accepts, and fails
    /// compliance scans that read the setting.
    ///
    /// ## Example
    /// ```toml
    /// [storage]
    /// min_tls_version = "TLS1_0"
    /// ```
    ///
    /// ## How to fix
    /// Set `min_tls_version = "TLS1_2"` (the default), or `"TLS1_3"`.
    ///
    /// ## Source
    /// https://learn.microsoft.com/en-us/azure/storage/common/transport-layer-security-configure-minimum-version
    "security/storage-tls-below-1-2", production = error, development = warning, check = check
}

fn check(cx: &mut RuleCx<'_>) {
    let (tls, sec) = (&cx.env.storage.min_tls_version, &cx.limits.security);
    if !Security::tls_below(&sec.storage_tls_versions, &tls.value, &sec.storage_min_tls_version) {
        return;
    }
    let d = cx
        .diagnostic(format!(
            "storage account minimum TLS version `{}` is below `{}`",
            tls.value, sec.storage_min_tls_version
        ))
        .resource("storage_account")
        .primary(tls.span.clone(), "outdated TLS version")
        .note(format!(
            "Azure Storage has refused TLS versions below `{}` since {}",
            sec.storage_min_tls_version, sec.storage_legacy_tls_retired
        ))
        .help(format!(
            "set `min_tls_version = \"{}\"` in `[storage]`",
            sec.storage_min_tls_version
        ));
    cx.emit(d);
}
