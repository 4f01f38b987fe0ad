//! `kzrules fmt` (being written).
use std::path::PathBuf;
/// Run `kzrules fmt`.
pub fn run(_paths: &[PathBuf], _check: bool) -> u8 {
    eprintln!("error: `kzrules fmt` is not available in this build");
    2
}
