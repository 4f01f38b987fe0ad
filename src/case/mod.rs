//! Case facts: the input of `kzrules check` (docs/contract.md, "Case facts").
//!
//! Reading a case goes in two steps; [`read_case`] does both:
//!
//! 1. [`parse_case`] reads the JSON text into a [`Case`]: syntax, field names, types, the
//!    names of kinds and other enum values, dates (`2024-02-30` does not exist), formats
//!    (`citizenship`, `time`), date order within one record (`valid_from` / `valid_until`,
//!    `birth_date` / `as_of`) and the size limits ([`MAX_INPUT_BYTES`], [`MAX_EVENTS`],
//!    [`MAX_DOCUMENTS`], [`MAX_PENALTIES`], [`MAX_STRING_CHARS`], [`MAX_DEPTH`]).
//! 2. [`prepare`] checks what needs the whole case (event `id`s unique, every `for` naming an
//!    event, entries and exits alternating), sorts the events into time order and works out
//!    the stays, giving the [`Facts`] the evaluator runs on.
//!
//! Every error is a [`CaseError`]: a stable code ([`CaseErrorKind::code`]), the JSON path
//! (`person.documents[1].kind`, `events[3].date`), the line and column in the text, what is
//! wrong in plain words and the fix. Errors of [`prepare`] carry the path only; [`read_case`]
//! (or [`CaseError::locate`]) adds the line, column and span from the text.
//!
//! The structs below are also the published JSON Schema of the input: their doc comments
//! become the schema's descriptions.

use std::collections::HashMap;
use std::fmt::{self, Write as _};

use chrono::{Days, NaiveDate};
use miette::{Diagnostic, LabeledSpan, SourceSpan};
use schemars::JsonSchema;
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;

use crate::dates::{parse_date, parse_time};
use crate::diagnostic::suggest::{did_you_mean_among as did_you_mean, nearest};
use crate::english::{article, name_list, plural, shorten, thousands, upper_first};
use crate::ir::{EventRoles, Vocabulary};
use crate::source::{line_column as line_col, strip_bom};
use crate::vocab::{
    Class, Declared, DocumentKind, Entries, EventKind, HostForm, HostKind, HostSize, Purpose,
};

mod error;
mod locate;
mod model;
mod read;
mod schema;
mod shape;
mod stays;
#[cfg(test)]
mod tests;
mod validate;

pub use error::{render_path, CaseError, CaseErrorDetail, CaseErrorKind, Seg};
pub use locate::{find_span, path_at, value_range};
pub use model::{Case, Document, Event, Host, PenaltyRecord, Person, Staff, StaffCount};
pub use read::{parse_case, parse_case_value, read_case};
pub use schema::with_vocabulary;
pub use stays::{prepare, Facts, SortedEvent, Stay};

use error::*;
use locate::*;
use read::*;
use shape::*;
use stays::*;
use validate::*;

/// The largest case text read, in bytes (16 MiB).
pub const MAX_INPUT_BYTES: usize = 16 * 1024 * 1024;
/// The most events one case may have.
pub const MAX_EVENTS: usize = 10_000;
/// The most documents one person may have.
pub const MAX_DOCUMENTS: usize = 100;
/// The most penalty records in one list (`person.penalties`, `host.penalties`).
pub const MAX_PENALTIES: usize = 1_000;
/// The longest string (value or `meta` key), in characters.
pub const MAX_STRING_CHARS: usize = 4_096;
/// The most employees one count of `host.staff` may give (Kazakhstan's whole workforce is
/// under 10 million).
pub const MAX_STAFF: u32 = 10_000_000;
/// The deepest nesting of arrays and objects (serde_json's own limit).
pub const MAX_DEPTH: usize = 128;
