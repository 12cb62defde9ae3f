//! JSON read in place: [`Json`] is a checked slice of the text, read by key or item on demand,
//! with strings unescaped only when asked for. Nothing builds a tree, so reading a frame costs one
//! pass over it and no allocation beyond the strings taken out.

use super::strings::{find_backslash, may_end_a_run, skip_words, unescape};
use super::{MAX_DEPTH, ParseError};
use crate::prelude::*;
use alloc::borrow::Cow;

/// One JSON value as its text: checked when made by [`Json::parse`], so that reading it cannot
/// fail halfway (a read on text that is not valid JSON, which the API cannot make, gives `None`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Json<'a>(&'a str);

impl<'a> Json<'a> {
    /// Checks a JSON text (one value, surrounded by optional whitespace) and views its value.
    pub fn parse(text: &'a str) -> Result<Json<'a>, ParseError> {
        Scanner::whole(text, |scanner| scanner.value(0))
    }

    /// Checks a JSON text that must hold an object, handing each member (key, value) to `member`
    /// on the way: one pass over a frame, where [`parse`](Self::parse) and then
    /// [`entries`](Self::entries) would be two. `member` may have seen some members when the
    /// text turns out not to be JSON.
    pub fn parse_object(
        text: &'a str,
        member: &mut dyn FnMut(Cow<'a, str>, Json<'a>),
    ) -> Result<(), ParseError> {
        let mut visit = |key: Json<'a>, value: Json<'a>| {
            if let Some(key) = key.as_str() {
                member(key, value);
            }
        };
        Scanner::whole(text, |scanner| {
            if scanner.peek() != Some(b'{') {
                return Err(scanner.error("expected an object"));
            }
            scanner.container(b'}', 0, Some(&mut visit))
        })
        .map(|_| ())
    }

    /// A view of text known to be one valid JSON value without surrounding whitespace.
    pub(crate) fn trusted(text: &'a str) -> Json<'a> {
        Json(text)
    }

    /// The value's text, exactly as in the source.
    pub fn as_text(self) -> &'a str {
        self.0
    }

    fn first(self) -> Option<u8> {
        self.0.as_bytes().first().copied()
    }

    /// Whether it is an object.
    pub fn is_object(self) -> bool {
        self.first() == Some(b'{')
    }

    /// Whether it is a string.
    pub fn is_string(self) -> bool {
        self.first() == Some(b'"')
    }

    /// Whether it is a number.
    pub fn is_number(self) -> bool {
        matches!(self.first(), Some(b'-' | b'0'..=b'9'))
    }

    /// Whether it is `null`.
    pub fn is_null(self) -> bool {
        self.0 == "null"
    }

    /// `true` or `false`.
    pub fn as_bool(self) -> Option<bool> {
        match self.0 {
            "true" => Some(true),
            "false" => Some(false),
            _ => None,
        }
    }

    /// The text of a string, unescaped (borrowed when it has no escapes).
    pub fn as_str(self) -> Option<Cow<'a, str>> {
        let inner = self.0.strip_prefix('"')?.strip_suffix('"')?;
        match find_backslash(inner) {
            Some(_) => Some(Cow::Owned(unescape(inner))),
            None => Some(Cow::Borrowed(inner)),
        }
    }

    /// The text of a string, owned.
    pub fn to_string_value(self) -> Option<String> {
        self.as_str().map(Cow::into_owned)
    }

    /// A string's text, or a number's: how servers send ids.
    pub fn as_id(self) -> Option<String> {
        if self.is_number() {
            Some(self.0.to_owned())
        } else {
            self.to_string_value()
        }
    }

    /// A non-negative integer number that fits.
    pub fn as_u64(self) -> Option<u64> {
        if !self.is_number() {
            return None;
        }
        let mut n: u64 = 0;
        for b in self.0.bytes() {
            let digit = b.checked_sub(b'0').filter(|d| *d <= 9)?;
            n = n.checked_mul(10)?.checked_add(u64::from(digit))?;
        }
        Some(n)
    }

    /// The member `key` of an object (its last one, as in JavaScript's `JSON.parse`).
    pub fn get(self, key: &str) -> Option<Json<'a>> {
        let mut found = None;
        for (k, value) in self.entries() {
            if k == key {
                found = Some(value);
            }
        }
        found
    }

    /// The members of an object in order, keys unescaped; nothing for any other value.
    pub fn entries(self) -> Entries<'a> {
        Entries(self.open(b'{'))
    }

    /// The items of an array in order; nothing for any other value.
    pub fn items(self) -> Items<'a> {
        Items(self.open(b'['))
    }

    /// A scanner inside the container when the value opens with `bracket`.
    fn open(self, bracket: u8) -> Option<Scanner<'a>> {
        let mut scanner = Scanner::new(self.0);
        (self.first() == Some(bracket)).then(|| {
            scanner.at = 1;
            scanner
        })
    }
}

/// The members of an object: see [`Json::entries`].
#[derive(Debug, Clone)]
pub struct Entries<'a>(Option<Scanner<'a>>);

impl<'a> Iterator for Entries<'a> {
    type Item = (Cow<'a, str>, Json<'a>);

    fn next(&mut self) -> Option<Self::Item> {
        let scanner = self.0.as_mut()?;
        let entry = scanner.next_member(b'}').and_then(|key| {
            let key = key.as_str()?;
            scanner.skip_whitespace();
            scanner.eat(b':').then_some(())?;
            Some((key, scanner.next_value()?))
        });
        if entry.is_none() {
            self.0 = None;
        }
        entry
    }
}

/// The items of an array: see [`Json::items`].
#[derive(Debug, Clone)]
pub struct Items<'a>(Option<Scanner<'a>>);

impl<'a> Iterator for Items<'a> {
    type Item = Json<'a>;

    fn next(&mut self) -> Option<Self::Item> {
        let item = self.0.as_mut()?.next_member(b']');
        if item.is_none() {
            self.0 = None;
        }
        item
    }
}

/// A position in a JSON text, checking as it goes.
#[derive(Debug, Clone)]
struct Scanner<'a> {
    text: &'a str,
    at: usize,
}

impl<'a> Scanner<'a> {
    fn new(text: &'a str) -> Self {
        Self { text, at: 0 }
    }

    /// Reads a whole text: optional whitespace, the value `read` steps over, optional whitespace,
    /// and nothing else. Gives the value's text.
    fn whole(
        text: &'a str,
        read: impl FnOnce(&mut Self) -> Result<(), ParseError>,
    ) -> Result<Json<'a>, ParseError> {
        let mut scanner = Scanner::new(text);
        scanner.skip_whitespace();
        let start = scanner.at;
        read(&mut scanner)?;
        let end = scanner.at;
        scanner.skip_whitespace();
        if scanner.at != text.len() {
            return Err(scanner.error("trailing characters"));
        }
        Ok(Json(text.get(start..end).unwrap_or_default()))
    }

    fn error(&self, reason: &'static str) -> ParseError {
        ParseError {
            offset: self.at,
            reason,
        }
    }

    #[inline(always)]
    fn peek(&self) -> Option<u8> {
        self.text.as_bytes().get(self.at).copied()
    }

    fn eat(&mut self, byte: u8) -> bool {
        let found = self.peek() == Some(byte);
        if found {
            self.at += 1;
        }
        found
    }

    fn skip_whitespace(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.at += 1;
        }
    }

    /// Inside a container: steps over a `,` and returns the next value (an object's key), or
    /// `None` at the `close` bracket.
    fn next_member(&mut self, close: u8) -> Option<Json<'a>> {
        self.skip_whitespace();
        if self.peek() == Some(close) {
            return None;
        }
        self.eat(b',');
        self.next_value()
    }

    fn next_value(&mut self) -> Option<Json<'a>> {
        self.skip_whitespace();
        let start = self.at;
        self.value(0).ok()?;
        self.text.get(start..self.at).map(Json)
    }

    /// Checks one value and moves past it.
    fn value(&mut self, depth: usize) -> Result<(), ParseError> {
        if depth > MAX_DEPTH {
            return Err(self.error("nested too deeply"));
        }
        match self.peek() {
            Some(b'{') => self.container(b'}', depth, None),
            Some(b'[') => self.container(b']', depth, None),
            Some(b'"') => self.string(),
            Some(b't') => self.literal("true"),
            Some(b'f') => self.literal("false"),
            Some(b'n') => self.literal("null"),
            Some(b'-' | b'0'..=b'9') => self.number(),
            Some(_) => Err(self.error("expected a value")),
            None => Err(self.error("unexpected end")),
        }
    }

    /// An array (`close` is `]`) or an object (`}`: each member is a string key, `:`, a value).
    /// `visit` gets each member's key (empty in an array) and value.
    fn container(
        &mut self,
        close: u8,
        depth: usize,
        mut visit: Option<&mut dyn FnMut(Json<'a>, Json<'a>)>,
    ) -> Result<(), ParseError> {
        self.at += 1;
        self.skip_whitespace();
        if self.eat(close) {
            return Ok(());
        }
        loop {
            self.skip_whitespace();
            let mut key = "";
            if close == b'}' {
                if self.peek() != Some(b'"') {
                    return Err(self.error("expected a key"));
                }
                let start = self.at;
                self.string()?;
                key = self.text.get(start..self.at).unwrap_or_default();
                self.skip_whitespace();
                if !self.eat(b':') {
                    return Err(self.error("expected `:`"));
                }
                self.skip_whitespace();
            }
            let start = self.at;
            self.value(depth + 1)?;
            if let Some(visit) = visit.as_mut() {
                visit(
                    Json(key),
                    Json(self.text.get(start..self.at).unwrap_or_default()),
                );
            }
            self.skip_whitespace();
            if self.eat(close) {
                return Ok(());
            }
            if !self.eat(b',') {
                return Err(self.error(if close == b'}' {
                    "expected `,` or `}`"
                } else {
                    "expected `,` or `]`"
                }));
            }
        }
    }

    fn literal(&mut self, word: &str) -> Result<(), ParseError> {
        if self.text.as_bytes().get(self.at..self.at + word.len()) == Some(word.as_bytes()) {
            self.at += word.len();
            Ok(())
        } else {
            Err(self.error("expected a value"))
        }
    }

    fn digits(&mut self) -> usize {
        let start = self.at;
        while matches!(self.peek(), Some(b'0'..=b'9')) {
            self.at += 1;
        }
        self.at - start
    }

    fn number(&mut self) -> Result<(), ParseError> {
        self.eat(b'-');
        let leading_zero = self.peek() == Some(b'0');
        match self.digits() {
            0 => return Err(self.error("expected a digit")),
            n if n > 1 && leading_zero => return Err(self.error("leading zero")),
            _ => {}
        }
        if self.eat(b'.') && self.digits() == 0 {
            return Err(self.error("expected a digit"));
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            self.at += 1;
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.at += 1;
            }
            if self.digits() == 0 {
                return Err(self.error("expected a digit"));
            }
        }
        Ok(())
    }

    /// A string, from its opening quote to past its closing one. Runs of plain characters are
    /// stepped over eight bytes at a time, then one at a time: payloads are mostly long strings.
    fn string(&mut self) -> Result<(), ParseError> {
        let bytes = self.text.as_bytes();
        let mut at = self.at + 1;
        let reason = loop {
            at = skip_words(bytes, at, may_end_a_run);
            while let Some(&b) = bytes.get(at) {
                if b == b'"' || b == b'\\' || b < 0x20 {
                    break;
                }
                at += 1;
            }
            match bytes.get(at) {
                Some(b'"') => {
                    self.at = at + 1;
                    return Ok(());
                }
                Some(b'\\') => match bytes.get(at + 1) {
                    Some(b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't') => at += 2,
                    Some(b'u') => {
                        let hex = bytes.get(at + 2..at + 6).unwrap_or_default();
                        if hex.len() != 4 || !hex.iter().all(u8::is_ascii_hexdigit) {
                            break "invalid \\u escape";
                        }
                        at += 6;
                    }
                    Some(_) => break "invalid escape",
                    None => break "unterminated string",
                },
                Some(_) => break "control character in string",
                None => break "unterminated string",
            }
        };
        self.at = at;
        Err(self.error(reason))
    }
}
