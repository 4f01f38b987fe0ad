//! Preparing a case for evaluation: whole-case checks, events in time order, stays worked out.

use super::*;

/// An event in time order, with its place in the input.
#[derive(Debug, Clone, PartialEq)]
pub struct SortedEvent {
    /// The event's index in the input's `events` (for the path `events[index]`).
    pub index: usize,
    /// The event.
    pub event: Event,
    /// Where the event has `for`: the index in [`Facts::events`] of the event it answers.
    pub answers: Option<usize>,
}

impl SortedEvent {
    /// The event's JSON path in the input, e.g. `events[3]`.
    pub fn path(&self) -> String {
        format!("events[{}]", self.index)
    }
}

/// A stay in Kazakhstan: from an `entry` to the next `exit`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stay {
    /// The entry, as an index into [`Facts::events`]; `None` for a stay begun before the
    /// case's records (closed by an exit before any entry).
    pub entry: Option<usize>,
    /// The exit, as an index into [`Facts::events`]; `None` while the stay is open.
    pub exit: Option<usize>,
    /// The entry date; `None` when begun before the records.
    pub start: Option<NaiveDate>,
    /// The exit date; `None` while the stay is open.
    pub end: Option<NaiveDate>,
}

/// A checked case, prepared for the evaluator: the events in time order and the stays.
///
/// The fields are the [`Case`]'s, except that the events are sorted into time order (by date,
/// then `time` where given; on one date, untimed exits and entries come before timed events,
/// an exit before an entry, and other untimed events after the timed ones; ties keep the
/// input order) and each keeps its input index.
#[derive(Debug, Clone, PartialEq)]
pub struct Facts {
    /// The case's id.
    pub case: String,
    /// The day the case is judged on, if the case gives one.
    pub as_of: Option<NaiveDate>,
    /// The foreigner.
    pub person: Person,
    /// The receiving party.
    pub host: Option<Host>,
    /// The purpose of the stay.
    pub purpose: Option<Purpose>,
    /// The planned length of a stay in days, counted from entry.
    pub planned_stay_days: Option<u32>,
    /// Free-form data.
    pub meta: Option<Value>,
    /// The events in time order.
    pub events: Vec<SortedEvent>,
    /// The stays in time order; only the last may be open.
    pub stays: Vec<Stay>,
    /// The event kinds that open and close stays and make trips to other regions, as the
    /// rule set's vocabulary declares them.
    pub roles: EventRoles,
}

/// Checks what needs the whole case and prepares it for the evaluator.
///
/// Runs the checks of [`parse_case`] on the fields too (so a `Case` built in code is checked
/// the same), then: event `id`s unique; every `for` names an event; entries and exits
/// alternate (an exit before any entry closes a stay begun before the records). Errors carry
/// the path; use [`CaseError::locate`] or [`read_case`] for the line and column.
pub fn prepare(case: Case, vocab: &Vocabulary) -> Result<Facts, CaseError> {
    validate_fields(&case, vocab)?;
    prepare_checked(case, vocab.event_roles())
}

pub(crate) fn event_segs(index: usize) -> Vec<Seg> {
    vec![key("events"), Seg::Index(index)]
}

pub(crate) fn event_field_segs(index: usize, field: &str) -> Vec<Seg> {
    vec![key("events"), Seg::Index(index), key(field)]
}

/// The sort key of an event: date, minute of the day (untimed exits and entries at -1,
/// other untimed events at 1440), exit before entry before the rest, input index.
pub(crate) fn order_key(
    event: &Event,
    index: usize,
    roles: &EventRoles,
) -> (NaiveDate, i32, u8, usize) {
    // Untimed events of one day in the order they happen when nothing else is known:
    // an exit closes the stay before an entry opens the next, a trip to another region
    // departs before a return comes back. The input's order decides only between
    // events of one kind, which no result tells apart.
    let kind = event.kind;
    let rank = if roles.closes(kind) {
        0
    } else if roles.opens(kind) {
        1
    } else if roles.leaves_region(kind) {
        2
    } else if roles.returns_from_region(kind) {
        3
    } else {
        4
    };
    let minute = match event.time.as_deref().and_then(parse_time) {
        Some(m) => i32::from(m),
        None if rank < 2 => -1,
        None => 24 * 60,
    };
    (event.date, minute, rank, index)
}

pub(crate) fn prepare_checked(case: Case, roles: EventRoles) -> Result<Facts, CaseError> {
    let Case {
        case,
        as_of,
        person,
        host,
        purpose,
        planned_stay_days,
        events,
        meta,
    } = case;

    // Ids unique.
    let mut ids: HashMap<&str, usize> = HashMap::new();
    for (i, event) in events.iter().enumerate() {
        if let Some(id) = event.id.as_deref() {
            if let Some(&first) = ids.get(id) {
                return Err(CaseError::new(
                    CaseErrorKind::DuplicateId,
                    event_field_segs(i, "id"),
                    format!(
                        "the id `{}` is already the id of events[{first}]",
                        shorten(id, 40)
                    ),
                    Some("give each event its own id".to_string()),
                )
                .with_also(event_field_segs(first, "id")));
            }
            ids.insert(id, i);
        }
    }

    // Every `for` names an event.
    for (i, event) in events.iter().enumerate() {
        let Some(target) = event.r#for.as_deref() else {
            continue;
        };
        if event.id.as_deref() == Some(target) {
            return Err(CaseError::new(
                CaseErrorKind::UnknownFor,
                event_field_segs(i, "for"),
                format!("`for` names the event's own id `{}`", shorten(target, 40)),
                Some(
                    "`for` names the event this one answers, e.g. the entry a notification is for"
                        .to_string(),
                ),
            ));
        }
        if !ids.contains_key(target) {
            let mut known: Vec<&str> = events.iter().filter_map(|e| e.id.as_deref()).collect();
            let help = if known.is_empty() {
                format!(
                    "no event has an id; give the answered event \"id\": \"{}\", or remove `for`",
                    shorten(target, 40)
                )
            } else {
                let suggestion = nearest(target, known.iter().copied());
                known.truncate(10);
                let list = name_list(known.iter().copied(), 10);
                match suggestion {
                    Some(s) => format!("did you mean `{s}`? Event ids in this case: {list}"),
                    None => format!("event ids in this case: {list}"),
                }
            };
            return Err(CaseError::new(
                CaseErrorKind::UnknownFor,
                event_field_segs(i, "for"),
                format!(
                    "`for` names the id `{}`, but no event has it",
                    shorten(target, 40)
                ),
                Some(help),
            ));
        }
    }
    drop(ids);

    // Sort into time order.
    let mut keyed: Vec<((NaiveDate, i32, u8, usize), Event)> = events
        .into_iter()
        .enumerate()
        .map(|(i, e)| (order_key(&e, i, &roles), e))
        .collect();
    keyed.sort_unstable_by_key(|(k, _)| *k);
    let mut sorted: Vec<SortedEvent> = keyed
        .into_iter()
        .map(|((_, _, _, index), event)| SortedEvent {
            index,
            event,
            answers: None,
        })
        .collect();
    order_same_day_entry_and_exit(&mut sorted, &roles);
    let position: HashMap<String, usize> = sorted
        .iter()
        .enumerate()
        .filter_map(|(pos, e)| e.event.id.clone().map(|id| (id, pos)))
        .collect();
    for e in &mut sorted {
        e.answers = e
            .event
            .r#for
            .as_deref()
            .and_then(|f| position.get(f).copied());
    }

    let stays = work_out_stays(&sorted, &roles)?;
    Ok(Facts {
        case,
        as_of,
        person,
        host,
        purpose,
        planned_stay_days,
        meta,
        events: sorted,
        stays,
        roles,
    })
}

/// An `entry` and an `exit` on one date without times: the sort put the exit first (the
/// foreigner left and came back). That is right when a stay is open before that date;
/// when none is (or nothing is recorded before), the entry comes first (a day visit),
/// unless the next recorded entry or exit after that date is an exit, which shows the
/// foreigner inside after it (docs/contract.md, "Same-day order").
pub(crate) fn order_same_day_entry_and_exit(sorted: &mut [SortedEvent], roles: &EventRoles) {
    let is_move = |e: &SortedEvent| roles.opens(e.event.kind) || roles.closes(e.event.kind);
    let untimed = |e: &SortedEvent| e.event.time.is_none();
    let mut open = false;
    let mut i = 0;
    while i < sorted.len() {
        let Some(current) = sorted.get(i) else {
            break;
        };
        let date = current.event.date;
        // The entries and exits of this date.
        let same_day: Vec<usize> = (i..sorted.len())
            .take_while(|&j| sorted.get(j).is_some_and(|e| e.event.date == date))
            .filter(|&j| sorted.get(j).is_some_and(is_move))
            .collect();
        let day_end = (i..sorted.len())
            .find(|&j| sorted.get(j).is_some_and(|e| e.event.date != date))
            .unwrap_or(sorted.len());
        if let [exit_at, entry_at] = same_day[..] {
            let pair = (sorted.get(exit_at), sorted.get(entry_at));
            if let (Some(exit), Some(entry)) = pair {
                if roles.closes(exit.event.kind)
                    && roles.opens(entry.event.kind)
                    && untimed(exit)
                    && untimed(entry)
                {
                    let next_is_exit = sorted
                        .get(day_end..)
                        .unwrap_or_default()
                        .iter()
                        .find(|e| is_move(e))
                        .is_some_and(|e| roles.closes(e.event.kind));
                    if !open && !next_is_exit {
                        sorted.swap(exit_at, entry_at);
                    }
                }
            }
        }
        for j in i..day_end {
            if let Some(e) = sorted.get(j) {
                if roles.opens(e.event.kind) {
                    open = true;
                } else if roles.closes(e.event.kind) {
                    open = false;
                }
            }
        }
        i = day_end;
    }
}

pub(crate) fn order_error(
    first: &SortedEvent,
    second: &SortedEvent,
    opening: bool,
    roles: &EventRoles,
) -> CaseError {
    let name =
        |kind: Option<EventKind>, fallback: &'static str| kind.map_or(fallback, EventKind::as_str);
    let (opens, closes) = (
        name(roles.opens_stay, "entry"),
        name(roles.closes_stay, "exit"),
    );
    // "entries", "exits": the kinds' names in the plural.
    let plural = |name: &str| match name.strip_suffix('y') {
        Some(stem) => format!("{stem}ies"),
        None => format!("{name}s"),
    };
    let (noun, missing) = if opening {
        (plural(opens), closes)
    } else {
        (plural(closes), opens)
    };
    CaseError::new(
        CaseErrorKind::EventOrder,
        event_segs(second.index),
        format!(
            "two {noun} with no {missing} between them: {} on {} and {} on {}",
            first.path(),
            first.event.date,
            second.path(),
            second.event.date
        ),
        Some(format!(
            "add the `{missing}` between them, or remove the one recorded twice; on one day, give both a `time`"
        )),
    )
    .with_also(event_segs(first.index))
}

pub(crate) fn work_out_stays(
    sorted: &[SortedEvent],
    roles: &EventRoles,
) -> Result<Vec<Stay>, CaseError> {
    let mut stays = Vec::new();
    let mut open: Option<(usize, &SortedEvent)> = None;
    let mut last_exit: Option<&SortedEvent> = None;
    for (pos, e) in sorted.iter().enumerate() {
        if roles.opens(e.event.kind) {
            if let Some((_, first)) = open {
                return Err(order_error(first, e, true, roles));
            }
            open = Some((pos, e));
        } else if roles.closes(e.event.kind) {
            {
                match open.take() {
                    Some((entry, entry_event)) => stays.push(Stay {
                        entry: Some(entry),
                        exit: Some(pos),
                        start: Some(entry_event.event.date),
                        end: Some(e.event.date),
                    }),
                    None => {
                        if let Some(first) = last_exit {
                            return Err(order_error(first, e, false, roles));
                        }
                        stays.push(Stay {
                            entry: None,
                            exit: Some(pos),
                            start: None,
                            end: Some(e.event.date),
                        });
                    }
                }
                last_exit = Some(e);
            }
        }
    }
    if let Some((entry, entry_event)) = open {
        stays.push(Stay {
            entry: Some(entry),
            exit: None,
            start: Some(entry_event.event.date),
            end: None,
        });
    }
    Ok(stays)
}

impl Facts {
    /// The person's documents of `kind`, in input order.
    pub fn documents_of(&self, kind: DocumentKind) -> impl Iterator<Item = &Document> + '_ {
        self.person.documents.iter().filter(move |d| d.kind == kind)
    }

    /// A document of `kind` valid on `date` (`valid_from` / `valid_until` inclusive, a
    /// missing bound open); of several, the one valid longest (the first of equals).
    pub fn document_valid_on(&self, kind: DocumentKind, date: NaiveDate) -> Option<&Document> {
        self.documents_of(kind).filter(|d| d.valid_on(date)).fold(
            None,
            |best: Option<&Document>, d| match best {
                Some(b)
                    if b.valid_until.unwrap_or(NaiveDate::MAX)
                        >= d.valid_until.unwrap_or(NaiveDate::MAX) =>
                {
                    Some(b)
                }
                _ => Some(d),
            },
        )
    }

    /// The person's age in full years on `date`; `None` without `birth_date` or before it.
    pub fn age_on(&self, date: NaiveDate) -> Option<u32> {
        self.person
            .birth_date
            .and_then(|birth| date.years_since(birth))
    }

    /// The event at `pos` in time order.
    pub fn event(&self, pos: usize) -> Option<&SortedEvent> {
        self.events.get(pos)
    }

    /// The stay that includes `date` (entry and exit days included; an open stay includes
    /// every day from its entry). When one stay ends and the next begins on `date`, the later.
    pub fn stay_containing(&self, date: NaiveDate) -> Option<&Stay> {
        let begun = self
            .stays
            .partition_point(|s| s.start.is_none_or(|start| start <= date));
        let stay = self.stays.get(begun.checked_sub(1)?)?;
        stay.end.is_none_or(|end| date <= end).then_some(stay)
    }

    /// The last day of `stay`: its exit date, else entry + `planned_stay_days` - 1, else `None`.
    pub fn stay_end_or_planned(&self, stay: &Stay) -> Option<NaiveDate> {
        if stay.end.is_some() {
            return stay.end;
        }
        let days = self.planned_stay_days?.checked_sub(1)?;
        stay.start?.checked_add_days(Days::new(u64::from(days)))
    }

    /// The number of days in `[from, to]` spent in Kazakhstan: days of stays, entry and exit
    /// days both counted, each day once (leaving and returning on one day is one day); an open
    /// stay counts up to `as_of`; a stay begun before the records counts only its exit day
    /// (the days before it are not known: see [`Facts::unknown_days_before`]).
    pub fn days_in_kazakhstan(&self, from: NaiveDate, to: NaiveDate, as_of: NaiveDate) -> u32 {
        if to < from {
            return 0;
        }
        let first = self
            .stays
            .partition_point(|s| s.end.is_some_and(|end| end < from));
        let mut total: i64 = 0;
        let mut counted_to: Option<NaiveDate> = None;
        for stay in self.stays.iter().skip(first) {
            // A stay begun before the records is known only by its exit day.
            let Some(known_start) = stay.start.or(stay.end) else {
                continue;
            };
            let mut start = known_start.max(from);
            if start > to {
                break;
            }
            if let Some(counted) = counted_to {
                if counted >= start {
                    match counted.succ_opt() {
                        Some(next) => start = next,
                        None => break,
                    }
                }
            }
            let end = stay.end.unwrap_or(as_of).min(to);
            if end >= start {
                total += (end - start).num_days() + 1;
                counted_to = Some(end);
            }
        }
        u32::try_from(total).unwrap_or(u32::MAX)
    }

    /// The exit day of a stay begun before the records that ends in `[from, to]`: the days
    /// before it are not known, so a count over that window may be too low.
    pub fn unknown_days_before(&self, from: NaiveDate, to: NaiveDate) -> Option<NaiveDate> {
        self.stays
            .iter()
            .filter(|s| s.start.is_none())
            .filter_map(|s| s.end)
            .find(|end| *end >= from && *end <= to)
    }

    /// The planned or actual last day of the stay that includes `date`.
    pub fn stay_end_on(&self, date: NaiveDate) -> Option<NaiveDate> {
        self.stay_containing(date)
            .and_then(|s| self.stay_end_or_planned(s))
    }

    /// The index in [`Facts::events`] of the event with `id`.
    pub fn event_by_id(&self, id: &str) -> Option<usize> {
        self.events
            .iter()
            .position(|e| e.event.id.as_deref() == Some(id))
    }
}
