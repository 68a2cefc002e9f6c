//! The output folder is the user's workspace (CONTRACT §1, issue 8): sigc replaces and removes
//! only the files its `.sigc-manifest` lists, keeps the other targets' files on a subset build,
//! never overwrites or prints a file it does not own, and `--stdout --target terraform` is the
//! whole configuration. All through the real binary.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use sha2::{Digest, Sha256};

mod common;

use common::{code, put, sigc, stderr, stdout, tree, workspace, GOOD};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");
const SECRET: &str = "primary_access_key = \"SECRET-STATE-7f3a\"";

/// What `terraform init` / `apply` and a user leave in a build folder.
const FOREIGN: [&str; 6] = [
    "terraform/terraform.tfstate",
    "terraform/terraform.tfstate.backup",
    "terraform/.terraform.lock.hcl",
    "terraform/.terraform/providers/registry.terraform.io/hashicorp/azurerm/4.20.0/linux_amd64/terraform-provider-azurerm",
    "NOTES.md",
    "docs/runbook.md",
];

fn add_foreign(env_dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    for (i, rel) in FOREIGN.iter().enumerate() {
        put(env_dir, rel, &format!("{SECRET}\nforeign file {i}\n"));
    }
    foreign(env_dir)
}

fn foreign(env_dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    tree(env_dir)
        .into_iter()
        .filter(|(p, _)| FOREIGN.iter().any(|f| Path::new(f) == p))
        .collect()
}

fn hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

/// The manifest as path → hash, after checking its format line by line.
fn manifest(env_dir: &Path) -> BTreeMap<String, String> {
    let text = fs::read_to_string(env_dir.join(".sigc-manifest")).expect("every build writes a manifest");
    let mut out = BTreeMap::new();
    for line in text.lines() {
        let (hash, path) = line
            .split_once("  ")
            .unwrap_or_else(|| panic!("sha256sum format: {line:?}"));
        assert_eq!(hash.len(), 64, "{line}");
        out.insert(path.to_string(), hash.to_string());
    }
    let mut sorted: Vec<_> = out.keys().cloned().collect();
    sorted.sort();
    assert_eq!(out.keys().cloned().collect::<Vec<_>>(), sorted, "sorted by path");
    out
}

/// The files sigc owns according to the manifest, each checked against its recorded hash, and
/// nothing on disk that is neither owned nor foreign.
fn owned_files(env_dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let m = manifest(env_dir);
    let mut out = BTreeMap::new();
    for (path, hash) in &m {
        let bytes = fs::read(env_dir.join(path)).unwrap_or_else(|e| panic!("{path}: {e}"));
        assert_eq!(&hex(&bytes), hash, "{path} has the hash the manifest records");
        out.insert(path.clone(), bytes);
    }
    for (p, _) in tree(env_dir) {
        let rel = p.to_string_lossy().replace('\\', "/");
        assert!(
            rel == ".sigc-manifest" || m.contains_key(&rel) || FOREIGN.contains(&rel.as_str()),
            "{rel} is neither sigc's nor the user's"
        );
    }
    out
}

fn with_tag(value: &str) -> String {
    GOOD.replace(
        "location = \"eastus\"\n",
        &format!("location = \"eastus\"\ntags = {{ revision = \"{value}\" }}\n"),
    )
}

#[test]
fn terraform_state_and_user_files_survive_a_rebuild_byte_for_byte() {
    let ws = workspace(&[("env.toml", &with_tag("one"))]);
    assert_eq!(code(&sigc(ws.path(), &["build", "env.toml", "--target", "all"])), 0);
    let env_dir = ws.path().join("build/dev");
    let before = add_foreign(&env_dir);
    let old = owned_files(&env_dir);
    put(ws.path(), "env.toml", &with_tag("two"));
    let out = sigc(ws.path(), &["build", "env.toml", "--target", "all"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(foreign(&env_dir), before, "foreign files are untouched");
    let new = owned_files(&env_dir);
    assert_eq!(old.keys().collect::<Vec<_>>(), new.keys().collect::<Vec<_>>());
    assert_ne!(
        old["terraform/main.tf"], new["terraform/main.tf"],
        "the rebuild did happen"
    );
    assert!(String::from_utf8_lossy(&new["terraform/main.tf"]).contains("\"two\""));

    // A rebuild that drops a target removes only that target's owned files.
    let out = sigc(ws.path(), &["build", "env.toml"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(stderr(&out).contains("removed 1"), "{}", stderr(&out));
    assert!(!env_dir.join("terraform-json").exists());
    assert_eq!(foreign(&env_dir), before);
    owned_files(&env_dir);
}

#[test]
fn a_target_subset_keeps_the_other_targets_files() {
    let ws = workspace(&[("env.toml", &with_tag("one"))]);
    assert_eq!(code(&sigc(ws.path(), &["build", "env.toml", "--target", "all"])), 0);
    let env_dir = ws.path().join("build/dev");
    let before_foreign = add_foreign(&env_dir);
    let old = owned_files(&env_dir);
    put(ws.path(), "env.toml", &with_tag("two"));
    let out = sigc(ws.path(), &["build", "env.toml", "--target", "arm"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(stderr(&out).contains("kept 11 of other targets"), "{}", stderr(&out));
    let new = owned_files(&env_dir);
    assert_eq!(
        old.keys().collect::<Vec<_>>(),
        new.keys().collect::<Vec<_>>(),
        "the manifest lists the kept and the new files"
    );
    for (path, bytes) in &new {
        if path.starts_with("arm/") {
            assert!(String::from_utf8_lossy(bytes).contains("two") || path.ends_with("parameters.json"));
        } else {
            assert_eq!(bytes, &old[path], "{path} of another target is kept as it was");
        }
    }
    assert_ne!(new["arm/azuredeploy.json"], old["arm/azuredeploy.json"]);
    assert_eq!(foreign(&env_dir), before_foreign);
    // `--check` of the subset is clean; of the whole file it sees the other targets are old.
    assert_eq!(
        code(&sigc(ws.path(), &["build", "env.toml", "--target", "arm", "--check"])),
        0
    );
    assert_eq!(
        code(&sigc(ws.path(), &["build", "env.toml", "--target", "all", "--check"])),
        1
    );
}

#[test]
fn check_compares_only_sigc_files_and_never_prints_foreign_content() {
    let ws = workspace(&[("env.toml", GOOD)]);
    assert_eq!(code(&sigc(ws.path(), &["build", "env.toml"])), 0);
    let env_dir = ws.path().join("build/dev");
    add_foreign(&env_dir);
    let out = sigc(ws.path(), &["build", "env.toml", "--check"]);
    assert_eq!(
        code(&out),
        0,
        "foreign files are not stale: {}{}",
        stdout(&out),
        stderr(&out)
    );
    assert!(!stdout(&out).contains("SECRET") && !stderr(&out).contains("SECRET"));

    // A foreign file where a build of another target would write: named, never printed.
    put(
        &env_dir,
        "terraform-json/main.tf.json",
        &format!("{{\"x\": \"{SECRET}\"}}"),
    );
    let out = sigc(
        ws.path(),
        &["build", "env.toml", "--target", "terraform-json", "--check"],
    );
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    assert!(
        !stdout(&out).contains("SECRET") && !stderr(&out).contains("SECRET"),
        "{}{}",
        stdout(&out),
        stderr(&out)
    );
    assert!(stderr(&out).contains("terraform-json/main.tf.json"), "{}", stderr(&out));
    assert!(stderr(&out).contains("refuse to overwrite"), "{}", stderr(&out));

    // An owned file edited by hand is stale, with a diff.
    let main = env_dir.join("terraform/main.tf");
    let text = fs::read_to_string(&main).unwrap();
    fs::write(&main, text.replacen("managed_by", "managed_BY", 1)).unwrap();
    let out = sigc(ws.path(), &["build", "env.toml", "--check"]);
    assert_eq!(code(&out), 1);
    assert!(
        stdout(&out).contains("+++ b/build/dev/terraform/main.tf"),
        "{}",
        stdout(&out)
    );
    assert!(!stdout(&out).contains("SECRET"));
}

#[test]
fn a_file_sigc_does_not_own_is_never_overwritten() {
    let ws = workspace(&[("env.toml", GOOD)]);
    assert_eq!(
        code(&sigc(ws.path(), &["build", "env.toml", "--target", "terraform"])),
        0
    );
    let env_dir = ws.path().join("build/dev");
    put(&env_dir, "arm/azuredeploy.json", "{\"mine\": true}\n");
    let before = tree(&env_dir);
    let out = sigc(ws.path(), &["build", "env.toml", "--target", "arm"]);
    assert_eq!(code(&out), 2, "{}", stderr(&out));
    assert!(stderr(&out).contains("does not own"), "{}", stderr(&out));
    assert!(stderr(&out).contains("arm/azuredeploy.json"), "{}", stderr(&out));
    assert_eq!(tree(&env_dir), before, "nothing was written");
}

#[test]
fn a_folder_without_a_manifest_is_adopted_only_where_it_matches() {
    let ws = workspace(&[("env.toml", GOOD)]);
    assert_eq!(code(&sigc(ws.path(), &["build", "env.toml"])), 0);
    let env_dir = ws.path().join("build/dev");
    // What an older sigc left: the same files, no manifest, and the user's notes.
    fs::remove_file(env_dir.join(".sigc-manifest")).unwrap();
    put(&env_dir, "NOTES.md", "mine\n");
    let stale = sigc(ws.path(), &["build", "env.toml", "--check"]);
    assert_eq!(code(&stale), 1, "the manifest is missing: {}", stderr(&stale));
    assert!(
        stdout(&stale).contains("+++ b/build/dev/.sigc-manifest"),
        "{}",
        stdout(&stale)
    );
    let out = sigc(ws.path(), &["build", "env.toml"]);
    assert_eq!(code(&out), 0, "identical files are adopted: {}", stderr(&out));
    assert_eq!(manifest(&env_dir).len(), 12);
    assert_eq!(fs::read_to_string(env_dir.join("NOTES.md")).unwrap(), "mine\n");

    // An older sigc's different output, without a manifest: refused, untouched.
    fs::remove_file(env_dir.join(".sigc-manifest")).unwrap();
    put(&env_dir, "terraform/main.tf", "# written by an older sigc\n");
    let before = tree(&env_dir);
    let out = sigc(ws.path(), &["build", "env.toml"]);
    assert_eq!(code(&out), 2, "{}", stderr(&out));
    assert!(stderr(&out).contains("terraform/main.tf"), "{}", stderr(&out));
    assert_eq!(tree(&env_dir), before);
}

#[test]
fn a_damaged_manifest_is_refused_and_removes_nothing() {
    let ws = workspace(&[("env.toml", GOOD)]);
    assert_eq!(code(&sigc(ws.path(), &["build", "env.toml"])), 0);
    let env_dir = ws.path().join("build/dev");
    put(ws.path(), "precious.txt", "keep\n");
    let hash = "0".repeat(64);
    put(&env_dir, ".sigc-manifest", &format!("{hash}  ../../precious.txt\n"));
    let out = sigc(ws.path(), &["build", "env.toml"]);
    assert_eq!(code(&out), 2, "{}", stderr(&out));
    assert!(stderr(&out).contains("not a plain relative path"), "{}", stderr(&out));
    assert_eq!(fs::read_to_string(ws.path().join("precious.txt")).unwrap(), "keep\n");
}

#[test]
fn stdout_terraform_is_the_whole_configuration_as_one_document() {
    let ws = workspace(&[("env.toml", GOOD)]);
    let out = sigc(ws.path(), &["build", "env.toml", "--target", "terraform", "--stdout"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let doc = stdout(&out);
    assert!(!ws.path().join("build").exists(), "--stdout writes nothing");
    assert_eq!(
        code(&sigc(ws.path(), &["build", "env.toml", "--target", "terraform"])),
        0
    );
    let file = |name: &str| fs::read_to_string(ws.path().join("build/dev/terraform").join(name)).unwrap();
    assert_eq!(
        doc,
        [file("versions.tf"), file("main.tf"), file("outputs.tf")].join("\n"),
        "every block of the three files, in order"
    );
    for block in [
        "required_providers",
        "resource \"azurerm_signalr_service\" \"main\"",
        "output \"negotiate_url\"",
    ] {
        assert!(doc.contains(block), "{block}");
    }
    // One valid, canonically formatted .tf file, by Terraform itself.
    let terraform = Path::new(ROOT).join(".tools/bin/terraform");
    if !terraform.exists() {
        assert!(std::env::var_os("CI").is_none(), "CI must run terraform fmt");
        eprintln!("SKIPPED terraform fmt: {} is missing", terraform.display());
        return;
    }
    let one = ws.path().join("one");
    put(&one, "all.tf", &doc);
    let fmt = Command::new(terraform)
        .args(["fmt", "-check", "-diff", "-no-color", "all.tf"])
        .current_dir(&one)
        .output()
        .unwrap();
    assert!(fmt.status.success(), "{}{}", stdout(&fmt), stderr(&fmt));
}

#[cfg(unix)]
#[test]
fn check_does_not_block_on_a_fifo_where_an_owned_file_was() {
    let ws = workspace(&[("env.toml", GOOD)]);
    assert_eq!(code(&sigc(ws.path(), &["build", "env.toml"])), 0);
    let main = ws.path().join("build/dev/terraform/main.tf");
    fs::remove_file(&main).unwrap();
    let c = std::ffi::CString::new(main.to_str().unwrap()).unwrap();
    // SAFETY: a valid NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o644) }, 0);
    let mut child = Command::new(env!("CARGO_BIN_EXE_sigc"))
        .args(["build", "env.toml", "--check"])
        .current_dir(ws.path())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let started = std::time::Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > std::time::Duration::from_secs(10) {
            let _ = child.kill();
            panic!("--check blocks on a FIFO");
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    };
    assert_eq!(status.code(), Some(1), "the owned file is stale");
    // A build puts the file back in its place.
    assert_eq!(code(&sigc(ws.path(), &["build", "env.toml"])), 0);
    assert!(fs::metadata(&main).unwrap().is_file());
}
