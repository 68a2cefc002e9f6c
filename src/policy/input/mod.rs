//! `input/*` rules.

pub mod duplicate_value;
pub mod invalid_value;
pub mod missing_key;
pub mod out_of_range;
pub mod syntax;
pub mod too_large;
pub mod too_many_entries;
pub mod unknown_key;
pub mod unused_waiver;
pub mod wrong_type;
