//! The `ovh.conf` INI parser: python-ovh's `RawConfigParser` rules (Python's
//! `configparser` with its defaults), bytes in, sections out. Pure: no I/O.
//!
//! What configparser does, and so does this parser:
//! * Lines end at `\n`, `\r\n` or a lone `\r` (universal newlines).
//! * A line whose stripped text starts with `#` or `;` is a comment (there are no inline
//!   comments); a blank or comment line is skipped.
//! * A line indented deeper than the key line above it continues that key's value,
//!   whatever it contains (`[section]` or `key=value` text included), also across blank
//!   lines and comments. The value's lines are joined with `\n`, then trailing blanks and
//!   empty lines are dropped. Right after a section header no continuation is possible.
//! * `[name]`: a section named everything between the first `[` and the last `]`, not
//!   trimmed (`[ ovh-eu ]` is the section ` ovh-eu `). `[DEFAULT]` (upper case) holds
//!   keys every existing section inherits.
//! * `key = value` or `key: value`, split at the first `=` or `:`; the key is trimmed and
//!   lower-cased, the value trimmed.
//! * A key line before any section header, a line that is neither, and an empty key are
//!   errors (configparser's `MissingSectionHeaderError` and `ParsingError`). The line's
//!   text is never quoted: it may hold a secret.
//!
//! Where this parser is deliberately more lenient than configparser: a UTF-8 byte order
//! mark is skipped; a section or key repeated in one file merges or overrides
//! (configparser's `strict` mode refuses the file); bytes that are not UTF-8 are decoded
//! with replacement characters and the key they end up in is marked
//! ([`Entry::not_utf8`]) so that resolution refuses it if it is used, instead of refusing
//! the whole file (configparser raises `UnicodeDecodeError`).

use std::borrow::Cow;
use std::collections::HashMap;
use std::path::PathBuf;

use super::{ConfigError, ConfigFile};

/// configparser's `default_section`: its keys are inherited by every section.
pub(crate) const DEFAULTS: &str = "DEFAULT";

/// A merged INI value and the file it came from.
#[derive(Clone)]
pub(crate) struct Entry {
    /// The value, its continuation lines joined with `\n`.
    pub value: String,
    /// The file it was read from.
    pub path: PathBuf,
    /// Whether a line of the value was not valid UTF-8 (decoded with U+FFFD).
    pub not_utf8: bool,
}

/// Merged INI data of every file read, as one configparser instance holds it.
#[derive(Clone, Default)]
pub(crate) struct Ini {
    /// Section name → lower-case key → entry (`[DEFAULT]` excluded).
    sections: HashMap<String, HashMap<String, Entry>>,
    /// The keys of `[DEFAULT]`.
    defaults: HashMap<String, Entry>,
}

impl Ini {
    /// configparser's `get(section, key)`: the section's own key, else the one of
    /// `[DEFAULT]` (then `true`: inherited). `None` when the key is in neither or the
    /// section does not exist (`[DEFAULT]` keys are not inherited by a section no file
    /// declares).
    pub(crate) fn get(&self, section: &str, key: &str) -> Option<(&Entry, bool)> {
        if section != DEFAULTS {
            let own = self.sections.get(section)?;
            if let Some(entry) = own.get(key) {
                return Some((entry, false));
            }
        }
        self.defaults.get(key).map(|entry| (entry, true))
    }

    /// Parses one file and merges its keys in (a later file overrides a key of the same
    /// section, and leaves the other keys alone).
    ///
    /// # Errors
    /// [`ConfigError::Syntax`] where configparser fails too, naming the file and line.
    pub(crate) fn parse(&mut self, file: &ConfigFile) -> Result<(), ConfigError> {
        let bytes = file
            .contents
            .strip_prefix(b"\xEF\xBB\xBF")
            .unwrap_or(&file.contents);
        let mut current: Option<String> = None;
        let mut pending: Option<Pending> = None;
        let mut indent_level = 0;
        for (index, raw) in lines(bytes).enumerate() {
            let error = |problem: &str| ConfigError::Syntax {
                path: file.path.clone(),
                line: index + 1,
                problem: problem.to_owned(),
            };
            let (line, not_utf8) = match std::str::from_utf8(raw) {
                Ok(text) => (Cow::Borrowed(text), false),
                Err(_) => (String::from_utf8_lossy(raw), true),
            };
            let value = line.trim_matches(is_py_space);
            let comment = value.starts_with(['#', ';']);
            if value.is_empty() || comment {
                if let (Some(pending), false) = (&mut pending, comment) {
                    pending.lines.push(String::new());
                }
                continue;
            }
            let indent = line.chars().take_while(|c| is_py_space(*c)).count();
            if let Some(pending) = pending.as_mut().filter(|_| indent > indent_level) {
                pending.lines.push(value.to_owned());
                pending.not_utf8 |= not_utf8;
                continue;
            }
            indent_level = indent;
            if let Some(name) = header(value) {
                self.flush(pending.take(), &file.path);
                if name != DEFAULTS {
                    self.sections.entry(name.to_owned()).or_default();
                }
                current = Some(name.to_owned());
                continue;
            }
            let Some(section) = &current else {
                return Err(error(
                    "`key = value` line before any `[section]` header (add e.g. `[default]` or `[ovh-eu]` above it)",
                ));
            };
            let Some(at) = value.find(['=', ':']) else {
                return Err(error(match value.starts_with('[') {
                    true if value.len() > 1 && value[1..].trim_matches(is_py_space) == "]" => {
                        "empty section name `[]`"
                    }
                    true => "unclosed section header: missing `]`",
                    false => {
                        "expected `key = value`, `key: value`, a `[section]` header or a `;`/`#` comment"
                    }
                }));
            };
            let key = value[..at].trim_end_matches(is_py_space).to_lowercase();
            if key.is_empty() {
                return Err(error("missing key name before the `=` or `:`"));
            }
            self.flush(pending.take(), &file.path);
            pending = Some(Pending {
                section: section.clone(),
                key,
                lines: vec![value[at + 1..].trim_matches(is_py_space).to_owned()],
                not_utf8,
            });
        }
        self.flush(pending, &file.path);
        Ok(())
    }

    /// Stores a finished value (configparser's `_join_multiline_values`).
    fn flush(&mut self, pending: Option<Pending>, path: &std::path::Path) {
        let Some(pending) = pending else { return };
        let entry = Entry {
            value: pending
                .lines
                .join("\n")
                .trim_end_matches(is_py_space)
                .to_owned(),
            path: path.to_owned(),
            not_utf8: pending.not_utf8,
        };
        let keys = match pending.section.as_str() {
            DEFAULTS => &mut self.defaults,
            name => self.sections.entry(name.to_owned()).or_default(),
        };
        keys.insert(pending.key, entry);
    }
}

/// A key whose value may still get continuation lines.
struct Pending {
    section: String,
    key: String,
    lines: Vec<String>,
    not_utf8: bool,
}

/// configparser's section header: `[`, at least one character, the last `]` (anything
/// after it is ignored, as `re.match(r"\[(?P<header>.+)\]")` does).
fn header(line: &str) -> Option<&str> {
    let inner = line.strip_prefix('[')?;
    let end = inner.rfind(']')?;
    (end > 0).then(|| &inner[..end])
}

/// Python's `str.isspace`: Unicode white space plus the four separators U+001C–U+001F.
fn is_py_space(c: char) -> bool {
    c.is_whitespace() || ('\u{1c}'..='\u{1f}').contains(&c)
}

/// The lines of `bytes`, split at `\r\n`, `\r` or `\n` (Python's universal newlines),
/// without their ends. Text after the last line end is a line; nothing after it is not.
fn lines(bytes: &[u8]) -> impl Iterator<Item = &[u8]> {
    let mut rest = bytes;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        let end = rest
            .iter()
            .position(|b| matches!(b, b'\n' | b'\r'))
            .unwrap_or(rest.len());
        let line = &rest[..end];
        let skip = match rest.get(end..end + 2) {
            Some(b"\r\n") => 2,
            _ => usize::from(end < rest.len()),
        };
        rest = &rest[end + skip..];
        Some(line)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &[u8]) -> Result<Ini, ConfigError> {
        let mut ini = Ini::default();
        ini.parse(&ConfigFile {
            path: "./ovh.conf".into(),
            local: true,
            contents: text.to_vec(),
        })?;
        Ok(ini)
    }

    fn value<'a>(ini: &'a Ini, section: &str, key: &str) -> Option<&'a str> {
        ini.get(section, key).map(|(entry, _)| entry.value.as_str())
    }

    #[test]
    fn lines_split_like_universal_newlines() {
        let split: Vec<&[u8]> = lines(b"a\r\nb\rc\n\nd\r\r\ne").collect();
        let expected: [&[u8]; 6] = [b"a", b"b", b"c", b"", b"d", b""];
        assert_eq!(split[..6], expected);
        assert_eq!(split[6], b"e");
        assert_eq!(lines(b"a\n").count(), 1);
        assert_eq!(lines(b"").count(), 0);
    }

    #[test]
    fn continuation_lines_join_and_trailing_blank_lines_go() {
        let ini = parse(b"[s]\nk = a\n  b\n\n\n  c\n  ; comment\n\nnext=1\n").unwrap();
        assert_eq!(value(&ini, "s", "k"), Some("a\nb\n\n\nc"));
        assert_eq!(value(&ini, "s", "next"), Some("1"));
        let ini = parse(b"[s]\nk = a\n\n\n").unwrap();
        assert_eq!(value(&ini, "s", "k"), Some("a"));
    }

    #[test]
    fn section_headers_are_not_trimmed_and_end_at_the_last_bracket() {
        let ini = parse(b"[ ovh-eu ]\na=1\n[x] trailing ]\nb=2\n[]]\nc=3\n").unwrap();
        assert_eq!(value(&ini, " ovh-eu ", "a"), Some("1"));
        assert_eq!(value(&ini, "ovh-eu", "a"), None);
        assert_eq!(value(&ini, "x] trailing ", "b"), Some("2"));
        assert_eq!(value(&ini, "]", "c"), Some("3"));
    }

    #[test]
    fn defaults_are_inherited_by_existing_sections_only() {
        let ini = parse(b"[DEFAULT]\nk=d\n[s]\n[t]\nk=own\n").unwrap();
        assert_eq!(
            ini.get("s", "k").map(|(e, s)| (e.value.as_str(), s)),
            Some(("d", true))
        );
        assert_eq!(value(&ini, "t", "k"), Some("own"));
        assert_eq!(value(&ini, "missing", "k"), None);
        assert_eq!(value(&ini, DEFAULTS, "k"), Some("d"));
    }

    #[test]
    fn non_utf8_bytes_mark_the_value_they_are_in_only() {
        let ini = parse(b"; caf\xe9\n[s]\nbad=a\xff\nok=b\ncont=c\n  d\xfe\n").unwrap();
        let flag = |key| ini.get("s", key).map(|(e, _)| e.not_utf8);
        assert_eq!(flag("bad"), Some(true));
        assert_eq!(flag("ok"), Some(false));
        assert_eq!(flag("cont"), Some(true));
    }

    #[test]
    fn what_configparser_refuses_is_an_error_with_the_line() {
        for (text, line, problem) in [
            (&b"k=v\n"[..], 1, "before any `[section]`"),
            (b"[s]\njust text\n", 2, "expected `key = value`"),
            (b"[s]\n[]\n", 2, "empty section name"),
            (b"[s]\n\n[s\n", 3, "unclosed section"),
            (b"[s]\n = v\n", 2, "missing key name"),
        ] {
            match parse(text) {
                Err(ConfigError::Syntax {
                    line: l,
                    problem: p,
                    ..
                }) => {
                    assert_eq!(l, line, "{text:?}");
                    assert!(p.contains(problem), "{text:?}: {p}");
                }
                _ => panic!("{text:?} should be refused"),
            }
        }
    }
}
