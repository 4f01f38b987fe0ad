//! The `kzrules` command.

fn main() -> std::process::ExitCode {
    kzrules::cli::run()
}
