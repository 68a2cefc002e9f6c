//! sigc: compiles one ENV.toml into the Azure SignalR serverless stack.
//!
//! Pipeline: parse (with spans) → resolve defaults and names → lower into the
//! resource graph → policy rules → emit each target → verify the output against
//! `schemas/` → the CLI writes atomically.

pub mod diag;
pub mod emit;
pub mod graph;
pub mod limits;
pub mod model;
pub mod parse;
pub mod resolve;
pub mod source;
pub mod verify;
