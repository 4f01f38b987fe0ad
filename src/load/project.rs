//! Project discovery, as cargo and ruff do it: which rule set a command uses, and the
//! project's defaults (docs/project.md).
//!
//! From the current folder upward, the first folder that holds a `kzrules.toml` (the
//! project file: it names the rule folder and the defaults) or a `rules/` folder with
//! `.kzr` files is the project; its rules are used. Outside any project the rules built
//! into the binary are used. `--rules DIR` and `--builtin` choose explicitly; the
//! project file's defaults apply all the same.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use super::rules::RuleSet;
use crate::compile::RULE_EXTENSION;
use crate::source::line_column;

/// The project file's name.
pub const PROJECT_FILE: &str = "kzrules.toml";

/// The rule folder a project has when its project file names none.
pub const RULES_FOLDER: &str = "rules";

/// How deep the search upward goes at most (a guard against a looping file system).
const MAX_LEVELS: usize = 256;

/// The keys of `kzrules.toml`, in the order docs/project.md describes them.
pub const PROJECT_KEYS: &[&str] = &[
    "rules",
    "cases",
    "format",
    "strict_calendar",
    "min_coverage",
    "warnings_as_errors",
];

/// The project's defaults, from `kzrules.toml` (every key optional). A flag given on
/// the command line wins over the file.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    /// The rule folder, relative to the project file's folder (default `rules`).
    pub rules: Option<PathBuf>,
    /// The case folder `kzrules check` (and `kzrules diff`) judges when given no case.
    pub cases: Option<PathBuf>,
    /// The default output format of `kzrules check` (`text`, `json`, `junit`, ...).
    pub format: Option<String>,
    /// `kzrules check`'s `--strict-calendar` by default.
    pub strict_calendar: Option<bool>,
    /// `kzrules test`'s `--min-coverage` by default (percent, 0 to 100).
    pub min_coverage: Option<f64>,
    /// `kzrules compile` exits 2 on a warning too.
    pub warnings_as_errors: Option<bool>,
}

/// Which rule set the command line asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Choice<'a> {
    /// Nothing said: discover the project from the current folder upward.
    Discover,
    /// `--rules DIR` (or a command's `DIR` argument).
    Folder(&'a Path),
    /// `--builtin`.
    BuiltIn,
}

impl<'a> Choice<'a> {
    /// The choice of `--rules DIR` and `--builtin` (clap keeps them exclusive).
    pub fn from_flags(rules: Option<&'a Path>, builtin: bool) -> Self {
        match (rules, builtin) {
            (Some(dir), _) => Choice::Folder(dir),
            (None, true) => Choice::BuiltIn,
            (None, false) => Choice::Discover,
        }
    }
}

/// How the rule set was chosen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// Given on the command line (`--rules DIR` or `DIR`).
    Given,
    /// Named by this project file.
    ProjectFile(PathBuf),
    /// A `rules/` folder found from the current folder upward.
    Found,
    /// No project: the built-in rules.
    BuiltIn,
    /// `--builtin`.
    BuiltInChosen,
}

/// The project a command works in: its rule set, how it was chosen, and its defaults.
#[derive(Debug, Clone, PartialEq)]
pub struct Project {
    /// The rule set.
    pub rules: RuleSet,
    /// How it was chosen.
    pub origin: Origin,
    /// The folder of the project file, when there is one.
    pub root: Option<PathBuf>,
    /// The project file's defaults (all unset without a project file).
    pub settings: Settings,
}

impl Project {
    /// The rule set in words, for a header line and the receipt: `built-in`, or the
    /// rule folder.
    pub fn rules_label(&self) -> String {
        match &self.rules {
            RuleSet::Path(p) => p.display().to_string(),
            RuleSet::Git(revision) => format!("git revision {revision}"),
            RuleSet::Embedded => String::from(BUILT_IN),
        }
    }

    /// The rule folder, when the rule set is one (the rule tests sit beside it).
    pub fn rules_folder(&self) -> Option<&Path> {
        match &self.rules {
            RuleSet::Path(p) => Some(p),
            RuleSet::Embedded | RuleSet::Git(_) => None,
        }
    }

    /// The project's case folder (`cases` in the project file), resolved.
    pub fn cases_folder(&self) -> Option<PathBuf> {
        let cases = self.settings.cases.as_ref()?;
        Some(resolve(self.root.as_deref(), cases))
    }

    /// How the rule set was chosen, in words (`found from ./rules`).
    pub fn origin_words(&self) -> String {
        match &self.origin {
            Origin::Given => String::from("given on the command line"),
            Origin::ProjectFile(file) => format!("named by {}", file.display()),
            Origin::Found => String::from("found from the current folder upward"),
            Origin::BuiltIn => String::from("no kzrules.toml or rules/ folder found"),
            Origin::BuiltInChosen => String::from("chosen with --builtin"),
        }
    }
}

/// The word for the rules built into the binary.
pub const BUILT_IN: &str = "built-in";

/// Why the project could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, miette::Diagnostic)]
pub enum ProjectError {
    /// The project file could not be read.
    #[error("cannot read `{path}`: {reason}")]
    #[diagnostic(code(kzrules::project::read), help("check that the file is readable"))]
    Read {
        /// The project file.
        path: String,
        /// What the system said.
        reason: String,
    },
    /// The project file is not valid TOML, or a value has the wrong type.
    #[error("{path}: {message}")]
    #[diagnostic(
        code(kzrules::project::syntax),
        help("the project file is TOML, keys as docs/project.md describes them")
    )]
    Syntax {
        /// The project file, with line and column when known (`kzrules.toml:3:1`).
        path: String,
        /// What is wrong.
        message: String,
    },
    /// A key the project file does not know.
    #[error("{path}: unknown key `{key}`")]
    #[diagnostic(code(kzrules::project::unknown_key), help("{help}"))]
    UnknownKey {
        /// The project file, with line and column.
        path: String,
        /// The key.
        key: String,
        /// The nearest known key, and every key.
        help: String,
    },
    /// A value the key does not take.
    #[error("{path}: {message}")]
    #[diagnostic(code(kzrules::project::value), help("{help}"))]
    Value {
        /// The project file.
        path: String,
        /// What is wrong.
        message: String,
        /// What to write.
        help: String,
    },
}

/// The project of the folder `start` (the current folder): the rule set chosen, else
/// the project found from `start` upward, else the built-in rules. The project file's
/// defaults are read in every case.
pub fn discover(start: &Path, choice: Choice<'_>) -> Result<Project, ProjectError> {
    let found = find(start);
    let (root, settings, file) = match &found {
        Some(Found::File(file)) => {
            let settings = read_settings(file)?;
            let root = file.parent().map(Path::to_path_buf);
            (root, settings, Some(file.clone()))
        }
        Some(Found::Folder(root)) => (Some(root.clone()), Settings::default(), None),
        None => (None, Settings::default(), None),
    };
    let (rules, origin) = match choice {
        Choice::Folder(dir) => (RuleSet::Path(dir.to_path_buf()), Origin::Given),
        Choice::BuiltIn => (RuleSet::Embedded, Origin::BuiltInChosen),
        Choice::Discover => match (&found, &file) {
            (Some(_), Some(file)) => {
                let named = settings
                    .rules
                    .clone()
                    .unwrap_or_else(|| PathBuf::from(RULES_FOLDER));
                (
                    RuleSet::Path(shown(start, &resolve(root.as_deref(), &named))),
                    Origin::ProjectFile(shown(start, file)),
                )
            }
            (Some(_), None) => {
                let dir = root
                    .as_deref()
                    .map_or_else(|| PathBuf::from(RULES_FOLDER), |r| r.join(RULES_FOLDER));
                (RuleSet::Path(shown(start, &dir)), Origin::Found)
            }
            (None, _) => (RuleSet::Embedded, Origin::BuiltIn),
        },
    };
    Ok(Project {
        rules,
        origin,
        root: root.map(|r| shown(start, &r)),
        settings,
    })
}

/// What marks a project folder.
enum Found {
    /// Its project file.
    File(PathBuf),
    /// A folder whose `rules/` holds rule files.
    Folder(PathBuf),
}

/// The nearest project from `start` upward.
fn find(start: &Path) -> Option<Found> {
    let absolute = std::path::absolute(start).unwrap_or_else(|_| start.to_path_buf());
    for dir in absolute.ancestors().take(MAX_LEVELS) {
        let file = dir.join(PROJECT_FILE);
        if file.is_file() {
            return Some(Found::File(file));
        }
        if holds_rules(&dir.join(RULES_FOLDER)) {
            return Some(Found::Folder(dir.to_path_buf()));
        }
    }
    None
}

/// Whether a folder holds a rule file.
fn holds_rules(dir: &Path) -> bool {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return false;
    };
    entries.flatten().any(|e| {
        let p = e.path();
        p.extension().is_some_and(|x| x == RULE_EXTENSION) && p.is_file()
    })
}

/// A path of the project file relative to its folder.
fn resolve(root: Option<&Path>, path: &Path) -> PathBuf {
    match root {
        Some(root) if path.is_relative() => root.join(path),
        _ => path.to_path_buf(),
    }
}

/// A path as shown: relative to `start` when it lies below it (`rules`, not
/// `/home/me/project/rules`), so that file names in messages are those of `--rules
/// rules`; otherwise (the folder is `start` itself, or above it) as it is.
fn shown(start: &Path, path: &Path) -> PathBuf {
    let base = std::path::absolute(start).unwrap_or_else(|_| start.to_path_buf());
    match path.strip_prefix(&base) {
        Ok(rest) if rest.as_os_str().is_empty() => path.to_path_buf(),
        Ok(rest) => rest.to_path_buf(),
        Err(_) => path.to_path_buf(),
    }
}

/// The largest project file read, in bytes.
const MAX_PROJECT_FILE_BYTES: u64 = 64 * 1024;

/// Read and check a project file.
pub fn read_settings(file: &Path) -> Result<Settings, ProjectError> {
    let name = file.display().to_string();
    let read_error = |e: std::io::Error| ProjectError::Read {
        path: name.clone(),
        reason: e.to_string(),
    };
    let size = std::fs::metadata(file).map_err(read_error)?.len();
    if size > MAX_PROJECT_FILE_BYTES {
        return Err(ProjectError::Read {
            path: name,
            reason: format!("it is {size} bytes, more than the {MAX_PROJECT_FILE_BYTES} bytes a project file may have"),
        });
    }
    let text = std::fs::read_to_string(file).map_err(read_error)?;
    parse_settings(&name, &text)
}

/// Check a project file's text; `name` names it in errors.
pub fn parse_settings(name: &str, text: &str) -> Result<Settings, ProjectError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let place = |span: Option<std::ops::Range<usize>>| match span {
        Some(span) => {
            let (line, column) = line_column(text, span.start);
            format!("{name}:{line}:{column}")
        }
        None => name.to_string(),
    };
    let table: toml::Table = toml::from_str(text).map_err(|e| ProjectError::Syntax {
        path: place(e.span()),
        message: e.message().trim().to_string(),
    })?;
    for key in table.keys() {
        if !PROJECT_KEYS.contains(&key.as_str()) {
            let at = text.find(key.as_str()).map(|start| start..start);
            return Err(ProjectError::UnknownKey {
                path: place(at),
                key: key.clone(),
                help: crate::diagnostic::suggest::did_you_mean(key, PROJECT_KEYS.iter().copied()),
            });
        }
    }
    let settings: Settings = toml::from_str(text).map_err(|e| ProjectError::Syntax {
        path: place(e.span()),
        message: e.message().trim().to_string(),
    })?;
    if let Some(format) = &settings.format {
        let known: Vec<String> = <crate::report::Format as clap::ValueEnum>::value_variants()
            .iter()
            .filter_map(clap::ValueEnum::to_possible_value)
            .map(|v| v.get_name().to_string())
            .collect();
        if !known.iter().any(|k| k == format) {
            return Err(ProjectError::Value {
                path: place(text.find("format").map(|s| s..s)),
                message: format!(
                    "`format = \"{format}\"` is not an output format of `kzrules check`"
                ),
                help: crate::diagnostic::suggest::did_you_mean(
                    format,
                    known.iter().map(String::as_str),
                ),
            });
        }
    }
    if let Some(min) = settings.min_coverage {
        if !(0.0..=100.0).contains(&min) {
            return Err(ProjectError::Value {
                path: place(text.find("min_coverage").map(|s| s..s)),
                message: format!("`min_coverage = {min}` is not a percentage"),
                help: String::from("write a number from 0 to 100"),
            });
        }
    }
    Ok(settings)
}

impl Settings {
    /// The default output format of `kzrules check`, when the project file gives one.
    pub fn check_format(&self) -> Option<crate::report::Format> {
        let name = self.format.as_deref()?;
        <crate::report::Format as clap::ValueEnum>::from_str(name, false).ok()
    }
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
    fn every_key_is_read() {
        let s = parse_settings(
            "kzrules.toml",
            "rules = \"law\"\ncases = \"cases\"\nformat = \"json\"\nstrict_calendar = true\nmin_coverage = 80\nwarnings_as_errors = true\n",
        )
        .unwrap();
        assert_eq!(s.rules, Some(PathBuf::from("law")));
        assert_eq!(s.cases, Some(PathBuf::from("cases")));
        assert_eq!(s.check_format(), Some(crate::report::Format::Json));
        assert_eq!(s.strict_calendar, Some(true));
        assert_eq!(s.min_coverage, Some(80.0));
        assert_eq!(s.warnings_as_errors, Some(true));
    }

    #[test]
    fn an_unknown_key_names_the_nearest() {
        let e = parse_settings(
            "kzrules.toml",
            "rules = \"rules\"\nstrict_calender = true\n",
        )
        .unwrap_err();
        let ProjectError::UnknownKey { path, key, help } = e else {
            panic!("{e:?}")
        };
        assert_eq!(path, "kzrules.toml:2:1");
        assert_eq!(key, "strict_calender");
        assert!(help.contains("did you mean `strict_calendar`"), "{help}");
    }

    #[test]
    fn wrong_values_are_errors_with_a_place() {
        let e = parse_settings("kzrules.toml", "strict_calendar = \"yes\"\n").unwrap_err();
        assert!(e.to_string().starts_with("kzrules.toml:1:"), "{e}");
        let e = parse_settings("kzrules.toml", "format = \"jsn\"\n").unwrap_err();
        assert!(
            miette::Diagnostic::help(&e)
                .unwrap()
                .to_string()
                .contains("`json`"),
            "{e:?}"
        );
        let e = parse_settings("kzrules.toml", "min_coverage = 120\n").unwrap_err();
        assert!(e.to_string().contains("not a percentage"), "{e}");
        let e = parse_settings("kzrules.toml", "rules = \n").unwrap_err();
        assert!(e.to_string().starts_with("kzrules.toml:1:"), "{e}");
    }

    #[test]
    fn a_folder_finds_its_rules_upward_and_nothing_outside() {
        let dir = tempfile::tempdir().unwrap();
        let project = dir.path().join("p");
        let deep = project.join("a").join("b");
        std::fs::create_dir_all(&deep).unwrap();
        // Nothing found: the built-in rules (unless the temp folder lies in a project).
        if find(dir.path()).is_none() {
            let p = discover(&deep, Choice::Discover).unwrap();
            assert_eq!(p.rules, RuleSet::Embedded);
            assert_eq!(p.rules_label(), BUILT_IN);
        }
        // A `rules/` folder without rule files is no project.
        std::fs::create_dir_all(project.join("rules")).unwrap();
        std::fs::write(project.join("rules").join("x.kzr"), "").unwrap();
        let p = discover(&deep, Choice::Discover).unwrap();
        assert_eq!(p.origin, Origin::Found);
        assert_eq!(p.rules, RuleSet::Path(project.join("rules")));
        let p = discover(&project, Choice::Discover).unwrap();
        assert_eq!(p.rules, RuleSet::Path(PathBuf::from("rules")));
        // A project file wins and names the folder.
        std::fs::write(project.join(PROJECT_FILE), "rules = \"law\"\n").unwrap();
        let p = discover(&project, Choice::Discover).unwrap();
        assert_eq!(p.rules, RuleSet::Path(PathBuf::from("law")));
        assert_eq!(p.origin, Origin::ProjectFile(PathBuf::from(PROJECT_FILE)));
        // Explicit choices win over discovery; the defaults still apply.
        let p = discover(&project, Choice::BuiltIn).unwrap();
        assert_eq!(p.rules, RuleSet::Embedded);
        assert_eq!(p.settings.rules, Some(PathBuf::from("law")));
        let p = discover(&project, Choice::Folder(Path::new("elsewhere"))).unwrap();
        assert_eq!(p.rules, RuleSet::Path(PathBuf::from("elsewhere")));
    }
}
