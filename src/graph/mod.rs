//! The resource graph: one node per Azure resource, one edge per dependency.
//!
//! Every emitter walks [`ResourceGraph::in_order`], so dependencies always come
//! before their dependents and the order is the same on every run.

mod lower;
pub mod resource;
#[doc(hidden)]
pub mod sample;

use std::collections::BTreeMap;

use petgraph::algo::{tarjan_scc, toposort};
use petgraph::graph::{DiGraph, NodeIndex};
use serde::Serialize;

pub use lower::{lower, SIGNALR_TRIGGERS};
pub use resource::*;

/// Facts about the whole environment that every target needs.
#[derive(Clone, Debug, Serialize)]
pub struct StackInfo {
    pub environment: String,
    pub workload: String,
    pub location: String,
    pub subscription_id: Option<String>,
    /// `[outputs] azurerm_version`, e.g. `~> 4.0`.
    pub azurerm_version: String,
    /// `[outputs.terraform] required_version`, e.g. `>= 1.5`.
    pub terraform_required_version: String,
    /// `[outputs.terraform] backend`: (type, sorted settings), or local state.
    pub terraform_backend: Option<(String, Vec<(String, TerraformSetting)>)>,
}

/// One backend setting value.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub enum TerraformSetting {
    Bool(bool),
    Str(String),
}

/// A problem found while building the graph.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum GraphError {
    /// The resources on one dependency cycle, by address, sorted.
    Cycle(Vec<String>),
    /// Two resources of one Azure type share a name in one scope.
    Duplicate { first: ResId, second: ResId, name: String },
}

#[derive(Debug)]
pub struct ResourceGraph {
    pub info: StackInfo,
    graph: DiGraph<Resource, ()>,
    index: BTreeMap<ResId, NodeIndex>,
    order: Vec<NodeIndex>,
}

impl ResourceGraph {
    /// Builds the graph from resources; each depends on what [`dependencies`] names.
    /// Nodes are inserted in sorted id (= address) order so ties in the topological order
    /// break the same way every time.
    pub fn new(info: StackInfo, mut resources: Vec<Resource>) -> Result<Self, Vec<GraphError>> {
        resources.sort_by_key(|r| r.id);
        let mut errors = duplicates(&resources);
        let mut graph = DiGraph::new();
        let mut index = BTreeMap::new();
        for resource in resources {
            let id = resource.id;
            let node = graph.add_node(resource);
            if index.insert(id, node).is_some() {
                errors.push(GraphError::Duplicate {
                    first: id,
                    second: id,
                    name: graph[node].name.clone(),
                });
            }
        }
        let mut edges = Vec::new();
        for node in graph.node_indices() {
            for dep in dependencies(&graph[node]) {
                // A dependency on a resource that is not in the stack is a lowering bug.
                let target = *index.get(&dep).unwrap_or_else(|| {
                    panic!(
                        "{} depends on {} which is not in the graph",
                        graph[node].id.address(),
                        dep.address()
                    )
                });
                edges.push((target, node));
            }
        }
        for (from, to) in edges {
            graph.update_edge(from, to, ());
        }
        let order = match stable_toposort(&graph) {
            Some(order) => order,
            None => {
                errors.extend(cycles(&graph));
                Vec::new()
            }
        };
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(Self {
            info,
            graph,
            index,
            order,
        })
    }

    /// Resources in dependency order (each after everything it depends on).
    pub fn in_order(&self) -> impl Iterator<Item = &Resource> {
        self.order.iter().map(|&n| &self.graph[n])
    }

    pub fn get(&self, id: ResId) -> Option<&Resource> {
        self.index.get(&id).map(|&n| &self.graph[n])
    }

    /// The resource, which the lowering guarantees to exist for this id.
    pub fn expect(&self, id: ResId) -> &Resource {
        self.get(id)
            .unwrap_or_else(|| panic!("the stack always has {}", id.address()))
    }

    /// Direct dependencies of a resource, in address order.
    pub fn depends_on(&self, id: ResId) -> Vec<ResId> {
        let Some(&node) = self.index.get(&id) else {
            return Vec::new();
        };
        let mut deps: Vec<ResId> = self
            .graph
            .neighbors_directed(node, petgraph::Direction::Incoming)
            .map(|n| self.graph[n].id)
            .collect();
        deps.sort();
        deps
    }

    pub fn signalr(&self) -> (&Resource, &SignalR) {
        match &self.expect(ResId::SignalR).settings {
            Settings::SignalR(s) => (self.expect(ResId::SignalR), s),
            _ => unreachable!("signalr.main holds SignalR settings"),
        }
    }

    pub fn function_app(&self) -> (&Resource, &FunctionApp) {
        match &self.expect(ResId::FunctionApp).settings {
            Settings::FunctionApp(f) => (self.expect(ResId::FunctionApp), f),
            _ => unreachable!("function_app.main holds FunctionApp settings"),
        }
    }

    pub fn len(&self) -> usize {
        self.order.len()
    }

    pub fn is_empty(&self) -> bool {
        self.order.is_empty()
    }
}

/// What a resource depends on: the resource group, plus every resource its settings name.
pub fn dependencies(resource: &Resource) -> Vec<ResId> {
    let mut deps = Vec::new();
    if resource.id != ResId::ResourceGroup {
        deps.push(ResId::ResourceGroup);
    }
    match &resource.settings {
        Settings::ResourceGroup | Settings::LogAnalytics(_) | Settings::Storage(_) | Settings::ServicePlan(_) => {}
        Settings::AppInsights(a) => deps.push(a.workspace),
        Settings::PackageContainer(c) => deps.push(c.storage),
        Settings::FunctionApp(f) => {
            deps.extend([f.service_plan, f.storage, f.app_insights]);
            deps.extend(f.flex.as_ref().map(|flex| flex.container));
            deps.extend(f.vnet_subnet);
        }
        Settings::SignalR(s) => {
            deps.extend(s.upstream.as_ref().map(|u| u.function_app));
            deps.extend(s.upstream.as_ref().and_then(|u| u.host_key));
        }
        Settings::HostKey(k) => {
            deps.push(k.function_app);
            deps.extend(k.after.iter().copied());
        }
        Settings::SignalRNetworkAcl(acl) => {
            deps.push(acl.signalr);
            deps.extend(acl.private_endpoints.iter().map(|p| p.endpoint));
        }
        Settings::RoleAssignment(ra) => deps.extend([ra.scope, ra.principal]),
        Settings::VirtualNetwork(_) | Settings::PrivateDnsZone(_) => {}
        Settings::ManagementLock(l) => deps.extend(l.after.iter().copied()),
        Settings::Subnet(sn) => deps.push(sn.vnet),
        Settings::PrivateEndpoint(pe) => deps.extend([pe.subnet, pe.target, pe.zone]),
        Settings::PrivateDnsZoneLink(l) => deps.extend([l.zone, l.vnet]),
        Settings::SignalRReplica(r) => deps.push(r.signalr),
        Settings::SignalRCustomCertificate(c) => deps.extend([c.signalr, c.access]),
        Settings::SignalRCustomDomain(d) => deps.extend([d.signalr, d.certificate]),
        Settings::ExternalRoleAssignment(ra) => deps.push(ra.principal),
        Settings::DiagnosticSetting(d) => deps.extend([d.source, d.workspace]),
    }
    deps
}

/// Kahn's algorithm that always takes the smallest ready id (ids order as their
/// addresses do), so the order depends only on the graph, not on insertion details.
fn stable_toposort(graph: &DiGraph<Resource, ()>) -> Option<Vec<NodeIndex>> {
    toposort(graph, None).ok()?;
    let mut indegree: BTreeMap<NodeIndex, usize> = graph
        .node_indices()
        .map(|n| (n, graph.neighbors_directed(n, petgraph::Direction::Incoming).count()))
        .collect();
    let mut ready: std::collections::BTreeSet<(ResId, NodeIndex)> = indegree
        .iter()
        .filter(|(_, &d)| d == 0)
        .map(|(&n, _)| (graph[n].id, n))
        .collect();
    let mut order = Vec::with_capacity(graph.node_count());
    while let Some(first) = ready.pop_first() {
        let node = first.1;
        order.push(node);
        for next in graph.neighbors_directed(node, petgraph::Direction::Outgoing) {
            let d = indegree.get_mut(&next).expect("every node has an in-degree");
            *d -= 1;
            if *d == 0 {
                ready.insert((graph[next].id, next));
            }
        }
    }
    Some(order)
}

fn cycles(graph: &DiGraph<Resource, ()>) -> Vec<GraphError> {
    let mut found: Vec<Vec<String>> = tarjan_scc(graph)
        .into_iter()
        .filter(|scc| scc.len() > 1 || graph.contains_edge(scc[0], scc[0]))
        .map(|scc| {
            let mut names: Vec<String> = scc.iter().map(|&n| graph[n].id.address()).collect();
            names.sort();
            names
        })
        .collect();
    found.sort();
    found.into_iter().map(GraphError::Cycle).collect()
}

/// Resources of one Azure type with the same name (case-insensitive, as Azure compares).
fn duplicates(resources: &[Resource]) -> Vec<GraphError> {
    let mut seen: BTreeMap<(String, String), ResId> = BTreeMap::new();
    let mut errors = Vec::new();
    for r in resources {
        let key = match &r.settings {
            // Role assignments are unique per (scope, principal, role).
            Settings::RoleAssignment(ra) => (
                "role_assignment".to_string(),
                format!(
                    "{}|{}|{}",
                    ra.scope.address(),
                    ra.principal.address(),
                    ra.role_definition_id
                ),
            ),
            _ => (r.id.kind().to_string(), r.name.to_lowercase()),
        };
        if let Some(&first) = seen.get(&key) {
            errors.push(GraphError::Duplicate {
                first,
                second: r.id,
                name: r.name.clone(),
            });
        } else {
            seen.insert(key, r.id);
        }
    }
    errors
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_order_as_addresses_do() {
        use super::resource::{LogSource, Role};
        let replica = |k: &str| ResId::keyed(Kind::SignalR, Key::new(k).unwrap());
        let mut ids = vec![
            ResId::ResourceGroup,
            ResId::LogAnalytics,
            ResId::AppInsights,
            ResId::Storage,
            ResId::PackageContainer,
            ResId::ServicePlan,
            ResId::FunctionApp,
            ResId::SignalR,
            ResId::SignalRNetworkAcl,
            ResId::HostKey,
            ResId::role_assignment(Role::SignalRServiceOwner),
            ResId::role_assignment(Role::StorageBlobDataOwner),
            ResId::role_assignment(Role::StorageQueueDataContributor),
            ResId::role_assignment(Role::StorageTableDataContributor),
            // Keys that are prefixes of each other, and a kind that is a prefix of another.
            replica("westus"),
            replica("westus2"),
            replica("a"),
            replica("z_1"),
            ResId::diagnostic_setting(LogSource::FunctionApp),
            ResId::diagnostic_setting(LogSource::SignalR),
        ];
        ids.sort_by_key(|id| id.address());
        let by_address = ids.clone();
        ids.reverse();
        ids.sort();
        assert_eq!(ids, by_address);
        for id in ids {
            assert_eq!(format!("{}.{}", id.kind(), id.label()), id.address());
        }
    }

    #[test]
    fn keys_take_only_labels_every_target_accepts() {
        assert_eq!(Key::new("westus2").map(|k| k.to_string()), Ok("westus2".into()));
        assert_eq!(Key::new(""), Err(KeyError::Empty));
        assert_eq!(Key::new("West"), Err(KeyError::BadByte(0)));
        assert_eq!(Key::new("2a"), Err(KeyError::BadByte(0)));
        assert_eq!(Key::new("a-b"), Err(KeyError::BadByte(1)));
        assert_eq!(Key::new(&"a".repeat(Key::MAX + 1)), Err(KeyError::TooLong));
        assert!(Key::new(&"a".repeat(Key::MAX)).is_ok());
        assert_eq!(Key::sanitized("West US 2").as_str(), "west_us_2");
        assert_eq!(Key::sanitized("2nd").as_str(), "k2nd");
        assert_eq!(Key::sanitized("").as_str(), "k");
        let long = Key::sanitized(&"région".repeat(20));
        assert_eq!(long.as_str().len(), Key::MAX);
        assert_ne!(
            long,
            Key::sanitized(&"région".repeat(21)),
            "the hash tells long labels apart"
        );
        assert_eq!(long, Key::sanitized(&"région".repeat(20)), "and is deterministic");
        let blob = ResId::keyed(Kind::SignalR, Key::from_static("private_blob"));
        assert_eq!(blob.address(), "signalr.private_blob");
        assert_eq!(blob.instance_name("pe-chat-prod"), "pe-chat-prod-private-blob");
        assert_eq!(ResId::SignalR.instance_name("sigr-chat-prod"), "sigr-chat-prod");
        assert!(std::mem::size_of::<ResId>() <= 34, "ResId stays small and Copy");
    }

    fn info() -> StackInfo {
        StackInfo {
            environment: "dev".into(),
            workload: "chat".into(),
            location: "eastus".into(),
            subscription_id: None,
            azurerm_version: crate::resolve::DEFAULT_AZURERM_VERSION.into(),
            terraform_required_version: crate::resolve::DEFAULT_TERRAFORM_VERSION.into(),
            terraform_backend: None,
        }
    }

    fn res(id: ResId, settings: Settings) -> Resource {
        Resource {
            id,
            name: id.kind().replace('_', "-"),
            tags: Tags::new(),
            settings,
        }
    }

    #[test]
    fn order_puts_dependencies_first_and_is_stable() {
        let law = LogAnalytics {
            sku: "PerGB2018".into(),
            retention_days: 30,
            daily_quota_gb: None,
        };
        let appi = AppInsights {
            workspace: ResId::LogAnalytics,
            application_type: "web".into(),
        };
        let g = ResourceGraph::new(
            info(),
            vec![
                res(ResId::AppInsights, Settings::AppInsights(appi)),
                res(ResId::LogAnalytics, Settings::LogAnalytics(law)),
                res(ResId::ResourceGroup, Settings::ResourceGroup),
            ],
        )
        .expect("acyclic");
        let order: Vec<String> = g.in_order().map(|r| r.id.address()).collect();
        assert_eq!(
            order,
            ["resource_group.main", "log_analytics.main", "app_insights.main"]
        );
        assert_eq!(
            g.depends_on(ResId::AppInsights),
            [ResId::LogAnalytics, ResId::ResourceGroup]
        );
    }

    #[test]
    fn a_cycle_is_reported_with_its_members() {
        let mut graph = DiGraph::<Resource, ()>::new();
        let a = graph.add_node(res(ResId::SignalR, Settings::ResourceGroup));
        let b = graph.add_node(res(ResId::FunctionApp, Settings::ResourceGroup));
        let c = graph.add_node(res(ResId::Storage, Settings::ResourceGroup));
        graph.add_edge(a, b, ());
        graph.add_edge(b, a, ());
        graph.add_edge(c, a, ());
        assert!(stable_toposort(&graph).is_none());
        assert_eq!(
            cycles(&graph),
            vec![GraphError::Cycle(vec![
                "function_app.main".into(),
                "signalr.main".into()
            ])]
        );
    }

    #[test]
    fn duplicate_names_of_one_type_are_reported() {
        let mut one = res(ResId::LogAnalytics, Settings::ResourceGroup);
        one.name = "Same".into();
        let mut two = res(ResId::LogAnalytics, Settings::ResourceGroup);
        two.name = "same".into();
        let errs = duplicates(&[one, two]);
        assert_eq!(errs.len(), 1);
    }
}
