//! `sigmalens lint [PATH...]`.

use std::io::IsTerminal;
use std::path::PathBuf;

use clap::{Args, ValueEnum};

use super::EXIT_FINDINGS;
use crate::checks::Severity;
use crate::config::{ProfileName, Settings};
use crate::lint::{self, Linted};
use crate::output::{self, FileReport};

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    Human,
    Json,
    Sarif,
    Github,
}

#[derive(Clone, Copy, ValueEnum)]
enum FailOn {
    Error,
    Warning,
    Info,
    Hint,
    Never,
}

#[derive(Clone, Copy, ValueEnum)]
enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Args)]
pub struct LintArgs {
    /// Files and folders to lint (default: the current folder).
    paths: Vec<PathBuf>,
    #[arg(long, value_enum, default_value = "human")]
    format: Format,
    /// Exit with 1 when a finding has at least this severity.
    #[arg(long, value_enum, default_value = "error")]
    fail_on: FailOn,
    /// Apply safe fixes in place.
    #[arg(long)]
    fix: bool,
    /// Print counts per code instead of each finding.
    #[arg(long)]
    statistics: bool,
    /// Configuration file (default: `.sigmalens.toml` in the current or a parent folder).
    #[arg(long)]
    config: Option<PathBuf>,
    /// Only these codes or code prefixes (comma-separated).
    #[arg(long, value_delimiter = ',')]
    select: Vec<String>,
    /// Skip these codes or code prefixes (comma-separated).
    #[arg(long, value_delimiter = ',')]
    ignore: Vec<String>,
    /// Also run the SigmaHQ repository convention checks.
    #[arg(long)]
    sigmahq: bool,
    #[arg(long, value_enum, default_value = "auto")]
    color: ColorChoice,
}

pub fn run(args: LintArgs) -> Result<u8, String> {
    let mut settings = load_settings(&args)?;
    if !args.select.is_empty() {
        settings.select = args.select.clone();
    }
    settings.ignore.extend(args.ignore.iter().cloned());
    if args.sigmahq {
        settings.profile = ProfileName::Sigmahq;
    }
    let paths = if args.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.paths.clone()
    };
    let inputs = lint::discover(&paths).map_err(|e| e.to_string())?;
    if args.fix {
        fix_files(&inputs, &settings)?;
    }
    let linted = lint::lint_inputs(inputs, &settings);
    let reports: Vec<FileReport> = linted.iter().map(report).collect();
    let color = match args.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none()
        }
    };
    let text = match args.format {
        Format::Human if args.statistics => output::human::statistics(&reports),
        Format::Human => output::human::render(&reports, &output::human::Style { color }),
        Format::Json => output::json::render(&reports),
        Format::Sarif => output::sarif::render(&reports),
        Format::Github => output::github::render(&reports),
    };
    super::emit(&text);
    let threshold = match args.fail_on {
        FailOn::Error => Some(Severity::Error),
        FailOn::Warning => Some(Severity::Warning),
        FailOn::Info => Some(Severity::Info),
        FailOn::Hint => Some(Severity::Hint),
        FailOn::Never => None,
    };
    let failed = threshold.is_some_and(|threshold| {
        reports
            .iter()
            .flat_map(|r| &r.diagnostics)
            .any(|d| d.severity >= threshold)
    });
    Ok(if failed { EXIT_FINDINGS } else { 0 })
}

fn load_settings(args: &LintArgs) -> Result<Settings, String> {
    let path = match &args.config {
        Some(path) => Some(path.clone()),
        None => Settings::discover(&std::env::current_dir().map_err(|e| e.to_string())?),
    };
    match path {
        Some(path) => Settings::load(&path).map_err(|e| e.to_string()),
        None => Ok(Settings::default()),
    }
}

fn fix_files(inputs: &[lint::Input], settings: &Settings) -> Result<(), String> {
    let mut fixed = 0;
    for input in inputs {
        let Ok(text) = std::fs::read_to_string(&input.path) else {
            continue;
        };
        if !crate::rule::RuleFile::parse(text.as_str()).is_sigma() {
            continue;
        }
        let (new_text, count) = lint::fix_text(&text, &input.path, settings);
        if count > 0 {
            std::fs::write(&input.path, new_text)
                .map_err(|e| format!("{}: {e}", input.path.display()))?;
            fixed += count;
        }
    }
    if fixed > 0 {
        eprintln!("Applied {fixed} fix{}.", if fixed == 1 { "" } else { "es" });
    }
    Ok(())
}

fn report(linted: &Linted) -> FileReport<'_> {
    FileReport {
        path: linted.input.path.clone(),
        file: linted.file.as_ref(),
        diagnostics: linted.diagnostics.clone(),
    }
}
