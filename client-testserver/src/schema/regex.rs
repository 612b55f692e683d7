//! A small regular-expression engine for CRD `pattern`s.
//!
//! kube-apiserver matches `pattern` with Go's RE2 (`regexp.MatchString`:
//! unanchored search). This covers the subset CRD patterns use: literals,
//! `.`, classes (`[a-z0-9-]`, `[^...]`, `\d \w \s \D \W \S`), anchors `^` and
//! `$`, groups (`(...)`, `(?:...)`, `(?P<n>...)`, `(?<n>...)`), alternation,
//! and quantifiers `* + ? {n} {n,} {n,m}` (greedy or lazy). Backreferences,
//! lookaround and flags are rejected, as RE2 rejects most of them.
//!
//! Like RE2 the pattern compiles to a Thompson NFA that is simulated in
//! lockstep over the text (a Pike VM): time is linear in text length times
//! program size, with no recursion while matching and no catastrophic
//! backtracking. A step budget ([`STEP_LIMIT`]) still bounds the work on
//! very long inputs; when it runs out the string is reported as not
//! matching.

/// Total matching steps allowed per [`Regex::is_match`] call (about
/// text length times program size).
pub(crate) const STEP_LIMIT: u64 = 20_000_000;
/// Largest compiled program, in instructions.
pub(crate) const MAX_PROGRAM: usize = 20_000;
/// Nesting allowed while parsing (groups inside groups).
const PARSE_DEPTH_LIMIT: usize = 64;
/// Largest counted repetition, as in RE2.
const MAX_REPEAT: u32 = 1000;

/// Why a pattern could not be compiled.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("error parsing regexp: {0}")]
pub(crate) struct RegexError(pub String);

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

/// A compiled pattern: a program for a Thompson-NFA (Pike VM) simulation.
#[derive(Debug, Clone)]
pub(crate) struct Regex {
    prog: Vec<Inst>,
    anchored: bool,
}

#[derive(Debug, Clone)]
enum Inst {
    Char(char),
    Any,
    Class(Class),
    Start,
    End,
    Split(usize, usize),
    Jmp(usize),
    Match,
}

impl Regex {
    /// Compiles `pattern`.
    ///
    /// # Errors
    /// [`RegexError`] for syntax outside the supported subset, or a program
    /// larger than [`MAX_PROGRAM`] instructions (large counted repetitions).
    pub(crate) fn new(pattern: &str) -> Result<Regex, RegexError> {
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
        let mut prog = Vec::new();
        emit(&root, &mut prog)?;
        push(&mut prog, Inst::Match)?;
        Ok(Regex {
            prog,
            anchored: starts_anchored(&root),
        })
    }

    /// Whether the pattern matches anywhere in `text` (`false` too when the
    /// step budget runs out).
    pub(crate) fn is_match(&self, text: &str) -> bool {
        self.try_match(text).unwrap_or(false)
    }

    /// Like [`Regex::is_match`], `None` when the step budget ran out.
    pub(crate) fn try_match(&self, text: &str) -> Option<bool> {
        let t: Vec<char> = text.chars().collect();
        let mut vm = Vm {
            prog: &self.prog,
            seen: vec![usize::MAX; self.prog.len()],
            steps: 0,
            stack: Vec::new(),
        };
        let mut clist: Vec<usize> = Vec::new();
        let mut nlist: Vec<usize> = Vec::new();
        for pos in 0..=t.len() {
            if !self.anchored || pos == 0 {
                vm.add(&mut clist, 0, pos, t.len())?;
            }
            if clist.iter().any(|&pc| matches!(self.prog[pc], Inst::Match)) {
                return Some(true);
            }
            if pos == t.len() || clist.is_empty() && self.anchored {
                break;
            }
            let c = t[pos];
            for &pc in &clist {
                let ok = match &self.prog[pc] {
                    Inst::Char(x) => *x == c,
                    Inst::Any => c != '\n',
                    Inst::Class(cl) => cl.matches(c),
                    _ => false,
                };
                if ok {
                    vm.add(&mut nlist, pc + 1, pos + 1, t.len())?;
                }
            }
            std::mem::swap(&mut clist, &mut nlist);
            nlist.clear();
        }
        Some(false)
    }
}

struct Vm<'a> {
    prog: &'a [Inst],
    /// The position each instruction was last added at (dedup per step).
    seen: Vec<usize>,
    steps: u64,
    stack: Vec<usize>,
}

impl Vm<'_> {
    /// Adds `pc` and everything reachable from it without consuming input.
    fn add(&mut self, list: &mut Vec<usize>, pc: usize, pos: usize, len: usize) -> Option<()> {
        self.stack.push(pc);
        while let Some(pc) = self.stack.pop() {
            self.steps += 1;
            if self.steps > STEP_LIMIT {
                self.stack.clear();
                return None;
            }
            if pc >= self.prog.len() || self.seen[pc] == pos {
                continue;
            }
            self.seen[pc] = pos;
            match &self.prog[pc] {
                Inst::Jmp(x) => self.stack.push(*x),
                Inst::Split(x, y) => {
                    self.stack.push(*y);
                    self.stack.push(*x);
                }
                Inst::Start => {
                    if pos == 0 {
                        self.stack.push(pc + 1);
                    }
                }
                Inst::End => {
                    if pos == len {
                        self.stack.push(pc + 1);
                    }
                }
                Inst::Char(_) | Inst::Any | Inst::Class(_) | Inst::Match => list.push(pc),
            }
        }
        Some(())
    }
}

fn push(prog: &mut Vec<Inst>, i: Inst) -> Result<usize, RegexError> {
    if prog.len() >= MAX_PROGRAM {
        return Err(RegexError("expression too large".into()));
    }
    prog.push(i);
    Ok(prog.len() - 1)
}

fn emit(n: &Node, prog: &mut Vec<Inst>) -> Result<(), RegexError> {
    match n {
        Node::Char(c) => push(prog, Inst::Char(*c)).map(drop),
        Node::Any => push(prog, Inst::Any).map(drop),
        Node::Class(cl) => push(prog, Inst::Class(cl.clone())).map(drop),
        Node::Start => push(prog, Inst::Start).map(drop),
        Node::End => push(prog, Inst::End).map(drop),
        Node::Concat(v) => v.iter().try_for_each(|x| emit(x, prog)),
        Node::Alt(v) => {
            let mut jumps = Vec::new();
            for (i, b) in v.iter().enumerate() {
                if i + 1 < v.len() {
                    let split = push(prog, Inst::Split(0, 0))?;
                    emit(b, prog)?;
                    jumps.push(push(prog, Inst::Jmp(0))?);
                    prog[split] = Inst::Split(split + 1, prog.len());
                } else {
                    emit(b, prog)?;
                }
            }
            let end = prog.len();
            for j in jumps {
                prog[j] = Inst::Jmp(end);
            }
            Ok(())
        }
        Node::Repeat { node, min, max, .. } => {
            for _ in 0..*min {
                emit(node, prog)?;
            }
            match max {
                None => {
                    let split = push(prog, Inst::Split(0, 0))?;
                    emit(node, prog)?;
                    push(prog, Inst::Jmp(split))?;
                    prog[split] = Inst::Split(split + 1, prog.len());
                }
                Some(m) => {
                    let mut splits = Vec::new();
                    for _ in *min..*m {
                        splits.push(push(prog, Inst::Split(0, 0))?);
                        emit(node, prog)?;
                    }
                    let end = prog.len();
                    for sp in splits {
                        prog[sp] = Inst::Split(sp + 1, end);
                    }
                }
            }
            Ok(())
        }
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
        // lazy quantifiers match the same strings; only the flag is consumed
        if self.peek() == Some('?') {
            self.i += 1;
        }
        if matches!(self.peek(), Some('*' | '+' | '?')) {
            return Err(self.err("invalid nested repetition operator"));
        }
        Ok(Node::Repeat {
            node: Box::new(atom),
            min,
            max,
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
    fn group_repetition_needs_no_stack() {
        let t = std::thread::Builder::new()
            .stack_size(256 << 10)
            .spawn(|| {
                let re = Regex::new("^(ab|cd)*(x(y|z))*$").unwrap();
                let long = "ab".repeat(50_000);
                (
                    re.try_match(&long),
                    re.is_match(&format!("{long}xyxz")),
                    re.is_match(&format!("{long}a")),
                )
            })
            .unwrap();
        assert_eq!(t.join().unwrap(), (Some(true), true, false));
    }

    #[test]
    fn hostile_input_is_bounded() {
        // exponential for a backtracker, linear here
        let re = Regex::new("^(a+)+$").unwrap();
        let s = format!("{}b", "a".repeat(10_000));
        assert_eq!(re.try_match(&s), Some(false));
        assert_eq!(re.try_match(&"a".repeat(10_000)), Some(true));
        let long = "a".repeat(100_000);
        assert!(Regex::new("^a*$").unwrap().is_match(&long));
        // the budget: a big program over a long text
        let big = Regex::new("[a-z]{0,200}c").unwrap();
        assert_eq!(big.try_match(&"a".repeat(200_000)), None);
        assert!(!big.is_match(&"a".repeat(200_000)));
        let deep = "(".repeat(100) + &")".repeat(100);
        assert!(Regex::new(&deep).is_err());
        assert_eq!(
            Regex::new("(a{1000}){1000}").unwrap_err().to_string(),
            "error parsing regexp: expression too large"
        );
    }
}

/// The examples that were doc tests while this module was public.
#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod examples {
    #[test]
    fn module_doc_example() {
        use crate::schema::regex::Regex;
        let re = Regex::new("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$").unwrap();
        assert!(re.is_match("my-name"));
        assert!(!re.is_match("-bad"));
    }
}
