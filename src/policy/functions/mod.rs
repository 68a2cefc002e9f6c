//! `functions/*` rules: the function app.

pub mod cors_unavailable_on_y1;
pub mod invalid_host_id;
pub mod language_not_for_runtime;
pub mod reserved_app_setting;
pub mod runtime_end_of_support;
pub mod runtime_not_supported;
pub mod setting_not_for_plan;
pub mod y1_retiring;
