//! Verification of emitted output against the schemas vendored in `schemas/`.
//!
//! Runs on the emitted text itself (parsed back), so escaping mistakes are caught
//! too. A problem here is a sigc bug: the build stops before anything is written.

pub mod arm;
mod arm_expr;
pub mod azurerm;

use anyhow::{bail, Context};

use crate::emit::Artifact;

/// Checks every artifact that has a schema: Terraform (HCL and JSON) against the
/// azurerm provider schema, ARM templates (and their parameters) against ARM schemas.
pub fn verify(artifacts: &[Artifact]) -> anyhow::Result<()> {
    let mut problems = Vec::new();
    if let Some(a) = artifacts.iter().find(|a| a.path == "terraform/main.tf") {
        let body: hcl::Body = hcl::from_str(&a.contents).context("terraform/main.tf does not parse")?;
        problems.extend(
            azurerm::check_hcl(&body)
                .into_iter()
                .map(|p| format!("terraform/main.tf: {p}")),
        );
    }
    if let Some(a) = artifacts.iter().find(|a| a.path == "terraform-json/main.tf.json") {
        let doc: serde_json::Value =
            serde_json::from_str(&a.contents).context("terraform-json/main.tf.json is not JSON")?;
        problems.extend(
            azurerm::check_json(&doc)
                .into_iter()
                .map(|p| format!("terraform-json/main.tf.json: {p}")),
        );
    }
    let template = artifacts.iter().find(|a| a.path == "arm/azuredeploy.json");
    if let Some(t) = template {
        let doc: serde_json::Value = serde_json::from_str(&t.contents).context("arm/azuredeploy.json is not JSON")?;
        problems.extend(
            arm::check_template(&doc)
                .into_iter()
                .map(|p| format!("arm/azuredeploy.json: {p}")),
        );
        if let Some(p) = artifacts.iter().find(|a| a.path == "arm/azuredeploy.parameters.json") {
            let params: serde_json::Value =
                serde_json::from_str(&p.contents).context("arm/azuredeploy.parameters.json is not JSON")?;
            problems.extend(
                arm::check_parameters(&params, &doc)
                    .into_iter()
                    .map(|p| format!("arm/azuredeploy.parameters.json: {p}")),
            );
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        bail!("{}", problems.join("\n"))
    }
}
