//! The language server's round trip (docs/performance.md): `kzrules lsp` is spawned on a
//! copy of the shipped rules with `notifications.kzr` open; each iteration sends one edit
//! (`didChange`, the whole text, as editors with full sync send it) and a request, and
//! waits for the request's answer. The server answers in order, so the time covers
//! parsing and compiling every rule file, publishing the edited file's diagnostics and
//! the answer, over real pipes.
//!
//! ```text
//! cargo bench --bench lsp
//! ```

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::io::{BufRead, BufReader, Read, Write};
use std::process::{ChildStdin, ChildStdout, Command, Stdio};

use criterion::{criterion_group, criterion_main, Criterion};
use serde_json::{json, Value};

fn send(stdin: &mut ChildStdin, message: &Value) {
    let body = message.to_string();
    write!(stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).unwrap();
    stdin.flush().unwrap();
}

fn receive(reader: &mut BufReader<ChildStdout>) -> Value {
    let mut length = 0;
    loop {
        let mut line = String::new();
        assert!(
            reader.read_line(&mut line).unwrap() > 0,
            "the server closed its output"
        );
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some(n) = line.strip_prefix("Content-Length: ") {
            length = n.parse().unwrap();
        }
    }
    let mut body = vec![0; length];
    reader.read_exact(&mut body).unwrap();
    serde_json::from_slice(&body).unwrap()
}

/// Read until the answer to request `id`; how many diagnostics notifications came first.
fn answer(reader: &mut BufReader<ChildStdout>, id: i64) -> usize {
    let mut published = 0;
    loop {
        let m = receive(reader);
        if m["id"] == json!(id) {
            return published;
        }
        if m["method"] == "textDocument/publishDiagnostics" {
            published += 1;
        }
    }
}

fn bench_edit(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    for entry in std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/rules")).unwrap() {
        let p = entry.unwrap().path();
        if p.is_file() {
            std::fs::copy(&p, dir.path().join(p.file_name().unwrap())).unwrap();
        }
    }
    let rules = dir.path().canonicalize().unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_kzrules"))
        .args(["lsp", "--rules"])
        .arg(&rules)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let mut reader = BufReader::new(child.stdout.take().unwrap());
    send(
        &mut stdin,
        &json!({"jsonrpc": "2.0", "id": 0, "method": "initialize", "params": {"processId": null, "rootUri": null, "capabilities": {}}}),
    );
    answer(&mut reader, 0);
    send(
        &mut stdin,
        &json!({"jsonrpc": "2.0", "method": "initialized", "params": {}}),
    );
    let path = rules.join("notifications.kzr");
    let uri = format!("file://{}", path.display());
    let text = std::fs::read_to_string(&path).unwrap();
    send(
        &mut stdin,
        &json!({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": {"uri": uri, "languageId": "kzrules", "version": 1, "text": text}}}),
    );
    // One edit: a deadline of 3 business days becomes 4, and back, in turn.
    let edited = text.replacen("within 3 business_days", "within 4 business_days", 1);
    assert_ne!(edited, text);
    let mut id = 1i64;
    c.bench_function("lsp/edit_round_trip", |b| {
        b.iter(|| {
            id += 1;
            let new_text = if id % 2 == 0 { &edited } else { &text };
            send(
                &mut stdin,
                &json!({"jsonrpc": "2.0", "method": "textDocument/didChange", "params": {"textDocument": {"uri": uri, "version": id}, "contentChanges": [{"text": new_text}]}}),
            );
            send(
                &mut stdin,
                &json!({"jsonrpc": "2.0", "id": id, "method": "textDocument/documentSymbol", "params": {"textDocument": {"uri": uri}}}),
            );
            let published = answer(&mut reader, id);
            assert!(published >= 1, "no diagnostics published for the edit");
        });
    });
    send(
        &mut stdin,
        &json!({"jsonrpc": "2.0", "id": -1, "method": "shutdown", "params": null}),
    );
    answer(&mut reader, -1);
    send(
        &mut stdin,
        &json!({"jsonrpc": "2.0", "method": "exit", "params": null}),
    );
    let _ = child.wait();
}

criterion_group!(benches, bench_edit);
criterion_main!(benches);
