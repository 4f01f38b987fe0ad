//! `kzrules lsp`: the language server over standard input and output (`crate::lsp`).
//! Here only which rule folder it serves is decided.

use std::path::{Path, PathBuf};

/// The rule folder the server serves: `--rules DIR`, else the `rules` folder of the
/// editor's workspace root. (One function, so that project discovery can take its place.)
pub(super) fn rule_folder(rules: Option<&Path>, workspace_root: Option<&Path>) -> Option<PathBuf> {
    rules
        .map(Path::to_path_buf)
        .or_else(|| workspace_root.map(|root| root.join("rules")))
        .filter(|folder| folder.is_dir())
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
