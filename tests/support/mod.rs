pub mod lsp;
