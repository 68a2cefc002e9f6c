//! What the Pulumi printer knows of pulumi-azure-native: `schemas/pulumi/sdk.json`, introspected
//! from the pinned SDK by `scripts/vendor-pulumi-sdk.py` (module, class, API version and the Python
//! name, enum and nested arguments of each ARM key sigc writes).

use std::collections::BTreeMap;
use std::sync::OnceLock;

use anyhow::Result;
use serde::Deserialize;

#[derive(Debug, Deserialize)]
pub(super) struct Sdk {
    pub(super) pulumi: String,
    pub(super) azure_native: String,
    pub(super) types: BTreeMap<String, SdkType>,
}

#[derive(Debug, Deserialize)]
pub(super) struct SdkType {
    pub(super) module: String,
    pub(super) class: String,
    /// The Azure REST API version the SDK sends (pulumi-azure-native 3.x has one per type).
    pub(super) api: String,
    /// The wire name of the argument that holds the Azure name (`resourceName`).
    pub(super) name_arg: String,
    /// ARM keys the SDK spells differently on the wire.
    #[serde(default)]
    pub(super) renames: BTreeMap<String, String>,
    pub(super) args: BTreeMap<String, Arg>,
}

#[derive(Debug, Deserialize)]
pub(super) struct Arg {
    pub(super) py: String,
    #[serde(rename = "enum")]
    pub(super) enum_class: Option<String>,
    #[serde(default)]
    pub(super) members: BTreeMap<String, String>,
    pub(super) args: Option<BTreeMap<String, Arg>>,
    pub(super) items: Option<BTreeMap<String, Arg>>,
}

pub(super) fn sdk() -> Result<&'static Sdk> {
    static SDK: OnceLock<Result<Sdk, String>> = OnceLock::new();
    SDK.get_or_init(|| {
        serde_json::from_str(include_str!("../../../schemas/pulumi/sdk.json")).map_err(|e| e.to_string())
    })
    .as_ref()
    .map_err(|e| anyhow::anyhow!("schemas/pulumi/sdk.json: {e}"))
}
