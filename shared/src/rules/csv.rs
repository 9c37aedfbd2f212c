//! A minimal RFC 4180 reader for the code catalogs compiled into the crate (`shared/data/*.csv`).
//!
//! Handles quoted fields, `""` escapes inside quotes, commas and line breaks inside quotes, CRLF line ends,
//! a UTF-8 byte-order mark and blank lines. Fields borrow from the input where they need no unescaping, so
//! parsing an `include_str!` text allocates only the row vectors.

use std::borrow::Cow;

/// Parses `text` into rows of fields, skipping the header row and blank lines.
///
/// Returns `Err` with a 1-based line number for an unterminated quote or text after a closing quote.
pub(crate) fn parse(text: &str) -> Result<Vec<Vec<Cow<'_, str>>>, String> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let bytes = text.as_bytes();
    let mut rows = Vec::new();
    let mut row: Vec<Cow<'_, str>> = Vec::new();
    let mut i = 0;
    let mut line = 1;
    let mut header_done = false;

    loop {
        // One field starts at `i`.
        let field: Cow<'_, str>;
        if bytes.get(i) == Some(&b'"') {
            let start_line = line;
            i += 1;
            let start = i;
            let mut owned: Option<String> = None;
            let mut seg_start = start;
            loop {
                match bytes.get(i) {
                    None => return Err(format!("line {start_line}: unterminated quoted field")),
                    Some(b'"') if bytes.get(i + 1) == Some(&b'"') => {
                        let buf = owned.get_or_insert_with(String::new);
                        buf.push_str(&text[seg_start..=i]);
                        i += 2;
                        seg_start = i;
                    }
                    Some(b'"') => break,
                    Some(b'\n') => {
                        line += 1;
                        i += 1;
                    }
                    Some(_) => i += 1,
                }
            }
            field = match owned {
                Some(mut buf) => {
                    buf.push_str(&text[seg_start..i]);
                    Cow::Owned(buf)
                }
                None => Cow::Borrowed(&text[start..i]),
            };
            i += 1; // closing quote
            match bytes.get(i) {
                None | Some(b',') | Some(b'\n') => {}
                Some(b'\r') if matches!(bytes.get(i + 1), None | Some(b'\n')) => i += 1,
                Some(_) => return Err(format!("line {line}: text after a closing quote")),
            }
        } else {
            let start = i;
            while let Some(&b) = bytes.get(i) {
                if b == b',' || b == b'\n' {
                    break;
                }
                i += 1;
            }
            let raw = &text[start..i];
            field = Cow::Borrowed(raw.strip_suffix('\r').unwrap_or(raw));
        }
        row.push(field);

        match bytes.get(i) {
            Some(b',') => i += 1,
            end => {
                // End of a record (newline or end of input).
                let blank = row.len() == 1 && row[0].is_empty();
                if !blank {
                    if header_done {
                        rows.push(std::mem::take(&mut row));
                    } else {
                        header_done = true;
                    }
                }
                row.clear();
                if end.is_none() {
                    break;
                }
                i += 1;
                line += 1;
                if i >= bytes.len() {
                    break;
                }
            }
        }
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::parse;

    #[test]
    fn header_is_skipped_and_quoted_fields_are_unquoted() {
        let rows = parse("code,name\n11,\"北京市\"\n12,\"天津市\"\n").unwrap();
        assert_eq!(rows, vec![vec!["11", "北京市"], vec!["12", "天津市"]]);
    }

    #[test]
    fn commas_escaped_quotes_and_newlines_inside_quotes_are_kept() {
        let rows = parse("a,b\n\"x, y\",\"say \"\"hi\"\"\"\n\"two\nlines\",z").unwrap();
        assert_eq!(
            rows,
            vec![vec!["x, y", "say \"hi\""], vec!["two\nlines", "z"]]
        );
    }

    #[test]
    fn crlf_bom_blank_lines_and_empty_trailing_field_are_handled() {
        let rows = parse("\u{feff}a,b\r\n1,\r\n\r\n\"2\",x\r\n").unwrap();
        assert_eq!(rows, vec![vec!["1", ""], vec!["2", "x"]]);
    }

    #[test]
    fn unterminated_quote_is_an_error() {
        assert!(parse("a\n\"open").is_err());
        assert!(parse("a\n\"x\"y").is_err());
    }
}
