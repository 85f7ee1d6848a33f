//! `sigmalens rule CODE` / `sigmalens rule --all`.

use clap::Args;

use crate::checks::{Profile, registry};

#[derive(Args)]
pub struct RuleArgs {
    /// A check code (`SL501`) or name (`undefined-identifier`).
    #[arg(required_unless_present = "all")]
    code: Option<String>,
    /// List every check.
    #[arg(long)]
    all: bool,
}

/// The text to print: the check list or one check's documentation.
pub fn run(args: RuleArgs) -> Result<String, String> {
    if args.all {
        let mut out = String::new();
        for check in registry::CHECKS {
            let profile = match check.profile {
                Profile::Default => "",
                Profile::SigmaHq => " (profile sigmahq)",
            };
            let fix = if check.fixable { " [fix]" } else { "" };
            out.push_str(&format!(
                "{}  {:<32} {:<8} {}{profile}{fix}\n",
                check.code,
                check.name,
                check.severity.as_str(),
                check.summary()
            ));
        }
        return Ok(out);
    }
    let code = args.code.unwrap_or_default();
    let check = registry::by_code(&code)
        .ok_or_else(|| format!("no check `{code}`; `sigmalens rule --all` lists them"))?;
    let doc: Vec<&str> = check
        .doc
        .lines()
        .map(|l| l.strip_prefix(' ').unwrap_or(l))
        .collect();
    Ok(format!(
        "# {} ({})\n\nDefault severity: {}. Safe fix: {}.\n\n{}\n",
        check.name,
        check.code,
        check.severity.as_str(),
        if check.fixable { "yes" } else { "no" },
        doc.join("\n")
    ))
}
