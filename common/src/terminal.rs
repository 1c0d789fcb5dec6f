//! Text for the user on standard output. A closed pipe (`PROGRAM --help | head`) is the reader
//! having seen enough, not an error: the line is dropped quietly instead of panicking as
//! `println!` does.

use std::io::Write;

/// Write `text` and a newline to standard output; a broken pipe or other write error is
/// ignored (the program's results are in its files, never only on stdout).
pub fn print_line(text: &str) {
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{text}").and_then(|_| out.flush());
}

/// `PROGRAM --keywords` (plain reference) or `PROGRAM --keywords=markdown` (the Markdown of
/// docs/reference/): print the program's keyword table. `flag` is the option as given.
pub fn print_keywords<T, L: crate::deck::KeywordLine>(
    table: &crate::deck::KeywordTable<T, L>,
    flag: &str,
) -> anyhow::Result<()> {
    match flag.strip_prefix("--keywords") {
        Some("") => print_line(table.reference().trim_end()),
        Some("=markdown") => print_line(table.markdown().trim_end()),
        _ => anyhow::bail!("unknown option {flag:?}: use --keywords or --keywords=markdown"),
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn printing_does_not_panic() {
        super::print_line("terminal test line");
    }
}
