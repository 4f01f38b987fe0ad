//! `kzrules doc`: the rule catalog generated from the compiled rule files.
//!
//! The catalog is built once as a small document (headings, paragraphs, lists, tables,
//! code) and rendered in one place per format: Markdown (`docs/catalog.md`) and a single
//! self-contained HTML page. Everything in it comes from the [`Program`] (the IR), from
//! the rule files' text (each rule as written) and from the rule tests beside the rules
//! (`DIR/tests/*.json`); the output is the same for the same input, byte for byte.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use crate::ir::words::{
    bearer_words, condition_words, limit_words, penalty_condition_words, period_words,
    sanction_words,
};
use crate::ir::{Branch, Cond, Duty, PenaltySchedule, Period, Program, Rule};
use crate::vocab::Citation;

mod model;
mod render;

use model::*;
use render::{render_html, render_markdown};

/// Output formats of `kzrules doc`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum DocFormat {
    /// Markdown.
    Markdown,
    /// HTML.
    Html,
}

/// The command that regenerates `docs/catalog.md`.
pub const REGENERATE: &str = "cargo run -q -- doc > docs/catalog.md";

// ---------------------------------------------------------------------------------------
// The rule tests beside the rules.

/// One rule test file.
#[derive(Debug, Clone)]
struct TestFile {
    /// The path as shown, e.g. `rules/tests/arrival.json`.
    path: String,
    /// Its `name`, when it has one.
    name: Option<String>,
    /// The rule ids its `expect` mentions (every `"rule"` field in it).
    rules: BTreeSet<String>,
}

/// The rule tests of a folder, and the files that could not be read.
#[derive(Debug, Default)]
struct RuleTests {
    /// Whether the tests folder exists.
    found: bool,
    /// The test files, by path.
    files: Vec<TestFile>,
    /// Files that could not be read or are not JSON objects, with why.
    unreadable: Vec<(String, String)>,
}

/// Every `"rule"` string under a JSON value.
fn collect_rules(value: &serde_json::Value, out: &mut BTreeSet<String>) {
    match value {
        serde_json::Value::Object(map) => {
            for (key, v) in map {
                match (key.as_str(), v) {
                    ("rule", serde_json::Value::String(id)) => {
                        out.insert(id.clone());
                    }
                    _ => collect_rules(v, out),
                }
            }
        }
        serde_json::Value::Array(items) => {
            for item in items {
                collect_rules(item, out);
            }
        }
        _ => {}
    }
}

/// Read the rule tests of `rules_dir/tests/*.json`, in name order.
fn load_tests(rules_dir: Option<&Path>) -> RuleTests {
    let Some(dir) = rules_dir.map(|d| d.join("tests")) else {
        return RuleTests::default();
    };
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return RuleTests::default();
    };
    let mut paths: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.is_file() && p.extension().is_some_and(|e| e == "json"))
        .collect();
    paths.sort();
    let mut tests = RuleTests {
        found: true,
        ..RuleTests::default()
    };
    for path in paths {
        let shown = path.display().to_string();
        let value = std::fs::read_to_string(&path)
            .map_err(|e| e.to_string())
            .and_then(|t| serde_json::from_str::<serde_json::Value>(&t).map_err(|e| e.to_string()));
        match value {
            Ok(serde_json::Value::Object(map)) => {
                let mut rules = BTreeSet::new();
                if let Some(expect) = map.get("expect") {
                    collect_rules(expect, &mut rules);
                }
                tests.files.push(TestFile {
                    path: shown,
                    name: map
                        .get("name")
                        .and_then(serde_json::Value::as_str)
                        .map(String::from),
                    rules,
                });
            }
            Ok(_) => tests
                .unreadable
                .push((shown, String::from("not a JSON object"))),
            Err(e) => tests.unreadable.push((shown, e)),
        }
    }
    tests
}

// ---------------------------------------------------------------------------------------
// The law in words.

/// A duty in words: its trigger, its deadlines, its condition and what fulfils it.
fn duty_words(duty: &Duty) -> Vec<Inline> {
    let mut words = String::new();
    let limits: Vec<String> = duty
        .limits
        .iter()
        .map(|l| limit_words(l, &duty.trigger))
        .collect();
    words.push_str(&limits.join(" and "));
    if limits.len() > 1 {
        words.push_str(" (the earliest day is the due day)");
    }
    for later in &duty.or_later {
        let _ = write!(
            words,
            ", or later: {}{} (the due day is never before it)",
            limit_words(&later.limit, &duty.trigger),
            if later.issued_in_stay {
                ", of a document that began after the entry day of the stay"
            } else {
                ""
            }
        );
    }
    if let Some(when) = &duty.when {
        let _ = write!(words, ", when {}", condition_words(when));
    }
    let fulfilment = duty.fulfilment.as_str();
    let _ = write!(
        words,
        "; done by {} `{fulfilment}` event",
        if fulfilment.starts_with(['a', 'e', 'i', 'o', 'u']) {
            "an"
        } else {
            "a"
        }
    );
    inline_code_spans(&words)
}

/// Split text with `backquoted` names into text and code inlines.
fn inline_code_spans(s: &str) -> Vec<Inline> {
    let mut out = Vec::new();
    for (i, part) in s.split('`').enumerate() {
        if part.is_empty() {
            continue;
        }
        out.push(if i % 2 == 1 { code(part) } else { text(part) });
    }
    out
}

fn citation_inlines(citation: &Citation) -> Vec<Inline> {
    let mut out = vec![text(format!("{}, {}", citation.source, citation.reference))];
    if let Some(seed) = &citation.seed {
        out.push(text(" (seed "));
        out.push(code(seed.clone()));
        out.push(text(")"));
    }
    out
}

fn citations_inline(citations: &[Citation]) -> Vec<Inline> {
    let mut out = Vec::new();
    for (i, c) in citations.iter().enumerate() {
        if i > 0 {
            out.push(text("; "));
        }
        out.extend(citation_inlines(c));
    }
    out
}

fn citation_table(citations: &[Citation]) -> Block {
    Block::Table(
        vec!["source", "reference", "seed"],
        citations
            .iter()
            .map(|c| {
                vec![
                    vec![text(c.source.clone())],
                    vec![text(c.reference.clone())],
                    c.seed.iter().map(|s| code(s.clone())).collect(),
                ]
            })
            .collect(),
    )
}

fn branch_table(branches: &[Branch]) -> Block {
    Block::Table(
        vec!["when", "article", "sanction"],
        branches
            .iter()
            .map(|b| {
                let when = if b.conditions.is_empty() {
                    String::from("otherwise")
                } else {
                    b.conditions
                        .iter()
                        .map(penalty_condition_words)
                        .collect::<Vec<_>>()
                        .join(" and ")
                };
                vec![
                    vec![text(when)],
                    vec![text(b.article.clone())],
                    vec![text(sanction_words(b))],
                ]
            })
            .collect(),
    )
}

// ---------------------------------------------------------------------------------------
// The rule text as written.

/// The text of the `rule` (or `penalty`) block whose name starts at `name_start`, with
/// the comment lines written right above it; `None` when the place is not such a block.
fn rule_text(source: &str, name_start: usize) -> Option<String> {
    let before = source.get(..name_start)?;
    let trimmed = before.trim_end();
    let keyword = trimmed
        .strip_suffix("rule")
        .or_else(|| trimmed.strip_suffix("penalty"))
        .map(str::len)?;
    // The matching `}` of the block's `{`, outside texts and comments.
    let mut depth = 0usize;
    let mut end = None;
    let mut in_text = false;
    let mut escaped = false;
    let mut in_comment = false;
    for (i, c) in source.get(name_start..)?.char_indices() {
        if in_comment {
            in_comment = c != '\n';
        } else if in_text {
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                in_text = false;
            }
        } else {
            match c {
                '#' => in_comment = true,
                '"' => in_text = true,
                '{' => depth += 1,
                '}' => {
                    depth = depth.checked_sub(1)?;
                    if depth == 0 {
                        end = Some(name_start + i + 1);
                        break;
                    }
                }
                _ => {}
            }
        }
    }
    let end = end?;
    // The comment lines right above the `rule` line.
    let line_start = before.get(..keyword)?.rfind('\n').map_or(0, |i| i + 1);
    let mut start = line_start;
    while let Some(previous_end) = start.checked_sub(1) {
        let previous_start = source.get(..previous_end)?.rfind('\n').map_or(0, |i| i + 1);
        if source
            .get(previous_start..previous_end)?
            .trim_start()
            .starts_with('#')
        {
            start = previous_start;
        } else {
            break;
        }
    }
    let block = source.get(start..end)?;
    let indent = source.get(line_start..keyword).map_or(0, str::len);
    Some(
        block
            .lines()
            .map(|l| {
                l.get(indent.min(l.len() - l.trim_start().len())..)
                    .unwrap_or(l)
                    .trim_end()
            })
            .collect::<Vec<_>>()
            .join("\n"),
    )
}

// ---------------------------------------------------------------------------------------
// The catalog.

struct Catalog<'a> {
    program: &'a Program,
    tests: RuleTests,
    blocks: Vec<Block>,
    /// Each rule id's versions, in the program's order: found once, not by going
    /// through every rule again for each id.
    versions: HashMap<&'a str, Vec<&'a Rule>>,
    /// Where the newlines of each rule file are: a place's line is found by a binary
    /// search, not by counting the file's newlines again for each rule.
    newlines: Vec<Vec<usize>>,
}

impl<'a> Catalog<'a> {
    fn new(program: &'a Program, tests: RuleTests) -> Self {
        let mut versions: HashMap<&str, Vec<&Rule>> = HashMap::new();
        for rule in &program.rules {
            versions.entry(rule.id.as_str()).or_default().push(rule);
        }
        let newlines = program
            .files
            .iter()
            .map(|f| {
                f.text
                    .bytes()
                    .enumerate()
                    .filter(|(_, b)| *b == b'\n')
                    .map(|(i, _)| i)
                    .collect()
            })
            .collect();
        Catalog {
            program,
            tests,
            blocks: Vec::new(),
            versions,
            newlines,
        }
    }

    /// The versions of the rule `id`, in the program's order.
    fn versions(&self, id: &str) -> Vec<&'a Rule> {
        self.versions.get(id).cloned().unwrap_or_default()
    }

    /// The 1-based line of byte `offset` of rule file `file` (as
    /// [`crate::source::line_column`] counts it).
    fn line_of(&self, file: usize, offset: usize) -> usize {
        self.newlines
            .get(file)
            .map_or(0, |newlines| newlines.partition_point(|&p| p < offset))
            + 1
    }

    fn push(&mut self, block: Block) {
        self.blocks.push(block);
    }

    fn tests_of(&self, id: &str) -> Vec<&TestFile> {
        self.tests
            .files
            .iter()
            .filter(|t| t.rules.contains(id))
            .collect()
    }

    fn push_tests(&mut self, id: &str) {
        let items: Vec<Vec<Inline>> = self
            .tests_of(id)
            .iter()
            .map(|t| {
                let mut item = vec![code(t.path.clone())];
                if let Some(name) = &t.name {
                    item.push(text(format!(": {name}")));
                }
                item
            })
            .collect();
        if items.is_empty() {
            self.push(Block::Paragraph(vec![strong("Tests:"), text(" no tests")]));
        } else {
            self.push(Block::Paragraph(vec![
                strong("Tests"),
                text(format!(
                    " ({}, whose expectations name this rule):",
                    items.len()
                )),
            ]));
            self.push(Block::List(items));
        }
    }

    fn header(&mut self) {
        let program = self.program;
        let ids = program.rule_ids();
        self.push(Block::Heading(1, vec![text("Rule catalog")]));
        self.push(Block::Paragraph(vec![
            text("Generated by "),
            code("kzrules doc"),
            text(" from the rule files; do not edit it by hand. After changing a rule, run "),
            code(REGENERATE),
            text(". The counting conventions (which day is day 1) are in "),
            code("docs/language.md"),
            text("."),
        ]));
        let files: Vec<Inline> = program
            .files
            .iter()
            .enumerate()
            .flat_map(|(i, f)| {
                let mut v = Vec::new();
                if i > 0 {
                    v.push(text(", "));
                }
                v.push(code(f.name.clone()));
                v
            })
            .collect();
        let count = |n: usize, what: &str| format!("{n} {what}{}", if n == 1 { "" } else { "s" });
        let mut summary = vec![text(format!(
            "{} in {}, {}, {}, from ",
            count(ids.len(), "rule"),
            count(program.rules.len(), "version"),
            count(program.penalties.len(), "penalty schedule"),
            count(program.parameters.len(), "parameter")
        ))];
        summary.extend(files);
        summary.push(text("."));
        self.push(Block::Paragraph(summary));

        let rows = ids
            .iter()
            .map(|id| {
                let versions = self.versions(id);
                let title = versions.last().map(|r| r.title.clone()).unwrap_or_default();
                let kind = if versions.iter().any(|r| !r.duties.is_empty()) {
                    versions
                        .last()
                        .map_or("", |r| r.bearer.as_str())
                        .to_string()
                } else {
                    String::from("findings")
                };
                let periods = versions
                    .iter()
                    .map(|r| r.period.describe())
                    .collect::<Vec<_>>()
                    .join("; ");
                let penalty: BTreeSet<&str> = versions
                    .iter()
                    .filter_map(|r| r.penalty.as_deref())
                    .collect();
                let tests = self.tests_of(id).len();
                vec![
                    vec![Inline::Link(vec![code(*id)], slug(id))],
                    vec![text(title)],
                    vec![text(kind)],
                    vec![text(periods)],
                    penalty.iter().map(|p| code(*p)).collect(),
                    vec![text(tests.to_string())],
                ]
            })
            .collect();
        self.push(Block::Table(
            vec!["id", "title", "bearer", "in force", "penalty", "tests"],
            rows,
        ));
    }

    fn rules(&mut self) {
        let program = self.program;
        self.push(Block::Heading(2, vec![text("Rules")]));
        for id in program.rule_ids() {
            let versions = self.versions(id);
            self.push(Block::Heading(3, vec![code(id)]));
            let periods: Vec<String> = versions.iter().map(|r| r.period.describe()).collect();
            self.push(Block::Paragraph(vec![text(format!(
                "{} version{}: {}.",
                versions.len(),
                if versions.len() == 1 { "" } else { "s" },
                periods.join("; ")
            ))]));
            self.push_tests(id);
            for (n, rule) in versions.iter().enumerate() {
                self.rule_version(rule, n + 1, versions.len());
            }
        }
    }

    fn rule_version(&mut self, rule: &Rule, number: usize, count: usize) {
        let program = self.program;
        let heading = if count == 1 {
            format!("{}, {}", rule.title, period_words(&rule.period))
        } else {
            format!(
                "Version {number}: {}, {}",
                rule.title,
                period_words(&rule.period)
            )
        };
        self.push(Block::Heading(4, vec![text(heading)]));

        // What it says, in words.
        if !rule.duties.is_empty() {
            self.push(Block::Paragraph(vec![text(format!(
                "{} must {}:",
                bearer_words(rule.bearer),
                rule.action
            ))]));
            self.push(Block::List(rule.duties.iter().map(duty_words).collect()));
        }
        if !rule.when.is_empty() {
            let conditions: Vec<String> = rule.when.iter().map(condition_words).collect();
            self.push(Block::Paragraph(vec![
                strong("Applies only when"),
                text(format!(" {}.", conditions.join(", and "))),
            ]));
        }
        if !rule.bases.is_empty() {
            self.push(Block::Paragraph(vec![
                strong("Legal bases of stay:"),
                text(" a day of a stay is covered when one of them holds (the condition on entry judged on the stay's entry day, the other on the day):"),
            ]));
            self.push(Block::List(
                rule.bases
                    .iter()
                    .map(|b| {
                        let mut item = vec![strong(b.name.clone()), text(": ")];
                        let mut words = String::new();
                        if let Some(at_entry) = &b.at_entry {
                            let _ = write!(
                                words,
                                "when on the entry day {}, ",
                                condition_words(at_entry)
                            );
                        }
                        let _ = write!(words, "while {}", condition_words(&b.while_));
                        item.extend(inline_code_spans(&words));
                        if b.citations != rule.citations && !b.citations.is_empty() {
                            item.push(text(". Sources: "));
                            item.extend(citations_inline(&b.citations));
                        }
                        item
                    })
                    .collect(),
            ));
        }
        if !rule.findings.is_empty() {
            self.push(Block::Paragraph(vec![strong("Findings:")]));
            self.push(Block::List(
                rule.findings
                    .iter()
                    .map(|f| {
                        vec![
                            code(f.severity.as_str()),
                            text(format!(
                                " \"{}\" when {}",
                                f.message,
                                condition_words(&f.condition)
                            )),
                        ]
                    })
                    .collect(),
            ));
        }
        if !rule.exceptions.is_empty() {
            self.push(Block::Paragraph(vec![strong("Exceptions:")]));
            self.push(Block::List(
                rule.exceptions
                    .iter()
                    .map(|e| {
                        let mut item = vec![
                            text(format!("when {}: ", condition_words(&e.condition))),
                            strong(e.reason.clone()),
                        ];
                        if e.citations == rule.citations {
                            item.push(text(" (the rule's sources)"));
                        } else if !e.citations.is_empty() {
                            item.push(text(". Sources: "));
                            item.extend(citations_inline(&e.citations));
                        }
                        item
                    })
                    .collect(),
            ));
        }
        match &rule.penalty {
            Some(id) => {
                let mut paragraph = vec![strong("Penalty:"), text(" ")];
                paragraph.push(Inline::Link(
                    vec![code(id.clone())],
                    slug(&format!("Penalty schedule {id}")),
                ));
                let versions = program.penalties.get(id).map_or(&[][..], Vec::as_slice);
                let in_force: Vec<&PenaltySchedule> = versions
                    .iter()
                    .filter(|p| p.period.overlaps(&rule.period))
                    .collect();
                paragraph.push(text(if in_force.len() == 1 {
                    ", tried in order, the first that holds applies:"
                } else {
                    ", by the version in force on the day of the violation:"
                }));
                self.push(Block::Paragraph(paragraph));
                for schedule in in_force {
                    if versions.len() > 1 {
                        self.push(Block::Paragraph(vec![text(format!(
                            "{} ({}):",
                            schedule.title,
                            period_words(&schedule.period)
                        ))]));
                    }
                    self.push(branch_table(&schedule.branches));
                }
            }
            None if !rule.duties.is_empty() => {
                self.push(Block::Paragraph(vec![
                    strong("Penalty:"),
                    text(" none named"),
                ]));
            }
            None => {}
        }
        if !rule.extensions.is_empty() {
            self.push(Block::Paragraph(vec![
                strong("Amnesties:"),
                text(" a due day from the first day to the last moves to the new due day."),
            ]));
            self.push(Block::Table(
                vec!["from", "to", "new due day", "why", "sources"],
                rule.extensions
                    .iter()
                    .map(|x| {
                        vec![
                            vec![text(x.from.to_string())],
                            vec![text(x.to.to_string())],
                            vec![text(x.until.to_string())],
                            vec![text(x.reason.clone())],
                            citations_inline(&x.citations),
                        ]
                    })
                    .collect(),
            ));
        }
        self.push(Block::Paragraph(vec![strong("Citations:")]));
        self.push(citation_table(&rule.citations));

        self.as_written(rule.span);
    }

    /// The declaration at `span` as written, with the comment lines above it (where the
    /// ambiguities of the law are explained).
    fn as_written(&mut self, span: crate::source::Span) {
        let index = usize::try_from(span.file).unwrap_or(usize::MAX);
        if let Some(file) = self.program.files.get(index) {
            let start = usize::try_from(span.start).unwrap_or(usize::MAX);
            let line = self.line_of(index, start);
            self.push(Block::Paragraph(vec![
                strong("As written"),
                text(" in "),
                code(file.name.clone()),
                text(format!(", line {line}:")),
            ]));
            if let Some(written) = rule_text(&file.text, start) {
                self.push(Block::Code("kzrules", written));
            }
        }
    }

    fn penalties(&mut self) {
        let program = self.program;
        self.push(Block::Heading(2, vec![text("Penalty schedules")]));
        self.push(Block::Paragraph(vec![text(
            "The branches are tried in order; the first that holds applies. Fines are in MCI; \
             in tenge, the MCI in force on the day of the violation (the day after the due day).",
        )]));
        for (id, versions) in &program.penalties {
            self.push(Block::Heading(
                3,
                vec![text("Penalty schedule "), code(id.clone())],
            ));
            let users: BTreeSet<&str> = program
                .rules
                .iter()
                .filter(|r| r.penalty.as_deref() == Some(id.as_str()))
                .map(|r| r.id.as_str())
                .collect();
            let mut used = vec![text("Used by: ")];
            if users.is_empty() {
                used.push(text("no rule"));
            }
            for (i, user) in users.iter().enumerate() {
                if i > 0 {
                    used.push(text(", "));
                }
                used.push(Inline::Link(vec![code(*user)], slug(user)));
            }
            used.push(text("."));
            self.push(Block::Paragraph(used));
            for schedule in versions {
                self.push(Block::Heading(
                    4,
                    vec![text(format!(
                        "{}, {}",
                        schedule.title,
                        period_words(&schedule.period)
                    ))],
                ));
                self.push(branch_table(&schedule.branches));
                self.push(Block::Paragraph(vec![strong("Citations:")]));
                self.push(citation_table(&schedule.citations));
                self.as_written(schedule.span);
            }
        }
    }

    fn country_sets(&mut self) {
        let mut sets: BTreeMap<&str, &[(Period, Vec<String>)]> = BTreeMap::new();
        fn walk<'c>(cond: &'c Cond, sets: &mut BTreeMap<&'c str, &'c [(Period, Vec<String>)]>) {
            match cond {
                Cond::Or(parts) | Cond::And(parts) => {
                    for p in parts {
                        walk(p, sets);
                    }
                }
                Cond::Not(inner) => walk(inner, sets),
                Cond::CitizenOf { name, versions }
                    if name.starts_with(|c: char| c.is_ascii_lowercase()) =>
                {
                    sets.insert(name.as_str(), versions.as_slice());
                }
                _ => {}
            }
        }
        for rule in &self.program.rules {
            let conditions = rule
                .when
                .iter()
                .chain(rule.duties.iter().filter_map(|d| d.when.as_ref()))
                .chain(rule.findings.iter().map(|f| &f.condition))
                .chain(rule.exceptions.iter().map(|e| &e.condition))
                .chain(rule.bases.iter().flat_map(|b| b.at_entry.iter()));
            for cond in conditions {
                walk(cond, &mut sets);
            }
        }
        if sets.is_empty() {
            return;
        }
        self.push(Block::Heading(2, vec![text("Country sets")]));
        self.push(Block::Paragraph(vec![
            text("The sets the rules name in "),
            code("citizen_of"),
            text("; a condition reads the version in force on the trigger's day."),
        ]));
        let rows = sets
            .iter()
            .flat_map(|(name, versions)| {
                versions.iter().map(move |(period, codes)| {
                    vec![
                        vec![code(*name)],
                        vec![text(period.describe())],
                        vec![text(codes.join(", "))],
                    ]
                })
            })
            .collect();
        self.push(Block::Table(vec!["set", "in force", "members"], rows));
    }

    fn parameters(&mut self) {
        let program = self.program;
        if program.parameters.is_empty() {
            return;
        }
        self.push(Block::Heading(2, vec![text("Parameters")]));
        for (id, values) in &program.parameters {
            self.push(Block::Heading(
                3,
                vec![text("Parameter "), code(id.clone())],
            ));
            self.push(Block::Table(
                vec!["in force", "value", "sources"],
                values
                    .iter()
                    .map(|v| {
                        let days = match v.until {
                            None => format!("from {}", v.from),
                            Some(until) => format!("{} to {until}", v.from),
                        };
                        vec![
                            vec![text(days)],
                            vec![text(v.value.to_string())],
                            citations_inline(&v.citations),
                        ]
                    })
                    .collect(),
            ));
        }
    }

    fn test_files(&mut self) {
        self.push(Block::Heading(2, vec![text("Rule tests")]));
        if !self.tests.found {
            self.push(Block::Paragraph(vec![text("no tests")]));
            return;
        }
        if self.tests.files.is_empty() && self.tests.unreadable.is_empty() {
            self.push(Block::Paragraph(vec![text("no tests")]));
        }
        if !self.tests.files.is_empty() {
            let rows = self
                .tests
                .files
                .iter()
                .map(|t| {
                    let mut rules = Vec::new();
                    for (i, id) in t.rules.iter().enumerate() {
                        if i > 0 {
                            rules.push(text(", "));
                        }
                        rules.push(code(id.clone()));
                    }
                    vec![
                        vec![code(t.path.clone())],
                        vec![text(t.name.clone().unwrap_or_default())],
                        rules,
                    ]
                })
                .collect();
            self.push(Block::Table(vec!["file", "name", "rules expected"], rows));
        }
        let known: BTreeSet<&str> = self.program.rule_ids().into_iter().collect();
        let unknown: BTreeSet<&str> = self
            .tests
            .files
            .iter()
            .flat_map(|t| t.rules.iter().map(String::as_str))
            .filter(|id| !known.contains(id))
            .collect();
        if !unknown.is_empty() {
            let mut paragraph = vec![text(
                "Tests expect rules that the rule files do not define: ",
            )];
            for (i, id) in unknown.iter().enumerate() {
                if i > 0 {
                    paragraph.push(text(", "));
                }
                paragraph.push(code(*id));
            }
            paragraph.push(text("."));
            self.push(Block::Paragraph(paragraph));
        }
        if !self.tests.unreadable.is_empty() {
            self.push(Block::Paragraph(vec![text(
                "Test files that could not be read:",
            )]));
            self.push(Block::List(
                self.tests
                    .unreadable
                    .iter()
                    .map(|(path, why)| vec![code(path.clone()), text(format!(": {why}"))])
                    .collect(),
            ));
        }
    }
}

/// Duties the seeds give that no rule encodes: the duty, the seeds and why. A duty without
/// a deadline or a penalty cannot be judged late, and a rule that could only say "met"
/// would be a false all-clear.
const NOT_ENCODED: &[(&str, &str, &str)] = &[
    (
        "Apostille or consular legalisation of documents issued abroad (diplomas, marriage and birth certificates for a work permit)",
        "004, 001",
        "a condition of the application, with no deadline and no penalty; documents of the Minsk Convention's parties need none",
    ),
    (
        "Passes to border zones",
        "none",
        "no seed speaks of them: there is no source to cite, so nothing is encoded from memory",
    ),
    (
        "A missing border stamp (entry or exit not stamped)",
        "000",
        "the seeds say what to do, not by when or at what cost; a case gives entries and exits, not stamps",
    ),
    (
        "The individual identification number (IIN) of a foreigner who works, pays taxes or opens an account",
        "004, 001",
        "needed for services, with a processing time (3 business days) but no deadline and no penalty",
    ),
    (
        "The quota application for next year's foreign workers, by 30 September",
        "001",
        "the deadline falls before the hiring it is for (the language counts deadlines from an event or before a document's end, not before a later event), and a case records one foreigner's hiring, not the employer's planning: a hiring without an application in the case would be judged overdue though the case does not show there was none; the seed names no sanction (the committee may reject a request), and none is needed for exempt workers and intra-corporate transfers",
    ),
    (
        "A C3 visa valid beyond its work permit (the visa is issued for the permit's validity, at most 3 years)",
        "001",
        "a condition of issue, and a permit being renewed ends before its visa in most cases: a finding would mostly flag lawful renewals until the case links a renewed permit to its visa",
    ),
    (
        "Admission to work without an employment contract (AOC art. 86, a fine on the employer)",
        "001",
        "the seeds give no amount, and a case that lists no contract does not show that there is none; work on a contract without a permit is `work_without_permit`",
    ),
    (
        "The e-Visa's consular fee ($60 tourist, $80 business and medical) and the B8 visa for a residence permit (7 or 70 MCI)",
        "001, 004",
        "the e-Visa fee is in US dollars, not MCI; the B8 visa has no event of its own in a case (the other fees: `rules/fees.kzr`)",
    ),
    (
        "Extension of a visa-free stay by a single-entry visa of the migration service (para. 18), and CIS citizens' extension of stay",
        "001, 004",
        "no deadline of its own: the visa-free stay's end is the deadline (`visa_free_stay`), and a visa obtained before it takes the limit away; its fee of 7 MCI is `visa_free_extension` (`rules/fees.kzr`)",
    ),
    (
        "A C3 dependant visa for the duration of the principal's visa",
        "001",
        "a case is about one person and does not give the principal's visa",
    ),
];

impl Catalog<'_> {
    fn fees(&mut self) {
        let fees = &self.program.fees;
        if fees.is_empty() {
            return;
        }
        self.push(Block::Heading(2, vec![text("State fees")]));
        self.push(Block::Paragraph(inline_code_spans(
            "Each event of a fee's kind, on a day the fee is in force and whose conditions hold on that day, costs the fee once; a result's `fees[]` gives it in MCI and in tenge at the MCI of the event's day (docs/contract.md, \"State fees\").",
        )));
        let rows = fees
            .iter()
            .map(|f| {
                let when = if f.when.is_empty() {
                    String::new()
                } else {
                    f.when
                        .iter()
                        .map(crate::ir::words::condition_words)
                        .collect::<Vec<_>>()
                        .join("; ")
                };
                vec![
                    vec![code(f.id.clone())],
                    vec![text(f.title.clone())],
                    vec![text(format!("{} MCI", f64::from(f.hundredths) / 100.0))],
                    inline_code_spans(
                        &f.triggers
                            .iter()
                            .map(|k| format!("`{}`", k.as_str()))
                            .collect::<Vec<_>>()
                            .join(" or "),
                    ),
                    inline_code_spans(&when),
                    vec![text(f.period.describe())],
                    citations_inline(&f.citations),
                ]
            })
            .collect();
        self.push(Block::Table(
            vec!["id", "what", "amount", "on", "when", "in force", "sources"],
            rows,
        ));
    }

    fn vocabulary(&mut self) {
        let v = &self.program.vocabulary;
        self.push(Block::Heading(2, vec![text("Vocabulary")]));
        self.push(Block::Paragraph(inline_code_spans(
            "The kinds of events and documents a case may name, the purposes of a stay and the verbs of duties, as the rule files declare them (`event`, `document`, `purpose`, `verb`; docs/language.md, \"The vocabulary\"). A role is what the evaluator understands of a kind.",
        )));
        let codes = |names: Vec<&str>| {
            inline_code_spans(
                &names
                    .iter()
                    .map(|n| format!("`{n}`"))
                    .collect::<Vec<_>>()
                    .join(", "),
            )
        };
        self.push(Block::Heading(3, vec![text("Events")]));
        let rows = v
            .events
            .iter()
            .map(|e| {
                vec![
                    vec![code(e.term.kind.as_str().to_string())],
                    vec![text(e.term.title.clone())],
                    codes(e.roles.iter().map(|r| r.as_str()).collect()),
                    citations_inline(&e.term.citations),
                ]
            })
            .collect();
        self.push(Block::Table(vec!["event", "what", "role", "sources"], rows));
        self.push(Block::Heading(3, vec![text("Documents")]));
        let rows = v
            .documents
            .iter()
            .map(|d| {
                vec![
                    vec![code(d.term.kind.as_str().to_string())],
                    vec![text(d.term.title.clone())],
                    codes(d.fields.iter().map(|f| f.as_str()).collect()),
                    codes(d.roles.iter().map(|r| r.as_str()).collect()),
                    citations_inline(&d.term.citations),
                ]
            })
            .collect();
        self.push(Block::Table(
            vec!["document", "what", "fields", "role", "sources"],
            rows,
        ));
        self.push(Block::Heading(3, vec![text("Purposes")]));
        let rows = v
            .purposes
            .iter()
            .map(|p| {
                vec![
                    vec![code(p.kind.as_str().to_string())],
                    vec![text(p.title.clone())],
                    citations_inline(&p.citations),
                ]
            })
            .collect();
        self.push(Block::Table(vec!["purpose", "what", "sources"], rows));
        self.push(Block::Heading(3, vec![text("Verbs")]));
        let rows = v
            .verbs
            .iter()
            .map(|x| {
                vec![
                    vec![code(x.written())],
                    vec![text(x.title.clone())],
                    vec![code(x.fulfilled_by.as_str().to_string())],
                    citations_inline(&x.citations),
                ]
            })
            .collect();
        self.push(Block::Table(
            vec!["verb", "what", "fulfilled by", "sources"],
            rows,
        ));
    }

    fn not_encoded(&mut self) {
        self.push(Block::Heading(2, vec![text("Not encoded, and why")]));
        self.push(Block::Paragraph(vec![text(
            "Duties the seeds give that no rule above encodes, with the reason. A duty without a deadline or a penalty cannot be judged late, and a rule that could only answer \"met\" would be a false all-clear.",
        )]));
        let rows = NOT_ENCODED
            .iter()
            .map(|(duty, seeds, why)| {
                vec![
                    inline_code_spans(duty),
                    vec![text(*seeds)],
                    inline_code_spans(why),
                ]
            })
            .collect();
        self.push(Block::Table(vec!["duty", "seeds", "why not encoded"], rows));
    }
}

fn build(program: &Program, rules_dir: Option<&Path>) -> Vec<Block> {
    let mut catalog = Catalog::new(program, load_tests(rules_dir));
    catalog.header();
    catalog.rules();
    catalog.fees();
    catalog.not_encoded();
    catalog.vocabulary();
    catalog.penalties();
    catalog.country_sets();
    catalog.parameters();
    catalog.test_files();
    catalog.blocks
}

// ---------------------------------------------------------------------------------------
// The API and the command.

/// The catalog in Markdown (what `docs/catalog.md` holds). `rules_dir` is the rule folder
/// whose `tests/*.json` are listed under the rules they test; `None` lists no tests.
pub fn catalog_markdown(program: &Program, rules_dir: Option<&Path>) -> String {
    render_markdown(&build(program, rules_dir))
}

/// The catalog as one self-contained HTML page (no scripts, no outside files).
pub fn catalog_html(program: &Program, rules_dir: Option<&Path>) -> String {
    render_html(&build(program, rules_dir))
}

/// The catalog in one format.
pub fn catalog(program: &Program, format: DocFormat, rules_dir: Option<&Path>) -> String {
    match format {
        DocFormat::Markdown => catalog_markdown(program, rules_dir),
        DocFormat::Html => catalog_html(program, rules_dir),
    }
}

#[cfg(test)]
#[allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
mod tests {
    use super::render::{escape_markdown, markdown_code};
    use super::*;

    #[test]
    fn slugs_follow_github() {
        assert_eq!(
            slug("Penalty schedule host_party"),
            "penalty-schedule-host_party"
        );
        assert_eq!(slug("arrival_notification"), "arrival_notification");
        assert_eq!(slug("Rule tests"), "rule-tests");
    }

    #[test]
    fn rule_text_takes_the_block_and_the_comments_above() {
        let source =
            "# not this\n\n# about x\n# more\nrule x {\n  title \"a } b\" # }\n}\nrule y {\n}\n";
        let start = source.find("x {").unwrap();
        assert_eq!(
            rule_text(source, start).unwrap(),
            "# about x\n# more\nrule x {\n  title \"a } b\" # }\n}"
        );
    }

    #[test]
    fn html_escapes_text_and_code() {
        let page = render_html(&[Block::Paragraph(vec![text("<b>&\"'"), code("<script>")])]);
        assert!(page.contains("&lt;b&gt;&amp;&quot;&apos;<code>&lt;script&gt;</code>"));
        assert!(!page.contains("<script>"));
    }

    #[test]
    fn markdown_escapes_table_cells_and_code_spans() {
        assert_eq!(escape_markdown("a|b*c"), "a\\|b\\*c");
        assert_eq!(markdown_code("a`b", false), "``a`b``");
        assert_eq!(markdown_code("x|y", true), "`x\\|y`");
        assert_eq!(markdown_code("x|y", false), "`x|y`");
    }

    #[test]
    fn rule_ids_are_found_anywhere_in_expect() {
        let value: serde_json::Value = serde_json::from_str(
            r#"{"obligations":[{"rule":"a"}],"findings":[{"rule":"b","x":{"rule":"c"}}],"exemptions":[]}"#,
        )
        .unwrap();
        let mut rules = BTreeSet::new();
        collect_rules(&value, &mut rules);
        assert_eq!(rules.into_iter().collect::<Vec<_>>(), ["a", "b", "c"]);
    }
}
