//! Physical-to-logical line reading for `data`/`odata`/`pathdata`: the include stack,
//! input directives, `+++` continuation, comment lines and the end of keyword reading.

use std::path::{Path, PathBuf};

use super::error::DeckError;
use super::items::{is_blank, tokenize};
use super::line::Line;

/// Continuation string in force at the start of every deck.
pub const DEFAULT_CONCAT: &str = "+++";
/// Width of a Fortran record; text beyond it draws a warning.
pub const FORTRAN_WIDTH: usize = 80;
/// Deepest `#include` nesting accepted (guards against a file including itself).
pub const MAX_INCLUDE_DEPTH: usize = 32;

/// A physical line left after keyword reading ended (at `STOP` or a terminator keyword),
/// e.g. OPTIM coordinates after `POINTS`/`VARIABLES`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawLine {
    file: String,
    line_no: usize,
    text: String,
}

impl RawLine {
    /// File the line comes from.
    pub fn file(&self) -> &str {
        &self.file
    }

    /// 1-based physical line number in that file.
    pub fn line_no(&self) -> usize {
        self.line_no
    }

    /// The line as read (line terminator removed).
    pub fn text(&self) -> &str {
        &self.text
    }

    /// Split the line into items with the deck rules (no continuation, no directives).
    pub fn to_line(&self) -> Line {
        Line::new(&self.text, &self.file, self.line_no)
    }
}

/// How keyword reading ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeckEnd {
    /// End of the (top-level) file.
    Eof,
    /// A `STOP` keyword (not kept in the deck).
    Stop,
    /// A terminator keyword such as `POINTS`/`VARIABLES` (kept as the last line).
    Terminator,
}

/// Everything the reader produces.
pub(crate) struct Outcome {
    pub lines: Vec<Line>,
    pub trailing: Vec<RawLine>,
    pub end: DeckEnd,
}

/// One input stream: the top-level text or an `#include`d file.
struct Source {
    name: String,
    dir: PathBuf,
    lines: Vec<String>,
    next: usize,
}

impl Source {
    fn new(text: &str, name: &str) -> Source {
        Source {
            name: name.to_string(),
            dir: Path::new(name)
                .parent()
                .map(Path::to_path_buf)
                .unwrap_or_default(),
            lines: text.lines().map(str::to_string).collect(),
            next: 0,
        }
    }
}

/// Read a file as text; invalid UTF-8 is replaced rather than rejected.
pub(crate) fn load(path: &Path) -> std::io::Result<String> {
    let bytes = std::fs::read(path)?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

struct Physical {
    file: String,
    line_no: usize,
    text: String,
}

struct Reader {
    stack: Vec<Source>,
    concat: String,
    echo: bool,
}

/// Byte position where the continuation string starts when `text` ends with it.
fn continuation_cut(text: &str, concat: &str) -> Option<usize> {
    if concat.is_empty() {
        return None;
    }
    let trimmed = text.trim_end_matches(is_blank);
    trimmed
        .ends_with(concat)
        .then(|| trimmed.len() - concat.len())
}

fn first_word_upper(text: &str) -> String {
    tokenize(text)
        .items
        .first()
        .map(|it| it.text().to_ascii_uppercase())
        .unwrap_or_default()
}

impl Reader {
    /// Next physical line; at the end of an included file, return to the including one
    /// unless `same_file` (continuation may not cross files).
    fn next_physical(&mut self, same_file: bool) -> Option<Physical> {
        loop {
            let top = self.stack.last_mut()?;
            if let Some(text) = top.lines.get(top.next) {
                top.next += 1;
                let p = Physical {
                    file: top.name.clone(),
                    line_no: top.next,
                    text: text.clone(),
                };
                if p.text.chars().skip(FORTRAN_WIDTH).any(|c| !is_blank(c)) {
                    log::warn!(
                        "{}:{}: text beyond column {FORTRAN_WIDTH} is read (the Fortran ignores it)",
                        p.file,
                        p.line_no
                    );
                }
                if self.echo {
                    println!("{}", p.text);
                }
                return Some(p);
            }
            if same_file || self.stack.len() == 1 {
                return None;
            }
            self.stack.pop();
        }
    }

    /// Next logical line (continuations joined), or `None` at the end of all input.
    fn next_logical(&mut self) -> Result<Option<Physical>, DeckError> {
        let Some(mut first) = self.next_physical(false) else {
            return Ok(None);
        };
        while let Some(cut) = continuation_cut(&first.text, &self.concat) {
            first.text.truncate(cut);
            match self.next_physical(true) {
                Some(p) => first.text.push_str(&p.text),
                None => {
                    return Err(DeckError::new(
                        &first.file,
                        first.line_no,
                        first_word_upper(&first.text),
                        format!(
                            "Unexpected end of data file (the last line ends with the continuation string \"{}\")",
                            self.concat
                        ),
                    )
                    .with_context(first.text.trim_end_matches(is_blank), None));
                }
            }
        }
        let trimmed_len = first.text.trim_end_matches(is_blank).len();
        first.text.truncate(trimmed_len);
        Ok(Some(first))
    }

    /// Everything left, for `Deck::trailing_lines`.
    fn rest(&mut self) -> Vec<RawLine> {
        let mut out = Vec::new();
        while let Some(p) = self.next_physical(false) {
            out.push(RawLine {
                file: p.file,
                line_no: p.line_no,
                text: p.text,
            });
        }
        out
    }

    /// Handle `#include`, `#revert`, `#concat`, `#echo`. Returns false when `line` is no
    /// directive.
    fn directive(&mut self, line: &Line) -> Result<bool, DeckError> {
        match line.keyword() {
            "#INCLUDE" => {
                let name = line.string(1)?;
                if name.is_empty() {
                    return Err(line.error_at(1, "No file name given in #include directive"));
                }
                if self.stack.len() > MAX_INCLUDE_DEPTH {
                    return Err(line.error_at(
                        1,
                        format!("#include nested more than {MAX_INCLUDE_DEPTH} deep"),
                    ));
                }
                let dir = self.stack.last().map(|s| s.dir.clone()).unwrap_or_default();
                let path = dir.join(&name);
                let text = load(&path).map_err(|e| {
                    line.error_at(
                        1,
                        format!("Cannot open #include file {}: {e}", path.display()),
                    )
                })?;
                self.stack
                    .push(Source::new(&text, &path.display().to_string()));
            }
            "#REVERT" => {
                if self.stack.len() < 2 {
                    return Err(line.error("#revert without an active #include"));
                }
                self.stack.pop();
            }
            "#CONCAT" => self.concat = line.string(1)?,
            "#ECHO" => self.echo = line.word_upper(1)? != "OFF",
            _ => return Ok(false),
        }
        Ok(true)
    }
}

/// True for lines skipped as comments: first item blank or null, or exactly `NOTE`,
/// `COMMENT` (any case), `\\`, `!` or `#`.
fn is_comment(keyword: &str) -> bool {
    matches!(keyword, "" | "NOTE" | "COMMENT" | "\\\\" | "!" | "#")
}

/// Read a deck from `text` (named `file`; relative `#include`s resolve against the directory
/// part of `file`), stopping at `STOP`, at the end of input, or at a keyword in `terminators`.
pub(crate) fn read(text: &str, file: &str, terminators: &[&str]) -> Result<Outcome, DeckError> {
    let terminators: Vec<String> = terminators.iter().map(|t| t.to_ascii_uppercase()).collect();
    let mut reader = Reader {
        stack: vec![Source::new(text, file)],
        concat: DEFAULT_CONCAT.to_string(),
        echo: false,
    };
    let mut lines = Vec::new();
    while let Some(p) = reader.next_logical()? {
        let tokens = tokenize(&p.text);
        let line = Line::from_items(&p.text, &p.file, p.line_no, tokens.items);
        if line.item(0).is_none_or(|it| it.is_null()) {
            continue;
        }
        if reader.directive(&line)? {
            continue;
        }
        if is_comment(line.keyword()) {
            continue;
        }
        for w in &tokens.warnings {
            log::warn!(
                "{}:{}: {}: {w}",
                line.file(),
                line.line_no(),
                line.keyword()
            );
        }
        if line.keyword() == "STOP" {
            return Ok(Outcome {
                lines,
                trailing: reader.rest(),
                end: DeckEnd::Stop,
            });
        }
        let is_terminator = terminators.iter().any(|t| t == line.keyword());
        lines.push(line);
        if is_terminator {
            return Ok(Outcome {
                lines,
                trailing: reader.rest(),
                end: DeckEnd::Terminator,
            });
        }
    }
    Ok(Outcome {
        lines,
        trailing: Vec::new(),
        end: DeckEnd::Eof,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keywords(text: &str) -> Vec<String> {
        read(text, "data", &[])
            .unwrap()
            .lines
            .iter()
            .map(|l| l.text().to_string())
            .collect()
    }

    #[test]
    fn continuation_rules() {
        assert_eq!(continuation_cut("STEPS 100 +++", "+++"), Some(10));
        assert_eq!(continuation_cut("STEPS 100+++  \t", "+++"), Some(9));
        assert_eq!(continuation_cut("STEPS 100 ++", "+++"), None);
        assert_eq!(continuation_cut("STEPS 100 +++", ""), None);
        assert_eq!(keywords("STEPS 100 +++\n0.9"), ["STEPS 100 0.9"]);
        assert_eq!(keywords("STEPS 100+++\n0.9"), ["STEPS 1000.9"]);
        assert_eq!(keywords("A +++\nB +++\n  C"), ["A B   C"]);
    }

    #[test]
    fn comments_and_stop() {
        let out = read(
            "NOTE x\ncomment y\n\\\\ z\n! a\n# b\n,A\n\nA 1\nSTOP\nB 2\n",
            "data",
            &[],
        )
        .unwrap();
        assert_eq!(out.lines.len(), 1);
        assert_eq!(out.lines[0].keyword(), "A");
        assert_eq!(out.lines[0].line_no(), 8);
        assert_eq!(out.end, DeckEnd::Stop);
        assert_eq!(out.trailing.len(), 1);
        assert_eq!(out.trailing[0].line_no(), 10);
    }

    #[test]
    fn concat_and_echo_directives() {
        assert_eq!(
            keywords("#concat \"\\\"\nA 1 \\\n2 +++\n#CONCAT\nB +++\n"),
            ["A 1 2 +++", "B +++"]
        );
        assert_eq!(keywords("#echo\nA\n#echo off\nB"), ["A", "B"]);
    }

    #[test]
    fn revert_at_top_level_is_an_error() {
        let e = read("A\n#revert\n", "data", &[]).err().unwrap();
        assert_eq!(e.line, 2);
        assert_eq!(e.keyword, "#REVERT");
    }
}
