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
                        found.push((a.id.clone(), a.span, a.period, b.span, b.period));
                    }
                }
            }
        }
        for (id, first_span, first_period, second_span, second_period) in found {
            let first = self
                .at("kzrules::overlap", first_span, "the other version")
                .label(format!("in force {}", first_period.describe()));
            let same = first_period == second_period;
            let message = if same {
                format!("rule `{id}` is defined twice")
            } else {
                format!(
                    "two versions of rule `{id}` are in force on the same days ({} and {})",
                    first_period.describe(),
                    second_period.describe()
                )
            };
            let d = self
                .at(
                    if same { "kzrules::duplicate_rule" } else { "kzrules::overlap" },
                    second_span,
                    message,
                )
                .label(format!("in force {}", second_period.describe()))
                .help(if same {
                    "remove one, or give each version its own `in_force` period"
                } else {
                    "give the versions `in_force` periods that do not overlap (the later one `from` the day after the earlier one's `until`)"
                })
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
