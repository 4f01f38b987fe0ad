//! When the world around the process misbehaves (standard input that cannot be read, a
//! FIFO in a case folder, a link loop, a folder too deep or unreadable, standard output
//! or standard error that cannot be written, a read-only or hard-linked rule file, a
//! very large rule set), kzrules reports it and goes on: it never hangs, panics, or
//! loses the other cases' results. Each test runs the built binary with a time limit.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

/// How long a command may take before the test calls it hung.
const LIMIT: Duration = Duration::from_secs(120);

fn binary() -> PathBuf {
    assert_cmd::cargo::cargo_bin("kzrules")
}

fn kzrules(args: &[&str]) -> Command {
    let mut c = Command::new(binary());
    c.args(args).env("NO_COLOR", "1");
    c
}

/// Run a command with `stdin`, reading its output as it comes; fail the test if it
/// has not ended within [`LIMIT`].
fn run(mut command: Command, stdin: Stdio) -> Output {
    command
        .stdin(stdin)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = command.spawn().unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let mut stderr = child.stderr.take().unwrap();
    let out = std::thread::spawn(move || {
        let mut v = Vec::new();
        let _ = stdout.read_to_end(&mut v);
        v
    });
    let err = std::thread::spawn(move || {
        let mut v = Vec::new();
        let _ = stderr.read_to_end(&mut v);
        v
    });
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if start.elapsed() > LIMIT {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{command:?} did not end within {LIMIT:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    Output {
        status,
        stdout: out.join().unwrap(),
        stderr: err.join().unwrap(),
    }
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn no_panic(out: &Output) {
    let stderr = text(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_ne!(out.status.code(), Some(101), "{stderr}");
}

/// A case that is judged without error (exit 0).
fn case(id: &str) -> String {
    format!(
        r#"{{"case": "{id}", "as_of": "2024-03-25", "person": {{"citizenship": "GB", "birth_date": "1985-04-02", "documents": [{{"kind": "passport", "valid_until": "2030-01-01", "blank_pages": 4}}]}}, "purpose": "tourism", "events": [{{"kind": "entry", "date": "2024-03-15"}}, {{"kind": "notification", "date": "2024-03-15"}}]}}"#
    )
}

fn write(path: &Path, text: &str) {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).unwrap();
    }
    std::fs::write(path, text).unwrap();
}

/// The `case` ids of JSON Lines output, and the `input`s of its error records.
fn json_lines(stdout: &[u8]) -> Vec<String> {
    text(stdout)
        .lines()
        .map(|line| {
            let v: serde_json::Value = serde_json::from_str(line).unwrap();
            if let Some(error) = v.get("error") {
                format!(
                    "error {} {}",
                    error["code"].as_str().unwrap(),
                    v["input"].as_str().unwrap()
                )
            } else {
                v["case"].as_str().unwrap().to_string()
            }
        })
        .collect()
}

// ---------------------------------------------------------------------------------------
// 1. Standard input that cannot be read.
// ---------------------------------------------------------------------------------------

#[cfg(unix)]
#[test]
fn standard_input_that_is_a_folder_is_reported_once() {
    let dir = tempfile::tempdir().unwrap();
    for format in ["text", "json"] {
        let stdin = std::fs::File::open(dir.path()).unwrap();
        let out = run(kzrules(&["check", "--format", format, "-"]), stdin.into());
        no_panic(&out);
        assert_eq!(out.status.code(), Some(2));
        let stderr = text(&out.stderr);
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
        assert!(
            stderr.starts_with("stdin line 1: error[kzrules::case::read]: cannot read the line:"),
            "{stderr}"
        );
        if format == "json" {
            assert_eq!(
                json_lines(&out.stdout),
                ["error kzrules::case::read stdin line 1"]
            );
        }
    }
}

#[test]
fn empty_standard_input_is_no_case() {
    let out = run(kzrules(&["check", "-"]), Stdio::null());
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        text(&out.stderr),
        "error: no case read from standard input\n"
    );
    assert!(out.stdout.is_empty());
    // Blank lines are no case either; a case after them is.
    let mut c = assert_cmd::Command::cargo_bin("kzrules").unwrap();
    let out = c
        .args(["check", "--format", "junit", "-"])
        .write_stdin("\n  \n")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    let mut c = assert_cmd::Command::cargo_bin("kzrules").unwrap();
    let out = c
        .args(["check", "--format", "json", "-"])
        .write_stdin(format!("\n{}\n", case("after-blank")))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(json_lines(&out.stdout), ["after-blank"]);
}

// ---------------------------------------------------------------------------------------
// 2. Files in a case folder that are not regular files.
// ---------------------------------------------------------------------------------------

#[cfg(unix)]
#[test]
fn a_fifo_or_socket_in_a_case_folder_is_skipped_and_a_link_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let cases = dir.path().join("cases");
    write(&cases.join("a.json"), &case("a"));
    write(&dir.path().join("elsewhere.json"), &case("linked"));
    std::os::unix::fs::symlink(dir.path().join("elsewhere.json"), cases.join("b.json")).unwrap();
    let fifo = cases.join("c.json");
    let made = Command::new("mkfifo").arg(&fifo).status().unwrap();
    assert!(made.success());
    let _socket = std::os::unix::net::UnixListener::bind(cases.join("d.json")).unwrap();
    write(&cases.join("e.json"), &case("e"));
    let out = run(
        kzrules(&["check", "--format", "json", cases.to_str().unwrap()]),
        Stdio::null(),
    );
    no_panic(&out);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert_eq!(json_lines(&out.stdout), ["a", "linked", "e"]);
    assert!(
        stderr.contains(&format!(
            "note: `{}` is a FIFO, not a case file: skipped",
            fifo.display()
        )),
        "{stderr}"
    );
    assert!(
        stderr.contains("d.json` is a socket, not a case file: skipped"),
        "{stderr}"
    );
    // A folder that holds nothing else has no case files.
    std::fs::remove_file(cases.join("a.json")).unwrap();
    std::fs::remove_file(cases.join("b.json")).unwrap();
    std::fs::remove_file(cases.join("e.json")).unwrap();
    let out = run(kzrules(&["check", cases.to_str().unwrap()]), Stdio::null());
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("error: no case files"));
}

// ---------------------------------------------------------------------------------------
// 3. A link loop, a folder too deep, an unreadable folder: each a failed input.
// ---------------------------------------------------------------------------------------

/// A folder with good cases around a link loop and a folder nested 40 deep.
#[cfg(unix)]
fn faulty_folder(root: &Path) -> PathBuf {
    let cases = root.join("cases");
    write(&cases.join("a.json"), &case("a"));
    std::fs::create_dir_all(cases.join("b")).unwrap();
    std::os::unix::fs::symlink("..", cases.join("b/loop")).unwrap();
    write(&cases.join("b/in-b.json"), &case("in-b"));
    let mut deep = cases.join("c");
    for i in 0..40 {
        deep = deep.join(format!("d{i}"));
    }
    write(&deep.join("deep.json"), &case("deep"));
    write(&cases.join("c/shallow.json"), &case("shallow"));
    write(&cases.join("z.json"), &case("z"));
    cases
}

#[cfg(unix)]
#[test]
fn a_link_loop_and_a_folder_too_deep_mark_their_place() {
    let dir = tempfile::tempdir().unwrap();
    let cases = faulty_folder(dir.path());
    let out = run(
        kzrules(&["check", "--format", "json", cases.to_str().unwrap()]),
        Stdio::null(),
    );
    no_panic(&out);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    let mut too_deep = cases.join("c");
    for i in 0..32 {
        too_deep = too_deep.join(format!("d{i}"));
    }
    assert_eq!(
        json_lines(&out.stdout),
        [
            "a".to_string(),
            "in-b".to_string(),
            format!(
                "error kzrules::folder::loop {}",
                cases.join("b/loop").display()
            ),
            format!("error kzrules::folder::too_deep {}", too_deep.display()),
            "shallow".to_string(),
            "z".to_string(),
        ]
    );
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("error[kzrules::folder::loop]") && stderr.contains("(help: "),
        "{stderr}"
    );
    // The same places in the text report: on standard error, the results on stdout.
    let out = run(kzrules(&["check", cases.to_str().unwrap()]), Stdio::null());
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        text(&out.stderr).lines().count(),
        2,
        "{}",
        text(&out.stderr)
    );
    assert!(text(&out.stdout).contains("z"));
}

/// Whether this process can read a folder whose mode forbids it (it runs as root).
#[cfg(unix)]
fn privileged(dir: &Path) -> bool {
    std::fs::read_dir(dir).is_ok()
}

#[cfg(unix)]
#[test]
fn an_unreadable_folder_marks_its_place() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    // Readable by others: a test running as root runs kzrules as nobody (below).
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    let cases = dir.path().join("cases");
    write(&cases.join("a.json"), &case("a"));
    write(&cases.join("locked/x.json"), &case("x"));
    write(&cases.join("m.json"), &case("m"));
    std::fs::set_permissions(cases.join("locked"), std::fs::Permissions::from_mode(0o000)).unwrap();
    let args = ["check", "--format", "json", cases.to_str().unwrap()];
    let command = if privileged(&cases.join("locked")) {
        // Root reads any folder; in a user namespace of its own it does not.
        let mut c = Command::new("unshare");
        c.arg("--user").arg(binary()).args(args);
        c
    } else {
        kzrules(&args)
    };
    let out = run(command, Stdio::null());
    std::fs::set_permissions(cases.join("locked"), std::fs::Permissions::from_mode(0o755)).unwrap();
    if text(&out.stderr).contains("unshare:") {
        eprintln!(
            "skipped: cannot drop root's rights here: {}",
            text(&out.stderr)
        );
        return;
    }
    no_panic(&out);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    assert_eq!(
        json_lines(&out.stdout),
        [
            "a".to_string(),
            format!(
                "error kzrules::folder::read {}",
                cases.join("locked").display()
            ),
            "m".to_string(),
        ]
    );
}

// ---------------------------------------------------------------------------------------
// 4. `kzrules diff` with a case that cannot be judged.
// ---------------------------------------------------------------------------------------

#[test]
fn diff_reports_a_case_it_cannot_judge_and_compares_the_others() {
    let dir = tempfile::tempdir().unwrap();
    let cases = dir.path().join("cases");
    write(&cases.join("a.json"), &case("a"));
    write(
        &cases.join("broken.json"),
        r#"{"case": "b", "person": {"citizenship": "GB"}, "events": [{"kind": "entri", "date": "2024-01-01"}]}"#,
    );
    write(&cases.join("c.json"), &case("c"));
    let rules = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("rules");
    let rules = rules.to_str().unwrap();
    let diff = |format: &str| {
        run(
            kzrules(&[
                "diff",
                "--old",
                rules,
                "--new",
                rules,
                cases.to_str().unwrap(),
                "--format",
                format,
            ]),
            Stdio::null(),
        )
    };
    let broken = cases.join("broken.json");
    let out = diff("text");
    assert_eq!(out.status.code(), Some(2));
    let stdout = text(&out.stdout);
    assert!(
        stdout.starts_with(&format!(
            "kzrules diff: old `{rules}`, new `{rules}`: 2 cases judged, 0 changed\ncould not judge 1 case:\n  {}:1:68: error[kzrules::case::unknown_value]: events[0].kind:",
            broken.display()
        )),
        "{stdout}"
    );
    assert!(
        stdout.ends_with("no change: every case judged gives the same obligations, exemptions and findings under both rule sets\n"),
        "{stdout}"
    );
    assert!(text(&out.stderr).contains("events[0].kind"));

    let out = diff("markdown");
    assert_eq!(out.status.code(), Some(2));
    let stdout = text(&out.stdout);
    assert!(stdout.contains("**Could not judge 1 case:**"), "{stdout}");

    let out = diff("json");
    assert_eq!(out.status.code(), Some(2));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["cases"], 2);
    assert_eq!(json["unjudged"][0]["input"], broken.to_str().unwrap());
    assert_eq!(
        json["unjudged"][0]["error"]["code"],
        "kzrules::case::unknown_value"
    );
}

// ---------------------------------------------------------------------------------------
// 5. Standard output and standard error that cannot be written.
// ---------------------------------------------------------------------------------------

#[cfg(target_os = "linux")]
fn dev_full() -> Stdio {
    std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .unwrap()
        .into()
}

#[cfg(target_os = "linux")]
#[test]
fn output_to_a_full_disk_is_exit_2_with_one_line() {
    let dir = tempfile::tempdir().unwrap();
    let one = dir.path().join("one.json");
    write(&one, &case("one"));
    let many = dir.path().join("many");
    for i in 0..3 {
        write(&many.join(format!("{i}.json")), &case(&format!("c{i}")));
    }
    let runs: Vec<Vec<&str>> = vec![
        vec!["check", one.to_str().unwrap()],
        vec!["check", "--format", "json", one.to_str().unwrap()],
        vec!["check", "--format", "junit", many.to_str().unwrap()],
        vec!["completions", "bash"],
        vec!["man"],
        vec!["schema", "case"],
        vec!["doc"],
        vec!["--help"],
    ];
    for args in runs {
        let mut c = kzrules(&args);
        c.stdin(Stdio::null())
            .stdout(dev_full())
            .stderr(Stdio::piped());
        let out = c.output().unwrap();
        no_panic(&out);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let stderr = text(&out.stderr);
        assert_eq!(stderr.lines().count(), 1, "{args:?}: {stderr}");
        assert!(stderr.starts_with("error: cannot write the "), "{stderr}");
        assert!(stderr.contains("No space left on device"), "{stderr}");
    }
}

#[cfg(target_os = "linux")]
#[test]
fn messages_to_a_full_disk_are_exit_2_not_a_panic() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.json");
    write(&bad, "{");
    let runs: Vec<Vec<&str>> = vec![
        vec!["check", bad.to_str().unwrap()],
        vec!["check", "no/such/case.json"],
        vec!["check", "--no-such-flag"],
        vec!["explain", bad.to_str().unwrap()],
        vec!["calendar", "not-a-year"],
        vec!["compile"],
    ];
    for args in runs {
        let mut c = kzrules(&args);
        c.stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(dev_full());
        let out = c.output().unwrap();
        no_panic(&out);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
    }
    // Both full: still exit 2.
    let mut c = kzrules(&["check", bad.to_str().unwrap()]);
    c.stdin(Stdio::null()).stdout(dev_full()).stderr(dev_full());
    assert_eq!(c.status().unwrap().code(), Some(2));
}

/// Run with standard output a pipe whose reader has gone (or goes after reading the
/// first line, `| head -1`).
#[cfg(unix)]
fn closed_pipe(args: &[&str], keep_first_line: bool) -> (Output, String) {
    let mut c = kzrules(args);
    c.stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = c.spawn().unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let mut first = String::new();
    if keep_first_line {
        let mut byte = [0u8; 1];
        while stdout.read(&mut byte).unwrap() == 1 && byte[0] != b'\n' {
            first.push(char::from(byte[0]));
        }
    }
    drop(stdout);
    let out = child.wait_with_output().unwrap();
    (out, first)
}

#[cfg(unix)]
#[test]
fn a_closed_pipe_ends_the_output_quietly() {
    let dir = tempfile::tempdir().unwrap();
    let cases = dir.path().join("cases");
    // Much more than a pipe holds.
    for i in 0..300 {
        write(
            &cases.join(format!("{i:03}.json")),
            &case(&format!("c{i:03}")),
        );
    }
    let (out, first) = closed_pipe(
        &["check", "--format", "json", cases.to_str().unwrap()],
        true,
    );
    no_panic(&out);
    assert!(first.contains("\"case\":\"c000\""), "{first}");
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(out.stderr.is_empty(), "{}", text(&out.stderr));
    for args in [
        &["completions", "bash"][..],
        &["man"],
        &["doc"],
        &["--help"],
    ] {
        let (out, _) = closed_pipe(args, false);
        no_panic(&out);
        assert_eq!(out.status.code(), Some(0), "{args:?}");
        assert!(out.stderr.is_empty(), "{}", text(&out.stderr));
    }
}

// ---------------------------------------------------------------------------------------
// 7. `kzrules fmt` and files it must not replace.
// ---------------------------------------------------------------------------------------

const MESSY: &str = "source   law \"Law on migration\"   source code \"Code\"\n";
const FORMATTED: &str = "source law \"Law on migration\"\nsource code \"Code\"\n";

#[cfg(unix)]
#[test]
fn fmt_leaves_a_read_only_file_alone() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let locked = dir.path().join("locked.kzr");
    let open = dir.path().join("open.kzr");
    write(&locked, MESSY);
    write(&open, MESSY);
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o444)).unwrap();
    let out = run(
        kzrules(&["fmt", dir.path().to_str().unwrap()]),
        Stdio::null(),
    );
    no_panic(&out);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        text(&out.stderr),
        format!(
            "error: `{}` is read-only: it was left as it is (help: make it writable to format it)\n",
            locked.display()
        )
    );
    assert_eq!(text(&out.stdout), format!("{}\n", open.display()));
    assert_eq!(std::fs::read_to_string(&locked).unwrap(), MESSY);
    assert_eq!(
        std::fs::metadata(&locked).unwrap().permissions().mode() & 0o777,
        0o444
    );
    assert_eq!(std::fs::read_to_string(&open).unwrap(), FORMATTED);
    // Checking only reads it.
    let out = run(
        kzrules(&["fmt", "--check", locked.to_str().unwrap()]),
        Stdio::null(),
    );
    assert_eq!(out.status.code(), Some(1));
}

#[cfg(unix)]
#[test]
fn fmt_writes_in_place_so_hard_links_stay_one_file() {
    use std::os::unix::fs::MetadataExt;
    let dir = tempfile::tempdir().unwrap();
    let rules = dir.path().join("rules");
    let file = rules.join("a.kzr");
    write(&file, MESSY);
    let link = dir.path().join("elsewhere.kzr");
    std::fs::hard_link(&file, &link).unwrap();
    let inode = std::fs::metadata(&file).unwrap().ino();
    let out = run(kzrules(&["fmt", rules.to_str().unwrap()]), Stdio::null());
    no_panic(&out);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(std::fs::read_to_string(&file).unwrap(), FORMATTED);
    assert_eq!(std::fs::read_to_string(&link).unwrap(), FORMATTED);
    let meta = std::fs::metadata(&file).unwrap();
    assert_eq!(meta.ino(), inode);
    assert_eq!(meta.nlink(), 2);
}

// ---------------------------------------------------------------------------------------
// 8. `kzrules doc` on a very large rule set.
// ---------------------------------------------------------------------------------------

#[test]
fn doc_finishes_on_ten_thousand_rules() {
    let dir = tempfile::tempdir().unwrap();
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    for name in [
        "calendar.kzcal",
        "penalties.kzr",
        "sources.kzr",
        "parameters.kzr",
    ] {
        std::fs::copy(manifest.join("rules").join(name), dir.path().join(name)).unwrap();
    }
    std::fs::write(dir.path().join("many.kzr"), many_rules(10_000)).unwrap();
    let out = run(
        kzrules(&["doc", "--rules", dir.path().to_str().unwrap()]),
        Stdio::null(),
    );
    no_panic(&out);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(stdout.contains("generated_rule_9999"), "{}", stdout.len());
}

/// `n` small rules, each a duty with a penalty of the shipped rules.
fn many_rules(n: usize) -> String {
    let mut out = String::new();
    for i in 0..n {
        out.push_str(&format!(
            "rule generated_rule_{i} {{\n  title \"Generated rule {i}\"\n  in_force from 2020-01-01\n  cite migration_law \"art. {i}\"\n  bearer host\n  action \"notify {i}\"\n  notify within 3 business_days of entry\n  penalty host_party\n}}\n"
        ));
    }
    out
}
