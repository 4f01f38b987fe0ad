//! Declarations that are not rules: sets of countries, parameters and penalty schedules.

use super::*;

impl Lowering<'_> {
    /// An error for a country code that no country has (`UK`, `XX`).
    pub(super) fn check_country(&mut self, code: &Text) -> bool {
        if crate::vocab::is_country(&code.node) {
            return true;
        }
        let help = match crate::vocab::country_suggestion(&code.node) {
            Some(better) => format!(
                "did you mean `{better}` ({})? Write the country's ISO 3166-1 alpha-2 code",
                crate::vocab::country_name(better).unwrap_or_default()
            ),
            None => {
                String::from("write an assigned ISO 3166-1 alpha-2 code, e.g. `KZ`, `RU`, `GB`")
            }
        };
        self.error(
            "kzrules::unknown_country",
            code.span,
            format!(
                "`{}` is not a country: no country has that ISO 3166-1 code",
                code.node
            ),
            "not an assigned country code",
            help,
        );
        false
    }

    pub(super) fn set(&mut self, s: &ast::SetDecl) {
        let mut members = Vec::new();
        for m in &s.members {
            if !self.check_country(m) {
                continue;
            }
            if members.contains(&m.node) {
                self.error(
                    "kzrules::duplicate_member",
                    m.span,
                    format!("`{}` is listed twice in set `{}`", m.node, s.id.node),
                    "listed again",
                    String::from("remove one of them"),
                );
            } else {
                members.push(m.node.clone());
            }
        }
        members.sort();
        if s.citations.is_empty() {
            self.error(
                "kzrules::no_citation",
                s.id.span,
                format!("set `{}` cites no source", s.id.node),
                "no `cite`",
                String::from(
                    "add `cite SOURCE \"article\" seed \"file\"` naming where the list comes from",
                ),
            );
        }
        self.citations(&s.citations);
        let in_force: Vec<&ast::InForce> = s.in_force.iter().map(|i| &i.node).collect();
        let period = self.period(&in_force, s.id.span);
        let versions = self.sets.entry(s.id.node.clone()).or_default();
        if let Some((other, _)) = versions.iter().find(|(p, _)| p.overlaps(&period)) {
            let message = format!(
                "two versions of set `{}` are in force on the same days ({} and {})",
                s.id.node,
                other.describe(),
                period.describe()
            );
            let d = self
                .at("kzrules::overlap", s.id.span, message)
                .label("this version")
                .help("give the versions `in_force` periods that do not overlap");
            self.diagnostics.push(d);
            return;
        }
        versions.push((period, members));
    }

    pub(super) fn parameter(&mut self, p: &ast::ParameterDecl) {
        // Each value with the places of the clause, its `from` and its end (`until`, or
        // the clause).
        let mut values: Vec<(ParameterValue, (Span, Span, Span))> = Vec::new();
        for v in &p.values {
            let Some(from) = self.date(&v.from) else {
                continue;
            };
            let until = match &v.until {
                None => None,
                Some(text) => {
                    let Some(until) = self.date(text) else {
                        continue;
                    };
                    if until < from {
                        self.error(
                            "kzrules::empty_period",
                            text.span,
                            format!(
                                "the value of `{}` ends on {until}, before it starts on {from}",
                                p.id.node
                            ),
                            "ends before it starts",
                            String::from("write an `until` date on or after the `from` date"),
                        );
                        continue;
                    }
                    Some(until)
                }
            };
            let citations = self.citations(&v.citations);
            if let Some((_, (earlier, _, _))) = values.iter().find(|(e, _)| e.from == from) {
                let first = self
                    .at("kzrules::overlap", *earlier, "the other value")
                    .label("also in force from this day");
                let d = self
                    .at(
                        "kzrules::overlap",
                        v.span,
                        format!("two values of `{}` are in force from {from}", p.id.node),
                    )
                    .label("second value for the same day")
                    .help("keep one value per day; a later value starts with its own `from` date")
                    .with_related(first);
                self.diagnostics.push(d);
                continue;
            }
            values.push((
                ParameterValue {
                    value: v.value.node,
                    from,
                    until,
                    citations: citations.into(),
                },
                (
                    v.span,
                    v.from.span,
                    v.until.as_ref().map_or(v.span, |u| u.span),
                ),
            ));
        }
        values.sort_by_key(|(v, _)| v.from);
        for pair in values.windows(2) {
            let [(first, (_, _, until_span)), (next, (_, next_from, _))] = pair else {
                continue;
            };
            if first.until.is_some_and(|until| until >= next.from) {
                let other = self
                    .at("kzrules::overlap", *next_from, "the next value starts here")
                    .label("the next value's first day");
                let d = self
                    .at(
                        "kzrules::overlap",
                        *until_span,
                        format!(
                            "a value of `{}` is still in force on {}, when the next one starts",
                            p.id.node, next.from
                        ),
                    )
                    .label("its `until` reaches into the next value")
                    .help("end the value (`until`) before the next value's `from` date")
                    .with_related(other);
                self.diagnostics.push(d);
            }
        }
        let values: Vec<ParameterValue> = values.into_iter().map(|(v, _)| v).collect();
        self.parameters.insert(p.id.node.clone(), values);
    }

    pub(super) fn fee(&mut self, f: &ast::FeeDecl) {
        if let Some(earlier) = self.fees.iter().find(|x| x.id == f.id.node) {
            let first = self
                .at(
                    "kzrules::duplicate_name",
                    earlier.span,
                    "first declared here",
                )
                .label("first declared here");
            self.diagnostics.push(
                self.at(
                    "kzrules::duplicate_name",
                    f.id.span,
                    format!("the fee `{}` is declared twice", f.id.node),
                )
                .label("second declaration")
                .help("give each fee its own id")
                .with_related(first),
            );
            return;
        }
        let in_force: Vec<&ast::InForce> = f.in_force.iter().map(|i| &i.node).collect();
        let period = self.period(&in_force, f.id.span);
        if f.citations.is_empty() {
            self.error(
                "kzrules::no_citation",
                f.id.span,
                format!("fee `{}` cites no source", f.id.node),
                "no `cite`",
                String::from("add `cite SOURCE \"table of state fees\" seed \"file\"`"),
            );
        }
        if f.title.len() != 1 || f.amount.len() != 1 || f.on.len() != 1 {
            let missing = if f.title.len() != 1 {
                ("title", "title \"what the fee is for\"")
            } else if f.amount.len() != 1 {
                ("amount", "amount 0.5 mci")
            } else {
                ("on", "on exit_visa_issued")
            };
            self.error(
                "kzrules::missing_clause",
                f.id.span,
                format!("fee `{}` needs exactly one `{}`", f.id.node, missing.0),
                &format!("one `{}`", missing.0),
                format!("write one `{}`", missing.1),
            );
        }
        let citations = self.citations(&f.citations);
        let triggers: Option<Vec<EventKind>> =
            f.on.first()
                .map(|t| t.iter().map(|e| self.event(e)).collect::<Option<Vec<_>>>())
                .unwrap_or_default();
        let when: Vec<Cond> = f.when.iter().filter_map(|w| self.condition(w)).collect();
        let Some(triggers) = triggers else {
            return;
        };
        self.fees.push(crate::ir::Fee {
            id: f.id.node.clone(),
            title: f.title.first().map(|t| t.node.clone()).unwrap_or_default(),
            period,
            triggers,
            when,
            hundredths: f.amount.first().map(|a| a.node).unwrap_or(0),
            citations: citations.into(),
            span: f.id.span,
        });
    }

    pub(super) fn penalty(&mut self, p: &ast::PenaltyDecl) {
        let in_force: Vec<&ast::InForce> = p.in_force.iter().map(|i| &i.node).collect();
        let period = self.period(&in_force, p.id.span);
        if p.citations.is_empty() {
            self.error(
                "kzrules::no_citation",
                p.id.span,
                format!("penalty `{}` cites no source", p.id.node),
                "no `cite`",
                String::from("add `cite SOURCE \"art. ... part ...\" seed \"file\"`"),
            );
        }
        let citations = self.citations(&p.citations);
        let mut branches = Vec::new();
        let mut otherwise_seen: Option<Span> = None;
        for b in &p.branches {
            if let Some(earlier) = otherwise_seen {
                let first = self
                    .at("kzrules::unreachable", earlier, "`otherwise` here")
                    .label("catches every case");
                self.diagnostics.push(
                    self.at(
                        "kzrules::unreachable",
                        b.span,
                        "this branch can never apply",
                    )
                    .label("after `otherwise`")
                    .help("move it before the `otherwise` branch")
                    .with_related(first)
                    .warning(),
                );
            }
            if b.conditions.is_empty() {
                otherwise_seen = Some(b.span);
            }
            let mut conditions = Vec::new();
            for c in &b.conditions {
                match &c.node {
                    ast::PenaltyCond::DaysLate(cmp, n) => {
                        conditions.push(PenaltyCond::DaysLate(*cmp, *n))
                    }
                    ast::PenaltyCond::Repeated { article, months } => {
                        conditions.push(PenaltyCond::Repeated {
                            article: article.node.clone(),
                            months: *months,
                        })
                    }
                    ast::PenaltyCond::Is(is) => match self.is_values(is) {
                        Some(Cond::HostKind(v)) => conditions.push(PenaltyCond::HostKind(v)),
                        Some(Cond::HostSize(v)) => conditions.push(PenaltyCond::HostSize(v)),
                        Some(_) => self.error(
                            "kzrules::type_mismatch",
                            is.subject.span,
                            format!("a penalty branch cannot test `{}`", is.subject.node),
                            "not allowed here",
                            String::from(
                                "a branch tests `days_late`, `repeated`, `host` or `host_size`",
                            ),
                        ),
                        None => {}
                    },
                    ast::PenaltyCond::AgeUnder(n) => conditions.push(PenaltyCond::AgeUnder(*n)),
                }
            }
            let (warning, amount) = match &b.sanction.node {
                ast::Sanction::Warning => (true, None),
                ast::Sanction::Fine(f) => (false, Some(f)),
                ast::Sanction::WarningOrFine(f) => (true, Some(f)),
                ast::Sanction::NoPenalty => (false, None),
            };
            let fine = match amount {
                None => Fine::None,
                Some(ast::FineAmount::Flat(a)) => {
                    self.check_amount(a, b.sanction.span);
                    Fine::Flat([a.min, a.max])
                }
                Some(ast::FineAmount::BySize(sizes)) => {
                    let mut out = Vec::new();
                    for (size, a) in sizes {
                        self.check_amount(a, size.span);
                        if let Some(s) = self
                            .enum_values(
                                std::slice::from_ref(size),
                                HostSize::ALL,
                                HostSize::as_str,
                                "host size",
                            )
                            .and_then(|v| v.first().copied())
                        {
                            out.push((s, [a.min, a.max]));
                        }
                    }
                    Fine::BySize(out)
                }
            };
            branches.push(Branch {
                conditions,
                article: b.article.node.clone(),
                warning,
                fine,
            });
        }
        let schedule = PenaltySchedule {
            id: p.id.node.clone(),
            title: p.title.first().map(|t| t.node.clone()).unwrap_or_default(),
            period,
            citations: citations.into(),
            branches,
            span: p.id.span,
        };
        let versions = self.penalties.entry(p.id.node.clone()).or_default();
        if let Some(other) = versions.iter().find(|v| v.period.overlaps(&period)) {
            let message = format!(
                "two versions of penalty `{}` are in force on the same days ({} and {})",
                p.id.node,
                other.period.describe(),
                period.describe()
            );
            let d = self
                .at("kzrules::overlap", p.id.span, message)
                .label("this version")
                .help("give the versions `in_force` periods that do not overlap");
            self.diagnostics.push(d);
            return;
        }
        versions.push(schedule);
    }

    pub(super) fn check_amount(&mut self, a: &ast::Amount, span: Span) {
        if a.max < a.min {
            self.error(
                "kzrules::empty_range",
                span,
                format!("the fine `{} to {}` ends below its start", a.min, a.max),
                "empty range",
                String::from("write the smaller amount first"),
            );
        }
    }
}
