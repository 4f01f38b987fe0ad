//! `kzrules doc`: print the rule catalog.

use std::path::Path;

use super::{project_program, write_stdout_named};
use crate::load::Choice;
use crate::tools::doc::{catalog, DocFormat};

/// `kzrules doc`: print the catalog of the rules chosen, else the project's, else the
/// built-in ones (the catalog's first lines name its rule files); the rule tests are
/// read from the rule folder's `tests` (for the built-in rules, from `rules/tests` when
/// there is one).
pub(super) fn doc(format: DocFormat, choice: Choice<'_>) -> u8 {
    let (project, program) = match project_program(choice) {
        Ok(loaded) => loaded,
        Err(code) => return code,
    };
    let dir = project.rules_folder().unwrap_or_else(|| Path::new("rules"));
    write_stdout_named(&catalog(&program, format, Some(dir)), "the catalog")
}
