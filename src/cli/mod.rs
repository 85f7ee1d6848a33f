//! The `sigmalens` command line.

mod lint;
mod rule;
mod server;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Exit codes: findings at or above `--fail-on` give 1, usage and I/O errors 2.
pub const EXIT_FINDINGS: u8 = 1;
pub const EXIT_USAGE: u8 = 2;

#[derive(Parser)]
#[command(
    name = "sigmalens",
    version,
    about = "Linter and language server for Sigma detection rules, backed by a cross-vendor corpus index"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Lint Sigma rules (files or folders, recursively).
    Lint(lint::LintArgs),
    /// Show a check's documentation, or list every check.
    Rule(rule::RuleArgs),
    /// Run the language server over stdio.
    Server(server::ServerArgs),
}

pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => {
            let code = if error.use_stderr() { EXIT_USAGE } else { 0 };
            let _ = error.print();
            return ExitCode::from(code);
        }
    };
    let result = match cli.command {
        Command::Lint(args) => lint::run(args),
        Command::Rule(args) => rule::run(args),
        Command::Server(args) => server::run(args),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(message) => {
            eprintln!("sigmalens: {message}");
            ExitCode::from(EXIT_USAGE)
        }
    }
}
