//! The rule set's files: the ones embedded in the binary, or the ones of a folder.

use std::path::{Path, PathBuf};

use crate::compile::{CALENDAR_EXTENSION, RULE_EXTENSION};
use crate::source::SourceFile;

include!(concat!(env!("OUT_DIR"), "/embedded_rules.rs"));

/// The largest rule file read, in bytes.
pub const MAX_RULE_FILE_BYTES: u64 = 4 * 1024 * 1024;
/// The most rule files read from one folder.
pub const MAX_RULE_FILES: usize = 1000;

/// Why a rule folder could not be read.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum LoadError {
    /// The folder or a file could not be read.
    #[error("cannot read `{path}`: {reason}")]
    #[diagnostic(
        code(kzrules::rules::read),
        help("check that the path exists and is readable")
    )]
    Read {
        /// The path.
        path: String,
        /// What the system said.
        reason: String,
    },
    /// A file is not UTF-8 text.
    #[error("`{path}` is not UTF-8 text (invalid byte at offset {offset})")]
    #[diagnostic(code(kzrules::rules::encoding), help("save the rule file as UTF-8"))]
    Encoding {
        /// The path.
        path: String,
        /// Where the first bad byte is.
        offset: usize,
    },
    /// A file or the folder passes a limit.
    #[error("`{path}` {what}")]
    #[diagnostic(code(kzrules::rules::limit), help("{help}"))]
    Limit {
        /// The path.
        path: String,
        /// The limit passed.
        what: String,
        /// What to do.
        help: String,
    },
    /// The folder has no rule files.
    #[error("`{path}` has no rule files (`*.{RULE_EXTENSION}`)")]
    #[diagnostic(
        code(kzrules::rules::empty),
        help("point `--rules` at the folder that holds the `.kzr` files")
    )]
    Empty {
        /// The path.
        path: String,
    },
}

/// The rule files built into the binary (a copy of `rules/`).
pub fn embedded() -> Vec<SourceFile> {
    EMBEDDED
        .iter()
        .map(|(name, text)| SourceFile::new(format!("rules/{name}"), *text))
        .collect()
}

/// Read every `*.kzr` and `*.kzcal` file of a folder (not its subfolders); a single
/// file is read alone. Without a calendar file in the folder, the embedded calendar is
/// added, so that a folder of rules alone can be checked.
pub fn from_path(path: &Path) -> Result<Vec<SourceFile>, LoadError> {
    let shown = path.display().to_string();
    let read_error = |p: &Path, e: std::io::Error| LoadError::Read {
        path: p.display().to_string(),
        reason: e.to_string(),
    };
    let mut paths: Vec<PathBuf> = if path.is_file() {
        vec![path.to_path_buf()]
    } else {
        let entries = std::fs::read_dir(path).map_err(|e| read_error(path, e))?;
        let mut found = Vec::new();
        for entry in entries {
            let entry = entry.map_err(|e| read_error(path, e))?;
            let p = entry.path();
            let ext = p.extension().and_then(|e| e.to_str()).unwrap_or("");
            if p.is_file() && (ext == RULE_EXTENSION || ext == CALENDAR_EXTENSION) {
                found.push(p);
            }
        }
        found
    };
    paths.sort();
    if paths.len() > MAX_RULE_FILES {
        return Err(LoadError::Limit {
            path: shown,
            what: format!(
                "holds {} rule files, more than {MAX_RULE_FILES}",
                paths.len()
            ),
            help: String::from("split the rules into fewer files, or point at a smaller folder"),
        });
    }
    let mut files = Vec::new();
    for p in &paths {
        files.push(read_rule_file(p)?);
    }
    if !files
        .iter()
        .any(|f| f.name.ends_with(&format!(".{RULE_EXTENSION}")))
    {
        return Err(LoadError::Empty { path: shown });
    }
    if !files
        .iter()
        .any(|f| f.name.ends_with(&format!(".{CALENDAR_EXTENSION}")))
    {
        files.extend(
            embedded()
                .into_iter()
                .filter(|f| f.name.ends_with(&format!(".{CALENDAR_EXTENSION}"))),
        );
    }
    Ok(files)
}

/// Read one rule file, with the size limit and a UTF-8 check.
pub fn read_rule_file(path: &Path) -> Result<SourceFile, LoadError> {
    let name = path.display().to_string();
    let metadata = std::fs::metadata(path).map_err(|e| LoadError::Read {
        path: name.clone(),
        reason: e.to_string(),
    })?;
    if metadata.len() > MAX_RULE_FILE_BYTES {
        return Err(LoadError::Limit {
            path: name,
            what: format!(
                "is {} bytes, more than the {MAX_RULE_FILE_BYTES} bytes a rule file may have",
                metadata.len()
            ),
            help: String::from("split it into several rule files"),
        });
    }
    let bytes = std::fs::read(path).map_err(|e| LoadError::Read {
        path: name.clone(),
        reason: e.to_string(),
    })?;
    let text = String::from_utf8(bytes).map_err(|e| LoadError::Encoding {
        path: name.clone(),
        offset: e.utf8_error().valid_up_to(),
    })?;
    Ok(SourceFile::new(name, text))
}
