//! The `sigmalens` command line.

mod eval;
pub mod index;
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
    /// Build the corpus index or show its statistics.
    #[command(subcommand)]
    Index(index::IndexCommand),
    /// The authoring guide for an ATT&CK technique: events, fields, indicators, exclusions, rules.
    Technique(index::TechniqueArgs),
    /// How many corpus rules check one indicator (`'Image|endswith' '\\netsh.exe'`).
    Reach(index::ReachArgs),
    /// How the corpus uses a field: logsources, operators, aliases, top values.
    Field(index::FieldArgs),
    /// Measure the corpus checks against SigmaHQ rules newer than the index.
    Eval(eval::EvalArgs),
    /// Run the language server over stdio.
    Server(server::ServerArgs),
}

/// Prints a command's output. A closed pipe (`sigmalens lint | head`) is
/// the reader's choice, not an error.
pub(crate) fn emit(text: &str) {
    use std::io::Write;
    let mut stdout = std::io::stdout().lock();
    let _ = stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush());
}

fn print_ok(text: String) -> u8 {
    emit(&text);
    0
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
        Command::Rule(args) => rule::run(args).map(print_ok),
        Command::Index(command) => index::run_index(&command).map(print_ok),
        Command::Technique(args) => index::technique(&args).map(print_ok),
        Command::Reach(args) => index::reach(&args).map(print_ok),
        Command::Field(args) => index::field(&args).map(print_ok),
        Command::Eval(args) => eval::run(args),
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
