//! Splitting a logical line into items, following the INPUT library.
//!
//! - Items are separated by blanks (space, tab, carriage return) or by a comma.
//! - A comma that follows a comma (blanks or comments between them allowed), or a comma
//!   before any item, produces a *null item*. A comma after an item, even after blanks
//!   (`A ,B`), is a plain separator (the Fortran misparses that case; this is a superset).
//!   A trailing comma produces nothing: `A,` has one item, `A,,` has two (`A`, null).
//! - `(` where an item could start opens a comment that runs to the matching `)`;
//!   parentheses nest. A `(` inside an item is an ordinary character, and so is a `)` that
//!   starts an item. An unclosed comment runs to the end of the line (as in the Fortran);
//!   this is reported as a warning, not an error.
//! - An item starting with `'` or `"` runs to the matching quote; blanks, commas and
//!   parentheses inside are kept and the quotes are removed. An unclosed quote runs to the
//!   end of the line (as in the Fortran), with a warning. After the closing quote a new item
//!   may start immediately (`'a'b` is two items).

/// One item of a logical line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    text: String,
    null: bool,
    quoted: bool,
    column: usize,
}

impl Item {
    /// The item text; quotes removed; empty for a null item.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// True for a null item (from `,,`), which reads as zero or blank.
    pub fn is_null(&self) -> bool {
        self.null
    }

    /// True when the item was written in quotes.
    pub fn is_quoted(&self) -> bool {
        self.quoted
    }

    /// 0-based character column of the item text in the logical line (after an opening
    /// quote; at the comma for a null item).
    pub fn column(&self) -> usize {
        self.column
    }
}

/// Result of splitting a line: the items and any warnings about its shape.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct Tokens {
    pub items: Vec<Item>,
    pub warnings: Vec<String>,
}

/// Blank characters: they separate items.
pub(crate) fn is_blank(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\r')
}

/// Split one logical line into items.
pub(crate) fn tokenize(line: &str) -> Tokens {
    let chars: Vec<char> = line.chars().collect();
    let n = chars.len();
    let mut out = Tokens::default();
    // True before the first item and after a comma: a comma now makes a null item.
    let mut comma_makes_null = true;
    let mut i = 0;
    while i < n {
        let c = chars[i];
        if is_blank(c) {
            i += 1;
        } else if c == '(' {
            let start = i;
            let mut depth = 1usize;
            i += 1;
            while i < n && depth > 0 {
                match chars[i] {
                    '(' => depth += 1,
                    ')' => depth -= 1,
                    _ => {}
                }
                i += 1;
            }
            if depth > 0 {
                out.warnings.push(format!(
                    "unclosed '(' at column {}: the rest of the line is a comment",
                    start + 1
                ));
            }
        } else if c == ',' {
            if comma_makes_null {
                out.items.push(Item {
                    text: String::new(),
                    null: true,
                    quoted: false,
                    column: i,
                });
            }
            comma_makes_null = true;
            i += 1;
        } else if c == '\'' || c == '"' {
            let start = i + 1;
            let mut j = start;
            while j < n && chars[j] != c {
                j += 1;
            }
            if j >= n {
                out.warnings.push(format!(
                    "unclosed quote {c} at column {}: the item runs to the end of the line",
                    i + 1
                ));
            }
            out.items.push(Item {
                text: chars[start..j].iter().collect(),
                null: false,
                quoted: true,
                column: start,
            });
            comma_makes_null = false;
            i = (j + 1).min(n);
        } else {
            let start = i;
            while i < n && !is_blank(chars[i]) && chars[i] != ',' {
                i += 1;
            }
            out.items.push(Item {
                text: chars[start..i].iter().collect(),
                null: false,
                quoted: false,
                column: start,
            });
            comma_makes_null = false;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Items rendered as text, null items as `<null>`.
    fn words(line: &str) -> Vec<String> {
        tokenize(line)
            .items
            .iter()
            .map(|it| {
                if it.is_null() {
                    "<null>".to_string()
                } else {
                    it.text().to_string()
                }
            })
            .collect()
    }

    #[test]
    fn blanks_tabs_commas() {
        assert_eq!(words("STEPS 100  0.9"), ["STEPS", "100", "0.9"]);
        assert_eq!(words("\tSTEPS\t100\t"), ["STEPS", "100"]);
        assert_eq!(words("A,B , C"), ["A", "B", "C"]);
        assert_eq!(words(""), Vec::<String>::new());
        assert_eq!(words("   "), Vec::<String>::new());
    }

    #[test]
    fn null_items() {
        assert_eq!(words("A,,B"), ["A", "<null>", "B"]);
        assert_eq!(words("A, ,B"), ["A", "<null>", "B"]);
        assert_eq!(words(",A"), ["<null>", "A"]);
        assert_eq!(words(",,A"), ["<null>", "<null>", "A"]);
        assert_eq!(words("A ,B"), ["A", "B"]);
        assert_eq!(words("A,"), ["A"]);
        assert_eq!(words("A,,"), ["A", "<null>"]);
        assert_eq!(words("A,(c),B"), ["A", "<null>", "B"]);
        assert_eq!(
            words("BFGSTS 50,,25 1.0D-4"),
            ["BFGSTS", "50", "<null>", "25", "1.0D-4"]
        );
    }

    #[test]
    fn comments() {
        assert_eq!(
            words("STEPS 100 (number of steps (BH)) 1.0"),
            ["STEPS", "100", "1.0"]
        );
        assert_eq!(words("(lead) STEPS 1"), ["STEPS", "1"]);
        assert_eq!(words("(all comment)"), Vec::<String>::new());
        assert_eq!(words("F(x) 1"), ["F(x)", "1"]);
        assert_eq!(words("A(b c) d"), ["A(b", "c)", "d"]);
        assert_eq!(words(") A"), [")", "A"]);
        let t = tokenize("STEPS 100 (unclosed 5");
        assert_eq!(t.items.len(), 2);
        assert_eq!(t.warnings.len(), 1);
    }

    #[test]
    fn quotes() {
        assert_eq!(words("EXEC '/a b/OPTIM, x'"), ["EXEC", "/a b/OPTIM, x"]);
        assert_eq!(
            words("S \"it's\" 'say \"hi\"'"),
            ["S", "it's", "say \"hi\""]
        );
        assert_eq!(words("'a'b"), ["a", "b"]);
        assert_eq!(words("'a',,b"), ["a", "<null>", "b"]);
        assert_eq!(words("''"), [""]);
        let t = tokenize("EXEC 'open to end  ");
        assert_eq!(t.items[1].text(), "open to end  ");
        assert!(t.items[1].is_quoted());
        assert_eq!(t.warnings.len(), 1);
    }

    #[test]
    fn columns() {
        let t = tokenize("AB  'cd' ,,é x");
        let cols: Vec<usize> = t.items.iter().map(Item::column).collect();
        assert_eq!(cols, [0, 5, 10, 11, 13]);
    }
}
