//! `kzrules test` (being written).
use std::path::Path;
/// Run `kzrules test`.
pub fn run(_dir: Option<&Path>, _coverage: bool) -> u8 {
    eprintln!("error: `kzrules test` is not available in this build");
    2
}
