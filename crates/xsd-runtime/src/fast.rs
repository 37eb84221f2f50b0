//! A fast matcher for the simple anchored patterns schemas use most (BIC, IBAN, currency and
//! country codes, UUIDs, digit runs): concatenations and alternatives of ASCII character
//! classes, literals and groups with counted repetition. It is built from the translated
//! regex of a [`Pattern`](crate::Pattern) at first use; anything outside that subset (`\d`,
//! `.`, negated classes, non-ASCII, flags) is left to the `regex` crate. Matching simulates all
//! positions at once in a 128-bit set (no backtracking), so inputs of up to 127 bytes are
//! matched here and longer ones by the regex.
//!
//! It must agree with the regex on every input: tests compare the two on generated strings.

/// One repeated term of a sequence.
#[derive(Debug)]
struct Item {
    node: Node,
    min: u32,
    /// `u32::MAX` = unbounded.
    max: u32,
}

#[derive(Debug)]
enum Node {
    /// A set of ASCII bytes (bit `b` set = byte `b` matches).
    Class(u128),
    /// Alternatives, each a sequence.
    Group(Vec<Vec<Item>>),
}

/// A compiled fast pattern (alternatives of sequences, implicitly anchored at both ends).
#[derive(Debug)]
pub(crate) struct Fast {
    alts: Vec<Vec<Item>>,
    /// The same pattern when it is one sequence of classes all of fixed count but the last
    /// (currency and country codes, UUIDs, IBANs, BICs, digit runs): matched in one pass.
    linear: Option<Vec<Run>>,
}

/// A run of bytes of one class, `min..=max` long in steps of `step` (the last of a linear
/// pattern; the others have `min == max`).
#[derive(Debug, Clone, Copy)]
struct Run {
    class: ByteSet,
    min: usize,
    max: usize,
    step: usize,
}

impl Run {
    /// A class item, or a group of one fixed-count class item repeated (`([A-Z0-9]{3}){0,1}`).
    fn of(item: &Item) -> Option<Run> {
        let (min, max) = (usize::try_from(item.min).ok()?, usize::try_from(item.max).unwrap_or(usize::MAX));
        match &item.node {
            Node::Class(class) => Some(Run { class: ByteSet::of(*class), min, max, step: 1 }),
            Node::Group(alts) => match alts.as_slice() {
                [seq] => match seq.as_slice() {
                    [Item { node: Node::Class(class), min: n, max: m }] if n == m && *n > 0 => {
                        let n = usize::try_from(*n).ok()?;
                        let class = ByteSet::of(*class);
                        Some(Run { class, min: min.checked_mul(n)?, max: max.saturating_mul(n), step: n })
                    }
                    _ => None,
                },
                _ => None,
            },
        }
    }
}

/// The one-pass form of `alts`, when it has one (see [`Fast::linear`]).
fn linear(alts: &[Vec<Item>]) -> Option<Vec<Run>> {
    let [seq] = alts else { return None };
    // The generator wraps every pattern in `(?:...)`: look inside a group taken once.
    if let [Item { node: Node::Group(inner), min: 1, max: 1 }] = seq.as_slice() {
        return linear(inner);
    }
    let mut out = Vec::with_capacity(seq.len());
    for (i, item) in seq.iter().enumerate() {
        let run = Run::of(item)?;
        if (run.min != run.max || run.step != 1) && i + 1 != seq.len() {
            return None;
        }
        out.push(run);
    }
    Some(out)
}

/// A class as a table: one load per byte tested (a shift of the 128-bit set takes several
/// instructions and a select; this test is most of the time spent matching codes and IBANs).
#[derive(Clone, Copy)]
struct ByteSet([bool; 256]);

impl ByteSet {
    fn of(class: u128) -> Self {
        let mut table = [false; 256];
        for (c, slot) in (0u8..128).zip(table.iter_mut()) {
            *slot = class >> c & 1 == 1;
        }
        ByteSet(table)
    }
}

impl std::fmt::Debug for ByteSet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let members: String = (0u8..128).filter(|c| self.0[usize::from(*c)]).map(char::from).collect();
        f.debug_tuple("ByteSet").field(&members).finish()
    }
}

fn in_class(class: &ByteSet, run: &[u8]) -> bool {
    run.iter().all(|&c| class.0[usize::from(c)])
}

fn match_linear(items: &[Run], s: &[u8]) -> bool {
    let mut rest = s;
    let Some((last, fixed)) = items.split_last() else { return s.is_empty() };
    for r in fixed {
        let Some((run, tail)) = rest.split_at_checked(r.min) else { return false };
        if !in_class(&r.class, run) {
            return false;
        }
        rest = tail;
    }
    (last.min..=last.max).contains(&rest.len())
        && (rest.len() - last.min).is_multiple_of(last.step)
        && in_class(&last.class, rest)
}

/// Longest input the position set can hold.
pub(crate) const MAX_LEN: usize = 127;

/// Largest repetition bound accepted (beyond it the regex is used).
const MAX_COUNT: u32 = 1000;

struct Parser<'s> {
    s: &'s [u8],
    i: usize,
}

impl Parser<'_> {
    fn peek(&self) -> Option<u8> {
        self.s.get(self.i).copied()
    }

    fn next(&mut self) -> Option<u8> {
        let c = self.peek()?;
        self.i += 1;
        Some(c)
    }

    fn eat(&mut self, c: u8) -> bool {
        if self.peek() == Some(c) {
            self.i += 1;
            true
        } else {
            false
        }
    }

    fn alts(&mut self) -> Option<Vec<Vec<Item>>> {
        let mut alts = vec![self.seq()?];
        while self.eat(b'|') {
            alts.push(self.seq()?);
        }
        Some(alts)
    }

    fn seq(&mut self) -> Option<Vec<Item>> {
        let mut items = Vec::new();
        loop {
            let node = match self.peek() {
                None | Some(b'|' | b')') => return Some(items),
                Some(b'(') => {
                    self.i += 1;
                    if self.eat(b'?') && !self.eat(b':') {
                        return None; // flags or other group syntax
                    }
                    let g = self.alts()?;
                    if !self.eat(b')') {
                        return None;
                    }
                    Node::Group(g)
                }
                Some(b'[') => {
                    self.i += 1;
                    Node::Class(self.class()?)
                }
                Some(b'\\') => {
                    self.i += 1;
                    Node::Class(bit(escaped(self.next()?)?))
                }
                Some(c) if is_literal(c) => {
                    self.i += 1;
                    Node::Class(bit(c))
                }
                Some(_) => return None,
            };
            let (min, max) = self.quantifier()?;
            items.push(Item { node, min, max });
        }
    }

    /// Class body after `[`, through `]`.
    fn class(&mut self) -> Option<u128> {
        let mut set = 0u128;
        if matches!(self.peek(), Some(b'^' | b']')) {
            return None;
        }
        loop {
            let lo = match self.next()? {
                b']' => return Some(set),
                b'\\' => escaped(self.next()?)?,
                b'[' | b'&' | b'~' => return None, // nested classes and set operations
                c if c.is_ascii() && !c.is_ascii_control() => c,
                _ => return None,
            };
            if self.peek() == Some(b'-') && self.s.get(self.i + 1).is_some_and(|c| *c != b']') {
                self.i += 1;
                let hi = match self.next()? {
                    b'\\' => escaped(self.next()?)?,
                    b'[' | b'&' | b'~' => return None,
                    c if c.is_ascii() && !c.is_ascii_control() => c,
                    _ => return None,
                };
                if hi < lo {
                    return None;
                }
                for c in lo..=hi {
                    set |= bit(c);
                }
            } else {
                if lo == b'-' && self.peek() == Some(b'-') {
                    return None; // `--` is a set operation in the regex crate
                }
                set |= bit(lo);
            }
        }
    }

    fn number(&mut self) -> Option<u32> {
        let start = self.i;
        let mut v = 0u32;
        while let Some(c) = self.peek().filter(u8::is_ascii_digit) {
            v = v.checked_mul(10)?.checked_add(u32::from(c - b'0'))?;
            self.i += 1;
        }
        (self.i > start).then_some(v)
    }

    fn quantifier(&mut self) -> Option<(u32, u32)> {
        let q = match self.peek() {
            Some(b'?') => (0, 1),
            Some(b'*') => (0, u32::MAX),
            Some(b'+') => (1, u32::MAX),
            Some(b'{') => {
                self.i += 1;
                let min = self.number()?;
                let max = if self.eat(b',') {
                    if self.peek() == Some(b'}') { u32::MAX } else { self.number()? }
                } else {
                    min
                };
                if self.peek() != Some(b'}') || max < min || min > MAX_COUNT || (max != u32::MAX && max > MAX_COUNT) {
                    return None;
                }
                (min, max)
            }
            _ => return Some((1, 1)),
        };
        self.i += 1;
        if matches!(self.peek(), Some(b'?' | b'+' | b'*' | b'{')) {
            return None; // lazy or stacked quantifiers: leave to the regex
        }
        Some(q)
    }
}

fn bit(c: u8) -> u128 {
    if c < 128 { 1u128 << c } else { 0 }
}

/// The byte an escape `\c` stands for, when it is an escaped ASCII punctuation character.
fn escaped(c: u8) -> Option<u8> {
    (c.is_ascii_punctuation()).then_some(c)
}

/// A character that stands for itself outside a class.
fn is_literal(c: u8) -> bool {
    (c.is_ascii_alphanumeric() || (c.is_ascii_punctuation() && !b".^$*+?{}[]()|\\#&~-".contains(&c)))
        || c == b'-'
        || c == b' '
}

impl Fast {
    /// Compile an anchored regex of the form `^(?:...)$` (the generator's output), or `None`
    /// when it uses anything outside the supported subset.
    pub(crate) fn new(regex: &str) -> Option<Fast> {
        let body = regex.strip_prefix('^')?.strip_suffix('$')?;
        if !body.is_ascii() || body.ends_with('\\') {
            return None;
        }
        let mut p = Parser { s: body.as_bytes(), i: 0 };
        let alts = p.alts()?;
        let linear = linear(&alts);
        (p.i == body.len()).then_some(Fast { alts, linear })
    }

    /// Whether `s` (at most [`MAX_LEN`] bytes) matches as a whole. `None` when too long.
    pub(crate) fn is_match(&self, s: &str) -> Option<bool> {
        let s = s.as_bytes();
        if s.len() > MAX_LEN {
            return None;
        }
        if let Some(items) = &self.linear {
            return Some(match_linear(items, s));
        }
        let end = step_alts(&self.alts, s, 1);
        Some(end >> s.len() & 1 == 1)
    }
}

fn step_alts(alts: &[Vec<Item>], s: &[u8], set: u128) -> u128 {
    alts.iter().fold(0, |acc, seq| acc | step_seq(seq, s, set))
}

fn step_seq(seq: &[Item], s: &[u8], mut set: u128) -> u128 {
    for item in seq {
        set = step_item(item, s, set);
        if set == 0 {
            return 0;
        }
    }
    set
}

fn step_item(item: &Item, s: &[u8], set: u128) -> u128 {
    if let Node::Class(class) = item.node {
        return step_class_run(class, item.min, item.max, s, set);
    }
    let mut result = if item.min == 0 { set } else { 0 };
    let mut cur = set;
    // Each step either advances or repeats a set already seen; beyond len + 1 + min steps
    // nothing new can appear.
    let limit = item.max.min(item.min.saturating_add(u32::try_from(s.len()).unwrap_or(u32::MAX)).saturating_add(1));
    let mut k = 0u32;
    while k < limit {
        k += 1;
        let next = step_node(&item.node, s, cur);
        if k >= item.min {
            result |= next;
        }
        if next == 0 || (next == cur && k >= item.min) {
            break;
        }
        cur = next;
    }
    result
}

/// A repeated class: from each position, the run of bytes in the class, and every end
/// between `min` and `max` repetitions.
fn step_class_run(class: u128, min: u32, max: u32, s: &[u8], set: u128) -> u128 {
    let mut out = 0u128;
    let mut x = set;
    while x != 0 {
        let p = x.trailing_zeros() as usize;
        x &= x - 1;
        let limit = usize::try_from(max).unwrap_or(usize::MAX);
        let run =
            s.get(p..).unwrap_or_default().iter().take(limit).take_while(|&&c| c < 128 && class >> c & 1 == 1).count();
        let min = usize::try_from(min).unwrap_or(usize::MAX);
        if run >= min {
            // Positions p + min ..= p + run (all < 128: s is at most MAX_LEN bytes).
            out |= bits_upto(p + run) & !bits_below(p + min);
        }
    }
    out
}

/// Bits 0..=i set (i <= 127).
fn bits_upto(i: usize) -> u128 {
    if i >= 127 { u128::MAX } else { (1u128 << (i + 1)) - 1 }
}

/// Bits 0..i set (i <= 128).
fn bits_below(i: usize) -> u128 {
    if i >= 128 { u128::MAX } else { (1u128 << i) - 1 }
}

fn step_node(node: &Node, s: &[u8], set: u128) -> u128 {
    match node {
        Node::Class(class) => {
            let mut out = 0u128;
            let mut x = set;
            while x != 0 {
                let p = x.trailing_zeros() as usize;
                x &= x - 1;
                if let Some(&c) = s.get(p)
                    && c < 128
                    && class >> c & 1 == 1
                {
                    out |= 1u128 << (p + 1);
                }
            }
            out
        }
        Node::Group(alts) => step_alts(alts, s, set),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The patterns of the ISO 20022 schemas payglot generates (as the generator translates
    /// them), plus a few shapes the subset must handle or refuse.
    const PATTERNS: &[&str] = &[
        "^(?:[A-Z]{3,3})$",
        "^(?:[A-Z0-9]{4,4}[A-Z]{2,2}[A-Z0-9]{2,2}([A-Z0-9]{3,3}){0,1})$",
        "^(?:[A-Z]{6,6}[A-Z2-9][A-NP-Z0-9]([A-Z0-9]{3,3}){0,1})$",
        "^(?:[A-Z]{2,2})$",
        "^(?:[0-9])$",
        "^(?:[0-9]{2})$",
        "^(?:[0-9]{3})$",
        "^(?:[a-zA-Z0-9]{4})$",
        "^(?:[A-Z]{2,2}[0-9]{2,2}[a-zA-Z0-9]{1,30})$",
        "^(?:[A-Z0-9]{12,12})$",
        "^(?:[A-Z]{2,2}[A-Z0-9]{9,9}[0-9]{1,1})$",
        "^(?:[a-z]{2,2})$",
        "^(?:[A-Z0-9]{18,18}[0-9]{2,2})$",
        "^(?:[0-9]{1,15})$",
        "^(?:[0-9]{1,3})$",
        "^(?:[0-9]{1,5})$",
        "^(?:[0-9]{2,3})$",
        "^(?:[0-9]{3,4})$",
        "^(?:[0-9]{8,28})$",
        "^(?:\\+[0-9]{1,3}-[0-9()+\\-]{1,30})$",
        "^(?:[a-f0-9]{8}-[a-f0-9]{4}-4[a-f0-9]{3}-[89ab][a-f0-9]{3}-[a-f0-9]{12})$",
        "^(?:[+]{0,1}[0-9]{1,15})$",
        "^(?:[\\+]{0,1}[0-9]{1,15})$",
        "^(?:(?:[A-Z]{2})|(?:[0-9]{3}))$",
        "^(?:(ab|a)(bc|c)?x*)$",
        "^(?:(a?){3}b+)$",
    ];

    /// Patterns the fast matcher must leave to the regex.
    const REFUSED: &[&str] = &["^(?:\\d{3})$", "^(?:.{1,3})$", "^(?:[^A-Z])$", "^(?:(?i)abc)$", "^(?:a{2}?)$"];

    /// Alphabet of generated strings: every character class boundary the patterns use, and a
    /// non-ASCII letter.
    const ALPHABET: &[char] = &[
        'A', 'B', 'M', 'N', 'O', 'P', 'Z', 'a', 'b', 'c', 'f', 'g', 'x', 'z', '0', '1', '2', '4', '8', '9', '+', '-',
        '(', ')', ' ', '@', 'é',
    ];

    struct Rng(u64);
    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }
        fn below(&mut self, n: usize) -> usize {
            usize::try_from(self.next() % n as u64).unwrap_or(0)
        }
    }

    /// A random string of the pattern's shape (every other string), or from the whole
    /// alphabet, then maybe mutated: a character changed, dropped or added.
    fn sample(rng: &mut Rng, fast: &Fast) -> String {
        let mut s = String::new();
        if rng.below(2) == 0 {
            gen_alts(rng, &fast.alts, &mut s);
        } else {
            for _ in 0..rng.below(40) {
                s.push(ALPHABET[rng.below(ALPHABET.len())]);
            }
        }
        let mut chars: Vec<char> = s.chars().collect();
        match rng.below(4) {
            0 if !chars.is_empty() => {
                let i = rng.below(chars.len());
                chars[i] = ALPHABET[rng.below(ALPHABET.len())];
            }
            1 if !chars.is_empty() => {
                chars.remove(rng.below(chars.len()));
            }
            2 => chars.insert(rng.below(chars.len() + 1), ALPHABET[rng.below(ALPHABET.len())]),
            _ => {}
        }
        chars.into_iter().collect()
    }

    fn gen_alts(rng: &mut Rng, alts: &[Vec<Item>], out: &mut String) {
        let seq = &alts[rng.below(alts.len())];
        for item in seq {
            let max = if item.max == u32::MAX { item.min + 3 } else { item.max };
            let n = item.min + u32::try_from(rng.below((max - item.min + 1) as usize)).unwrap_or(0);
            for _ in 0..n {
                match &item.node {
                    Node::Class(c) => {
                        let mut x = *c;
                        for _ in 0..rng.below(c.count_ones() as usize) {
                            x &= x - 1;
                        }
                        out.push(char::from(u8::try_from(x.trailing_zeros()).unwrap_or(b'?')));
                    }
                    Node::Group(g) => gen_alts(rng, g, out),
                }
            }
        }
    }

    #[test]
    fn agrees_with_the_regex_on_generated_strings() {
        let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
        for p in PATTERNS {
            let fast = Fast::new(p).unwrap_or_else(|| panic!("{p} is in the fast subset"));
            let re = regex::Regex::new(p).unwrap_or_else(|e| panic!("{p}: {e}"));
            let mut matched = 0;
            for _ in 0..2000 {
                let s = sample(&mut rng, &fast);
                let want = re.is_match(&s);
                assert_eq!(fast.is_match(&s), Some(want), "{p} on {s:?}");
                matched += usize::from(want);
            }
            assert!(matched > 30, "{p}: too few matching samples ({matched}) to mean anything");
        }
    }

    #[test]
    fn known_values() {
        let bic = Fast::new(PATTERNS[1]).expect("BIC");
        for (s, ok) in [("COBADEFFXXX", true), ("COBADEFF", true), ("COBADEFFXX", false), ("CO8ADEFF", true)] {
            assert_eq!(bic.is_match(s), Some(ok), "{s}");
        }
        let iban = Fast::new(PATTERNS[8]).expect("IBAN");
        assert_eq!(iban.is_match("DE89370400440532013000"), Some(true));
        assert_eq!(iban.is_match("DE8937040044053201300é"), Some(false));
        assert_eq!(iban.is_match(&"1".repeat(200)), None);
        // IBAN and BIC (its optional branch code a group) are matched in one pass.
        assert!(iban.linear.is_some() && bic.linear.is_some());
        assert_eq!(bic.is_match("COBADEFFXXXX"), Some(false));
        assert_eq!(bic.is_match("COBADEF"), Some(false));
        assert_eq!(iban.is_match("DE89"), Some(false));
        assert_eq!(iban.is_match("D"), Some(false));
    }

    #[test]
    fn leaves_other_syntax_to_the_regex() {
        for p in REFUSED {
            assert!(Fast::new(p).is_none(), "{p}");
        }
    }
}
