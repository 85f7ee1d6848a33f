//! The corpus index commands:
//! `sigmalens index build|stats` ([`IndexCommand`]), `sigmalens technique`
//! ([`TechniqueArgs`]), `sigmalens reach` ([`ReachArgs`]) and
//! `sigmalens field` ([`FieldArgs`]). Each returns the text to print.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::time::Instant;

use crate::corpus;
use crate::corpus::rule::LogSourceKey;
use crate::index::build::{BuildOptions, build_index};
use crate::index::provenance::{manifest, notice, parse_sources};
use crate::index::query::{self, Limits};
use crate::index::render;
use crate::index::store::{Index, encode};

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    #[default]
    Text,
    Json,
}

#[derive(Debug, Clone, clap::Subcommand)]
pub enum IndexCommand {
    /// Build the corpus index from a corpus folder.
    Build(BuildArgs),
    /// Summarize what an index holds.
    Stats(QueryArgs),
}

#[derive(Debug, Clone, clap::Args)]
pub struct BuildArgs {
    /// The corpus root (holding `sigma/`, `SOURCES.md`, ...).
    #[arg(long, default_value = "../shared/corpus")]
    pub corpus: PathBuf,
    /// Where to write `index.rkyv`, `manifest.json` and `NOTICE`.
    #[arg(long, default_value = "corpus-index")]
    pub out: PathBuf,
    /// Only rules dated before this day (YYYY-MM-DD); undated rules are left out.
    #[arg(long)]
    pub until: Option<String>,
    /// Leave out the rule with this id (repeatable).
    #[arg(long = "exclude-rule")]
    pub exclude_rule: Vec<String>,
    /// Leave out the rule ids listed in this file (one per line, `#` comments).
    #[arg(long)]
    pub exclude_from: Option<PathBuf>,
}

/// Options every question takes.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct QueryArgs {
    /// Read this index file instead of the one built into sigmalens.
    #[arg(long)]
    pub index: Option<PathBuf>,
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
}

/// `sigmalens technique T1090`
#[derive(Debug, Clone, clap::Args)]
pub struct TechniqueArgs {
    /// ATT&CK technique id (pre-v19 ids are mapped to their v19 successor).
    pub id: String,
    #[command(flatten)]
    pub query: QueryArgs,
}

/// `sigmalens reach 'Image|endswith' '\netsh.exe' --logsource process_creation/windows`
#[derive(Debug, Clone, clap::Args)]
pub struct ReachArgs {
    /// `FIELD|MODIFIERS`, as in a Sigma rule.
    pub field: String,
    pub value: String,
    /// `category/product/service` filter; empty parts match anything.
    #[arg(long)]
    pub logsource: Option<String>,
    #[command(flatten)]
    pub query: QueryArgs,
}

/// `sigmalens field CommandLine --logsource process_creation`
#[derive(Debug, Clone, clap::Args)]
pub struct FieldArgs {
    pub name: String,
    #[arg(long)]
    pub logsource: Option<String>,
    #[command(flatten)]
    pub query: QueryArgs,
}

pub fn run_index(command: &IndexCommand) -> Result<String, String> {
    match command {
        IndexCommand::Build(args) => build(args),
        IndexCommand::Stats(args) => stats(args),
    }
}

/// Reads the options a build takes from its arguments.
pub fn build_options(args: &BuildArgs) -> Result<BuildOptions, String> {
    if let Some(until) = &args.until {
        let valid = until.len() == 10
            && until.char_indices().all(|(i, c)| {
                if i == 4 || i == 7 {
                    c == '-'
                } else {
                    c.is_ascii_digit()
                }
            });
        if !valid {
            return Err(format!("--until wants YYYY-MM-DD, got `{until}`"));
        }
    }
    let mut exclude_rules: BTreeSet<String> = args.exclude_rule.iter().cloned().collect();
    if let Some(file) = &args.exclude_from {
        let text = std::fs::read_to_string(file)
            .map_err(|e| format!("cannot read {}: {e}", file.display()))?;
        exclude_rules.extend(
            text.lines()
                .map(|line| line.split('#').next().unwrap_or_default().trim())
                .filter(|id| !id.is_empty())
                .map(str::to_string),
        );
    }
    Ok(BuildOptions {
        until: args.until.clone(),
        exclude_rules,
    })
}

/// Builds the index from every vendor and writes its files.
pub fn build(args: &BuildArgs) -> Result<String, String> {
    let started = Instant::now();
    let options = build_options(args)?;
    let rules = corpus::read_all(&args.corpus)
        .map_err(|e| format!("cannot read the corpus at {}: {e}", args.corpus.display()))?;
    let data = build_index(&rules, &options);
    // SOURCES.md is optional: a fixture corpus has none.
    let sources = std::fs::read_to_string(args.corpus.join("SOURCES.md"))
        .map(|text| parse_sources(&text))
        .unwrap_or_default();
    let index_file = encode(&data);
    let manifest_text = render::json(&manifest(&data, &sources, &options)) + "\n";
    std::fs::create_dir_all(&args.out)
        .map_err(|e| format!("cannot create {}: {e}", args.out.display()))?;
    for (name, bytes) in [
        ("index.rkyv", index_file.as_slice()),
        ("manifest.json", manifest_text.as_bytes()),
        ("NOTICE", notice(&sources).as_bytes()),
    ] {
        let path = args.out.join(name);
        std::fs::write(&path, bytes)
            .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    }
    Ok(format!(
        "indexed {} rules ({} indicators, {} exclusions) into {} ({} bytes) in {:.2?}\n",
        data.rules.len(),
        data.indicators.len(),
        data.exclusions.len(),
        args.out.join("index.rkyv").display(),
        index_file.len(),
        started.elapsed()
    ))
}

/// Runs `answer` against the chosen index.
fn with_index(
    args: &QueryArgs,
    answer: impl FnOnce(&Index) -> Result<String, String>,
) -> Result<String, String> {
    match &args.index {
        Some(path) => answer(&Index::load(Path::new(path)).map_err(|e| e.to_string())?),
        None => answer(Index::embedded().map_err(|e| e.to_string())?),
    }
}

fn logsource_filter(text: &Option<String>) -> Option<LogSourceKey> {
    text.as_deref().map(LogSourceKey::parse)
}

pub fn technique(args: &TechniqueArgs) -> Result<String, String> {
    with_index(&args.query, |index| {
        let guide =
            query::technique_guide(index, &args.id, Limits::default()).ok_or_else(|| {
                let known = query::technique_name(&args.id)
                    .unwrap_or_else(|| "unknown to ATT&CK".to_string());
                format!("no indexed rule covers {} ({known})", args.id)
            })?;
        Ok(match args.query.format {
            Format::Text => render::technique_text(&guide),
            Format::Json => render::json(&guide),
        })
    })
}

pub fn reach(args: &ReachArgs) -> Result<String, String> {
    with_index(&args.query, |index| {
        let filter = logsource_filter(&args.logsource);
        let reach = query::reach(
            index.data(),
            &args.field,
            &args.value,
            filter.as_ref(),
            Limits::default(),
        )?;
        Ok(match args.query.format {
            Format::Text => render::reach_text(&reach),
            Format::Json => render::json(&reach),
        })
    })
}

pub fn field(args: &FieldArgs) -> Result<String, String> {
    with_index(&args.query, |index| {
        let filter = logsource_filter(&args.logsource);
        let usage =
            query::field_usage(index.data(), &args.name, filter.as_ref(), Limits::default())
                .ok_or_else(|| format!("no indexed rule tests the field `{}`", args.name))?;
        Ok(match args.query.format {
            Format::Text => render::field_text(&usage),
            Format::Json => render::json(&usage),
        })
    })
}

pub fn stats(args: &QueryArgs) -> Result<String, String> {
    with_index(args, |index| {
        let stats = query::stats(index.data(), Limits::default());
        Ok(match args.format {
            Format::Text => render::stats_text(&stats),
            Format::Json => render::json(&stats),
        })
    })
}
