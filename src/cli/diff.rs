//! `kzrules diff`: what a rule change does to cases.

pub(super) use crate::tools::diff::DiffArgs;

/// `kzrules diff`: exit 0 when nothing changed (or with `--report-only`), 1 when
/// something changed, 2 when the rules or a case cannot be read or judged.
pub(super) fn diff(args: &DiffArgs) -> u8 {
    crate::tools::diff::run(args)
}
