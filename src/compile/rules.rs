//! Rules: their clauses, duties and deadlines, exceptions, free-standing exemptions and amnesties.

use super::*;

impl Lowering<'_> {
    pub(super) fn exception(
        &mut self,
        u: &ast::Unless,
        rule_citations: &[Citation],
    ) -> Option<Exception> {
        let condition = self.condition(&u.condition)?;
        let mut citations = self.citations(&u.citations);
        if citations.is_empty() {
            citations = rule_citations.to_vec();
        }
        let reason = match &u.because {
            Some(b) => b.node.clone(),
            None => crate::ir::words::condition_words(&condition),
        };
        Some(Exception {
            condition,
            reason,
            citations: citations.into(),
            span: u.span,
        })
    }

    pub(super) fn rule(&mut self, r: &ast::RuleDecl) {
        let mut titles = Vec::new();
        let mut in_force = Vec::new();
        let mut cites = Vec::new();
        let mut bearers = Vec::new();
        let mut actions = Vec::new();
        let mut on = Vec::new();
        let mut whens = Vec::new();
        let mut unless = Vec::new();
        let mut penalties = Vec::new();
        let mut findings = Vec::new();
        let mut duties = Vec::new();
        let mut bases = Vec::new();
        for c in &r.clauses {
            match &c.node {
                ast::RuleClause::Title(t) => titles.push(t),
                ast::RuleClause::InForce(i) => in_force.push(i),
                ast::RuleClause::Cite(c) => cites.push(c.clone()),
                ast::RuleClause::Bearer(b) => bearers.push(b),
                ast::RuleClause::Action(a) => actions.push(a),
                ast::RuleClause::On(t) => on.push(t),
                ast::RuleClause::When(w) => whens.push(w),
                ast::RuleClause::Unless(u) => unless.push(u),
                ast::RuleClause::Penalty(p) => penalties.push(p),
                ast::RuleClause::Finding(f) => findings.push(f),
                ast::RuleClause::Duty(d) => duties.push((d, c.span)),
                ast::RuleClause::Basis(b) => bases.push((b, c.span)),
            }
        }
        let id = &r.id;
        if !id
            .node
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        {
            self.error(
                "kzrules::bad_id",
                id.span,
                format!("the rule id `{}` is not a catalog id", id.node),
                "lowercase letters, digits and `_` only",
                String::from("use the id from the catalog (docs/catalog.md)"),
            );
        }
        self.one_of(&titles, "title", id, "title \"what the rule is about\"");
        if cites.is_empty() {
            self.error(
                "kzrules::no_citation",
                id.span,
                format!("rule `{}` cites no source", id.node),
                "no `cite`",
                String::from("add `cite SOURCE \"art. N para. M\" seed \"file\"`: every rule names the article it encodes"),
            );
        }
        let citations = self.citations(&cites);
        let period = self.period(&in_force, id.span);

        let bearer = if duties.is_empty() {
            Bearer::Host
        } else {
            self.one_of(&bearers, "bearer", id, "bearer host");
            self.one_of(&actions, "action", id, "action \"what must be done\"");
            match bearers.first() {
                Some(b) => match b.node.as_str() {
                    "host" => Bearer::Host,
                    "foreigner" => Bearer::Foreigner,
                    "employer" => Bearer::Employer,
                    other => {
                        self.error(
                            "kzrules::type_mismatch",
                            b.span,
                            format!("`{other}` is not a bearer"),
                            "expected a bearer",
                            did_you_mean(other, ["host", "foreigner", "employer"]),
                        );
                        Bearer::Host
                    }
                },
                None => Bearer::Host,
            }
        };

        let mut default_trigger: Option<Vec<EventKind>> = None;
        if let Some(first) = on.first() {
            let kinds: Vec<Option<EventKind>> = first.iter().map(|t| self.event(t)).collect();
            default_trigger = kinds.into_iter().collect();
        }

        let mut lowered_duties = Vec::new();
        for (d, span) in &duties {
            if let Some(duty) = self.duty(d, *span, default_trigger.as_ref()) {
                lowered_duties.push(duty);
            }
        }
        let mut exceptions = Vec::new();
        for (d, _) in &duties {
            for u in &d.unless {
                exceptions.extend(self.exception(u, &citations));
            }
        }
        for u in &unless {
            exceptions.extend(self.exception(u, &citations));
        }
        let when: Vec<Cond> = whens.iter().filter_map(|w| self.condition(w)).collect();

        let mut lowered_findings = Vec::new();
        for f in &findings {
            let severity = match f.severity.node.as_str() {
                "error" => Severity::Error,
                "warning" => Severity::Warning,
                _ => Severity::Info,
            };
            if let Some(mut condition) = self.condition(&f.condition) {
                if name_rule_in_without_basis(&mut condition, &id.node) && bases.is_empty() {
                    self.error(
                        "kzrules::missing_clause",
                        f.condition.span,
                        format!("rule `{}` asks `without_basis` but has no `basis`", id.node),
                        "no basis to judge by",
                        String::from(
                            "add the legal bases of stay: `basis \"a visa\" while holder_of visa`",
                        ),
                    );
                }
                lowered_findings.push(FindingRule {
                    severity,
                    message: f.message.node.clone(),
                    condition,
                    span: f.message.span,
                });
            }
        }
        if duties.is_empty() && findings.is_empty() {
            self.error(
                "kzrules::empty_rule",
                id.span,
                format!("rule `{}` has no duty and no finding", id.node),
                "says nothing",
                String::from(
                    "add a duty (e.g. `notify within 3 business_days of entry`) or a `finding`",
                ),
            );
        }

        let mut lowered_bases = Vec::new();
        for (b, span) in &bases {
            let at_entry = match &b.at_entry {
                Some(c) => match self.condition(c) {
                    Some(c) => Some(c),
                    None => continue,
                },
                None => None,
            };
            let Some(while_) = self.condition(&b.while_) else {
                continue;
            };
            let mut basis_citations = self.citations(&b.citations);
            if basis_citations.is_empty() {
                basis_citations = citations.clone();
            }
            lowered_bases.push(Basis {
                name: b.name.node.clone(),
                at_entry,
                while_,
                citations: basis_citations.into(),
                span: *span,
            });
        }

        let mut penalty = None;
        if penalties.len() > 1 {
            self.one_of(&penalties, "penalty", id, "penalty SCHEDULE");
        }
        if let Some(p) = penalties.first() {
            if self.resolve(p, Kind::Penalty) {
                penalty = Some(p.node.clone());
            }
        }

        self.rules.push(Rule {
            id: id.node.clone(),
            title: titles.first().map(|t| t.node.clone()).unwrap_or_default(),
            period,
            citations: citations.into(),
            bearer,
            action: actions.first().map(|a| a.node.clone()).unwrap_or_default(),
            duties: lowered_duties,
            findings: lowered_findings,
            when,
            exceptions,
            penalty,
            extensions: Vec::new(),
            bases: lowered_bases,
            span: id.span,
        });
    }

    pub(super) fn one_of<T>(
        &mut self,
        clauses: &[&ast::Spanned<T>],
        name: &str,
        id: &Text,
        example: &str,
    ) {
        if clauses.is_empty() {
            self.error(
                "kzrules::missing_clause",
                id.span,
                format!("rule `{}` has no `{name}`", id.node),
                &format!("no `{name}`"),
                format!("add `{example}`"),
            );
        } else if let Some(second) = clauses.get(1) {
            self.error(
                "kzrules::duplicate_clause",
                second.span,
                format!("rule `{}` has more than one `{name}`", id.node),
                "second one",
                format!("keep one `{name}`"),
            );
        }
    }

    pub(super) fn duty(
        &mut self,
        d: &ast::Duty,
        span: Span,
        default_trigger: Option<&Vec<EventKind>>,
    ) -> Option<Duty> {
        let (name, application, verb_span) = match &d.verb.node {
            ast::Verb::Plain(v) => (v.as_str(), false, d.verb.span),
            ast::Verb::ApplyFor(what) => (what.node.as_str(), true, what.span),
        };
        let fulfilment = match self.vocab.verb(name, application) {
            Some(verb) => Some(verb.fulfilled_by),
            None => {
                let mut known: Vec<String> = self
                    .vocab
                    .verbs
                    .iter()
                    .filter(|v| v.application == application)
                    .map(|v| v.name.clone())
                    .collect();
                if !application {
                    known.push(String::from("apply for ..."));
                }
                let (message, label) = if application {
                    (
                        format!("unknown application `{name}`"),
                        "nothing to apply for by that name",
                    )
                } else {
                    (format!("unknown duty `{name}`"), "not a duty")
                };
                let known: Vec<&str> = known.iter().map(String::as_str).collect();
                let declaration = format!(
                    "verb {}{name} {{ title \"...\" fulfilled_by EVENT cite ... }}",
                    if application { "apply for " } else { "" }
                );
                self.error(
                    "kzrules::unknown_verb",
                    verb_span,
                    message,
                    label,
                    help_or_declare(name, &known, &declaration),
                );
                None
            }
        };
        let mut trigger: Option<Start> = None;
        let mut trigger_failed = false;
        let mut limits = Vec::new();
        for l in &d.limits {
            let (limit, t) = match &l.node {
                ast::Limit::Within { n, unit, triggers } => {
                    let kinds: Vec<Option<EventKind>> =
                        triggers.iter().map(|t| self.event(t)).collect();
                    let kinds: Option<Vec<EventKind>> = kinds.into_iter().collect();
                    trigger_failed |= kinds.is_none();
                    (
                        Limit::Within { n: *n, unit: *unit },
                        kinds.map(Start::Events),
                    )
                }
                ast::Limit::BeforeExpiry { n, unit, document } => {
                    let kind = self.document(document);
                    trigger_failed |= kind.is_none();
                    (
                        Limit::Before { n: *n, unit: *unit },
                        kind.map(Start::Expiry),
                    )
                }
                ast::Limit::Monthly { day, triggers } => {
                    if !(1..=31).contains(day) {
                        self.error(
                            "kzrules::type_mismatch",
                            l.span,
                            format!("a month has no day {day}"),
                            "not a day of a month",
                            String::from("write a day from 1 to 31: `by day 30 of each month from hiring` (a shorter month's last day is taken)"),
                        );
                    }
                    let kinds: Vec<Option<EventKind>> =
                        triggers.iter().map(|t| self.event(t)).collect();
                    let kinds: Option<Vec<EventKind>> = kinds.into_iter().collect();
                    trigger_failed |= kinds.is_none();
                    (Limit::DayOfMonth(*day), kinds.map(Start::Monthly))
                }
                ast::Limit::ByExpiry { document } => match self.document(document) {
                    Some(k) => (Limit::ByExpiry(k), None),
                    None => continue,
                },
                ast::Limit::Rolling { days, window } => {
                    if *window > MAX_WINDOW_DAYS {
                        self.error(
                            "kzrules::type_mismatch",
                            l.span,
                            format!("a window of {window} days is longer than kzrules counts ({MAX_WINDOW_DAYS} days)"),
                            "window too long",
                            String::from("the law's windows are 180 days or a year: write the window in days, at most ten years"),
                        );
                    }
                    if days > window {
                        self.error(
                            "kzrules::type_mismatch",
                            l.span,
                            format!("{days} days cannot fit in any {window} days"),
                            "impossible limit",
                            String::from("the first number is the most days allowed, the second the window: `within 90 days in any 180 days`"),
                        );
                    }
                    (
                        Limit::Rolling {
                            days: *days,
                            window: *window,
                        },
                        None,
                    )
                }
            };
            if matches!(
                limit,
                Limit::Within { n: 0, .. } | Limit::Rolling { days: 0, .. }
            ) {
                self.error(
                    "kzrules::type_mismatch",
                    l.span,
                    String::from("a deadline of 0 days"),
                    "0 days",
                    String::from("count at least 1 day: the trigger's own day is day 1"),
                );
            }
            if let Some(t) = t {
                if let Some(previous) = &trigger {
                    if *previous != t {
                        self.error(
                            "kzrules::two_triggers",
                            l.span,
                            String::from("a duty has two different triggers"),
                            "second trigger",
                            String::from("one duty counts from one kind of trigger: split it into two duty lines"),
                        );
                    }
                } else {
                    trigger = Some(t);
                }
            }
            limits.push(limit);
        }
        let trigger = match (trigger, default_trigger) {
            (Some(t), _) => Some(t),
            (None, Some(kinds)) => Some(Start::Events(kinds.clone())),
            (None, None) if trigger_failed => None,
            (None, None) => {
                self.error(
                    "kzrules::no_trigger",
                    d.verb.span,
                    String::from("the duty does not say what starts it"),
                    "from when?",
                    String::from("count from an event (`within 30 calendar_days of entry`), or add `on entry` to the rule"),
                );
                None
            }
        };
        let mut or_later = Vec::new();
        for (l, issued_in_stay) in &d.or_later {
            match &l.node {
                ast::Limit::ByExpiry { document } => {
                    if let Some(k) = self.document(document) {
                        or_later.push(OrLater {
                            limit: Limit::ByExpiry(k),
                            issued_in_stay: *issued_in_stay,
                        });
                    }
                }
                ast::Limit::Within { n, unit, triggers } => {
                    let kinds: Option<Vec<EventKind>> =
                        triggers.iter().map(|t| self.event(t)).collect();
                    let same = match (&kinds, &trigger) {
                        (Some(k), Some(Start::Events(t))) => k == t,
                        _ => false,
                    };
                    if kinds.is_some() && !same {
                        self.error(
                            "kzrules::two_triggers",
                            l.span,
                            String::from("`or_later` counts from another trigger than its duty"),
                            "other trigger",
                            String::from("count `or_later within ...` from the duty's own trigger, or write `or_later by expiry_of DOCUMENT`"),
                        );
                    }
                    if *issued_in_stay {
                        self.error(
                            "kzrules::type_mismatch",
                            l.span,
                            String::from("`issued_in_stay` qualifies a document"),
                            "not a document",
                            String::from("write `or_later by expiry_of visa issued_in_stay`"),
                        );
                    }
                    or_later.push(OrLater {
                        limit: Limit::Within { n: *n, unit: *unit },
                        issued_in_stay: false,
                    });
                }
                ast::Limit::BeforeExpiry { .. }
                | ast::Limit::Rolling { .. }
                | ast::Limit::Monthly { .. } => {
                    self.error(
                        "kzrules::type_mismatch",
                        l.span,
                        String::from(
                            "`or_later` takes `by expiry_of DOCUMENT` or `within N UNIT of EVENT`",
                        ),
                        "not allowed here",
                        String::from("write `or_later by expiry_of employment_contract`"),
                    );
                }
            }
        }
        let when = match &d.when {
            Some(w) => Some(self.condition(w)?),
            None => None,
        };
        let citations = self.citations(&d.citations).into();
        Some(Duty {
            fulfilment: fulfilment?,
            trigger: trigger?,
            limits,
            or_later,
            citations,
            when,
            span,
        })
    }

    pub(super) fn extension(&mut self, e: &ast::Extension) {
        let from = self.date(&e.from);
        let to = self.date(&e.to);
        let until = self.date(&e.until);
        let citations = self.citations(&e.citations);
        if e.citations.is_empty() {
            self.error(
                "kzrules::no_citation",
                e.from.span,
                String::from("the amnesty cites no source"),
                "no `cite`",
                String::from("add `cite SOURCE \"decision\" seed \"file\"` naming the decision that grants it"),
            );
        }
        let (Some(from), Some(to), Some(until)) = (from, to, until) else {
            return;
        };
        if to < from {
            self.error(
                "kzrules::empty_period",
                e.to.span,
                format!("the amnesty's period ends on {to}, before it starts on {from}"),
                "ends before it starts",
                String::from("swap the dates or correct one of them"),
            );
        }
        if until < to {
            self.error(
                "kzrules::type_mismatch",
                e.until.span,
                format!(
                    "the amnesty moves due days to {until}, before the last day it covers ({to})"
                ),
                "earlier than the period",
                String::from("an amnesty moves a due day later: `until` is on or after `to`"),
            );
        }
        let extension = Extension {
            from,
            to,
            until,
            reason: e
                .because
                .as_ref()
                .map(|b| b.node.clone())
                .unwrap_or_else(|| String::from("amnesty")),
            citations: citations.into(),
        };
        for rule in &e.rules {
            if !self.resolve(rule, Kind::Rule) {
                continue;
            }
            for r in self.rules.iter_mut().filter(|r| r.id == rule.node) {
                r.extensions.push(extension.clone());
                r.extensions.sort_by_key(|x| x.from);
            }
        }
    }

    pub(super) fn exemption(&mut self, e: &ast::ExemptionDecl) {
        if !self.resolve(&e.rule, Kind::Rule) {
            return;
        }
        let versions: Vec<usize> = self
            .rules
            .iter()
            .enumerate()
            .filter(|(_, r)| r.id == e.rule.node)
            .map(|(i, _)| i)
            .collect();
        let rule_citations = versions
            .first()
            .and_then(|i| self.rules.get(*i))
            .map(|r| r.citations.clone())
            .unwrap_or_default();
        if let Some(exception) = self.exception(&e.exception, &rule_citations) {
            for i in versions {
                if let Some(r) = self.rules.get_mut(i) {
                    r.exceptions.push(exception.clone());
                }
            }
        }
    }
}

/// Names the rule in every `without_basis` of a condition; whether there was one.
fn name_rule_in_without_basis(cond: &mut Cond, id: &str) -> bool {
    match cond {
        Cond::WithoutBasis(rule) => {
            *rule = id.to_string();
            true
        }
        Cond::Or(parts) | Cond::And(parts) => {
            // Every part is named, not only up to the first one found.
            let mut found = false;
            for part in parts {
                found |= name_rule_in_without_basis(part, id);
            }
            found
        }
        Cond::Not(inner) => name_rule_in_without_basis(inner, id),
        _ => false,
    }
}
