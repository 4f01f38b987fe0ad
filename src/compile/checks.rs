//! Checks over the whole rule set: versions that overlap, names never used.

use super::*;

impl Lowering<'_> {
    pub(super) fn check_versions(&mut self) {
        let mut by_id: BTreeMap<&str, Vec<&Rule>> = BTreeMap::new();
        for r in &self.rules {
            by_id.entry(r.id.as_str()).or_default().push(r);
        }
        let mut found = Vec::new();
        for versions in by_id.values() {
            for (i, a) in versions.iter().enumerate() {
                for b in versions.iter().skip(i + 1) {
                    if a.period.overlaps(&b.period) {
                        // A copy pasted twice: the same rule, clause for clause.
                        let copy = crate::source::debug_without_spans(a)
                            == crate::source::debug_without_spans(b);
                        found.push((a.id.clone(), a.span, a.period, b.span, b.period, copy));
                    }
                }
            }
        }
        for (id, first_span, first_period, second_span, second_period, copy) in found {
            let same = first_period == second_period;
            let code = if same || copy {
                "kzrules::duplicate_rule"
            } else {
                "kzrules::overlap"
            };
            let (message, first_label, help) = if copy {
                (
                    format!("rule `{id}` is defined twice; delete one copy"),
                    "the first copy",
                    String::from("the two copies are the same, clause for clause: delete one"),
                )
            } else if same {
                (
                    format!("rule `{id}` is defined twice, in force on the same days"),
                    "the other definition",
                    String::from(
                        "delete the copy you do not want; if the law changed on a day, keep both as versions: the old one `until` the day before, the new one `from` that day",
                                        ),
                )
            } else {
                (
                    format!(
                        "two versions of rule `{id}` are in force on the same days ({} and {})",
                        first_period.describe(),
                        second_period.describe()
                    ),
                    "the other version",
                    String::from("give the versions `in_force` periods that do not overlap (the later one `from` the day after the earlier one's `until`)"),
                )
            };
            let first = self
                .at(code, first_span, first_label)
                .label(format!("in force {}", first_period.describe()));
            let d = self
                .at(code, second_span, message)
                .label(if copy {
                    String::from("the second copy")
                } else {
                    format!("in force {}", second_period.describe())
                })
                .help(help)
                .with_related(first);
            self.diagnostics.push(d);
        }
    }

    pub(super) fn check_references(&mut self) {
        let mut unused: Vec<(String, Declared)> = self
            .declared
            .iter()
            .filter(|(_, d)| !d.used && matches!(d.kind, Kind::Set | Kind::Penalty | Kind::Source))
            .map(|(k, d)| (k.clone(), d.clone()))
            .collect();
        unused.sort_by_key(|(_, d)| (d.span.file, d.span.start));
        for (name, d) in unused {
            let w = self
                .at(
                    "kzrules::unused",
                    d.span,
                    format!("{} `{name}` is never used", d.kind.noun()),
                )
                .label("declared here")
                .help("remove it, or refer to it from a rule")
                .warning();
            self.diagnostics.push(w);
        }
        if !self.penalties.is_empty() && !self.parameters.contains_key("mci") {
            self.diagnostics.push(
                Diagnostic::without_place(
                    "kzrules::missing_parameter",
                    "rules",
                    "penalties are defined but the parameter `mci` is not",
                )
                .help("declare `parameter mci { value N from DATE cite ... }` so that fines can be given in tenge"),
            );
        }
    }
}
