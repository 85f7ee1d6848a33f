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

pub fn run(args: RuleArgs) -> Result<u8, String> {
    if args.all {
        for check in registry::CHECKS {
            let profile = match check.profile {
                Profile::Default => "",
                Profile::SigmaHq => " (profile sigmahq)",
            };
            let fix = if check.fixable { " [fix]" } else { "" };
            println!(
                "{}  {:<32} {:<8} {}{profile}{fix}",
                check.code,
                check.name,
                check.severity.as_str(),
                check.summary()
            );
        }
        return Ok(0);
    }
    let code = args.code.unwrap_or_default();
    let check = registry::by_code(&code)
        .ok_or_else(|| format!("no check `{code}`; `sigmalens rule --all` lists them"))?;
    println!("# {} ({})\n", check.name, check.code);
    println!(
        "Default severity: {}. Safe fix: {}.\n",
        check.severity.as_str(),
        if check.fixable { "yes" } else { "no" }
    );
    print!(
        "{}",
        check
            .doc
            .lines()
            .map(|l| l.strip_prefix(' ').unwrap_or(l))
            .collect::<Vec<_>>()
            .join("\n")
    );
    println!();
    Ok(0)
}
