// The kzrules extension: colours from the TextMate grammar (package.json), and
// everything else from the language server `kzrules lsp` (editors/README.md).
"use strict";

const fs = require("fs");
const path = require("path");
const vscode = require("vscode");
const { LanguageClient, TransportKind } = require("vscode-languageclient/node");

let client;

/** The binary named by `kzrules.path`, found as a path or on PATH, or undefined. */
function findBinary(setting) {
  const candidates = [];
  if (setting.includes("/") || setting.includes("\\")) {
    candidates.push(setting);
  } else {
    const exts = process.platform === "win32" ? ["", ".exe"] : [""];
    for (const dir of (process.env.PATH || "").split(path.delimiter)) {
      for (const ext of exts) {
        candidates.push(path.join(dir, setting + ext));
      }
    }
  }
  return candidates.find((c) => {
    try {
      return fs.statSync(c).isFile();
    } catch {
      return false;
    }
  });
}

async function activate(context) {
  const config = vscode.workspace.getConfiguration("kzrules");
  const setting = config.get("path") || "kzrules";
  const binary = findBinary(setting);
  if (!binary) {
    const choice = await vscode.window.showErrorMessage(
      `kzrules: the language server \`${setting}\` was not found, so rule files get colours only. ` +
        "Build it with `cargo install --path .` in the kzrules repository, or set `kzrules.path` to the binary.",
      "Open Settings"
    );
    if (choice === "Open Settings") {
      vscode.commands.executeCommand("workbench.action.openSettings", "kzrules.path");
    }
    return;
  }
  const args = ["lsp"];
  const rules = config.get("rules");
  if (rules) {
    args.push("--rules", rules);
  }
  const server = { command: binary, args, transport: TransportKind.stdio };
  client = new LanguageClient(
    "kzrules",
    "kzrules",
    server,
    {
      documentSelector: [{ scheme: "file", language: "kzrules" }],
      synchronize: {
        fileEvents: vscode.workspace.createFileSystemWatcher("**/*.{kzr,kzcal,json}"),
      },
    }
  );
  context.subscriptions.push(client);
  await client.start();
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };
