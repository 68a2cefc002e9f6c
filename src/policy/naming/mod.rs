//! `naming/*` rules: resource names.

pub mod invalid_name;
pub mod invalid_pattern;
pub mod reserved_word;
