//! Finding corpus files: shared by every vendor reader.

use std::io;
use std::path::{Path, PathBuf};

/// Every file under `dir` (recursively) whose extension is one of `extensions`.
pub fn collect_files(dir: &Path, extensions: &[&str], out: &mut Vec<PathBuf>) -> io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            collect_files(&path, extensions, out)?;
        } else if path
            .extension()
            .is_some_and(|e| extensions.iter().any(|x| e == *x))
        {
            out.push(path);
        }
    }
    Ok(())
}

/// A path with `/` separators on every platform, so the index is portable.
pub fn slash_path(path: &Path) -> String {
    path.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// Reads `files` in parallel with `read` (given the path relative to
/// `corpus_root` and the text), keeping the files' order.
pub fn read_files<T: Send>(
    corpus_root: &Path,
    files: &[PathBuf],
    read: impl Fn(&str, &str) -> Vec<T> + Sync,
) -> io::Result<Vec<T>> {
    use rayon::prelude::*;
    let per_file: Vec<io::Result<Vec<T>>> = files
        .par_iter()
        .map(|file| {
            let bytes = std::fs::read(file)?;
            // Some vendor files carry a BOM or stray non-UTF-8 bytes.
            let text = String::from_utf8_lossy(&bytes);
            let relative = file.strip_prefix(corpus_root).unwrap_or(file);
            Ok(read(
                &slash_path(relative),
                text.trim_start_matches('\u{feff}'),
            ))
        })
        .collect();
    let mut out = Vec::new();
    for items in per_file {
        out.extend(items?);
    }
    Ok(out)
}
