//! Keeping secrets out of the server text the crate keeps. Pure logic, no I/O.
//!
//! A server or a proxy may echo what it received: a 403 message quoting the consumer key,
//! a gateway's debug page with the request headers, a token endpoint quoting the
//! `Authorization: Basic …` header. Before the crate keeps any server text (in
//! [`ApiError`](crate::ApiError), [`OAuth2Error`](crate::OAuth2Error), a decode error),
//! every secret the client holds is replaced by [`REDACTED`] ([`Secrets::scrub`]). Decode
//! errors never quote the value that failed ([`value_free`]): an order's password or URL
//! is not a secret the client knows in advance. URLs are shown without their user info
//! nor query string ([`url`]).

use std::borrow::Cow;
use std::fmt;

/// What replaces a secret in server text.
pub(crate) const REDACTED: &str = "<redacted>";

/// The secrets one request involved: the client's own (application secret, consumer key,
/// OAuth2 client secret and its Basic form, tokens) and what the request sent (its
/// signatures, its bearer token). `Debug` shows how many, never which.
#[derive(Clone, Default)]
pub(crate) struct Secrets {
    /// The secrets as the client holds them; [`Secrets::scrub`] also removes the forms
    /// a server may echo them in.
    values: Vec<String>,
}

impl fmt::Debug for Secrets {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Secrets({} redacted)", self.values.len())
    }
}

impl Secrets {
    /// Adds a secret. Empty text is ignored (it would match everywhere).
    pub(crate) fn add(&mut self, secret: &str) {
        if !secret.is_empty() && !self.values.iter().any(|v| v == secret) {
            self.values.push(secret.to_owned());
        }
    }

    /// Every form a server may echo the secrets in, longest first: as is,
    /// form-urlencoded, JSON-escaped (with and without `\/` for `/`).
    fn forms(&self) -> Vec<String> {
        let mut forms: Vec<String> = Vec::with_capacity(self.values.len() * 2);
        for secret in &self.values {
            let encoded: String = url::form_urlencoded::byte_serialize(secret.as_bytes()).collect();
            let json = serde_json::to_string(secret).unwrap_or_default();
            let escaped = json
                .strip_prefix('"')
                .and_then(|s| s.strip_suffix('"'))
                .unwrap_or(secret);
            let slashes = escaped.replace('/', "\\/");
            for form in [secret.as_str(), &encoded, escaped, &slashes] {
                if !forms.iter().any(|f| f == form) {
                    forms.push(form.to_owned());
                }
            }
        }
        forms.sort_by_key(|f| std::cmp::Reverse(f.len()));
        forms
    }

    /// Adds the HTTP Basic credentials of `id:secret` (base64, RFC 7617), and the secret.
    pub(crate) fn add_basic(&mut self, id: &str, secret: &str) {
        self.add(secret);
        if !secret.is_empty() {
            self.add(&base64(format!("{id}:{secret}").as_bytes()));
        }
    }

    /// `text` with every secret replaced by [`REDACTED`]; borrowed when there is none.
    pub(crate) fn scrub<'a>(&self, text: &'a str) -> Cow<'a, str> {
        let mut out = Cow::Borrowed(text);
        if self.values.is_empty() || text.is_empty() {
            return out;
        }
        // Fast path (every answer's query id goes through here): the other forms differ
        // from a secret only by `%`, `+` or `\\` escapes.
        if !text.contains(['%', '+', '\\'])
            && !self.values.iter().any(|v| text.contains(v.as_str()))
        {
            return out;
        }
        for secret in &self.forms() {
            if out.contains(secret.as_str()) {
                out = Cow::Owned(out.replace(secret.as_str(), REDACTED));
            }
        }
        out
    }

    /// [`scrub`](Self::scrub) on an owned string.
    pub(crate) fn scrub_owned(&self, text: String) -> String {
        match self.scrub(&text) {
            Cow::Borrowed(_) => text,
            Cow::Owned(scrubbed) => scrubbed,
        }
    }
}

/// Standard base64 with padding (RFC 4648), as HTTP Basic uses it.
pub(crate) fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// `text` (a URL, or text that does not parse as one) without what may be a credential:
/// the user info before an `@` of the authority and the query string become
/// [`REDACTED`], the fragment is dropped (`https://u:p@h/t?token=x#f` →
/// `https://<redacted>@h/t?<redacted>`). Found textually, so that it also works on text
/// that is not a valid URL.
pub(crate) fn url(text: &str) -> String {
    let start = text.find("://").map_or(0, |i| i + 3);
    let rest = &text[start..];
    let authority_len = rest.find(['/', '?', '#', '\\']).unwrap_or(rest.len());
    let mut out = String::with_capacity(text.len());
    out.push_str(&text[..start]);
    match rest[..authority_len].rfind('@') {
        Some(at) => {
            out.push_str(REDACTED);
            out.push_str(&rest[at..authority_len]);
        }
        None => out.push_str(&rest[..authority_len]),
    }
    let tail = &rest[authority_len..];
    let path_end = tail.find(['?', '#']).unwrap_or(tail.len());
    out.push_str(&tail[..path_end]);
    if tail[path_end..].starts_with('?') {
        out.push('?');
        out.push_str(REDACTED);
    }
    out
}

/// A serde message without the value it quotes: `invalid type: string "kT4x", expected
/// u64` → `invalid type: string (value not shown), expected u64`. Field names
/// (`missing field `orderId``) and what was expected are kept; in any other message,
/// every quoted span (`"…"`, `` `…` ``) is dropped.
pub(crate) fn value_free(message: &str) -> String {
    const NOT_SHOWN: &str = "(value not shown)";
    for prefix in ["invalid type: ", "invalid value: "] {
        if let Some(rest) = message.strip_prefix(prefix) {
            return match rest.rfind(", expected ") {
                Some(at) => {
                    let kind = unquoted_kind(&rest[..at]);
                    format!("{prefix}{kind}{NOT_SHOWN}{}", &rest[at..])
                }
                None => format!("{prefix}{}{NOT_SHOWN}", unquoted_kind(rest)),
            };
        }
    }
    if let Some(rest) = message.strip_prefix("unknown variant `") {
        let after = rest
            .rfind("`, expected ")
            .or_else(|| rest.rfind("`, there are no variants"))
            .map_or("", |at| &rest[at + 1..]);
        return format!("unknown variant {NOT_SHOWN}{after}");
    }
    if ["missing field `", "duplicate field `", "unknown field `"]
        .iter()
        .any(|p| message.starts_with(p))
    {
        return message.to_owned();
    }
    without_quoted_spans(message)
}

/// The kind of an unexpected value (`string "x"` → `string `, `integer `5`` →
/// `integer `), with a trailing blank when there is one.
fn unquoted_kind(unexpected: &str) -> String {
    let end = unexpected.find(['"', '`']).unwrap_or(unexpected.len());
    let kind = unexpected[..end].trim_end();
    if kind.is_empty() {
        String::new()
    } else {
        format!("{kind} ")
    }
}

/// `text` with each `"…"` (with backslash escapes) and `` `…` `` span replaced by `…`;
/// an unterminated span runs to the end.
fn without_quoted_spans(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c != '"' && c != '`' {
            out.push(c);
            continue;
        }
        out.push('…');
        let mut escaped = false;
        for inner in chars.by_ref() {
            if c == '"' && !escaped && inner == '\\' {
                escaped = true;
                continue;
            }
            if inner == c && !escaped {
                break;
            }
            escaped = false;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secrets(list: &[&str]) -> Secrets {
        let mut s = Secrets::default();
        for one in list {
            s.add(one);
        }
        s
    }

    #[test]
    fn every_form_of_every_secret_is_redacted() {
        let s = secrets(&["ck-S3cr3t", "$1$abc/def", "", "a\"b"]);
        for (text, shown) in [
            ("no secret here", "no secret here"),
            (
                "key ck-S3cr3t twice ck-S3cr3t",
                "key <redacted> twice <redacted>",
            ),
            ("sig=$1$abc/def;", "sig=<redacted>;"),
            ("sig=%241%24abc%2Fdef", "sig=<redacted>"),
            (r#"{"sig":"$1$abc\/def"}"#, r#"{"sig":"<redacted>"}"#),
            (r#"{"q":"a\"b"}"#, r#"{"q":"<redacted>"}"#),
            ("", ""),
        ] {
            assert_eq!(s.scrub(text), shown, "{text}");
        }
        assert!(matches!(s.scrub("clean"), Cow::Borrowed(_)));
        assert_eq!(format!("{s:?}"), "Secrets(3 redacted)");
    }

    #[test]
    fn a_longer_secret_is_redacted_before_one_it_contains() {
        let s = secrets(&["abc", "xxabcxx"]);
        assert_eq!(s.scrub("xxabcxx abc"), "<redacted> <redacted>");
    }

    #[test]
    fn basic_credentials_are_redacted_in_base64() {
        let mut s = Secrets::default();
        s.add_basic("cid", "cs-s3cr3t-unit");
        // base64("cid:cs-s3cr3t-unit"), as a token endpoint would echo the header.
        assert_eq!(
            s.scrub("Authorization: Basic Y2lkOmNzLXMzY3IzdC11bml0 for cs-s3cr3t-unit"),
            "Authorization: Basic <redacted> for <redacted>"
        );
        for (input, encoded) in [("", ""), ("f", "Zg=="), ("fo", "Zm8="), ("foo", "Zm9v")] {
            assert_eq!(base64(input.as_bytes()), encoded);
        }
        let mut empty = Secrets::default();
        empty.add_basic("cid", "");
        assert_eq!(empty.scrub("cid:"), "cid:");
    }

    #[test]
    fn urls_lose_their_user_info_and_query() {
        for (text, shown) in [
            ("https://h/t", "https://h/t"),
            ("https://h/t?token=SECRET", "https://h/t?<redacted>"),
            (
                "https://u:pw@h:1/t?x=1#frag",
                "https://<redacted>@h:1/t?<redacted>",
            ),
            ("https://h/t#frag", "https://h/t"),
            (
                "https://u:p@w@h/a@b?x=@",
                "https://<redacted>@h/a@b?<redacted>",
            ),
            ("http://u:pw@h\\1.0", "http://<redacted>@h\\1.0"),
            ("not a url?q=SECRET", "not a url?<redacted>"),
            ("pw@host", "<redacted>@host"),
            ("", ""),
        ] {
            assert_eq!(url(text), shown, "{text}");
        }
    }

    #[test]
    fn serde_messages_keep_the_field_and_expectation_but_no_value() {
        for (message, shown) in [
            (
                r#"invalid type: string "kT4xQm9WzA", expected u64"#,
                "invalid type: string (value not shown), expected u64",
            ),
            (
                "invalid type: integer `918273645`, expected a string",
                "invalid type: integer (value not shown), expected a string",
            ),
            (
                r#"invalid value: string "a, expected b", expected a date"#,
                "invalid value: string (value not shown), expected a date",
            ),
            (
                "invalid type: map, expected i64",
                "invalid type: map (value not shown), expected i64",
            ),
            (
                "unknown variant `s3cr3t`, expected `a` or `b`",
                "unknown variant (value not shown), expected `a` or `b`",
            ),
            (
                "unknown variant `s3cr3t`, there are no variants",
                "unknown variant (value not shown), there are no variants",
            ),
            ("missing field `orderId`", "missing field `orderId`"),
            ("duplicate field `url`", "duplicate field `url`"),
            (
                "invalid length 3, expected 2",
                "invalid length 3, expected 2",
            ),
            ("EOF while parsing a value", "EOF while parsing a value"),
            (
                r#"invalid RFC 3339 date-time "https://x?orderPassword=k\"T": bad"#,
                "invalid RFC 3339 date-time …: bad",
            ),
            ("period `P1Y2` unterminated `x", "period … unterminated …"),
        ] {
            assert_eq!(value_free(message), shown, "{message}");
        }
    }
}
