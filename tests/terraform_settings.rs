//! `[outputs.terraform] required_version` and `backend` (CONTRACT §3), through the CLI:
//! written into `terraform/versions.tf` and the Terraform JSON `terraform` block, and
//! refused with a diagnostic at the line when the value is wrong.

use std::fs;

mod common;

use common::{code, sigc, stderr};

fn env(extra: &str) -> String {
    format!(
        "[environment]\nname = \"dev\"\nworkload = \"chat\"\nlocation = \"eastus\"\nprofile = \"development\"\n\n[signalr]\nsku = \"Standard_S1\"\n{extra}"
    )
}

fn terraform() -> Option<&'static str> {
    ["terraform", "/usr/local/bin/terraform"].into_iter().find(|b| {
        std::process::Command::new(b)
            .arg("version")
            .output()
            .is_ok_and(|o| o.status.success())
    })
}

#[test]
fn required_version_and_backend_are_written_into_versions_tf_and_terraform_json() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(
        dir.path().join("env.toml"),
        env("\n[outputs.terraform]\nrequired_version = \">= 1.6, < 2.0\"\nbackend = { type = \"azurerm\", resource_group_name = \"rg-tfstate\", storage_account_name = \"sttfstate\", container_name = \"tfstate\", key = \"chat-dev.tfstate\", use_azuread_auth = true }\n"),
    )
    .unwrap();
    let out = sigc(
        dir.path(),
        &[
            "build",
            "env.toml",
            "--target",
            "terraform",
            "--target",
            "terraform-json",
        ],
    );
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let root = dir.path().join("build/dev");
    let versions = fs::read_to_string(root.join("terraform/versions.tf")).unwrap();
    assert!(
        versions.starts_with(
            "terraform {\n  required_version = \">= 1.6, < 2.0\"\n\n  backend \"azurerm\" {\n    container_name       = \"tfstate\"\n    key                  = \"chat-dev.tfstate\"\n    resource_group_name  = \"rg-tfstate\"\n    storage_account_name = \"sttfstate\"\n    use_azuread_auth     = true\n  }\n\n  required_providers {\n"
        ),
        "{versions}"
    );
    let json: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(root.join("terraform-json/main.tf.json")).unwrap()).unwrap();
    assert_eq!(json["terraform"]["required_version"], ">= 1.6, < 2.0");
    assert_eq!(
        json["terraform"]["backend"],
        serde_json::json!({"azurerm": {
            "container_name": "tfstate",
            "key": "chat-dev.tfstate",
            "resource_group_name": "rg-tfstate",
            "storage_account_name": "sttfstate",
            "use_azuread_auth": true
        }})
    );
    if let Some(bin) = terraform() {
        let fmt = std::process::Command::new(bin)
            .args(["fmt", "-check", "-diff", "-recursive"])
            .arg(root.join("terraform"))
            .env("CHECKPOINT_DISABLE", "1")
            .output()
            .unwrap();
        assert!(fmt.status.success(), "{}", String::from_utf8_lossy(&fmt.stdout));
    }

    // Without the table: the default constraint, and local state (no backend block).
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("env.toml"), env("")).unwrap();
    let out = sigc(
        dir.path(),
        &[
            "build",
            "env.toml",
            "--target",
            "terraform",
            "--target",
            "terraform-json",
        ],
    );
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let versions = fs::read_to_string(dir.path().join("build/dev/terraform/versions.tf")).unwrap();
    assert!(
        versions.starts_with("terraform {\n  required_version = \">= 1.5\"\n\n  required_providers {\n"),
        "{versions}"
    );
    assert!(!versions.contains("backend"), "{versions}");
}

#[test]
fn a_bad_constraint_or_backend_is_refused_at_its_line_and_nothing_is_written() {
    let cases = [
        (
            "required_version = \"1.5 or newer\"",
            "error[input/invalid-value]: `1.5 or newer` is not a valid value for `outputs.terraform.required_version`",
            20,
        ),
        (
            "backend = { type = \"s3\", bucket = \"b\" }",
            "error[input/invalid-value]: `s3` is not a valid value for `outputs.terraform.backend.type`",
            20,
        ),
        (
            "backend = { type = \"azurerm\", container_name = \"tfstate\" }",
            "error[input/missing-key]: the azurerm backend needs `storage_account_name`, `key`",
            11,
        ),
        (
            // A secret has no place in the file: Terraform reads it from ARM_ACCESS_KEY.
            "backend = { type = \"azurerm\", storage_account_name = \"s\", container_name = \"c\", key = \"k\", access_key = \"secret\" }",
            "error[input/unknown-key]: unknown key `access_key` in `[outputs.terraform.backend]`",
            92,
        ),
        (
            "backend = { storage_account_name = \"s\", container_name = \"c\", key = \"k\" }",
            "error[input/missing-key]: missing required key `outputs.terraform.backend.type`",
            11,
        ),
    ];
    for (line, message, column) in cases {
        let dir = tempfile::tempdir().unwrap();
        let text = env(&format!("\n[outputs.terraform]\n{line}\n"));
        fs::write(dir.path().join("env.toml"), &text).unwrap();
        let out = sigc(dir.path(), &["build", "env.toml", "--target", "terraform"]);
        assert_eq!(code(&out), 1, "{line}: {}", stderr(&out));
        let err = stderr(&out);
        assert!(err.contains(message), "{line}: {err}");
        let at = text.lines().position(|l| l == line).unwrap() + 1;
        assert!(err.contains(&format!(" --> env.toml:{at}:{column}\n")), "{line}: {err}");
        assert!(!dir.path().join("build").exists(), "{line}: nothing is written");
    }
}
