//! `security/storage-public-blob-access`.

use crate::policy::{declare_rule, RuleCx};

declare_rule! {
    /// ## What it does
    /// Flags `[storage] allow_blob_public_access = true`.
    ///
    /// ## Why it matters
    /// The setting lets any container of the account be opened to anonymous reads.
    /// This account is the function app's host storage: it holds the function keys
    /// (`azure-webjobs-secrets`) and, on Flex Consumption, the deployed code. Nothing
    /// in this stack needs anonymous access.
    ///
    /// ## Example
    /// ```toml
    /// [storage]
    /// allow_blob_public_access = true
    /// ```
    ///
    /// ## How to fix
    /// Set `allow_blob_public_access = false` (the default).
    ///
    /// ## Source
    /// https://learn.microsoft.com/en-us/azure/storage/blobs/anonymous-read-access-prevent
    "security/storage-public-blob-access", production = error, development = warning, check = check
}

fn check(cx: &mut RuleCx<'_>) {
    let public = &cx.env.storage.allow_blob_public_access;
    if !public.value {
        return;
    }
    let d = cx
        .diagnostic("the storage account allows anonymous public access to blobs")
        .resource("storage_account")
        .primary(public.span.clone(), "anonymous reads allowed")
        .note("this account holds the function app's keys and code")
        .help("set `allow_blob_public_access = false` in `[storage]`");
    cx.emit(d);
}
