//! The command line (CONTRACT §1). The only place that reads or writes files,
//! standard output or standard error; everything else is in the library.

mod build;
mod check;
mod explain;
mod init;
mod inputs;
mod interrupt;
mod plan;
mod write;

use std::io::IsTerminal;
use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

use sigc::diag::human::Style;
use sigc::diag::FileReport;

/// Exit codes of CONTRACT §2.
pub const OK: u8 = 0;
pub const FAILED: u8 = 1;
pub const USAGE: u8 = 2;

#[derive(Parser, Debug)]
#[command(
    name = "sigc",
    version,
    about = "Compile one ENV.toml into the Azure SignalR serverless stack: Terraform, Terraform JSON, ARM, Bicep and a Python Functions app"
)]
pub struct Cli {
    /// When to colour human output (never when NO_COLOR is set).
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum TargetArg {
    Terraform,
    TerraformJson,
    Arm,
    Bicep,
    Functions,
    Pulumi,
    All,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum DiagFormat {
    Human,
    Json,
    Sarif,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum PlanFormat {
    Human,
    Markdown,
    Json,
    Dot,
    Mermaid,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Check ENV files and write their outputs to DIR/<environment.name>/.
    Build {
        #[arg(required = true, value_name = "ENV.toml")]
        files: Vec<PathBuf>,
        /// Output folder.
        #[arg(long, value_name = "DIR", default_value = "build")]
        out: PathBuf,
        /// Target to build (repeatable); default: [outputs] targets.
        #[arg(long, value_enum, value_name = "T")]
        target: Vec<TargetArg>,
        /// Print the one document of a single-document target; write no files.
        #[arg(long, conflicts_with = "check")]
        stdout: bool,
        /// Write nothing; exit 1 with a diff when the files on disk are stale.
        #[arg(long)]
        check: bool,
    },
    /// Run the checks of `build` without writing anything.
    Check {
        #[arg(required = true, value_name = "ENV.toml")]
        files: Vec<PathBuf>,
        #[arg(long, value_enum, default_value_t = DiagFormat::Human)]
        format: DiagFormat,
        /// Treat warnings as errors for the exit code.
        #[arg(long)]
        deny_warnings: bool,
        /// Files checked at once (default: one per core). The output is the same for any value.
        #[arg(long, short = 'j', value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
        jobs: Option<u16>,
    },
    /// Show the resolved stack: resources, names, SKUs and dependencies.
    Plan {
        #[arg(value_name = "ENV.toml")]
        file: PathBuf,
        #[arg(long, value_enum, default_value_t = PlanFormat::Human)]
        format: PlanFormat,
    },
    /// Print a rule's documentation.
    Explain {
        /// Rule id, e.g. `sku/capacity-not-offered`.
        #[arg(required_unless_present = "all")]
        rule: Option<String>,
        /// List every rule with its levels per profile.
        #[arg(long, conflicts_with = "rule")]
        all: bool,
    },
    /// Print the JSON Schema of ENV.toml.
    Schema,
    /// Write a commented starter ENV.toml that passes `sigc check`.
    Init {
        #[arg(long, default_value = "dev")]
        env: String,
        #[arg(long, default_value = "app")]
        workload: String,
        #[arg(long, default_value = "eastus")]
        location: String,
        #[arg(default_value = "env.toml")]
        path: PathBuf,
    },
    /// Print shell completions.
    Completions { shell: clap_complete::Shell },
}

pub fn run(cli: Cli) -> u8 {
    let style = Style {
        color: use_color(cli.color),
    };
    match cli.command {
        Command::Build {
            files,
            out,
            target,
            stdout,
            check,
        } => build::run(&files, &out, &target, stdout, check, style),
        Command::Check {
            files,
            format,
            deny_warnings,
            jobs,
        } => check::run(&files, format, deny_warnings, jobs.map(usize::from), style),
        Command::Plan { file, format } => plan::run(&file, format, style),
        Command::Explain { rule, all } => explain::run(rule.as_deref(), all),
        Command::Schema => {
            print!("{}", sigc::parse::schema::ENV_SCHEMA);
            OK
        }
        Command::Init {
            env,
            workload,
            location,
            path,
        } => init::run(&env, &workload, &location, &path),
        Command::Completions { shell } => {
            let mut cmd = <Cli as clap::CommandFactory>::command();
            clap_complete::generate(shell, &mut cmd, "sigc", &mut std::io::stdout());
            OK
        }
    }
}

fn use_color(choice: ColorChoice) -> bool {
    if std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty()) {
        return false;
    }
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => std::io::stderr().is_terminal(),
    }
}

/// Prints the human rendering of reports to standard error.
pub fn print_human(reports: &[FileReport], style: Style, wrote_nothing: bool) {
    let mut text = String::new();
    for r in reports {
        text.push_str(&sigc::diag::human::render_file(r, style));
    }
    if reports.iter().any(|r| !r.diagnostics.is_empty()) {
        text.push_str(&sigc::diag::human::summary(reports, wrote_nothing));
    }
    eprint!("{text}");
}
