//! The checkov findings sigc accepts, each with the reason it is accepted.
//!
//! checkov (the scanner `scripts/check-outputs.py` runs on every target) flags some
//! settings this stack cannot honestly change: they follow from its design (public
//! endpoints, no VNet, host storage on keys for Y1/EP) or are the environment's own
//! choice (`Free_F1`, `Standard_LRS`). Findings sigc *can* fix are fixed in the graph
//! (for example `FunctionApp::ftps_state`); the rest are written into the output as
//! checkov skips, so a reader of the file sees the reason next to the resource.
//!
//! This is the one table for every target: a check is skipped for the same reason
//! wherever it applies. A skip is written only into the targets where checkov (3.3)
//! runs the check on that resource and the output would fail it; checkov spreads
//! one concern over different resources per framework (the instance count is on the
//! plan in Terraform, on the site in ARM), and its Terraform-only graph checks
//! (`CKV2_*`) have no ARM counterpart. Terraform JSON cannot carry comments, so it
//! gets no skips (checkov is not run on it).

use crate::emit::Target;
use crate::graph::{FunctionPlan, ResId, Resource, ResourceGraph, Settings, StorageAuth};

/// One checkov check accepted on one resource.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Skip {
    /// checkov id, e.g. `CKV_AZURE_206` or `CKV2_AZURE_1`.
    pub id: &'static str,
    /// Why the finding is accepted: one printable line, safe in every target's comment.
    pub reason: String,
}

impl Skip {
    fn new(id: &'static str, reason: impl Into<String>) -> Self {
        Self {
            id,
            reason: one_line(&reason.into()),
        }
    }

    /// The directive as checkov reads it in an HCL or Bicep comment: `checkov:skip=ID:reason`.
    pub fn directive(&self) -> String {
        format!("checkov:skip={}:{}", self.id, self.reason)
    }

    /// The entry of an ARM resource's `metadata.checkov` list: `ID:reason`.
    pub fn arm_entry(&self) -> String {
        format!("{}:{}", self.id, self.reason)
    }
}

/// Keeps a reason on one line of a line comment: control characters become spaces and
/// `*/` is broken up (checkov reads the rest of the line after `ID:` as the reason).
fn one_line(reason: &str) -> String {
    let flat: String = reason.chars().map(|c| if c.is_control() { ' ' } else { c }).collect();
    flat.replace("*/", "* /").trim().to_string()
}

const TF: &[Target] = &[Target::Terraform];
const ARM_BICEP: &[Target] = &[Target::Arm, Target::Bicep];
const ALL: &[Target] = &[Target::Terraform, Target::Arm, Target::Bicep];

const PUBLIC_APP: &str = "browsers call negotiate and SignalR calls the upstream webhook on the app's public endpoint: this stack has no VNet or private endpoint";
const PRIVATE_MODE_APP: &str = "browsers call negotiate and SignalR calls the upstream webhook on the app's public endpoint; in private mode only the app's outbound traffic goes through the VNet (README, Private networking)";
const PUBLIC_STORAGE: &str =
    "the function app reaches its host storage over the public endpoint: this stack has no VNet or private endpoint";

/// The checks accepted on the separate `Microsoft.Web/sites/config` `appsettings` resource
/// of a Y1/EP function app (P14), in ARM and Bicep. checkov (3.3) reads every
/// `sites/config` as the site's `web` configuration; this one holds app settings only,
/// and the site's own configuration is on the site, where these checks run and pass or
/// are skipped with their reasons.
pub fn app_settings_skips() -> Vec<Skip> {
    const WHY: &str = "an `appsettings` config resource holds app settings only; checkov reads it as the site's web configuration, which is on the site and checked there";
    [
        "CKV_AZURE_13",
        "CKV_AZURE_63",
        "CKV_AZURE_65",
        "CKV_AZURE_66",
        "CKV_AZURE_80",
        "CKV_AZURE_88",
        "CKV_AZURE_222",
    ]
    .into_iter()
    .map(|id| Skip::new(id, WHY))
    .collect()
}

/// The checks accepted on `resource` in `target`, in a fixed order.
pub fn skips(resource: &Resource, graph: &ResourceGraph, target: Target) -> Vec<Skip> {
    table(resource, graph)
        .into_iter()
        .filter(|(targets, _)| targets.contains(&target))
        .map(|(_, skip)| skip)
        .collect()
}

/// Every accepted check of one resource with the targets where checkov fails it.
fn table(resource: &Resource, graph: &ResourceGraph) -> Vec<(&'static [Target], Skip)> {
    match &resource.settings {
        Settings::Subnet(sn) => vec![(
            TF,
            Skip::new(
                "CKV2_AZURE_31",
                if sn.delegation.is_some() {
                    "sigc attaches no NSG: the delegated subnet carries only the function app's outbound traffic, and the platform team's NSG policy applies to it"
                } else {
                    "sigc attaches no NSG: the subnet holds only private endpoints, which take only the traffic their private-link target accepts (network policies are off), and the platform team's NSG policy applies to it"
                },
            ),
        )],
        Settings::VirtualNetwork(_)
        | Settings::PrivateEndpoint(_)
        | Settings::PrivateDnsZone(_)
        | Settings::PrivateDnsZoneLink(_)
        | Settings::SignalRReplica(_)
        | Settings::SignalRCustomCertificate(_)
        | Settings::SignalRCustomDomain(_)
        | Settings::ExternalRoleAssignment(_)
        | Settings::ManagementLock(_) => Vec::new(),
        Settings::Storage(s) => {
            let mut rows = Vec::new();
            if !matches!(s.replication.as_str(), "GRS" | "RAGRS" | "GZRS" | "RAGZRS") {
                rows.push((
                    ALL,
                    Skip::new(
                        "CKV_AZURE_206",
                        format!("replication is `[storage] sku` = `{}`, the environment's choice", s.sku_name),
                    ),
                ));
            }
            // Private mode closes the account to the internet and gives it private endpoints,
            // which is what these checks ask for.
            if s.public_network_access {
                rows.extend([
                    // Terraform asks for `public_network_access_enabled = false`, ARM and Bicep for
                    // a default-deny network rule: one concern, two checks.
                    (TF, Skip::new("CKV_AZURE_59", PUBLIC_STORAGE)),
                    (ARM_BICEP, Skip::new("CKV_AZURE_35", PUBLIC_STORAGE)),
                    // Only ARM's check wants explicit network rules; Terraform's and Bicep's pass without them.
                    (
                        &[Target::Arm][..],
                        Skip::new(
                            "CKV_AZURE_36",
                            "the account has no network rules (it accepts every network: this stack has no VNet), so there is no trusted-services exception to add",
                        ),
                    ),
                    (TF, Skip::new("CKV2_AZURE_33", "no private endpoint: this stack has no VNet for one to live in")),
                ]);
            }
            rows.extend([
                (
                    TF,
                    Skip::new(
                        "CKV_AZURE_33",
                        "classic Storage Analytics queue logging is not set up: the account holds only Functions host state, and the app's telemetry goes to Application Insights",
                    ),
                ),
                (
                    TF,
                    Skip::new(
                        "CKV2_AZURE_1",
                        "Microsoft-managed keys: the account holds only Functions host state and code packages, and the stack has no Key Vault for a customer-managed key",
                    ),
                ),
                (
                    TF,
                    Skip::new(
                        "CKV2_AZURE_38",
                        "no soft delete: the account holds only state the Functions host recreates and packages a publish rewrites",
                    ),
                ),
                (TF, Skip::new("CKV2_AZURE_40", shared_key_reason(resource.id, graph))),
                (
                    TF,
                    Skip::new(
                        "CKV2_AZURE_41",
                        "sigc issues no SAS on this account; an expiration period would be a value the environment does not state",
                    ),
                ),
            ]);
            rows
        }
        Settings::PackageContainer(_) => vec![(
            TF,
            Skip::new(
                "CKV2_AZURE_21",
                "classic Storage Analytics blob logging is not set up: the container holds only deployment packages, read by the app's identity",
            ),
        )],
        Settings::ServicePlan(p) => vec![
            (ALL, Skip::new("CKV_AZURE_225", zone_reason(p.plan))),
            // Terraform checks the plan's `worker_count`; ARM and Bicep the site's `numberOfWorkers`.
            (TF, Skip::new("CKV_AZURE_212", instances_reason(p.plan))),
        ],
        Settings::FunctionApp(f) => {
            let mut rows = Vec::new();
            // checkov has no checks for `azurerm_function_app_flex_consumption`.
            let public_app = if f.vnet_subnet.is_some() { PRIVATE_MODE_APP } else { PUBLIC_APP };
            if !f.plan.is_flex() {
                rows.push((TF, Skip::new("CKV_AZURE_221", public_app)));
            }
            rows.extend([
                (ARM_BICEP, Skip::new("CKV_AZURE_222", public_app)),
                (ARM_BICEP, Skip::new("CKV_AZURE_17", "browsers call negotiate; client certificates would lock them out")),
                (ARM_BICEP, Skip::new("CKV_AZURE_212", instances_reason(f.plan))),
                (
                    ARM_BICEP,
                    Skip::new("CKV_AZURE_213", "the generated Functions app serves no health endpoint for the platform to probe"),
                ),
            ]);
            rows
        }
        Settings::SignalR(s) if s.sku.name == "Free_F1" => vec![(
            TF,
            Skip::new(
                "CKV_AZURE_196",
                "`Free_F1` is this environment's `[signalr] sku`: it has no SLA, which sku/free-in-production rejects under the production profile",
            ),
        )],
        Settings::ResourceGroup
        | Settings::LogAnalytics(_)
        | Settings::AppInsights(_)
        | Settings::SignalR(_)
        | Settings::SignalRNetworkAcl(_)
        | Settings::HostKey(_)
        | Settings::DiagnosticSetting(_)
        | Settings::RoleAssignment(_) => Vec::new(),
    }
}

/// Shared-key access follows how the function app reaches this account.
fn shared_key_reason(storage: ResId, graph: &ResourceGraph) -> String {
    let auth = graph.in_order().find_map(|r| match &r.settings {
        Settings::FunctionApp(f) if f.storage == storage => Some(f.storage_auth),
        _ => None,
    });
    match auth {
        Some(StorageAuth::AccessKey) => {
            "the function app's Azure Files content share (Y1 and EP plans) takes only the account key, not an identity".into()
        }
        Some(StorageAuth::SystemAssignedIdentity) => {
            "shared key stays at Azure's default (on): sigc has no setting to turn it off; the Flex app itself signs in with its identity".into()
        }
        None => "no function app uses this account; shared key stays at Azure's default (on)".into(),
    }
}

fn plan_label(plan: FunctionPlan) -> String {
    match plan {
        FunctionPlan::FC1 => "Flex Consumption (FC1)".into(),
        FunctionPlan::Y1 => "Linux Consumption (Y1)".into(),
        ep => format!("Elastic Premium ({})", ep.sku_name()),
    }
}

fn zone_reason(plan: FunctionPlan) -> String {
    match plan {
        FunctionPlan::Y1 => "Linux Consumption (Y1) plans cannot be zone redundant".into(),
        other => format!(
            "zone redundancy is not a sigc setting yet: the {} plan runs in one zone",
            plan_label(other)
        ),
    }
}

fn instances_reason(plan: FunctionPlan) -> String {
    if plan.is_elastic_premium() {
        format!(
            "{} adds instances with load; the environment sets no fixed worker count",
            plan_label(plan)
        )
    } else {
        format!(
            "{} adds instances with load and has no fixed worker count to set",
            plan_label(plan)
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::sample::sample_graph;
    use crate::graph::SignalRSku;

    const PLANS: [FunctionPlan; 3] = [FunctionPlan::FC1, FunctionPlan::Y1, FunctionPlan::EP1];

    fn with_signalr_sku(plan: FunctionPlan, name: &str, tier: &str) -> ResourceGraph {
        let graph = sample_graph(plan);
        let resources = graph
            .in_order()
            .cloned()
            .map(|mut r| {
                if let Settings::SignalR(s) = &mut r.settings {
                    s.sku = SignalRSku {
                        name: name.into(),
                        tier: tier.into(),
                        capacity: 1,
                    };
                }
                r
            })
            .collect();
        ResourceGraph::new(graph.info.clone(), resources).expect("still a valid graph")
    }

    fn ids(graph: &ResourceGraph, id: ResId, target: Target) -> Vec<&'static str> {
        skips(graph.expect(id), graph, target)
            .into_iter()
            .map(|s| s.id)
            .collect()
    }

    #[test]
    fn free_tier_adds_the_sla_skip_and_standard_does_not() {
        let free = with_signalr_sku(FunctionPlan::FC1, "Free_F1", "Free");
        assert_eq!(ids(&free, ResId::SignalR, Target::Terraform), ["CKV_AZURE_196"]);
        let standard = with_signalr_sku(FunctionPlan::FC1, "Standard_S1", "Standard");
        assert!(ids(&standard, ResId::SignalR, Target::Terraform).is_empty());
        // checkov has this check in Terraform only.
        assert!(ids(&free, ResId::SignalR, Target::Arm).is_empty());
    }

    #[test]
    fn geo_replication_needs_no_replication_skip() {
        let graph = sample_graph(FunctionPlan::Y1);
        let lrs = skips(graph.expect(ResId::Storage), &graph, Target::Arm);
        let replication = lrs.iter().find(|s| s.id == "CKV_AZURE_206").expect("LRS is skipped");
        assert!(replication.reason.contains("Standard_LRS"), "{}", replication.reason);
        let resources = graph
            .in_order()
            .cloned()
            .map(|mut r| {
                if let Settings::Storage(s) = &mut r.settings {
                    s.replication = "GZRS".into();
                    s.sku_name = "Standard_GZRS".into();
                }
                r
            })
            .collect();
        let gzrs = ResourceGraph::new(graph.info.clone(), resources).unwrap();
        assert!(!ids(&gzrs, ResId::Storage, Target::Arm).contains(&"CKV_AZURE_206"));
    }

    #[test]
    fn reasons_follow_the_plan_and_the_storage_auth() {
        let reason = |plan, id: ResId, check: &str, target| {
            let graph = sample_graph(plan);
            skips(graph.expect(id), &graph, target)
                .into_iter()
                .find(|s| s.id == check)
                .map(|s| s.reason)
        };
        let y1 = reason(FunctionPlan::Y1, ResId::ServicePlan, "CKV_AZURE_225", Target::Bicep).unwrap();
        assert!(y1.contains("cannot be zone redundant"), "{y1}");
        let ep = reason(FunctionPlan::EP1, ResId::ServicePlan, "CKV_AZURE_225", Target::Bicep).unwrap();
        assert!(ep.contains("Elastic Premium (EP1)"), "{ep}");
        let key = reason(FunctionPlan::Y1, ResId::Storage, "CKV2_AZURE_40", Target::Terraform).unwrap();
        let identity = reason(FunctionPlan::FC1, ResId::Storage, "CKV2_AZURE_40", Target::Terraform).unwrap();
        assert!(
            key.contains("content share") && identity.contains("identity"),
            "{key} / {identity}"
        );
        // The one concern is checked on the plan in Terraform and on the site in ARM.
        assert_eq!(
            reason(
                FunctionPlan::EP1,
                ResId::ServicePlan,
                "CKV_AZURE_212",
                Target::Terraform
            ),
            reason(FunctionPlan::EP1, ResId::FunctionApp, "CKV_AZURE_212", Target::Arm),
        );
        assert_eq!(
            reason(
                FunctionPlan::FC1,
                ResId::FunctionApp,
                "CKV_AZURE_221",
                Target::Terraform
            ),
            None
        );
        assert!(reason(FunctionPlan::Y1, ResId::FunctionApp, "CKV_AZURE_221", Target::Terraform).is_some());
    }

    #[test]
    fn every_skip_has_a_checkov_id_and_a_one_line_reason() {
        let targets = [Target::Terraform, Target::Arm, Target::Bicep];
        let mut seen = 0;
        for plan in PLANS {
            let graph = with_signalr_sku(plan, "Free_F1", "Free");
            for resource in graph.in_order() {
                for target in targets {
                    let found = skips(resource, &graph, target);
                    let mut unique: Vec<&str> = found.iter().map(|s| s.id).collect();
                    unique.sort_unstable();
                    unique.dedup();
                    assert_eq!(
                        unique.len(),
                        found.len(),
                        "{} {target}: repeated id",
                        resource.id.address()
                    );
                    for skip in found {
                        seen += 1;
                        let (family, number) = skip
                            .id
                            .strip_prefix("CKV_AZURE_")
                            .map(|n| ("CKV", n))
                            .or_else(|| skip.id.strip_prefix("CKV2_AZURE_").map(|n| ("CKV2", n)))
                            .unwrap_or_else(|| panic!("`{}` is not a checkov Azure id", skip.id));
                        assert!(
                            !number.is_empty() && number.bytes().all(|b| b.is_ascii_digit()),
                            "{family} {}",
                            skip.id
                        );
                        assert!(
                            skip.reason.len() >= 20,
                            "{}: reason too short: {:?}",
                            skip.id,
                            skip.reason
                        );
                        assert!(
                            skip.reason.chars().all(|c| c.is_ascii() && !c.is_control()),
                            "{}: {:?}",
                            skip.id,
                            skip.reason
                        );
                        assert!(!skip.reason.contains("*/"));
                        assert_eq!(skip.directive(), format!("checkov:skip={}:{}", skip.id, skip.reason));
                    }
                }
            }
        }
        assert!(seen > 20, "the table is in use ({seen} skips)");
    }

    #[test]
    fn targets_without_checkov_comments_get_nothing() {
        let graph = with_signalr_sku(FunctionPlan::Y1, "Free_F1", "Free");
        for resource in graph.in_order() {
            assert!(skips(resource, &graph, Target::TerraformJson).is_empty());
            assert!(skips(resource, &graph, Target::Functions).is_empty());
        }
    }

    #[test]
    fn reasons_are_flattened_to_one_line() {
        let skip = Skip::new("CKV_AZURE_1", "a\nb\t*/ c ");
        assert_eq!(skip.reason, "a b * / c");
        assert_eq!(skip.arm_entry(), "CKV_AZURE_1:a b * / c");
    }
}
