//! `kzrules completions SHELL` and `kzrules man`: the command line described for shells
//! and for `man`.

use clap::CommandFactory;

use super::{write_stdout, Cli};

/// `kzrules completions`: print the completions of one shell.
pub(super) fn completions(shell: clap_complete::Shell) -> u8 {
    let mut command = Cli::command();
    // Rendered into memory first: clap_complete panics when its writer fails.
    let mut out = Vec::new();
    clap_complete::generate(shell, &mut command, "kzrules", &mut out);
    write_stdout(&String::from_utf8_lossy(&out))
}

/// `kzrules man`: print the man page (roff).
pub(super) fn man() -> u8 {
    let man = clap_mangen::Man::new(Cli::command());
    let mut out = Vec::new();
    match man.render(&mut out) {
        Ok(()) => write_stdout(&String::from_utf8_lossy(&out)),
        Err(e) => {
            errln!("error: cannot render the man page: {e}");
            2
        }
    }
}
