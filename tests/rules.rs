//! The rule registry: unique ids, complete docs, and `docs/rules.md` in sync.

use std::path::Path;

use sigc::policy::{rules, table};

#[test]
fn ids_are_unique_and_well_formed() {
    let families = ["input", "naming", "sku", "cors", "acl", "security", "graph", "upstream", "functions"];
    let mut seen = std::collections::BTreeSet::new();
    for r in rules() {
        assert!(seen.insert(r.id), "duplicate id {}", r.id);
        let (family, name) = r.id.split_once('/').expect("family/name");
        assert!(families.contains(&family), "{}: unknown family", r.id);
        assert!(!name.is_empty() && name.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'), "{}", r.id);
        assert_eq!(r.fixed, matches!(family, "input" | "graph") || r.id == "naming/invalid-pattern", "{}: fixed-ness", r.id);
    }
}

#[test]
fn every_rule_has_its_docs_sections() {
    for r in rules() {
        for section in ["## What it does", "## Why it matters", "## Example", "## How to fix", "## Source"] {
            assert!(r.docs.contains(section), "{} lacks {section}", r.id);
        }
        assert!(!r.summary().is_empty(), "{} has no summary", r.id);
        let source = r.docs.split("## Source").nth(1).unwrap();
        assert!(source.contains("https://"), "{} cites no URL", r.id);
    }
}

#[test]
fn docs_rules_md_is_in_sync() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/rules.md");
    let on_disk = std::fs::read_to_string(&path).unwrap_or_default();
    if on_disk != table() {
        if std::env::var_os("SIGC_BLESS").is_some() {
            std::fs::write(&path, table()).unwrap();
        } else {
            panic!("docs/rules.md is stale: run `SIGC_BLESS=1 cargo test --test rules` and commit it");
        }
    }
}
