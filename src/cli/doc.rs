//! `kzrules doc`: print the rule catalog.

use std::path::Path;

use super::{load_program, write_stdout_named};
use crate::tools::doc::{catalog, DocFormat};

/// `kzrules doc`: print the catalog of the built-in rules, or of the rule folder
/// `rules`; the rule tests are read from `DIR/tests` (default `rules/tests`).
pub(super) fn doc(format: DocFormat, rules: Option<&Path>) -> u8 {
    let program = match load_program(rules) {
        Ok(program) => program,
        Err(code) => return code,
    };
    let dir = rules.unwrap_or_else(|| Path::new("rules"));
    write_stdout_named(&catalog(&program, format, Some(dir)), "the catalog")
}
