//! `network/invalid-certificate-id`.

use regex::Regex;

use crate::policy::{declare_rule, RuleCx};

declare_rule! {
    /// ## What it does
    /// Checks `[signalr.custom_domain]`: `certificate_secret_id` must be a versionless Key
    /// Vault secret URL (`https://<vault>.vault.azure.net/secrets/<name>`), `key_vault_id` the
    /// resource ID of a Key Vault, and both must name the same vault.
    ///
    /// ## Why it matters
    /// SignalR reads the certificate (with its private key) through the secret of that name.
    /// A versioned URL pins one certificate version, so a renewed certificate is never picked
    /// up and the domain breaks when the old one expires; a URL of another kind, or of another
    /// vault than the one SignalR's identity is granted, fails at deployment.
    ///
    /// ## Example
    /// ```toml
    /// [signalr.custom_domain]
    /// host_name = "realtime.example.com"
    /// certificate_secret_id = "https://kv-contoso.vault.azure.net/secrets/realtime-cert/0123456789abcdef0123456789abcdef"
    /// key_vault_id = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-kv/providers/Microsoft.KeyVault/vaults/kv-contoso"
    /// ```
    ///
    /// ## How to fix
    /// Drop the version segment, use the `/secrets/` URL of the certificate, and point
    /// `key_vault_id` at the vault that holds it.
    ///
    /// ## Source
    /// https://learn.microsoft.com/en-us/azure/azure-signalr/howto-custom-domain
    "network/invalid-certificate-id", production = error, development = error, check = check
}

fn check(cx: &mut RuleCx<'_>) {
    let Some(domain) = &cx.env.signalr.custom_domain else {
        return;
    };
    let l = &cx.limits.network;
    let secret_re = Regex::new(&l.key_vault_secret_regex).expect("limits regexes compile (tested)");
    let vault_re = Regex::new(&l.key_vault_id_regex).expect("limits regexes compile (tested)");
    let url = &domain.certificate_secret_id;
    let secret_vault = match secret_re.captures(&url.value) {
        Some(c) => Some(c[1].to_ascii_lowercase()),
        None => {
            let why = problem(&url.value, &l.key_vault_secret_host_suffix);
            let d = cx
                .diagnostic(format!(
                    "`certificate_secret_id` is not a versionless Key Vault secret URL: {why}"
                ))
                .resource("signalr_custom_certificate")
                .primary(url.span.clone(), "certificate secret URL")
                .help("write `https://<vault>.vault.azure.net/secrets/<certificate name>`, without a version");
            cx.emit(d);
            None
        }
    };
    let id = &domain.key_vault_id;
    let Some(c) = vault_re.captures(&id.value) else {
        let d = cx
            .diagnostic("`key_vault_id` is not the resource ID of a Key Vault")
            .resource("signalr_custom_certificate")
            .primary(id.span.clone(), "Key Vault resource ID")
            .help("write `/subscriptions/<guid>/resourceGroups/<group>/providers/Microsoft.KeyVault/vaults/<vault>`");
        cx.emit(d);
        return;
    };
    let vault = c[1].to_ascii_lowercase();
    if let Some(secret_vault) = secret_vault.filter(|v| *v != vault) {
        let d = cx
            .diagnostic(format!(
                "the certificate is in vault `{secret_vault}` but `key_vault_id` names vault `{vault}`"
            ))
            .resource("signalr_custom_certificate")
            .primary(id.span.clone(), format!("vault `{vault}`"))
            .secondary(url.span.clone(), format!("vault `{secret_vault}`"))
            .note("SignalR's identity is granted read access to the secrets of `key_vault_id` only")
            .help("point `key_vault_id` at the vault that holds the certificate");
        cx.emit(d);
    }
}

/// What is wrong with a URL that is not a versionless secret URL, for the message.
fn problem(url: &str, host_suffix: &str) -> &'static str {
    let Some(rest) = url.strip_prefix("https://") else {
        return "it does not start with `https://`";
    };
    let (host, path) = rest.split_once('/').unwrap_or((rest, ""));
    if !host.ends_with(host_suffix) {
        return "its host is not a Key Vault (`<vault>.vault.azure.net`)";
    }
    let parts: Vec<&str> = path.split('/').filter(|p| !p.is_empty()).collect();
    match parts.as_slice() {
        ["certificates", ..] => "it names the certificate object; SignalR reads the certificate's secret",
        ["secrets", _, _] => "it carries a version, so a renewed certificate is never used",
        ["secrets", _] => "its vault or secret name has characters Key Vault does not allow",
        _ => "its path is not `/secrets/<name>`",
    }
}
