//! docs/tutorial.md, followed word for word: every ```` ```sh ```` block is run, in order,
//! by bash in one temporary folder (the folder a block ends in is where the next one
//! starts), with the built `kzrules` first on `PATH`, as a newcomer with only the
//! installed binary would. Each command must exit 0, or the status its `# exit N`
//! comment gives; a ```` ```text ```` block right after a `sh` block is (part of) its
//! output: each of its lines must appear in the output (standard output and standard
//! error), in that order.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::path::{Path, PathBuf};

/// One `sh` block and the output shown after it.
struct Step {
    /// The block's first line in the tutorial, for messages.
    line: usize,
    script: String,
    shown: Option<Vec<String>>,
}

/// The fenced blocks of the tutorial: (info string, first line number, text).
fn blocks(markdown: &str) -> Vec<(String, usize, String)> {
    let mut out = Vec::new();
    let mut open: Option<(String, usize, String)> = None;
    for (number, line) in markdown.lines().enumerate() {
        match &mut open {
            None => {
                if let Some(info) = line.strip_prefix("```") {
                    open = Some((info.trim().to_string(), number + 2, String::new()));
                }
            }
            Some((_, _, body)) => {
                if line == "```" {
                    out.push(open.take().unwrap());
                } else {
                    body.push_str(line);
                    body.push('\n');
                }
            }
        }
    }
    assert!(open.is_none(), "an unclosed fence in docs/tutorial.md");
    out
}

/// The steps: each `sh` block, with the `text` block that directly follows it. A
/// `text` block directly follows when only blank lines stand between the two fences.
fn steps(markdown: &str) -> Vec<Step> {
    let all = blocks(markdown);
    let lines: Vec<&str> = markdown.lines().collect();
    let mut steps: Vec<Step> = Vec::new();
    let mut last_end: Option<usize> = None;
    for (info, line, body) in all {
        let follows =
            last_end.is_some_and(|end| lines[end..line - 2].iter().all(|l| l.trim().is_empty()));
        match info.as_str() {
            "sh" => steps.push(Step {
                line,
                script: body.clone(),
                shown: None,
            }),
            "text" if follows && steps.last().is_some_and(|s| s.shown.is_none()) => {
                steps.last_mut().unwrap().shown = Some(
                    body.lines()
                        .filter(|l| !l.trim().is_empty())
                        .map(|l| l.trim_end().to_string())
                        .collect(),
                );
            }
            _ => {}
        }
        let body_lines = body.lines().count();
        last_end = Some(line - 1 + body_lines + 1);
    }
    steps
}

/// The block as a bash script that checks each command's exit status.
fn checked(script: &str) -> String {
    let mut out = String::new();
    let mut lines = script.lines();
    while let Some(line) = lines.next() {
        if line.trim().is_empty() {
            continue;
        }
        let (command, expected) = match line.rsplit_once("# exit ") {
            Some((command, n)) => (command.trim_end(), n.trim().parse::<i32>().unwrap()),
            None => (line, 0),
        };
        out.push_str(command);
        out.push('\n');
        if command.contains("<<'EOF'") {
            for body in lines.by_ref() {
                out.push_str(body);
                out.push('\n');
                if body == "EOF" {
                    break;
                }
            }
        }
        let shown = command.replace('\'', "'\\''");
        out.push_str(&format!(
            "status=$?; if [ $status -ne {expected} ]; then echo 'tutorial: `{shown}` exited '$status', the tutorial says {expected}' >&2; exit 99; fi\n"
        ));
    }
    out
}

fn kzrules_folder() -> PathBuf {
    assert_cmd::cargo::cargo_bin("kzrules")
        .parent()
        .unwrap()
        .to_path_buf()
}

#[test]
fn the_tutorial_runs_as_written() {
    let markdown =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/tutorial.md"))
            .unwrap();
    let steps = steps(&markdown);
    assert!(steps.len() >= 10, "only {} sh blocks found", steps.len());
    assert!(
        steps.iter().filter(|s| s.shown.is_some()).count() >= 6,
        "the tutorial shows too few outputs to check"
    );
    let home = tempfile::tempdir().unwrap();
    let state = home.path().join(".cwd");
    let start = home.path().join("start");
    std::fs::create_dir(&start).unwrap();
    std::fs::write(&state, start.display().to_string()).unwrap();
    let path = format!(
        "{}:{}",
        kzrules_folder().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    for step in &steps {
        let script = format!(
            "cd \"$(cat '{state}')\" || exit 98\n{}pwd > '{state}'\n",
            checked(&step.script),
            state = state.display()
        );
        let out = std::process::Command::new("bash")
            .arg("-c")
            .arg(format!("{{\n{script}}} 2>&1"))
            .env("PATH", &path)
            .env("NO_COLOR", "1")
            .env("KZRULES_TODAY", "2024-06-01")
            .env("HOME", home.path())
            .output()
            .unwrap();
        let output = String::from_utf8_lossy(&out.stdout).into_owned();
        assert_eq!(
            out.status.code(),
            Some(0),
            "docs/tutorial.md line {}: the block failed:\n{}\noutput:\n{output}{}",
            step.line,
            step.script,
            String::from_utf8_lossy(&out.stderr)
        );
        if let Some(shown) = &step.shown {
            let mut rest = output.lines();
            for expected in shown {
                let wanted = expected.trim();
                assert!(
                    rest.any(|l| l.contains(wanted)),
                    "docs/tutorial.md line {}: the output does not show, in order, the line\n{expected}\noutput:\n{output}",
                    step.line
                );
            }
        }
    }
}

#[test]
fn exit_comments_are_read() {
    let script = checked("kzrules check x.json   # exit 1\ncat > f <<'EOF'\n# exit 3\nEOF\n");
    assert!(script.contains("kzrules check x.json\nstatus=$?; if [ $status -ne 1 ]"));
    // A heredoc's lines are data, never commands.
    assert!(script.contains("cat > f <<'EOF'\n# exit 3\nEOF\nstatus=$?; if [ $status -ne 0 ]"));
}
