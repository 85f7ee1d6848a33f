//! `sigmalens server`: the language server.

use std::path::PathBuf;

use clap::Args;

use crate::lsp::{self, ServerOptions};

#[derive(Args)]
pub struct ServerArgs {
    /// Talk LSP over stdin/stdout (the only transport; editors pass it).
    #[arg(long)]
    stdio: bool,
    /// Corpus index for field and value ranking (default: the embedded one).
    #[arg(long, value_name = "PATH")]
    index: Option<PathBuf>,
}

pub fn run(args: ServerArgs) -> Result<u8, String> {
    // stdio is the only transport, so the flag changes nothing.
    let _ = args.stdio;
    lsp::run(ServerOptions { index: args.index })?;
    Ok(0)
}
