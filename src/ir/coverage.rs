//! Coverage ids: the parts of a rule set a result can exercise (a duty, an exception, a
//! finding, a penalty branch), named by the rule or schedule, its version and the item.
//! The evaluator records them with `Options { trace: true }`; `kzrules test --coverage`
//! compares them with [`parts`], every part of the program.

use std::fmt;

use serde::{Serialize, Serializer};

use super::words::{branch_syntax, condition_words, duty_syntax};
use super::{Program, Rule};

/// A rule version or a penalty schedule version. `version` numbers the versions of one
/// id from 0, the earliest.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Owner {
    /// A rule's version.
    Rule {
        /// The rule's id.
        id: String,
        /// The version's number.
        version: usize,
    },
    /// A penalty schedule's version.
    Penalty {
        /// The schedule's id.
        id: String,
        /// The version's number.
        version: usize,
    },
}

/// A part of a rule or schedule version, numbered in the order it is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Item {
    /// A duty of a rule.
    Duty(usize),
    /// An exception (`unless`) of a rule.
    Exception(usize),
    /// A finding of a rule.
    Finding(usize),
    /// A branch of a penalty schedule.
    Branch(usize),
}

/// One part a result exercised: written `RULE#V/duty#N`, `RULE#V/exception#N`,
/// `RULE#V/finding#N`, `penalty SCHEDULE#V/branch#N`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct CoverageId {
    /// The rule or schedule version.
    pub owner: Owner,
    /// The part of it.
    pub item: Item,
}

impl CoverageId {
    /// The part `item` of the version of `rule` in `program`.
    pub fn of_rule(program: &Program, rule: &Rule, item: Item) -> CoverageId {
        CoverageId {
            owner: Owner::Rule {
                id: rule.id.clone(),
                version: program.rule_version(rule),
            },
            item,
        }
    }
}

impl fmt::Display for Item {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Item::Duty(n) => write!(f, "duty#{n}"),
            Item::Exception(n) => write!(f, "exception#{n}"),
            Item::Finding(n) => write!(f, "finding#{n}"),
            Item::Branch(n) => write!(f, "branch#{n}"),
        }
    }
}

impl fmt::Display for CoverageId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.owner {
            Owner::Rule { id, version } => write!(f, "{id}#{version}/{}", self.item),
            Owner::Penalty { id, version } => {
                write!(f, "penalty {id}#{version}/{}", self.item)
            }
        }
    }
}

impl Serialize for CoverageId {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// One part of the program a test can exercise.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Part {
    /// Which part.
    pub id: CoverageId,
    /// The rule or schedule id, with its period in force when it has several versions.
    pub label: String,
    /// What the part says, in the rule language.
    pub description: String,
}

/// Every duty, exception, finding and penalty branch of the program, in order.
pub fn parts(program: &Program) -> Vec<Part> {
    let mut out = Vec::new();
    for rule in &program.rules {
        let versions = program.rules.iter().filter(|r| r.id == rule.id).count();
        let label = if versions > 1 {
            format!("{} (in force {})", rule.id, rule.period.describe())
        } else {
            rule.id.clone()
        };
        let mut push = |item: Item, description: String| {
            out.push(Part {
                id: CoverageId::of_rule(program, rule, item),
                label: label.clone(),
                description,
            });
        };
        for (n, duty) in rule.duties.iter().enumerate() {
            push(Item::Duty(n), duty_syntax(duty));
        }
        for (n, exception) in rule.exceptions.iter().enumerate() {
            push(
                Item::Exception(n),
                format!(
                    "unless {} (\"{}\")",
                    condition_words(&exception.condition),
                    exception.reason
                ),
            );
        }
        for (n, finding) in rule.findings.iter().enumerate() {
            push(
                Item::Finding(n),
                format!(
                    "{} \"{}\" when {}",
                    finding.severity.as_str(),
                    finding.message,
                    condition_words(&finding.condition)
                ),
            );
        }
    }
    for (id, versions) in &program.penalties {
        for (version, schedule) in versions.iter().enumerate() {
            let label = if versions.len() > 1 {
                format!("penalty {id} (in force {})", schedule.period.describe())
            } else {
                format!("penalty {id}")
            };
            for (n, branch) in schedule.branches.iter().enumerate() {
                out.push(Part {
                    id: CoverageId {
                        owner: Owner::Penalty {
                            id: id.clone(),
                            version,
                        },
                        item: Item::Branch(n),
                    },
                    label: label.clone(),
                    description: branch_syntax(branch),
                });
            }
        }
    }
    out
}
