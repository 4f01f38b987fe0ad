//! Embeds the rule files of `rules/` in the binary, so that `kzrules check` works
//! anywhere without `--rules`.

use std::fmt::Write as _;
use std::path::Path;

fn main() {
    let dir = Path::new("rules");
    println!("cargo:rerun-if-changed=rules");
    let mut names: Vec<String> = match std::fs::read_dir(dir) {
        Ok(entries) => entries
            .filter_map(Result::ok)
            .filter(|e| e.path().is_file())
            .filter_map(|e| e.file_name().into_string().ok())
            .filter(|n| n.ends_with(".kzr") || n.ends_with(".kzcal"))
            .collect(),
        Err(_) => Vec::new(),
    };
    names.sort();
    let mut code = String::from("/// The rule files of `rules/`, as (file name, text).\npub const EMBEDDED: &[(&str, &str)] = &[\n");
    for name in &names {
        println!("cargo:rerun-if-changed=rules/{name}");
        let _ = writeln!(
            code,
            "    ({name:?}, include_str!(concat!(env!(\"CARGO_MANIFEST_DIR\"), \"/rules/{name}\"))),"
        );
    }
    code.push_str("];\n");
    let out = std::env::var("OUT_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_default();
    if let Err(e) = std::fs::write(out.join("embedded_rules.rs"), code) {
        println!("cargo:warning=cannot write the embedded rules: {e}");
    }
}
