//! `acl/deny-blocks-clients`.

use crate::policy::{declare_rule, RuleCx};

declare_rule! {
    /// ## What it does
    /// Checks that the network ACL lets in the request types this serverless stack
    /// uses from the internet while public network access is on: `ClientConnection`
    /// and, in Serverless mode, `RESTAPI`.
    ///
    /// `ClientConnection` is how browsers and other clients connect; `RESTAPI` is how
    /// the function app's SignalR output bindings send messages. Under
    /// `default_action = "Deny"` both must be in `public_allow` (one finding names every
    /// missing type); under `"Allow"` neither may be in `public_deny`. The message says
    /// who is shut out.
    ///
    /// ## Why it matters
    /// The deployment succeeds and the stack does not work: clients are refused at
    /// connect, or messages sent by the functions never arrive. Nothing in the plan
    /// shows it.
    ///
    /// ## Example
    /// ```toml
    /// [signalr.network_acl]
    /// default_action = "Deny"
    /// public_allow = ["ClientConnection"]   # RESTAPI missing
    /// ```
    ///
    /// ## How to fix
    /// Add the named request types to `public_allow` (or remove them from
    /// `public_deny`). With `public_network_access = false` the public lists do not
    /// apply and the rule stays quiet. In `[network] mode = "private"` the function app's
    /// REST calls take the private endpoint, so only `ClientConnection` must be public.
    ///
    /// ## Source
    /// https://learn.microsoft.com/en-us/azure/azure-signalr/howto-network-access-control
    "acl/deny-blocks-clients", production = error, development = error, check = check
}

fn check(cx: &mut RuleCx<'_>) {
    let (s, nacl) = (&cx.env.signalr, &cx.limits.network_acl);
    let Some(acl) = &s.network_acl else { return };
    if !s.public_network_access.value {
        return;
    }
    let mut needed = vec![(&nacl.client, "browsers and other clients cannot connect")];
    // In private mode the function app reaches the REST API through the private endpoint,
    // whose ACL sigc writes itself: only the clients need the public side.
    if s.service_mode.value == nacl.serverless_mode && !cx.env.network.private() {
        needed.push((
            &nacl.rest_api,
            "the function app's SignalR output bindings cannot call the REST API",
        ));
    }
    if acl.default_action.value == "Deny" {
        // One finding for the list, naming every missing type: they share one span.
        let missing: Vec<_> = needed
            .into_iter()
            .filter(|(kind, _)| !acl.public_allow.value.iter().any(|t| &t.value == *kind))
            .collect();
        if missing.is_empty() {
            return;
        }
        let kinds = missing
            .iter()
            .map(|(k, _)| format!("`{k}`"))
            .collect::<Vec<_>>()
            .join(" and ");
        let whos = missing.iter().map(|(_, w)| *w).collect::<Vec<_>>().join(", and ");
        let quoted = missing
            .iter()
            .map(|(k, _)| format!("`\"{k}\"`"))
            .collect::<Vec<_>>()
            .join(" and ");
        let default_label = if acl.default_action.explicit {
            "denies every request type not listed".to_string()
        } else {
            "`default_action` defaults to `Deny`".to_string()
        };
        let d = cx
            .diagnostic(format!("the network ACL blocks {kinds} from the internet: {whos}"))
            .resource("signalr_network_acl")
            .primary(acl.public_allow.span.clone(), format!("{kinds} not listed"))
            .secondary(acl.default_action.span.clone(), default_label)
            .help(format!("add {quoted} to `public_allow`"));
        cx.emit(d);
        return;
    }
    for (kind, who) in needed {
        let Some(denied) = acl.public_deny.value.iter().find(|t| &t.value == kind) else {
            continue;
        };
        let d = cx
            .diagnostic(format!("the network ACL blocks `{kind}` from the internet: {who}"))
            .resource("signalr_network_acl")
            .primary(denied.span.clone(), "denied here")
            .help(format!("remove `\"{kind}\"` from `public_deny`"));
        cx.emit(d);
    }
}

#[cfg(test)]
mod tests {
    fn run(acl: &str) -> Vec<crate::diag::Diagnostic> {
        let text = format!("[environment]\nname = \"prod\"\nworkload = \"chat\"\nlocation = \"eastus\"\n\n[signalr]\nsku = \"Standard_S1\"\n\n[signalr.network_acl]\n{acl}");
        let source = crate::source::SourceFile::new("env.toml", text);
        let env = crate::resolve::resolve(&crate::parse::parse(&source).expect("parses")).expect("resolves");
        crate::policy::check_rule(&env, &super::RULE)
    }

    #[test]
    fn names_every_blocked_type_in_one_finding_per_span() {
        let d = run("default_action = \"Deny\"\npublic_allow = []\n");
        assert_eq!(d.len(), 1);
        assert!(
            d[0].message.contains("`ClientConnection` and `RESTAPI`"),
            "{}",
            d[0].message
        );
        let d = run("default_action = \"Allow\"\npublic_deny = [\"RESTAPI\", \"ClientConnection\"]\n");
        assert_eq!(d.len(), 2);
        assert!(
            run("default_action = \"Deny\"\n").is_empty(),
            "the default list lets both in"
        );
    }
}
