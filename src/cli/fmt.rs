//! `kzrules fmt`: format rule files in place, or list those not formatted.

use std::path::PathBuf;

/// `kzrules fmt`: exit 1 with `--check` when a file is not formatted, 2 when one cannot
/// be read, parsed or written.
pub(super) fn fmt(paths: &[PathBuf], check: bool) -> u8 {
    crate::tools::fmt::run(paths, check)
}
