//! Conditions, measures and windows of the IR in words, for `kzrules doc`, `explain`,
//! the coverage of `kzrules test`, and the reasons of exemptions that give none.

pub use crate::english::{counted, plural_s, with_article};
use crate::ir::{Cond, Measure};
use crate::vocab::DocumentKind;
use crate::vocab::{Compare, PeriodUnit, Window};

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
