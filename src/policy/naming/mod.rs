//! `naming/*` rules: resource names and tags.

pub mod host_id_collision;
pub mod invalid_name;
pub mod invalid_pattern;
pub mod invalid_tag;
pub mod reserved_word;
