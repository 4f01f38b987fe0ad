//! Loading what the pipeline works on: rule sets ([`rules`]: built in, a folder, a git
//! revision) compiled into a [`Program`], the project a command works in ([`project`]:
//! `kzrules.toml` or `rules/` from the current folder upward), and case inputs ([`inputs`]: files, folders,
//! JSON Lines). What cannot be read comes back as a value; the command line says it.

pub mod inputs;
pub mod project;
pub mod rules;

use crate::compile::{compile, Compiled};
use crate::diagnostic::Diagnostics;
use crate::ir::Program;
use crate::source::SourceFile;

pub use project::{discover, Choice, Project, ProjectError};
pub use rules::{RuleSet, RulesError};

/// Compile a rule set's files into a program, or return every problem found.
pub fn program(files: Vec<SourceFile>) -> Result<Program, Diagnostics> {
    compile(files).map(|Compiled { program, .. }| program)
}
