//! Conditions: `is`, `citizen_of`, `holder_of`, measures and their combinations, lowered to `ir::Cond`.

use super::*;

impl Lowering<'_> {
    pub(super) fn is_values(&mut self, cond: &ast::IsCond) -> Option<Cond> {
        let subject = cond.subject.node.as_str();
        match subject {
            "purpose" => {
                let mut out = Vec::new();
                let mut ok = true;
                for v in &cond.values {
                    match self.vocab.purpose(&v.node) {
                        Some(p) => out.push(p.kind),
                        None => {
                            ok = false;
                            let known = self.vocab.purpose_names();
                            self.error(
                                "kzrules::type_mismatch",
                                v.span,
                                format!("`{}` is not a purpose", v.node),
                                "expected a purpose",
                                did_you_mean(&v.node, known.iter().copied()),
                            );
                        }
                    }
                }
                ok.then_some(Cond::Purpose(out))
            }
            "host" => {
                let values =
                    self.enum_values(&cond.values, HostKind::ALL, HostKind::as_str, "host kind")?;
                Some(Cond::HostKind(values))
            }
            "host_size" => {
                let values =
                    self.enum_values(&cond.values, HostSize::ALL, HostSize::as_str, "host size")?;
                Some(Cond::HostSize(values))
            }
            "host_form" => {
                let values =
                    self.enum_values(&cond.values, HostForm::ALL, HostForm::as_str, "host form")?;
                Some(Cond::HostForm(values))
            }
            _ => {
                self.error(
                    "kzrules::unknown_fact",
                    cond.subject.span,
                    format!("unknown fact `{subject}`"),
                    "not a fact of a case",
                    did_you_mean(subject, IS_SUBJECTS.iter().copied()),
                );
                None
            }
        }
    }

    pub(super) fn enum_values<T: Copy>(
        &mut self,
        values: &[Text],
        all: &[T],
        name: fn(T) -> &'static str,
        what: &str,
    ) -> Option<Vec<T>> {
        let mut out = Vec::new();
        let mut ok = true;
        for v in values {
            match find(all, name, &v.node) {
                Some(x) => out.push(x),
                None => {
                    ok = false;
                    self.error(
                        "kzrules::type_mismatch",
                        v.span,
                        format!("`{}` is not a {what}", v.node),
                        &format!("expected a {what}"),
                        did_you_mean(&v.node, names(all, name).iter().copied()),
                    );
                }
            }
        }
        ok.then_some(out)
    }

    pub(super) fn document(&mut self, text: &Text) -> Option<DocumentKind> {
        let found = self.vocab.document(&text.node).map(|d| d.term.kind);
        if found.is_none() {
            let known = self.vocab.document_names();
            self.error(
                "kzrules::unknown_document",
                text.span,
                format!("unknown document kind `{}`", text.node),
                "not a document kind",
                help_or_declare(
                    &text.node,
                    &known,
                    &format!("document {} {{ title \"...\" cite ... }}", text.node),
                ),
            );
        }
        found
    }

    pub(super) fn event(&mut self, text: &Text) -> Option<EventKind> {
        let found = self.vocab.event(&text.node).map(|e| e.term.kind);
        if found.is_none() {
            let known = self.vocab.event_names();
            self.error(
                "kzrules::unknown_event",
                text.span,
                format!("unknown event kind `{}`", text.node),
                "not an event kind",
                help_or_declare(
                    &text.node,
                    &known,
                    &format!("event {} {{ title \"...\" cite ... }}", text.node),
                ),
            );
        }
        found
    }

    /// Whether the document kind `kind` declares `field`; reported at `span` when not.
    fn document_has(
        &mut self,
        kind: DocumentKind,
        field: DocumentField,
        span: Span,
        document: &Text,
    ) -> bool {
        let has = self
            .vocab
            .document(kind.as_str())
            .is_some_and(|d| d.fields.contains(&field));
        if !has {
            let with: Vec<&str> = self
                .vocab
                .documents
                .iter()
                .filter(|d| d.fields.contains(&field))
                .map(|d| d.term.kind.as_str())
                .collect();
            let example = with.first().copied().unwrap_or("visa");
            self.error(
                "kzrules::type_mismatch",
                span,
                format!("a `{}` has no {field}", document.node),
                &format!("no {field}"),
                format!(
                    "remove the filter or write `holder_of {example} {field} ...` (the vocabulary gives `{field}` to: {})",
                    if with.is_empty() { String::from("none") } else { with.join(", ") }
                ),
            );
        }
        has
    }

    pub(super) fn condition(&mut self, cond: &ast::Spanned<ast::Cond>) -> Option<Cond> {
        match &cond.node {
            ast::Cond::Or(parts) => {
                let lowered: Vec<Option<Cond>> = parts.iter().map(|p| self.condition(p)).collect();
                Some(Cond::Or(lowered.into_iter().collect::<Option<Vec<_>>>()?))
            }
            ast::Cond::And(parts) => {
                let lowered: Vec<Option<Cond>> = parts.iter().map(|p| self.condition(p)).collect();
                Some(Cond::And(lowered.into_iter().collect::<Option<Vec<_>>>()?))
            }
            ast::Cond::Not(inner) => Some(Cond::Not(Box::new(self.condition(inner)?))),
            ast::Cond::HolderOf { document, filters } => {
                let kind = self.document(document);
                let mut categories = Vec::new();
                let mut entries = None;
                let mut longer_than_months = None;
                let mut other_employer = false;
                for f in filters {
                    match &f.node {
                        ast::DocFilter::Category(codes) => {
                            if let Some(k) = kind {
                                self.document_has(k, DocumentField::Category, f.span, document);
                            }
                            categories.extend(codes.iter().map(|c| c.node.clone()));
                        }
                        ast::DocFilter::Entries(e) => {
                            if let Some(k) = kind {
                                self.document_has(k, DocumentField::Entries, f.span, document);
                            }
                            entries = self
                                .enum_values(
                                    std::slice::from_ref(e),
                                    Entries::ALL,
                                    Entries::as_str,
                                    "number of entries (`single` or `multiple`)",
                                )
                                .and_then(|v| v.first().copied());
                        }
                        ast::DocFilter::LongerThanMonths(months) => {
                            if *months == 0 {
                                self.error(
                                    "kzrules::type_mismatch",
                                    f.span,
                                    String::from("every document with an end is longer than 0 months"),
                                    "0 months",
                                    String::from("give the longest validity the law allows, e.g. `longer_than 12 months`"),
                                );
                            }
                            longer_than_months = Some(*months);
                        }
                        ast::DocFilter::EmployerOtherThanHost => {
                            if let Some(k) = kind {
                                self.document_has(k, DocumentField::Employer, f.span, document);
                            }
                            other_employer = true;
                        }
                    }
                }
                Some(Cond::HolderOf {
                    kind: kind?,
                    categories,
                    entries,
                    longer_than_months,
                    other_employer,
                })
            }
            ast::Cond::CitizenOf(r) => match r {
                ast::CountryRef::Named(name) => {
                    if !self.resolve(name, Kind::Set) {
                        return None;
                    }
                    let versions = self.sets.get(&name.node).cloned().unwrap_or_default();
                    Some(Cond::CitizenOf {
                        name: name.node.clone(),
                        versions,
                    })
                }
                ast::CountryRef::Literal(codes) => {
                    for code in codes {
                        self.check_country(code);
                    }
                    let mut members: Vec<String> = codes.iter().map(|c| c.node.clone()).collect();
                    let name = members.join(", ");
                    members.sort();
                    Some(Cond::CitizenOf {
                        name,
                        versions: vec![(Period::default(), members)],
                    })
                }
            },
            ast::Cond::AgeUnder(n) => Some(Cond::AgeUnder(*n)),
            ast::Cond::StayLongerThan(n) => Some(Cond::StayLongerThan(*n)),
            ast::Cond::DayOfStay(compare, n) => Some(Cond::DayOfStay(*compare, *n)),
            ast::Cond::After(event) => Some(Cond::After(self.event(event)?)),
            // The rule's id is filled in when the rule is lowered (`rules.rs`).
            ast::Cond::WithoutBasis => Some(Cond::WithoutBasis(String::new())),
            ast::Cond::Is(is) => self.is_values(is),
            ast::Cond::DateBefore(left, right) => {
                let l = self.document(&left.document);
                let r = self.document(&right.document);
                Some(Cond::DateBefore {
                    left: l?,
                    left_plus: left.plus,
                    right: r?,
                    right_plus: right.plus,
                })
            }
            ast::Cond::Measure(m) => {
                let measure = match (m.measure.node.as_str(), &m.article) {
                    ("days_in_kazakhstan", None) => Measure::DaysInKazakhstan,
                    ("region_trip_days_outside_permit_region", None) => {
                        Measure::RegionTripDaysOutsidePermitRegion
                    }
                    ("blank_pages_of_passport", None) => Measure::BlankPagesOfPassport,
                    ("local_content_categories_1_2", None) => Measure::LocalContentCategories12,
                    ("local_content_categories_3_4", None) => Measure::LocalContentCategories34,
                    ("employees", None) => Measure::Employees,
                    ("host_penalties", Some(article)) => {
                        Measure::HostPenalties(article.node.clone())
                    }
                    ("host_penalties", None) => {
                        self.error(
                            "kzrules::type_mismatch",
                            m.measure.span,
                            String::from(
                                "`host_penalties` needs the article they were imposed under",
                            ),
                            "which article?",
                            String::from(
                                "write `host_penalties under \"518\" in any 12 months at_least 2`",
                            ),
                        );
                        return None;
                    }
                    (name, Some(article)) if MEASURES.contains(&name) => {
                        self.error(
                            "kzrules::type_mismatch",
                            article.span,
                            format!("`{name}` is not counted under an article"),
                            "not allowed here",
                            String::from(
                                "remove `under \"...\"`; only `host_penalties` takes an article",
                            ),
                        );
                        return None;
                    }
                    (name, _) => {
                        self.error(
                            "kzrules::unknown_fact",
                            m.measure.span,
                            format!("unknown measure `{name}`"),
                            "not a measure",
                            did_you_mean(name, MEASURES.iter().copied()),
                        );
                        return None;
                    }
                };
                let needs_window = !matches!(
                    measure,
                    Measure::BlankPagesOfPassport
                        | Measure::LocalContentCategories12
                        | Measure::LocalContentCategories34
                        | Measure::Employees
                );
                if matches!(
                    measure,
                    Measure::LocalContentCategories12 | Measure::LocalContentCategories34
                ) && m.bound > 100
                {
                    self.error(
                        "kzrules::type_mismatch",
                        m.measure.span,
                        format!(
                            "`{}` is a percentage: {} is over 100",
                            measure.name(),
                            m.bound
                        ),
                        "a percentage",
                        String::from("give a share of 0 to 100, e.g. `under 70`"),
                    );
                    return None;
                }
                match (&m.window, needs_window) {
                    (None, true) => {
                        self.error(
                            "kzrules::missing_window",
                            m.measure.span,
                            format!("`{}` needs a period to be counted over", measure.name()),
                            "over which period?",
                            String::from(
                                "add `per calendar_year` or `in any 12 months` after the measure",
                            ),
                        );
                        return None;
                    }
                    (Some(w), false) => {
                        self.error(
                            "kzrules::type_mismatch",
                            w.span,
                            format!("`{}` is not counted over a period", measure.name()),
                            "not allowed here",
                            String::from("remove the period"),
                        );
                        return None;
                    }
                    _ => {}
                }
                Some(Cond::Measure {
                    measure,
                    window: m.window.as_ref().map(|w| w.node),
                    compare: m.compare,
                    bound: m.bound,
                })
            }
        }
    }
}
