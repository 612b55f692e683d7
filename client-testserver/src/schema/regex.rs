//! A small backtracking regular-expression matcher for CRD `pattern`s.
//!
//! kube-apiserver matches `pattern` with Go's RE2 (`regexp.MatchString`:
//! unanchored search). This covers the subset CRD patterns use: literals,
//! `.`, classes (`[a-z0-9-]`, `[^...]`, `\d \w \s \D \W \S`), anchors `^` and
//! `$`, groups (`(...)`, `(?:...)`, `(?P<n>...)`, `(?<n>...)`), alternation,
//! and quantifiers `* + ? {n} {n,} {n,m}` (greedy or lazy). Backreferences,
//! lookaround and flags are rejected, as RE2 rejects most of them. A step and
//! depth budget bounds the work on hostile input: when it runs out the
//! string is reported as not matching.
//!
//! ```
//! use client_testserver::schema::regex::Regex;
//! let re = Regex::new("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$").unwrap();
//! assert!(re.is_match("my-name"));
//! assert!(!re.is_match("-bad"));
//! ```

use std::cell::Cell;

/// Total matching steps allowed per [`Regex::is_match`] call.
pub const STEP_LIMIT: u64 = 200_000;
/// Nesting allowed while matching (frames of the backtracking recursion).
const DEPTH_LIMIT: u32 = 2_000;
/// Nesting allowed while parsing (groups inside groups).
const PARSE_DEPTH_LIMIT: usize = 64;
/// Largest counted repetition, as in RE2.
const MAX_REPEAT: u32 = 1000;

/// Why a pattern could not be compiled.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("error parsing regexp: {0}")]
pub struct RegexError(pub String);

#[derive(Debug, Clone)]
enum Node {
    Char(char),
    Any,
    Class(Class),
    Start,
    End,
    Concat(Vec<Node>),
    Alt(Vec<Node>),
    Repeat {
        node: Box<Node>,
        min: u32,
        max: Option<u32>,
        greedy: bool,
    },
}

#[derive(Debug, Clone, Default)]
struct Class {
    ranges: Vec<(char, char)>,
    negated: bool,
}

impl Class {
    fn matches(&self, c: char) -> bool {
        self.ranges.iter().any(|&(a, b)| a <= c && c <= b) != self.negated
    }
}

impl Node {
    fn single_char(&self, c: char) -> Option<bool> {
        match self {
            Node::Char(x) => Some(*x == c),
            Node::Any => Some(c != '\n'),
            Node::Class(cl) => Some(cl.matches(c)),
            _ => None,
        }
    }

    fn is_single(&self) -> bool {
        matches!(self, Node::Char(_) | Node::Any | Node::Class(_))
    }
}

/// A compiled pattern.
#[derive(Debug, Clone)]
pub struct Regex {
    root: Node,
}

impl Regex {
    /// Compiles `pattern`.
    ///
    /// # Errors
    /// [`RegexError`] for syntax outside the supported subset.
    pub fn new(pattern: &str) -> Result<Regex, RegexError> {
        let chars: Vec<char> = pattern.chars().collect();
        let mut p = Parser {
            s: &chars,
            i: 0,
            depth: 0,
        };
        let root = p.alt()?;
        if p.i < chars.len() {
            return Err(RegexError(format!("unexpected ): `{pattern}`")));
        }
        Ok(Regex { root })
    }

    /// Whether the pattern matches anywhere in `text` (`false` too when the
    /// step budget runs out).
    pub fn is_match(&self, text: &str) -> bool {
        self.try_match(text).unwrap_or(false)
    }

    /// Like [`Regex::is_match`], `None` when the step or depth budget ran out.
    pub fn try_match(&self, text: &str) -> Option<bool> {
        let chars: Vec<char> = text.chars().collect();
        let m = Matcher {
            t: &chars,
            steps: Cell::new(0),
            depth: Cell::new(0),
            aborted: Cell::new(false),
        };
        let last = if starts_anchored(&self.root) {
            0
        } else {
            chars.len()
        };
        for start in 0..=last {
            if m.node(&self.root, start, &|_| true) {
                return Some(true);
            }
            if m.aborted.get() {
                return None;
            }
        }
        Some(false)
    }
}

/// Whether every match must begin at offset 0 (`^...`).
fn starts_anchored(n: &Node) -> bool {
    match n {
        Node::Start => true,
        Node::Concat(v) => v.first().is_some_and(starts_anchored),
        Node::Alt(v) => !v.is_empty() && v.iter().all(starts_anchored),
        _ => false,
    }
}

struct Parser<'a> {
    s: &'a [char],
    i: usize,
    depth: usize,
}

impl Parser<'_> {
    fn peek(&self) -> Option<char> {
        self.s.get(self.i).copied()
    }

    fn err(&self, what: &str) -> RegexError {
        RegexError(format!("{what} at offset {}", self.i))
    }

    fn alt(&mut self) -> Result<Node, RegexError> {
        let mut branches = vec![self.concat()?];
        while self.peek() == Some('|') {
            self.i += 1;
            branches.push(self.concat()?);
        }
        Ok(if branches.len() == 1 {
            branches.remove(0)
        } else {
            Node::Alt(branches)
        })
    }

    fn concat(&mut self) -> Result<Node, RegexError> {
        let mut items = Vec::new();
        while let Some(c) = self.peek() {
            if c == '|' || c == ')' {
                break;
            }
            let atom = self.atom()?;
            let atom = self.quantified(atom)?;
            items.push(atom);
        }
        Ok(Node::Concat(items))
    }

    fn quantified(&mut self, atom: Node) -> Result<Node, RegexError> {
        let (min, max) = match self.peek() {
            Some('*') => {
                self.i += 1;
                (0, None)
            }
            Some('+') => {
                self.i += 1;
                (1, None)
            }
            Some('?') => {
                self.i += 1;
                (0, Some(1))
            }
            Some('{') => match self.counted()? {
                Some(r) => r,
                None => return Ok(atom),
            },
            _ => return Ok(atom),
        };
        if matches!(atom, Node::Start | Node::End) {
            return Err(self.err("missing argument to repetition operator"));
        }
        let greedy = if self.peek() == Some('?') {
            self.i += 1;
            false
        } else {
            true
        };
        if matches!(self.peek(), Some('*' | '+' | '?')) {
            return Err(self.err("invalid nested repetition operator"));
        }
        Ok(Node::Repeat {
            node: Box::new(atom),
            min,
            max,
            greedy,
        })
    }

    /// `{n}`, `{n,}`, `{n,m}`; `None` (literal `{`) when not a valid counter.
    fn counted(&mut self) -> Result<Option<(u32, Option<u32>)>, RegexError> {
        let start = self.i;
        self.i += 1;
        let num = |p: &mut Parser<'_>| -> Option<u32> {
            let b = p.i;
            while p.peek().is_some_and(|c| c.is_ascii_digit()) {
                p.i += 1;
            }
            if b == p.i {
                return None;
            }
            p.s[b..p.i].iter().collect::<String>().parse().ok()
        };
        let Some(min) = num(self) else {
            self.i = start;
            return Ok(None);
        };
        let max = if self.peek() == Some(',') {
            self.i += 1;
            if self.peek() == Some('}') {
                None
            } else {
                match num(self) {
                    Some(m) => Some(m),
                    None => {
                        self.i = start;
                        return Ok(None);
                    }
                }
            }
        } else {
            Some(min)
        };
        if self.peek() != Some('}') {
            self.i = start;
            return Ok(None);
        }
        self.i += 1;
        if min > MAX_REPEAT || max.is_some_and(|m| m > MAX_REPEAT || m < min) {
            return Err(self.err("invalid repeat count"));
        }
        Ok(Some((min, max)))
    }

    fn atom(&mut self) -> Result<Node, RegexError> {
        let Some(c) = self.peek() else {
            return Err(self.err("unexpected end"));
        };
        self.i += 1;
        match c {
            '.' => Ok(Node::Any),
            '^' => Ok(Node::Start),
            '$' => Ok(Node::End),
            '(' => {
                if self.depth >= PARSE_DEPTH_LIMIT {
                    return Err(self.err("expression nests too deeply"));
                }
                if self.peek() == Some('?') {
                    self.i += 1;
                    match self.peek() {
                        Some(':') => self.i += 1,
                        Some('P') | Some('<') => {
                            if self.peek() == Some('P') {
                                self.i += 1;
                            }
                            if self.peek() != Some('<') {
                                return Err(self.err("invalid named capture"));
                            }
                            while let Some(c) = self.peek() {
                                self.i += 1;
                                if c == '>' {
                                    break;
                                }
                            }
                        }
                        _ => return Err(self.err("invalid or unsupported Perl syntax")),
                    }
                }
                self.depth += 1;
                let inner = self.alt()?;
                self.depth -= 1;
                if self.peek() != Some(')') {
                    return Err(self.err("missing closing )"));
                }
                self.i += 1;
                Ok(inner)
            }
            ')' => Err(self.err("unexpected )")),
            '*' | '+' | '?' => Err(self.err("missing argument to repetition operator")),
            '[' => self.class().map(Node::Class),
            '\\' => self.escape().map(|e| match e {
                Escaped::Char(c) => Node::Char(c),
                Escaped::Class(cl) => Node::Class(cl),
            }),
            c => Ok(Node::Char(c)),
        }
    }

    fn escape(&mut self) -> Result<Escaped, RegexError> {
        let Some(c) = self.peek() else {
            return Err(self.err("trailing backslash at end of expression"));
        };
        self.i += 1;
        let digit = vec![('0', '9')];
        let word = vec![('0', '9'), ('A', 'Z'), ('_', '_'), ('a', 'z')];
        let space = vec![('\t', '\n'), ('\u{c}', '\r'), (' ', ' ')];
        let class =
            |ranges: Vec<(char, char)>, negated: bool| Escaped::Class(Class { ranges, negated });
        Ok(match c {
            'd' => class(digit, false),
            'D' => class(digit, true),
            'w' => class(word, false),
            'W' => class(word, true),
            's' => class(space, false),
            'S' => class(space, true),
            'n' => Escaped::Char('\n'),
            't' => Escaped::Char('\t'),
            'r' => Escaped::Char('\r'),
            'f' => Escaped::Char('\u{c}'),
            'v' => Escaped::Char('\u{b}'),
            c if c.is_ascii_alphanumeric() => {
                return Err(self.err("invalid escape sequence"));
            }
            c => Escaped::Char(c),
        })
    }

    fn class(&mut self) -> Result<Class, RegexError> {
        let mut cl = Class::default();
        if self.peek() == Some('^') {
            self.i += 1;
            cl.negated = true;
        }
        let mut first = true;
        loop {
            let Some(c) = self.peek() else {
                return Err(self.err("missing closing ]"));
            };
            if c == ']' && !first {
                self.i += 1;
                break;
            }
            first = false;
            self.i += 1;
            let lo = if c == '\\' {
                match self.escape()? {
                    Escaped::Char(c) => c,
                    Escaped::Class(inner) => {
                        if inner.negated {
                            // complement of the inner ranges within the BMP+.
                            let mut prev = '\0';
                            let mut ranges = inner.ranges.clone();
                            ranges.sort();
                            for (a, b) in ranges {
                                if a > prev {
                                    cl.ranges
                                        .push((prev, char::from_u32(a as u32 - 1).unwrap_or(prev)));
                                }
                                prev = char::from_u32(b as u32 + 1).unwrap_or(b);
                            }
                            cl.ranges.push((prev, char::MAX));
                        } else {
                            cl.ranges.extend(inner.ranges);
                        }
                        continue;
                    }
                }
            } else {
                c
            };
            if self.peek() == Some('-') && self.s.get(self.i + 1).is_some_and(|&n| n != ']') {
                self.i += 1;
                let Some(h) = self.peek() else {
                    return Err(self.err("missing closing ]"));
                };
                self.i += 1;
                let hi = if h == '\\' {
                    match self.escape()? {
                        Escaped::Char(c) => c,
                        Escaped::Class(_) => return Err(self.err("invalid character class range")),
                    }
                } else {
                    h
                };
                if hi < lo {
                    return Err(self.err("invalid character class range"));
                }
                cl.ranges.push((lo, hi));
            } else {
                cl.ranges.push((lo, lo));
            }
        }
        Ok(cl)
    }
}

enum Escaped {
    Char(char),
    Class(Class),
}

struct Matcher<'a> {
    t: &'a [char],
    steps: Cell<u64>,
    depth: Cell<u32>,
    aborted: Cell<bool>,
}

impl Matcher<'_> {
    fn enter(&self) -> bool {
        if self.aborted.get() {
            return false;
        }
        let s = self.steps.get() + 1;
        self.steps.set(s);
        let d = self.depth.get() + 1;
        self.depth.set(d);
        if s > STEP_LIMIT || d > DEPTH_LIMIT {
            self.aborted.set(true);
            return false;
        }
        true
    }

    fn node(&self, n: &Node, i: usize, k: &dyn Fn(usize) -> bool) -> bool {
        if !self.enter() {
            self.depth.set(self.depth.get().saturating_sub(1));
            return false;
        }
        let r = self.node_inner(n, i, k);
        self.depth.set(self.depth.get().saturating_sub(1));
        r
    }

    fn node_inner(&self, n: &Node, i: usize, k: &dyn Fn(usize) -> bool) -> bool {
        match n {
            Node::Char(_) | Node::Any | Node::Class(_) => {
                i < self.t.len() && n.single_char(self.t[i]) == Some(true) && k(i + 1)
            }
            Node::Start => i == 0 && k(i),
            Node::End => i == self.t.len() && k(i),
            Node::Concat(v) => self.seq(v, i, k),
            Node::Alt(v) => v.iter().any(|b| !self.aborted.get() && self.node(b, i, k)),
            Node::Repeat {
                node,
                min,
                max,
                greedy,
            } => {
                if node.is_single() {
                    self.repeat_single(node, *min, *max, *greedy, i, k)
                } else {
                    self.repeat(node, *min, *max, *greedy, 0, i, k)
                }
            }
        }
    }

    fn seq(&self, v: &[Node], i: usize, k: &dyn Fn(usize) -> bool) -> bool {
        match v.split_first() {
            None => k(i),
            Some((first, rest)) => self.node(first, i, &|j| self.seq(rest, j, k)),
        }
    }

    /// A quantifier over one character: count the run, then try the
    /// continuation from the longest (greedy) or shortest (lazy) end, without
    /// one recursion level per character.
    fn repeat_single(
        &self,
        n: &Node,
        min: u32,
        max: Option<u32>,
        greedy: bool,
        i: usize,
        k: &dyn Fn(usize) -> bool,
    ) -> bool {
        let limit = max.map_or(usize::MAX, |m| m as usize);
        let mut run = 0usize;
        while run < limit && i + run < self.t.len() && n.single_char(self.t[i + run]) == Some(true)
        {
            run += 1;
        }
        let min = min as usize;
        if run < min {
            return false;
        }
        let try_at = |c: usize| -> bool {
            if !self.enter() {
                self.depth.set(self.depth.get().saturating_sub(1));
                return false;
            }
            let r = k(i + c);
            self.depth.set(self.depth.get().saturating_sub(1));
            r
        };
        if greedy {
            (min..=run).rev().any(|c| !self.aborted.get() && try_at(c))
        } else {
            (min..=run).any(|c| !self.aborted.get() && try_at(c))
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn repeat(
        &self,
        n: &Node,
        min: u32,
        max: Option<u32>,
        greedy: bool,
        count: u32,
        i: usize,
        k: &dyn Fn(usize) -> bool,
    ) -> bool {
        let can_more = max.is_none_or(|m| count < m);
        let more = || {
            can_more
                && self.node(n, i, &|j| {
                    // an iteration that consumed nothing cannot make progress
                    if j == i && count >= min {
                        return false;
                    }
                    self.repeat(n, min, max, greedy, count.saturating_add(1), j, k)
                })
        };
        let stop = || count >= min && k(i);
        if greedy {
            more() || (!self.aborted.get() && stop())
        } else {
            stop() || (!self.aborted.get() && more())
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    fn m(p: &str, s: &str) -> bool {
        Regex::new(p).unwrap().is_match(s)
    }

    #[test]
    fn common_crd_patterns() {
        let dns = "^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$";
        assert!(m(dns, "a.b-c.example"));
        assert!(!m(dns, "A.b"));
        assert!(!m(dns, "a..b"));
        let cron = "^(\\d+|\\*)(/\\d+)?(\\s+(\\d+|\\*)(/\\d+)?){4}$";
        assert!(m(cron, "*/5 * * * *"));
        assert!(!m(cron, "* * *"));
        assert!(m("^v[0-9]+\\.[0-9]+$", "v1.22"));
        assert!(!m("^v[0-9]+\\.[0-9]+$", "v1x22"));
        assert!(m("^(Always|Never|IfNotPresent)$", "Never"));
        assert!(!m("^(Always|Never|IfNotPresent)$", "Sometimes"));
        assert!(m("^[^:]+:[0-9]{2,5}$", "host:8080"));
        assert!(!m("^[^:]+:[0-9]{2,5}$", "host:8"));
        assert!(m("^\\w+$", "snake_case9"));
        assert!(m("^[\\w.-]+$", "a.b-c_d"));
        assert!(!m("^[\\S]+$", "has space"));
        assert!(m("^a{2}b?c*?$", "aac"));
        assert!(m("^(?:ab)+$", "ababab"));
        assert!(m("^(?P<x>a|b)c$", "bc"));
        assert!(m("^[a-]+$", "a-a"));
    }

    #[test]
    fn unanchored_like_re2() {
        assert!(m("abc", "xxabcxx"));
        assert!(m("^abc", "abcxx"));
        assert!(!m("^abc$", "abcxx"));
        assert!(m("", "anything"));
        assert!(m("x*", ""));
    }

    #[test]
    fn rejects_unsupported_syntax() {
        for p in [
            "(?=a)", "a**", "(a", "a)", "[a", "\\1", "a{2,1}", "a{1001}", "*a", "[z-a]",
        ] {
            assert!(Regex::new(p).is_err(), "{p}");
        }
        assert!(m("a{,2}", "a{,2}"), "not a counter: literal brace");
    }

    #[test]
    fn hostile_input_is_bounded() {
        let re = Regex::new("^(a+)+$").unwrap();
        let s = format!("{}b", "a".repeat(40));
        assert_eq!(re.try_match(&s), None);
        assert!(!re.is_match(&s));
        let long = "a".repeat(100_000);
        assert!(Regex::new("^a*$").unwrap().is_match(&long));
        let deep = "(".repeat(100) + &")".repeat(100);
        assert!(Regex::new(&deep).is_err());
    }
}
