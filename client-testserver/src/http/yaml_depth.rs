//! go-yaml's nesting limit, checked in one linear pass before a YAML body
//! is parsed: the parser's time grows with the square of the nesting, so
//! a deep body must be refused before it reaches it.
//!
//! go-yaml (which kube-apiserver decodes YAML with) stops at a flow level
//! of 10,000 (`max_flow_level`) with "exceeded max depth of 10000". Block
//! nesting needs one more column of indentation per level, so a body
//! within the request size limit cannot nest that deep in block style
//! except through compact sequences (`- - - x`), which are counted too.

/// The deepest nesting go-yaml accepts.
pub(crate) const MAX_DEPTH: usize = 10_000;

/// Why a YAML body was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("yaml: line {line}: exceeded max depth of {MAX_DEPTH}")]
pub(crate) struct TooDeep {
    /// The 1-based line where the limit was passed.
    pub line: usize,
}

/// Refuses `body` when its flow collections (`[`, `{`), or the compact
/// block sequences of one line, nest deeper than [`MAX_DEPTH`]. Quoted
/// scalars and comments are skipped; brackets inside plain scalars count,
/// which can only over-estimate the depth.
///
/// # Errors
/// [`TooDeep`] with the line where the depth passed the limit.
pub(crate) fn check(body: &[u8]) -> Result<(), TooDeep> {
    #[derive(PartialEq)]
    enum In {
        Plain,
        Single,
        Double,
        Comment,
    }
    let mut state = In::Plain;
    let (mut flow, mut line) = (0usize, 1usize);
    // `- ` indicators since the start of the line (compact sequences).
    let (mut dashes, mut line_start) = (0usize, true);
    let mut prev = b'\n';
    let mut escaped = false;
    for &b in body {
        if b == b'\n' {
            line += 1;
            (dashes, line_start) = (0, true);
            if state == In::Comment {
                state = In::Plain;
            }
            prev = b;
            continue;
        }
        match state {
            In::Comment => {}
            In::Single => {
                if b == b'\'' {
                    state = In::Plain;
                }
            }
            In::Double => {
                if escaped {
                    escaped = false;
                } else if b == b'\\' {
                    escaped = true;
                } else if b == b'"' {
                    state = In::Plain;
                }
            }
            In::Plain => match b {
                b'#' if prev.is_ascii_whitespace() => state = In::Comment,
                b'\'' => state = In::Single,
                b'"' => state = In::Double,
                b'[' | b'{' => flow += 1,
                b']' | b'}' => flow = flow.saturating_sub(1),
                b'-' if line_start => dashes += 1,
                b' ' | b'\t' => {}
                _ => line_start = false,
            },
        }
        if flow + dashes > MAX_DEPTH {
            return Err(TooDeep { line });
        }
        prev = b;
    }
    Ok(())
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn flow_nesting_past_the_limit_is_refused_at_once() {
        let ok = format!("{}{}", "[".repeat(MAX_DEPTH), "]".repeat(MAX_DEPTH));
        assert_eq!(check(ok.as_bytes()), Ok(()));
        let deep = format!("a: 1\nb: {}", "[".repeat(50_000));
        let e = check(deep.as_bytes()).unwrap_err();
        assert_eq!(e, TooDeep { line: 2 });
        assert_eq!(e.to_string(), "yaml: line 2: exceeded max depth of 10000");
        let maps = "{a: ".repeat(MAX_DEPTH + 1);
        assert!(check(maps.as_bytes()).is_err());
    }

    #[test]
    fn compact_sequences_count() {
        let deep = format!("{}x\n", "- ".repeat(MAX_DEPTH + 1));
        assert!(check(deep.as_bytes()).is_err());
        let wide = "- x\n".repeat(MAX_DEPTH + 1);
        assert_eq!(check(wide.as_bytes()), Ok(()));
    }

    #[test]
    fn bounded_random_input_never_panics_and_counts_unquoted_brackets() {
        // A bounded property test (seeded): over random YAML-ish text the
        // check never panics, and for text without quotes, comments or
        // dashes it refuses exactly when the bracket depth passes the limit.
        let alphabet = b"[]{}'\"#-: \n\\ax";
        let mut rng = fastrand::Rng::with_seed(11);
        for _ in 0..2000 {
            let len = rng.usize(0..300);
            let text: Vec<u8> = (0..len)
                .map(|_| alphabet[rng.usize(0..alphabet.len())])
                .collect();
            let _ = check(&text);
        }
        for _ in 0..200 {
            let depth = rng.usize(MAX_DEPTH - 5..MAX_DEPTH + 5);
            let mut text = Vec::new();
            for _ in 0..depth {
                text.push(if rng.bool() { b'[' } else { b'{' });
                if rng.bool() {
                    text.extend_from_slice(b"a: ");
                }
            }
            assert_eq!(check(&text).is_err(), depth > MAX_DEPTH, "{depth}");
        }
    }

    #[test]
    fn brackets_in_quotes_and_comments_do_not_count() {
        let text = "[".repeat(MAX_DEPTH + 1);
        for doc in [
            format!("a: '{text}'\n"),
            format!("a: \"{text}\"\n"),
            format!("a: \"\\\"{text}\"\n"),
            format!("a: 1 # {text}\n"),
        ] {
            assert_eq!(check(doc.as_bytes()), Ok(()), "{}", &doc[..8]);
        }
    }
}
