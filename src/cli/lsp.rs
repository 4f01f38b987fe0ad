//! `kzrules lsp`: the language server over standard input and output (`crate::lsp`).
//! Here only which rule folder it serves is decided.

use std::path::{Path, PathBuf};

/// The rule folder the server serves: `--rules DIR`, else the project found from the
/// editor's workspace root upward (or from the current folder when the editor names no
/// root), by the same discovery as every other command (`kzrules.toml`, else `rules/`).
pub(super) fn rule_folder(rules: Option<&Path>, workspace_root: Option<&Path>) -> Option<PathBuf> {
    if let Some(dir) = rules {
        return Some(dir.to_path_buf()).filter(|folder| folder.is_dir());
    }
    let start = match workspace_root {
        Some(root) => root.to_path_buf(),
        None => std::env::current_dir().ok()?,
    };
    let project = crate::load::discover(&start, crate::load::Choice::Discover).ok()?;
    let folder = project.rules_folder()?;
    Some(start.join(folder)).filter(|folder| folder.is_dir())
}

/// `kzrules lsp`: serve until the editor says `exit` (exit 0); a broken connection is
/// said on standard error (exit 2).
pub(super) fn lsp(rules: Option<&Path>) -> u8 {
    if let Some(dir) = rules {
        if !dir.is_dir() {
            errln!(
                "error: `{}` is not a folder (help: point `--rules` at the folder that holds the `.kzr` files)",
                dir.display()
            );
            return 2;
        }
    }
    match crate::lsp::serve(|root| rule_folder(rules, root)) {
        Ok(()) => 0,
        Err(e) => {
            errln!("error: {e}");
            2
        }
    }
}
