//! `acl/allow-and-deny-mixed`.

use crate::policy::{declare_rule, RuleCx};

declare_rule! {
    /// ## What it does
    /// Checks the network ACL lists against its default action: under `Allow` only
    /// denies may be listed, under `Deny` only allows; and no request type may be both.
    ///
    /// ## Why it matters
    /// azurerm's `azurerm_signalr_service_network_acl` rejects the other combinations,
    /// and a type in both lists is ambiguous.
    ///
    /// ## Example
    /// ```toml
    /// [signalr.network_acl]
    /// default_action = "Allow"
    /// public_allow = ["ClientConnection"]
    /// ```
    ///
    /// ## How to fix
    /// With `default_action = "Allow"` list only `public_deny`; with `"Deny"` only `public_allow`.
    ///
    /// ## Source
    /// https://registry.terraform.io/providers/hashicorp/azurerm/latest/docs/resources/signalr_service_network_acl
    "acl/allow-and-deny-mixed", production = error, development = error, check = check
}

fn check(cx: &mut RuleCx<'_>) {
    let Some(acl) = &cx.env.signalr.network_acl else { return };
    let (wrong, list) = match acl.default_action.value.as_str() {
        "Allow" => (&acl.public_allow, "public_allow"),
        _ => (&acl.public_deny, "public_deny"),
    };
    if let Some(first) = wrong.value.first().filter(|_| wrong.explicit) {
        let keep = if list == "public_allow" {
            "public_deny"
        } else {
            "public_allow"
        };
        let d = cx
            .diagnostic(format!(
                "`{list}` cannot list request types when `default_action = \"{}\"`",
                acl.default_action.value
            ))
            .resource("signalr_network_acl")
            .primary(first.span.clone(), format!("`{}` listed here", first.value))
            .secondary(
                acl.default_action.span.clone(),
                if acl.default_action.explicit {
                    "default action".to_string()
                } else {
                    format!("`default_action` defaults to `{}`", acl.default_action.value)
                },
            )
            .help(format!(
                "move the request types to `{keep}` with the opposite meaning, or change `default_action`"
            ));
        cx.emit(d);
    }
    for allowed in &acl.public_allow.value {
        if let Some(denied) = acl.public_deny.value.iter().find(|d| d.value == allowed.value) {
            let d = cx
                .diagnostic(format!("request type `{}` is both allowed and denied", allowed.value))
                .resource("signalr_network_acl")
                .primary(denied.span.clone(), "denied here")
                .secondary(allowed.span.clone(), "allowed here")
                .help("keep the request type in one list only");
            cx.emit(d);
        }
    }
}
