//! `kzrules test`: run the rule tests beside a rule set.

use std::path::Path;

/// `kzrules test`: exit 0 when every test passes, 1 when one fails, 2 when the rules or
/// a test cannot be read or judged.
pub(super) fn test(dir: Option<&Path>, coverage: bool) -> u8 {
    crate::tools::ruletest::run(dir, coverage)
}
