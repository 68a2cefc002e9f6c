//! `functions/*` rules: the function app.

pub mod reserved_app_setting;
pub mod runtime_not_supported;
pub mod y1_retiring;
