//! `kzrules doc`: print the rule catalog.

use std::path::Path;

use crate::tools::doc::DocFormat;

/// `kzrules doc`: print the catalog of the built-in rules or of a rule folder.
pub(super) fn doc(format: DocFormat, rules: Option<&Path>) -> u8 {
    crate::tools::doc::run(format, rules)
}
