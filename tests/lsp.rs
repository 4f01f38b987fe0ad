//! `kzrules lsp` driven over its real protocol: the binary is spawned, and a scripted
//! client writes Content-Length framed JSON-RPC to its standard input and reads its
//! standard output (every wait bounded, so that no test hangs). The responses are
//! snapshots, with the rule folder's URI written `file:///RULES`.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{channel, Receiver};
use std::time::Duration;

use serde_json::{json, Value};

const WAIT: Duration = Duration::from_secs(20);

/// A copy of the shipped rules (with their tests) in a temporary folder.
fn rules_copy() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let rules = dir.path().join("rules");
    std::fs::create_dir_all(rules.join("tests")).unwrap();
    for entry in std::fs::read_dir("rules").unwrap() {
        let p = entry.unwrap().path();
        if p.is_file() {
            std::fs::copy(&p, rules.join(p.file_name().unwrap())).unwrap();
        }
    }
    for entry in std::fs::read_dir("rules/tests").unwrap() {
        let p = entry.unwrap().path();
        std::fs::copy(&p, rules.join("tests").join(p.file_name().unwrap())).unwrap();
    }
    dir
}

struct Client {
    child: Child,
    stdin: ChildStdin,
    messages: Receiver<Value>,
    next_id: i64,
    /// Notifications read while waiting for something else.
    pending: Vec<Value>,
    rules: PathBuf,
    _dir: tempfile::TempDir,
}

fn read_message(reader: &mut impl BufRead) -> Option<Value> {
    let mut length = None;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some(n) = line.strip_prefix("Content-Length: ") {
            length = n.parse::<usize>().ok();
        }
    }
    let mut body = vec![0; length?];
    reader.read_exact(&mut body).ok()?;
    serde_json::from_slice(&body).ok()
}

impl Client {
    /// Start `kzrules lsp` on a copy of the rules (the workspace root is the copy's
    /// folder: the server finds `rules/` in it) and initialize it.
    fn start() -> Client {
        let dir = rules_copy();
        let rules = dir.path().join("rules").canonicalize().unwrap();
        let mut child = Command::new(env!("CARGO_BIN_EXE_kzrules"))
            .arg("lsp")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let stdin = child.stdin.take().unwrap();
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            while let Some(m) = read_message(&mut reader) {
                if tx.send(m).is_err() {
                    break;
                }
            }
        });
        let mut client = Client {
            child,
            stdin,
            messages: rx,
            next_id: 1,
            pending: Vec::new(),
            rules,
            _dir: dir,
        };
        let root = url(client.rules.parent().unwrap());
        let init = client.request(
            "initialize",
            json!({"processId": null, "rootUri": root, "capabilities": {}}),
        );
        assert_eq!(init["serverInfo"]["name"], "kzrules");
        client.notify("initialized", json!({}));
        client
    }

    fn send(&mut self, message: Value) {
        let body = message.to_string();
        write!(self.stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).unwrap();
        self.stdin.flush().unwrap();
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    /// The whole response (`result` or `error`) to a request.
    fn call(&mut self, method: &str, params: Value) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        self.send(json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        loop {
            let m = self
                .messages
                .recv_timeout(WAIT)
                .unwrap_or_else(|_| panic!("no answer to {method} in {WAIT:?}"));
            if m.get("id") == Some(&json!(id)) && m.get("method").is_none() {
                return m;
            }
            self.pending.push(m);
        }
    }

    fn request(&mut self, method: &str, params: Value) -> Value {
        let response = self.call(method, params);
        assert!(response.get("error").is_none(), "{method}: {response}");
        response["result"].clone()
    }

    /// The next diagnostics published for a document.
    fn diagnostics(&mut self, uri: &str) -> Vec<Value> {
        if let Some(i) = self.pending.iter().position(|m| is_diagnostics_of(m, uri)) {
            let m = self.pending.remove(i);
            return m["params"]["diagnostics"].as_array().unwrap().clone();
        }
        loop {
            let m = self
                .messages
                .recv_timeout(WAIT)
                .unwrap_or_else(|_| panic!("no diagnostics for {uri} in {WAIT:?}"));
            if is_diagnostics_of(&m, uri) {
                return m["params"]["diagnostics"].as_array().unwrap().clone();
            }
            self.pending.push(m);
        }
    }

    fn uri(&self, file: &str) -> String {
        url(&self.rules.join(file))
    }

    fn text(&self, file: &str) -> String {
        std::fs::read_to_string(self.rules.join(file)).unwrap()
    }

    fn open(&mut self, file: &str, text: &str) -> Vec<Value> {
        let uri = self.uri(file);
        self.pending.clear();
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": "kzrules", "version": 1, "text": text}}),
        );
        self.diagnostics(&uri)
    }

    fn change(&mut self, file: &str, version: i64, text: &str) -> Vec<Value> {
        let uri = self.uri(file);
        self.pending.clear();
        self.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri, "version": version}, "contentChanges": [{"text": text}]}),
        );
        self.diagnostics(&uri)
    }

    /// `textDocument/POSITION`-style params at the `nth` occurrence of `needle` in
    /// `file`, `shift` characters into it.
    fn at(&self, file: &str, needle: &str, nth: usize, shift: usize) -> Value {
        let text = self.text(file);
        let offset = text.match_indices(needle).nth(nth).unwrap().0 + shift;
        json!({"textDocument": {"uri": self.uri(file)}, "position": position(&text, offset)})
    }

    /// A value with the rule folder's URI written `file:///RULES`.
    fn redact(&self, value: &Value) -> Value {
        let text = value
            .to_string()
            .replace(&url(&self.rules), "file:///RULES");
        serde_json::from_str(&text).unwrap()
    }

    fn stop(mut self) {
        let _ = self.call("shutdown", Value::Null);
        self.notify("exit", Value::Null);
        for _ in 0..200 {
            if let Ok(Some(status)) = self.child.try_wait() {
                assert!(status.success(), "kzrules lsp exited {status}");
                return;
            }
            std::thread::sleep(Duration::from_millis(25));
        }
        let _ = self.child.kill();
        panic!("kzrules lsp did not exit after `exit`");
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn is_diagnostics_of(m: &Value, uri: &str) -> bool {
    m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == uri
}

fn url(path: &Path) -> String {
    format!("file://{}", path.display())
}

/// The LSP position (UTF-16 columns) of a byte offset.
fn position(text: &str, offset: usize) -> Value {
    let before = &text[..offset];
    let line = before.matches('\n').count();
    let start = before.rfind('\n').map_or(0, |i| i + 1);
    let character: usize = before[start..].chars().map(char::len_utf16).sum();
    json!({"line": line, "character": character})
}

#[test]
fn a_broken_file_gets_diagnostics_and_fixing_it_clears_them() {
    let mut c = Client::start();
    let text = c.text("notifications.kzr");
    assert_eq!(c.open("notifications.kzr", &text), Vec::<Value>::new());
    let broken = text.replacen("  title \"", "  titel \"", 1);
    let diagnostics = c.change("notifications.kzr", 2, &broken);
    assert!(!diagnostics.is_empty());
    assert_eq!(diagnostics[0]["code"], "kzrules::syntax");
    assert_eq!(diagnostics[0]["severity"], 1);
    insta::assert_json_snapshot!("titel_diagnostics", c.redact(&json!(diagnostics)));
    // A quick fix for each "did you mean" the compiler gives.
    let range = diagnostics[0]["range"].clone();
    let actions = c.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": c.uri("notifications.kzr")}, "range": range, "context": {"diagnostics": diagnostics}}),
    );
    let suggested = diagnostics[0]["data"]["suggestion"].as_str();
    for action in actions.as_array().unwrap() {
        assert_eq!(action["kind"], "quickfix");
    }
    assert_eq!(suggested, Some("title"), "`titel` gets `title` as the fix");
    let edit = &actions[0]["edit"]["changes"][c.uri("notifications.kzr")][0];
    assert_eq!(edit["newText"], "title");
    assert_eq!(c.change("notifications.kzr", 3, &text), Vec::<Value>::new());
    c.stop();
}

#[test]
fn did_you_mean_is_a_quick_fix_and_a_missing_citation_gets_a_cite_skeleton() {
    let mut c = Client::start();
    let text = c.text("residence.kzr");
    let broken = text.replacen("citizen_of eaeu and", "citizen_of eaue and", 1);
    let diagnostics = c.open("residence.kzr", &broken);
    assert_eq!(
        diagnostics[0]["data"]["suggestion"], "eaeu",
        "{diagnostics:?}"
    );
    let params = c.at("residence.kzr", "citizen_of eaeu and", 0, 12);
    let actions = c.request(
        "textDocument/codeAction",
        json!({"textDocument": params["textDocument"], "range": {"start": params["position"], "end": params["position"]}, "context": {"diagnostics": []}}),
    );
    insta::assert_json_snapshot!("did_you_mean_fix", c.redact(&actions));
    let edit = &actions[0]["edit"]["changes"][c.uri("residence.kzr")][0];
    assert_eq!(edit["newText"], "eaeu");

    // A rule without its citations.
    let text = c.text("notifications.kzr");
    let uncited: String = text
        .lines()
        .filter(|l| !(l.starts_with("  cite") && text.find(l) < text.find("rule address_change")))
        .map(|l| format!("{l}\n"))
        .collect();
    let diagnostics = c.open("notifications.kzr", &uncited);
    let missing = diagnostics
        .iter()
        .find(|d| d["code"] == "kzrules::no_citation")
        .expect("a no_citation error");
    let actions = c.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": c.uri("notifications.kzr")}, "range": missing["range"], "context": {"diagnostics": [missing]}}),
    );
    insta::assert_json_snapshot!("cite_skeleton_fix", c.redact(&actions));
    c.stop();
}

#[test]
fn hover_definition_references_and_rename() {
    let mut c = Client::start();
    let text = c.text("notifications.kzr");
    c.open("notifications.kzr", &text);
    let hovers: Vec<Value> = [
        ("countries.kzr", "set visa_free_57", 6),
        ("notifications.kzr", "rule arrival_notification", 7),
        ("notifications.kzr", "penalty host_party", 10),
        ("parameters.kzr", "parameter mci", 11),
        ("notifications.kzr", "holder_of", 2),
        ("notifications.kzr", "residence_permit", 2),
        ("notifications.kzr", "of entry", 4),
        ("countries.kzr", "KG", 0),
    ]
    .iter()
    .map(|(file, needle, shift)| {
        let h = c.request("textDocument/hover", c.at(file, needle, 0, *shift));
        json!({"at": format!("{file}: {needle}"), "hover": h["contents"]["value"]})
    })
    .collect();
    insta::assert_json_snapshot!("hovers", hovers);

    // Definition of `host_party` lands on the penalty schedule.
    let definition = c.request(
        "textDocument/definition",
        c.at("notifications.kzr", "host_party", 0, 2),
    );
    assert_eq!(definition[0]["uri"], c.uri("penalties.kzr"));
    let mut references = c.at("notifications.kzr", "host_party", 0, 2);
    references["context"] = json!({"includeDeclaration": true});
    let references = c.request("textDocument/references", references);
    insta::assert_json_snapshot!(
        "definition_and_references",
        c.redact(&json!({"definition": definition, "references": references}))
    );

    let mut rename = c.at("notifications.kzr", "host_party", 0, 2);
    rename["newName"] = json!("host_notification_penalty");
    let edit = c.request("textDocument/rename", rename.clone());
    let edits: usize = edit["changes"]
        .as_object()
        .unwrap()
        .values()
        .map(|v| v.as_array().unwrap().len())
        .sum();
    assert_eq!(edits, 6, "{edit}");
    rename["newName"] = json!("late_departure");
    let refused = c.call("textDocument/rename", rename);
    assert_eq!(
        refused["error"]["message"],
        "`late_departure` is already declared: renaming would create a duplicate"
    );

    let symbols = c.request(
        "textDocument/documentSymbol",
        json!({"textDocument": {"uri": c.uri("notifications.kzr")}}),
    );
    let workspace = c.request("workspace/symbol", json!({"query": "visa_free"}));
    insta::assert_json_snapshot!(
        "symbols",
        c.redact(&json!({"document": symbols, "workspace": workspace}))
    );
    c.stop();
}

#[test]
fn completion_knows_where_it_is() {
    let mut c = Client::start();
    let text = c.text("notifications.kzr");
    let typed = text.replacen(
        "  penalty host_party\n}",
        "  penalty \n  notify within 3 business_days of entry unless holder_of \n  when citizen_of \n  \n}",
        1,
    );
    c.open("notifications.kzr", &typed);
    std::fs::write(c.rules.join("notifications.kzr"), &typed).unwrap();
    let labels = |c: &mut Client, needle: &str, shift: usize| -> Vec<String> {
        let r = c.request(
            "textDocument/completion",
            c.at("notifications.kzr", needle, 0, shift),
        );
        r.as_array()
            .unwrap()
            .iter()
            .map(|i| i["label"].as_str().unwrap().to_string())
            .collect()
    };
    let after_holder_of = labels(&mut c, "holder_of \n", 10);
    let after_penalty = labels(&mut c, "penalty \n", 8);
    let after_citizen_of = labels(&mut c, "citizen_of \n", 11);
    let clause = labels(&mut c, "  \n}", 2);
    let top = labels(&mut c, "\nrule address_change", 1);
    assert!(after_holder_of.contains(&String::from("residence_permit")));
    insta::assert_json_snapshot!(
        "completions",
        json!({
            "after holder_of": after_holder_of,
            "after penalty": after_penalty,
            "after citizen_of": after_citizen_of,
            "a clause in a rule": clause,
            "a declaration": top,
        })
    );
    let countries = {
        let text = c.text("countries.kzr");
        c.open("countries.kzr", &text);
        let r = c.request(
            "textDocument/completion",
            c.at("countries.kzr", "members AM, ", 0, 12),
        );
        r.as_array().unwrap().len()
    };
    assert!(countries > 200, "{countries} country codes");
    c.stop();
}

#[test]
fn formatting_lenses_and_running_a_rules_tests() {
    let mut c = Client::start();
    let text = c.text("notifications.kzr");
    let messy = text.replacen("  bearer host\n", "      bearer    host\n", 1);
    c.open("notifications.kzr", &messy);
    let whole = c.request("textDocument/formatting", json!({"textDocument": {"uri": c.uri("notifications.kzr")}, "options": {"tabSize": 2, "insertSpaces": true}}));
    insta::assert_json_snapshot!("formatting", whole);
    let far = c.request(
        "textDocument/rangeFormatting",
        json!({"textDocument": {"uri": c.uri("notifications.kzr")}, "range": {"start": {"line": 40, "character": 0}, "end": {"line": 45, "character": 0}}, "options": {"tabSize": 2, "insertSpaces": true}}),
    );
    assert_eq!(far, json!([]), "an edit outside the range");

    let lenses = c.request(
        "textDocument/codeLens",
        json!({"textDocument": {"uri": c.uri("notifications.kzr")}}),
    );
    insta::assert_json_snapshot!("lenses", lenses);
    let ran = c.request(
        "workspace/executeCommand",
        json!({"command": "kzrules.runRuleTests", "arguments": ["arrival_notification"]}),
    );
    assert!(
        ran.as_str().unwrap().starts_with("arrival_notification: "),
        "{ran}"
    );
    c.stop();
}

#[test]
fn a_rules_folder_that_is_not_there_is_exit_2() {
    let out = Command::new(env!("CARGO_BIN_EXE_kzrules"))
        .args(["lsp", "--rules", "no/such/folder"])
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("`no/such/folder` is not a folder"),
        "{stderr}"
    );
}

#[test]
fn a_client_that_goes_away_ends_the_server() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_kzrules"))
        .args(["lsp", "--rules", "rules"])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    drop(child.stdin.take());
    for _ in 0..400 {
        if let Ok(Some(_)) = child.try_wait() {
            return;
        }
        std::thread::sleep(Duration::from_millis(25));
    }
    let _ = child.kill();
    panic!("kzrules lsp kept running after its input closed");
}
