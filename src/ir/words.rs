//! The IR in words: the one describer of rules, conditions, deadlines, penalties and
//! periods, used by `kzrules doc`, `explain`, the coverage of `kzrules test` and the
//! reasons of exemptions that give none. Two registers: English for readers
//! (`*_words`), and the rule language's own syntax for coverage reports (`*_syntax`).

use crate::english::{plural_s, with_article};
use crate::ir::{Branch, Cond, Duty, Fine, Limit, Measure, PenaltyCond, Period, Start};
use crate::vocab::{Bearer, Compare, DocumentKind, EventKind, HostForm, PeriodUnit, Unit, Window};

/// A document kind in words: `employment contract`.
pub fn document_words(kind: DocumentKind) -> String {
    kind.as_str().replace('_', " ")
}

/// A comparison in words: `at most`, `more than`.
pub fn compare_words(compare: Compare) -> &'static str {
    match compare {
        Compare::AtMost => "at most",
        Compare::AtLeast => "at least",
        Compare::Over => "more than",
        Compare::Under => "fewer than",
    }
}

/// A date offset in words: ` plus 3 months`.
pub fn offset_words(plus: Option<(u32, PeriodUnit)>) -> String {
    match plus {
        None => String::new(),
        Some((n, PeriodUnit::Months)) => format!(" plus {n} month{}", plural_s(n)),
        Some((n, PeriodUnit::Days)) => format!(" plus {n} day{}", plural_s(n)),
    }
}

/// A measure in words.
pub fn measure_words(measure: &Measure) -> String {
    match measure {
        Measure::DaysInKazakhstan => String::from("the days in Kazakhstan (entry and exit days counted)"),
        Measure::RegionTripDaysOutsidePermitRegion => String::from(
            "the days on trips to regions outside the work permit's region (departure and return days counted)",
        ),
        Measure::HostPenalties(article) => {
            format!("the penalties imposed on the host under art. {article}")
        }
        Measure::BlankPagesOfPassport => String::from("the blank pages of the passport"),
        Measure::LocalContentCategories12 => String::from(
            "the Kazakhstan citizens, in percent of the host's staff of categories 1 and 2 (EAEU citizens not counted),",
        ),
        Measure::LocalContentCategories34 => String::from(
            "the Kazakhstan citizens, in percent of the host's staff of categories 3 and 4 (EAEU citizens not counted),",
        ),
        Measure::Employees => {
            String::from("the host's employees in categories 1 to 4 (EAEU citizens included)")
        }
    }
}

/// A window in words: ` in a calendar year`.
pub fn window_words(window: Option<Window>) -> String {
    match window {
        None => String::new(),
        Some(Window::CalendarYear) => String::from(" in a calendar year"),
        Some(Window::AnyMonths(n)) => format!(" in any {n} month{}", plural_s(n)),
        Some(Window::LastMonths(n)) => format!(
            " in the last {n} month{} (ending on the day the case is judged on)",
            plural_s(n)
        ),
        Some(Window::LastDays(n)) => format!(
            " in the last {n} day{} (ending on the day judged)",
            plural_s(n)
        ),
    }
}

/// A condition in words, with offsets, windows and the members of small literal sets.
pub fn condition_words(cond: &Cond) -> String {
    let nested = |c: &Cond| match c {
        Cond::And(_) | Cond::Or(_) => format!("({})", condition_words(c)),
        _ => condition_words(c),
    };
    match cond {
        Cond::Or(parts) => parts.iter().map(nested).collect::<Vec<_>>().join(" or "),
        Cond::And(parts) => parts.iter().map(nested).collect::<Vec<_>>().join(" and "),
        Cond::Not(inner) => match inner.as_ref() {
            Cond::HolderOf { .. } => {
                condition_words(inner).replacen(" holds ", " does not hold ", 1)
            }
            Cond::CitizenOf { .. } | Cond::AgeUnder(_) => {
                condition_words(inner).replacen("the foreigner is ", "the foreigner is not ", 1)
            }
            other => format!("not ({})", condition_words(other)),
        },
        Cond::HolderOf {
            kind,
            categories,
            entries,
            longer_than_months,
            other_employer,
        } => {
            let mut s = format!(
                "the foreigner holds {}",
                with_article(&document_words(*kind))
            );
            if !categories.is_empty() {
                s.push_str(&format!(" of category {}", categories.join(" or ")));
            }
            if let Some(e) = entries {
                s.push_str(&format!(" ({}-entry)", e.as_str()));
            }
            if let Some(n) = longer_than_months {
                s.push_str(&format!(" valid for longer than {n} month{}", plural_s(*n)));
            }
            if *other_employer {
                s.push_str(" issued to an employer other than the host");
            }
            s
        }
        Cond::CitizenOf { name, versions } => {
            if name.starts_with(|c: char| c.is_ascii_lowercase()) {
                format!("the foreigner is a citizen of a country of the set `{name}`")
            } else {
                let codes: Vec<&str> = versions
                    .iter()
                    .flat_map(|(_, codes)| codes.iter().map(String::as_str))
                    .collect();
                format!("the foreigner is a citizen of {}", codes.join(", "))
            }
        }
        Cond::AgeUnder(n) => format!("the foreigner is younger than {n} years"),
        Cond::StayLongerThan(n) => {
            format!("the stay lasts longer than {n} days (entry and exit days counted)")
        }
        Cond::DayOfStay(compare, n) => format!(
            "the day is {} day {n} of the stay (the entry day is day 1)",
            compare_words(*compare)
        ),
        Cond::After(kind) => format!(
            "{} was recorded in the stay on or before the day",
            with_article(&kind.as_str().replace('_', " "))
        ),
        Cond::WithoutBasis(rule) => {
            format!("a day of a stay has none of the legal bases of the rule {rule}")
        }
        Cond::Purpose(p) => format!(
            "the purpose of the stay is {}",
            p.iter()
                .map(|x| x.as_str())
                .collect::<Vec<_>>()
                .join(" or ")
        ),
        Cond::HostKind(k) => format!(
            "the host is {}",
            k.iter()
                .map(|x| with_article(&x.as_str().replace('_', " ")))
                .collect::<Vec<_>>()
                .join(" or ")
        ),
        Cond::HostSize(k) => format!(
            "the host's size is {}",
            k.iter()
                .map(|x| x.as_str().replace('_', " "))
                .collect::<Vec<_>>()
                .join(" or ")
        ),
        Cond::HostForm(k) => format!(
            "the host is {}",
            k.iter()
                .map(|x| match x {
                    HostForm::State => "a state institution or state-owned enterprise",
                    HostForm::ForeignBranch => {
                        "a branch or representative office of a foreign legal entity"
                    }
                    HostForm::Other => "an organisation of another form",
                })
                .collect::<Vec<_>>()
                .join(" or ")
        ),
        Cond::DateBefore {
            left,
            left_plus,
            right,
            right_plus,
        } => format!(
            "the end of the {}{} is before the end of the {}{}",
            document_words(*left),
            offset_words(*left_plus),
            document_words(*right),
            offset_words(*right_plus)
        ),
        Cond::Measure {
            measure,
            window,
            compare,
            bound,
        } => format!(
            "{}{} are {} {bound}",
            measure_words(measure),
            window_words(*window),
            compare_words(*compare)
        ),
    }
}

/// Who bears a duty, as a sentence begins.
pub fn bearer_words(bearer: Bearer) -> &'static str {
    match bearer {
        Bearer::Host => "The host party",
        Bearer::Foreigner => "The foreigner",
        Bearer::Employer => "The employer",
    }
}

/// A unit of days in words.
pub fn unit_words(unit: Unit) -> &'static str {
    match unit {
        Unit::BusinessDays => "business days",
        Unit::CalendarDays => "calendar days",
    }
}

/// Event kinds as code, joined by "or".
pub fn events_words(kinds: &[EventKind]) -> String {
    kinds
        .iter()
        .map(|k| format!("`{}`", k.as_str()))
        .collect::<Vec<_>>()
        .join(" or ")
}

/// One deadline of a duty, in words.
pub fn limit_words(limit: &Limit, trigger: &Start) -> String {
    let from = match trigger {
        Start::Events(kinds) => format!("of each {}", events_words(kinds)),
        Start::Expiry(kind) => format!("of the end of the {}", document_words(*kind)),
        Start::Monthly(kinds) => format!("of each month from the {}", events_words(kinds)),
    };
    match limit {
        Limit::Within { n, unit } => format!("within {n} {} {from}", unit_words(*unit)),
        Limit::Before { n, unit } => {
            let of = match trigger {
                Start::Expiry(kind) => format!(
                    "the {} ends, for each one that ends while the stay goes on",
                    document_words(*kind)
                ),
                Start::Events(kinds) | Start::Monthly(kinds) => {
                    format!("each {}", events_words(kinds))
                }
            };
            format!("no later than {n} {} before {of}", unit_words(*unit))
        }
        Limit::ByExpiry(kind) => format!(
            "by the last day of the {} valid on the day {}",
            document_words(*kind),
            match trigger {
                Start::Events(kinds) | Start::Monthly(kinds) => {
                    format!("of the {}", events_words(kinds))
                }
                Start::Expiry(k) => format!("the {} ends", document_words(*k)),
            }
        ),
        Limit::DayOfMonth(day) => format!(
            "by day {day} of each month (the last day of a shorter month) {from}, while the stay goes on"
        ),
        Limit::Rolling { days, window } => {
            format!("so that the days in Kazakhstan are at most {days} in any {window} days")
        }
    }
}

/// A fine range in MCI: `20` or `10 to 20`.
pub fn amount(range: [u32; 2]) -> String {
    let [min, max] = range;
    if min == max {
        format!("{min}")
    } else {
        format!("{min} to {max}")
    }
}

/// The sanction of a penalty branch in words.
pub fn sanction_words(branch: &Branch) -> String {
    let fine = match &branch.fine {
        Fine::None => None,
        Fine::Flat(range) => Some(format!("fine {} MCI", amount(*range))),
        Fine::BySize(sizes) => Some(format!(
            "fine {} MCI",
            sizes
                .iter()
                .map(|(size, range)| format!("{} {}", size.as_str(), amount(*range)))
                .collect::<Vec<_>>()
                .join(", ")
        )),
    };
    match (branch.warning, fine) {
        (true, Some(f)) => format!("warning or {f}"),
        (false, Some(f)) => f,
        (_, None) => String::from("warning"),
    }
}

/// A condition of a penalty branch in words.
pub fn penalty_condition_words(cond: &PenaltyCond) -> String {
    match cond {
        PenaltyCond::DaysLate(compare, n) => {
            format!("{} {n} day{} late", compare_words(*compare), plural_s(*n))
        }
        PenaltyCond::Repeated { article, months } => format!(
            "repeated: the bearer was penalised under art. {article} in the {months} month{} before the violation",
            plural_s(*months)
        ),
        PenaltyCond::HostKind(kinds) => format!(
            "the host is {}",
            kinds
                .iter()
                .map(|k| with_article(&k.as_str().replace('_', " ")))
                .collect::<Vec<_>>()
                .join(" or ")
        ),
        PenaltyCond::HostSize(sizes) => format!(
            "the host's size is {}",
            sizes
                .iter()
                .map(|s| s.as_str().replace('_', " "))
                .collect::<Vec<_>>()
                .join(" or ")
        ),
        PenaltyCond::AgeUnder(n) => {
            format!("the foreigner is younger than {n} years on the day of the violation")
        }
    }
}

/// A period in force in words.
pub fn period_words(period: &Period) -> String {
    match (period.from, period.until) {
        (None, None) => String::from("always in force"),
        _ => format!("in force {}", period.describe()),
    }
}

// ---------------------------------------------------------------------------------------
// The IR as the rule language writes it (coverage reports).

/// One deadline as the rule language writes it: `within 3 business_days of entry`.
pub fn limit_syntax(limit: &Limit, trigger: &Start) -> String {
    let from = match trigger {
        Start::Events(kinds) => kinds
            .iter()
            .map(|k| k.as_str())
            .collect::<Vec<_>>()
            .join(" or "),
        Start::Expiry(kind) => format!("the end of the {}", kind.as_str()),
        Start::Monthly(kinds) => kinds
            .iter()
            .map(|k| k.as_str())
            .collect::<Vec<_>>()
            .join(" or "),
    };
    match limit {
        Limit::Within { n, unit } => format!("within {n} {} of {from}", unit.as_str()),
        Limit::Before { n, unit } => format!("no later than {n} {} before {from}", unit.as_str()),
        Limit::ByExpiry(kind) => format!("by the end of the {}", kind.as_str()),
        Limit::DayOfMonth(day) => format!("by day {day} of each month from {from}"),
        Limit::Rolling { days, window } => format!("within {days} days in any {window} days"),
    }
}

/// A duty as the rule language writes it: `exit within 30 calendar_days of entry when a citizen of ...`.
pub fn duty_syntax(duty: &Duty) -> String {
    let limits: Vec<String> = duty
        .limits
        .iter()
        .map(|l| limit_syntax(l, &duty.trigger))
        .collect();
    let mut s = format!("{} {}", duty.fulfilment.as_str(), limits.join(" and "));
    for later in &duty.or_later {
        s.push_str(&format!(
            " or_later {}",
            limit_syntax(&later.limit, &duty.trigger)
        ));
        if later.issued_in_stay {
            s.push_str(" issued_in_stay");
        }
    }
    if let Some(c) = &duty.when {
        s.push_str(&format!(" when {}", condition_words(c)));
    }
    s
}

/// A penalty branch as the rule language writes it.
pub fn branch_syntax(branch: &Branch) -> String {
    let conditions: Vec<String> = branch
        .conditions
        .iter()
        .map(|c| match c {
            PenaltyCond::DaysLate(cmp, n) => format!("days_late {} {n}", cmp.as_str()),
            PenaltyCond::Repeated { article, months } => {
                format!("repeated \"{article}\" within {months} months")
            }
            PenaltyCond::HostKind(kinds) => format!(
                "host is {}",
                kinds
                    .iter()
                    .map(|k| k.as_str())
                    .collect::<Vec<_>>()
                    .join(" or ")
            ),
            PenaltyCond::AgeUnder(n) => format!("age under {n}"),
            PenaltyCond::HostSize(sizes) => format!(
                "host size {}",
                sizes
                    .iter()
                    .map(|k| k.as_str())
                    .collect::<Vec<_>>()
                    .join(" or ")
            ),
        })
        .collect();
    let when = if conditions.is_empty() {
        String::from("otherwise")
    } else {
        format!("when {}", conditions.join(" and "))
    };
    let fine = match &branch.fine {
        Fine::None => String::new(),
        Fine::Flat([a, b]) if a == b => format!(" fine {a} MCI"),
        Fine::Flat([a, b]) => format!(" fine {a}-{b} MCI"),
        Fine::BySize(sizes) => {
            format!(
                " fine {}",
                sizes
                    .iter()
                    .map(|(s, [a, b])| if a == b {
                        format!("{} {a}", s.as_str())
                    } else {
                        format!("{} {a}-{b}", s.as_str())
                    })
                    .collect::<Vec<_>>()
                    .join(", ")
            ) + " MCI"
        }
    };
    format!(
        "{when}: article \"{}\"{}{fine}",
        branch.article,
        if branch.warning { " warning" } else { "" }
    )
}
