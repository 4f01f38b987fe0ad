//! The rule set's files: the ones embedded in the binary, the ones of a folder, or the
//! ones of a git revision's `rules/` folder (read with `git ls-tree` and `git show`).

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::compile::{CALENDAR_EXTENSION, RULE_EXTENSION};
use crate::diagnostic::Diagnostics;
use crate::ir::Program;
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

impl LoadError {
    /// The same problem as a rule-file diagnostic (at the path, no place inside it), so
    /// that every diagnostic format can carry it (SARIF, JSON, one line).
    pub fn to_diagnostic(&self) -> crate::diagnostic::Diagnostic {
        let (code, path) = match self {
            LoadError::Read { path, .. } => ("kzrules::rules::read", path),
            LoadError::Encoding { path, .. } => ("kzrules::rules::encoding", path),
            LoadError::Limit { path, .. } => ("kzrules::rules::limit", path),
            LoadError::Empty { path } => ("kzrules::rules::empty", path),
        };
        let d = crate::diagnostic::Diagnostic::without_place(code, path.clone(), self.to_string());
        match miette::Diagnostic::help(self) {
            Some(help) => d.help(help.to_string()),
            None => d,
        }
    }
}

/// Where a rule set comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RuleSet {
    /// The rule files built into the binary (a copy of `rules/`).
    Embedded,
    /// A folder's rule files, or a single rule file.
    Path(PathBuf),
    /// The rule files of `rules/` at a git revision.
    Git(String),
}

/// Why a rule set could not be loaded.
#[derive(Debug)]
pub enum RulesError {
    /// A folder or a file could not be read.
    Read(LoadError),
    /// A git revision's rules could not be read.
    Git(GitError),
    /// The rule files do not compile: every problem found.
    Compile(Diagnostics),
}

impl RuleSet {
    /// The folder (or file) given, else the built-in rules: what `--rules DIR` selects.
    pub fn embedded_or(path: Option<&Path>) -> RuleSet {
        path.map_or(RuleSet::Embedded, |p| RuleSet::Path(p.to_path_buf()))
    }

    /// A rule set named by one word: a folder (or file) when the path exists, else a git
    /// revision whose `rules/` folder holds the rules (`HEAD~1`, `main`).
    pub fn named(spec: &str) -> RuleSet {
        let path = Path::new(spec);
        if path.exists() {
            RuleSet::Path(path.to_path_buf())
        } else {
            RuleSet::Git(spec.to_string())
        }
    }

    /// The rule set's files, in name order.
    pub fn files(&self) -> Result<Vec<SourceFile>, RulesError> {
        match self {
            RuleSet::Embedded => Ok(embedded()),
            RuleSet::Path(path) => from_path(path).map_err(RulesError::Read),
            RuleSet::Git(revision) => from_git(revision).map_err(RulesError::Git),
        }
    }

    /// The rule set's files, compiled. The built-in rules are not parsed: their program
    /// was compiled when kzrules was built ([`embedded_program`]).
    ///
    /// A folder or revision whose files are the built-in ones, byte for byte (a
    /// project's untouched copy of `rules/`; then its SHA-256 is the built-in program's
    /// too), is not parsed either: it is the built-in program, with the folder's files
    /// for its places.
    pub fn program(&self) -> Result<Program, RulesError> {
        if *self == RuleSet::Embedded {
            if let Some(program) = embedded_program() {
                return Ok(program);
            }
        }
        let mut files = self.files()?;
        files.sort_by(|a, b| a.name.cmp(&b.name));
        if same_as_embedded(&files) {
            if let Some(mut program) = embedded_program() {
                if let Some(calendar) = files
                    .iter()
                    .find(|f| f.name.ends_with(&format!(".{CALENDAR_EXTENSION}")))
                {
                    program.calendar = program.calendar.renamed(&calendar.name);
                }
                program.files = files;
                return Ok(program);
            }
        }
        super::program(files).map_err(RulesError::Compile)
    }
}

/// Whether `files` (in name order) are the built-in rule files: the same file names
/// (without their folder) and the same texts.
fn same_as_embedded(files: &[SourceFile]) -> bool {
    let base = |name: &str| name.rsplit(['/', '\\']).next().unwrap_or(name).to_owned();
    let mut builtin = embedded();
    builtin.sort_by(|a, b| a.name.cmp(&b.name));
    files.len() == builtin.len()
        && files
            .iter()
            .zip(&builtin)
            .all(|(f, b)| f.text == b.text && base(&f.name) == base(&b.name))
}

/// The rule files built into the binary (a copy of `rules/`).
pub fn embedded() -> Vec<SourceFile> {
    EMBEDDED
        .iter()
        .map(|(name, text)| SourceFile::new(format!("rules/{name}"), *text))
        .collect()
}

/// The program the built-in rules compile to, compiled by `build.rs` with this crate's
/// own compiler when kzrules was built (so it always matches the embedded files and this
/// binary's IR) and read here without parsing anything; with the embedded files, as
/// [`crate::compile::compile`] gives it. `None` when the rules did not compile at build
/// time (then they are compiled, and their problems reported, at run time).
pub fn embedded_program() -> Option<Program> {
    if EMBEDDED_PROGRAM.is_empty() {
        return None;
    }
    let mut program: Program = postcard::from_bytes(EMBEDDED_PROGRAM).ok()?;
    program.files = embedded();
    Some(program)
}

/// Read every `*.kzr` and `*.kzcal` file of a folder (not its subfolders); a single
/// file is read alone. Without a calendar file in the folder, the embedded calendar is
/// added (and the compiler gives a folder without a `vocabulary.kzr` the built-in
/// vocabulary), so that a folder of rules alone can be checked.
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
    with_builtins(&mut files);
    Ok(files)
}

/// A rule set without a calendar file gets the built-in one. (One without a
/// `vocabulary.kzr` gets the built-in vocabulary from the compiler.)
fn with_builtins(files: &mut Vec<SourceFile>) {
    let is_calendar = |f: &SourceFile| f.name.ends_with(&format!(".{CALENDAR_EXTENSION}"));
    if !files.iter().any(is_calendar) {
        files.extend(embedded().into_iter().filter(is_calendar));
    }
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

/// The folder of a git revision that holds the rules.
pub const GIT_RULES_FOLDER: &str = "rules";

/// Why a git revision's rules could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GitError {
    /// The name cannot be a revision (empty, or an option to git).
    #[error("`{revision}` is neither a folder nor a git revision")]
    NotARevision {
        /// The name given.
        revision: String,
    },
    /// git knows no such revision (or could not be run).
    #[error("`{revision}` is neither a folder nor a git revision (git: {git})")]
    Unknown {
        /// The name given.
        revision: String,
        /// What git said.
        git: String,
    },
    /// The revision's `rules/` folder holds no rule file.
    #[error(
        "the git revision `{revision}` has no rule files (`{GIT_RULES_FOLDER}/*.{RULE_EXTENSION}`)"
    )]
    Empty {
        /// The revision.
        revision: String,
    },
    /// A file of the revision could not be read.
    #[error("cannot read `{object}` (git: {git})")]
    Show {
        /// `REV:rules/FILE`.
        object: String,
        /// What git said.
        git: String,
    },
    /// A file of the revision is not UTF-8 text.
    #[error("`{object}` is not UTF-8 text (invalid byte at offset {offset})")]
    Encoding {
        /// `REV:rules/FILE`.
        object: String,
        /// Where the first bad byte is.
        offset: usize,
    },
}

/// Run git; its output, or the first line of what it said on failure.
fn git(args: &[&str]) -> Result<Vec<u8>, String> {
    let output = Command::new("git")
        .args(args)
        .output()
        .map_err(|e| format!("cannot run `git`: {e}"))?;
    if output.status.success() {
        Ok(output.stdout)
    } else {
        let stderr = String::from_utf8_lossy(&output.stderr);
        let first = stderr.lines().next().unwrap_or("").trim().to_string();
        Err(first)
    }
}

/// The rule files of `rules/` at a git revision, named `REV:rules/FILE`. Without a
/// calendar file there, the embedded calendar is added.
pub fn from_git(revision: &str) -> Result<Vec<SourceFile>, GitError> {
    if revision.is_empty() || revision.starts_with('-') {
        return Err(GitError::NotARevision {
            revision: revision.to_string(),
        });
    }
    let folder = format!("{GIT_RULES_FOLDER}/");
    let listing =
        git(&["ls-tree", "--full-tree", "--name-only", revision, &folder]).map_err(|git| {
            GitError::Unknown {
                revision: revision.to_string(),
                git,
            }
        })?;
    let listing = String::from_utf8_lossy(&listing);
    let mut names: Vec<&str> = listing
        .lines()
        .filter(|n| {
            n.ends_with(&format!(".{RULE_EXTENSION}"))
                || n.ends_with(&format!(".{CALENDAR_EXTENSION}"))
        })
        .collect();
    names.sort_unstable();
    if !names
        .iter()
        .any(|n| n.ends_with(&format!(".{RULE_EXTENSION}")))
    {
        return Err(GitError::Empty {
            revision: revision.to_string(),
        });
    }
    let mut files = Vec::new();
    for name in names {
        let object = format!("{revision}:{name}");
        let bytes = git(&["show", &object]).map_err(|git| GitError::Show {
            object: object.clone(),
            git,
        })?;
        let text = String::from_utf8(bytes).map_err(|e| GitError::Encoding {
            object: object.clone(),
            offset: e.utf8_error().valid_up_to(),
        })?;
        files.push(SourceFile::new(object, text));
    }
    with_builtins(&mut files);
    Ok(files)
}

#[cfg(test)]
#[allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
mod tests {
    use super::*;

    #[test]
    fn an_unknown_revision_is_a_clear_error() {
        let err = from_git("no-such-revision-of-kzrules").unwrap_err();
        assert!(
            err.to_string()
                .contains("neither a folder nor a git revision"),
            "{err}"
        );
        let err = from_git("--output=x").unwrap_err();
        assert!(
            err.to_string()
                .contains("neither a folder nor a git revision"),
            "{err}"
        );
    }

    #[test]
    fn the_embedded_program_is_what_the_embedded_rules_compile_to() {
        let built = embedded_program().expect("the shipped rules compiled at build time");
        let compiled = crate::compile::compile(embedded()).unwrap().program;
        // Every field, the files and the calendar included.
        assert_eq!(format!("{built:?}"), format!("{compiled:?}"));
        assert_eq!(
            postcard::to_allocvec(&built).unwrap(),
            postcard::to_allocvec(&compiled).unwrap()
        );
        assert_eq!(RuleSet::Embedded.program().unwrap().sha256, compiled.sha256);
    }

    #[test]
    fn an_untouched_copy_of_the_rules_is_the_built_in_program_and_an_edited_one_is_compiled() {
        let dir = tempfile::tempdir().unwrap();
        for f in embedded() {
            let name = f.name.trim_start_matches("rules/");
            std::fs::write(dir.path().join(name), f.text.as_bytes()).unwrap();
        }
        let copy = RuleSet::Path(dir.path().to_path_buf());
        let files = copy.files().unwrap();
        let compiled = crate::compile::compile(files.clone()).unwrap().program;
        let program = copy.program().unwrap();
        assert_eq!(program.sha256, compiled.sha256);
        // Every field, the calendar's file name and the files included.
        assert_eq!(format!("{program:?}"), format!("{compiled:?}"));
        assert_eq!(
            postcard::to_allocvec(&program).unwrap(),
            postcard::to_allocvec(&compiled).unwrap()
        );
        // Its places are the folder's files.
        assert!(program.files.iter().all(|f| !f.name.starts_with("rules/")));
        assert_eq!(program.files.len(), files.len());

        // One word changed: compiled from the folder, not the built-in program.
        let path = dir.path().join("notifications.kzr");
        let text = std::fs::read_to_string(&path).unwrap();
        std::fs::write(
            &path,
            text.replacen("within 3 business_days", "within 4 business_days", 1),
        )
        .unwrap();
        let edited = copy.program().unwrap();
        assert_ne!(edited.sha256, compiled.sha256);
        let built_in = RuleSet::Embedded.program().unwrap();
        assert_ne!(
            postcard::to_allocvec(&edited).unwrap(),
            postcard::to_allocvec(&built_in).unwrap()
        );
    }

    #[test]
    fn a_word_names_a_folder_when_one_is_there() {
        assert_eq!(
            RuleSet::named("rules"),
            RuleSet::Path(PathBuf::from("rules"))
        );
        assert_eq!(
            RuleSet::named("HEAD~1"),
            RuleSet::Git(String::from("HEAD~1"))
        );
        assert_eq!(RuleSet::embedded_or(None), RuleSet::Embedded);
    }
}
