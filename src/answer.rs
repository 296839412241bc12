//! A complete answer from the server and its decoding: into a value, into the `null` of
//! a `void` call, or into a typed [`Error::Api`] / [`Error::Decode`], with every text the
//! server chose scrubbed of the request's secrets. Also reads answer bodies (up to
//! [`MAX_ANSWER_BYTES`]) and caps query ids. Pure of any request logic.

use std::collections::BTreeMap;

use crate::Method;
use reqwest::header::HeaderMap;
use serde::de::DeserializeOwned;

use crate::error::{ApiError, DecodeError, Error, ErrorBody};
use crate::path::ApiPath;
use crate::scrub::{Secrets, value_free};

/// A complete answer from the server: status, query id, headers and the whole body, and
/// the secrets of the request, scrubbed from any server text an error keeps.
#[derive(Debug)]
pub(crate) struct Answer {
    pub(crate) status: u16,
    pub(crate) query_id: Option<String>,
    pub(crate) body: bytes::Bytes,
    pub(crate) secrets: Secrets,
    /// The answer's headers (for raw calls that read `X-Pagination-*`).
    pub(crate) headers: HeaderMap,
}

const MAX_SNIPPET: usize = 200;

impl Answer {
    /// Decodes a success answer into `T`, or turns an error answer into [`Error::Api`].
    /// An empty body (or 204) decodes as JSON `null`. A decode error names the failing
    /// field but never quotes its value (see [`DecodeError::source`]).
    pub(crate) fn decode<T: DeserializeOwned>(
        self,
        method: &Method,
        path: &ApiPath,
    ) -> Result<T, Error> {
        if !(200..300).contains(&self.status) {
            return Err(self.into_api_error(method, path));
        }
        let bytes: &[u8] = if self.status == 204 || self.body.iter().all(u8::is_ascii_whitespace) {
            b"null"
        } else {
            &self.body
        };
        // Fast path: plain serde_json. serde_path_to_error allocates for every key it
        // tracks (slower than decoding into `Value`), so it only runs again on a failure,
        // to name the failing field; the decoder is deterministic, so the error is the
        // same as if it had decoded the first time.
        if let Ok(value) = serde_json::from_slice(bytes) {
            return Ok(value);
        }
        let mut de = serde_json::Deserializer::from_slice(bytes);
        let decoded = serde_path_to_error::deserialize(&mut de)
            .map_err(|e| (e.path().to_string(), e.into_inner()))
            .and_then(|v| de.end().map(|()| v).map_err(|e| (".".to_owned(), e)));
        decoded.map_err(|(field, source)| {
            DecodeError {
                method: method.to_string(),
                route: path.route().to_owned(),
                status: self.status,
                field: self.secrets.scrub_owned(field),
                query_id: self.scrubbed_query_id(),
                source: self.value_free_error(&source),
            }
            .into()
        })
    }

    /// The answer of a call OVH documents as `void` (the pay calls): accepts only what
    /// OVH sends for them, a success status with the body `null`, an empty body, or 204.
    /// Any other success body (a captive portal's HTML page, JSON that is not `null`) is
    /// not proof that OVH took the request: [`Error::Decode`], for which
    /// [`Error::may_have_been_processed`] is `true` (whoever answered may have forwarded
    /// it). Error statuses become [`Error::Api`].
    pub(crate) fn accept(self, method: &Method, path: &ApiPath) -> Result<(), Error> {
        // `()` decodes from `null` only; `decode` reads an empty body and 204 as `null`.
        self.decode::<()>(method, path)
    }

    /// `source` rebuilt without the value it quotes, nor any secret, keeping its
    /// position.
    fn value_free_error(&self, source: &serde_json::Error) -> serde_json::Error {
        let text = source.to_string();
        let position = format!(" at line {} column {}", source.line(), source.column());
        let message = text.strip_suffix(&position).unwrap_or(&text);
        let free = value_free(message);
        let free = self.secrets.scrub(&free);
        let rebuilt = if source.line() == 0 {
            free.into_owned()
        } else {
            format!("{free}{position}")
        };
        serde::de::Error::custom(rebuilt)
    }

    fn scrubbed_query_id(&self) -> Option<String> {
        self.query_id
            .as_deref()
            .map(|q| self.secrets.scrub(q).into_owned())
    }

    fn error_body(&self) -> Option<ErrorBody> {
        let body: ErrorBody = serde_json::from_slice(&self.body).ok()?;
        (body.message.is_some() || body.class.is_some() || body.error_code.is_some())
            .then_some(body)
    }

    pub(crate) fn is_query_time_out(&self) -> bool {
        self.status == 400
            && self
                .error_body()
                .is_some_and(|b| b.error_code.as_deref() == Some("QUERY_TIME_OUT"))
    }

    /// The error of a non-success answer. Every text the server chose is scrubbed of the
    /// request's secrets, a non-JSON body before it is cut to a snippet (so that no cut
    /// leaves the start of a secret).
    pub(crate) fn into_api_error(self, method: &Method, path: &ApiPath) -> Error {
        let scrub = |text: String| self.secrets.scrub_owned(text);
        let (ovh_body, class, error_code, message, details) = match self.error_body() {
            Some(b) => (
                true,
                b.class.map(scrub),
                b.error_code.map(scrub),
                scrub(b.message.unwrap_or_default()),
                b.details
                    .unwrap_or_default()
                    .into_iter()
                    .map(|(k, v)| match v {
                        serde_json::Value::String(s) => (scrub(k), scrub(s)),
                        other => (scrub(k), scrub(other.to_string())),
                    })
                    .collect::<BTreeMap<_, _>>(),
            ),
            None => {
                let text = String::from_utf8_lossy(&self.body);
                let text = self.secrets.scrub(&text);
                (false, None, None, snippet(text.as_bytes()), BTreeMap::new())
            }
        };
        let query_id = self.scrubbed_query_id();
        ApiError {
            method: method.to_string(),
            route: path.route().to_owned(),
            rule_path: path.rule_path().to_owned(),
            status: self.status,
            class,
            error_code,
            message,
            details,
            query_id,
            ovh_body,
            route_note: None,
        }
        .into()
    }
}

/// A short, single-line, printable excerpt of a non-JSON body.
fn snippet(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    let mut out = String::with_capacity(MAX_SNIPPET + 3);
    for word in text.split_whitespace() {
        let word: String = word.chars().filter(|c| !c.is_control()).collect();
        let sep = usize::from(!out.is_empty());
        if out.len() + sep + word.len() > MAX_SNIPPET {
            // Keep what fits of the word (a body without blanks, such as minified JSON,
            // is one word), cut on a character boundary.
            let room = MAX_SNIPPET.saturating_sub(out.len() + sep);
            let mut cut = room.min(word.len());
            while !word.is_char_boundary(cut) {
                cut -= 1;
            }
            if cut > 0 {
                out.push_str(&" "[..sep]);
                out.push_str(&word[..cut]);
            }
            out.push_str(" …");
            break;
        }
        out.push_str(&" "[..sep]);
        out.push_str(&word);
    }
    out
}

/// The largest answer body the client reads: 32 MiB. OVH's renewal answers are a few
/// kilobytes; a larger body is refused ([`TransportKind::TooLarge`](crate::TransportKind::TooLarge)) rather than held in
/// memory.
pub const MAX_ANSWER_BYTES: usize = 32 * 1024 * 1024;

/// An answer body over [`MAX_ANSWER_BYTES`].
#[derive(Debug, thiserror::Error)]
#[error("the answer is larger than {MAX_ANSWER_BYTES} bytes")]
pub(crate) struct AnswerTooLarge;

/// Reads a whole answer body, up to [`MAX_ANSWER_BYTES`]. A body in one chunk (the usual
/// case) is returned without copying. Also reads OAuth2 token answers.
pub(crate) async fn read_body(
    mut response: reqwest::Response,
) -> Result<Result<bytes::Bytes, AnswerTooLarge>, reqwest::Error> {
    let limit = MAX_ANSWER_BYTES;
    if response.content_length().is_some_and(|n| n > limit as u64) {
        return Ok(Err(AnswerTooLarge));
    }
    let Some(first) = response.chunk().await? else {
        return Ok(Ok(bytes::Bytes::new()));
    };
    let Some(second) = response.chunk().await? else {
        return Ok(if first.len() > limit {
            Err(AnswerTooLarge)
        } else {
            Ok(first)
        });
    };
    let mut body = Vec::with_capacity(first.len() + second.len());
    body.extend_from_slice(&first);
    body.extend_from_slice(&second);
    while let Some(chunk) = response.chunk().await? {
        if body.len() + chunk.len() > limit {
            return Ok(Err(AnswerTooLarge));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(if body.len() > limit {
        Err(AnswerTooLarge)
    } else {
        Ok(body.into())
    })
}

/// The longest `X-Ovh-QueryID` kept in errors (OVH's are about 50 characters).
const MAX_QUERY_ID: usize = 128;

/// An `X-Ovh-QueryID` as kept in errors: its visible ASCII characters only (no blank,
/// no control, no byte beyond ASCII), at most [`MAX_QUERY_ID`] of them, then `…` if it
/// was longer. `None` when nothing is left.
pub(crate) fn query_id(value: &str) -> Option<String> {
    let mut kept = String::with_capacity(value.len().min(MAX_QUERY_ID + 3));
    let mut graphic = value.bytes().filter(u8::is_ascii_graphic);
    for b in graphic.by_ref().take(MAX_QUERY_ID) {
        kept.push(char::from(b));
    }
    if graphic.next().is_some() {
        kept.push('…');
    }
    (!kept.is_empty()).then_some(kept)
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;

    fn answer(body: &str) -> Answer {
        Answer {
            status: 200,
            query_id: Some("EU.q".into()),
            body: bytes::Bytes::copy_from_slice(body.as_bytes()),
            secrets: Secrets::default(),
            headers: HeaderMap::new(),
        }
    }

    fn failing_field<T: DeserializeOwned + std::fmt::Debug>(body: &str) -> String {
        let err = answer(body)
            .decode::<T>(&Method::Get, &ApiPath::new("/service"))
            .unwrap_err();
        let Error::Decode(d) = err else {
            panic!("{err:?}")
        };
        assert_eq!(d.route, "/service");
        assert_eq!(d.query_id.as_deref(), Some("EU.q"));
        d.field
    }

    /// A non-JSON body becomes one short printable line, whatever its shape: words kept
    /// whole while they fit, a word longer than the room (minified JSON, a token) cut on
    /// a character boundary, control characters dropped.
    #[test]
    fn snippets_are_short_printable_and_never_empty_for_a_long_word() {
        let long = format!("{{\"error\":\"{}é{}\"}}", "x".repeat(180), "y".repeat(100));
        let s = snippet(long.as_bytes());
        assert!(s.starts_with("{\"error\":\"xxx"), "{s}");
        assert!(s.ends_with(" …") && s.len() <= MAX_SNIPPET + 4, "{s}");
        let s = snippet(b"<html>\n<b>502</b>\x1b[0m\tBad\r\nGateway</html>");
        assert_eq!(s, "<html> <b>502</b>[0m Bad Gateway</html>");
        let many = "word ".repeat(100);
        let s = snippet(many.as_bytes());
        assert!(s.len() <= MAX_SNIPPET + 4 && s.ends_with("word …"), "{s}");
        for cut in 0..8 {
            // A multi-byte character at every offset around the limit.
            let text = format!("{}{}", "a".repeat(MAX_SNIPPET - 4 + cut), "ééééé");
            let s = snippet(text.as_bytes());
            assert!(s.ends_with(" …"), "{s}");
        }
        assert_eq!(snippet(b""), "");
        assert_eq!(snippet(b"\xff\xfe"), "\u{fffd}\u{fffd}");
    }

    /// Success decodes on the fast path; a failure is decoded again to name the field.
    #[test]
    fn decode_names_the_failing_field_after_the_fast_path() {
        let ok: Vec<u64> = answer("[1, 2]")
            .decode(&Method::Get, &ApiPath::new("/service"))
            .unwrap();
        assert_eq!(ok, [1, 2]);
        assert_eq!(failing_field::<Vec<u64>>(r#"[1, 2, "three"]"#), "[2]");
        assert_eq!(
            failing_field::<BTreeMap<String, Vec<u64>>>(r#"{"a": [1], "b": [2, null]}"#),
            "b[1]"
        );
        assert_eq!(failing_field::<Vec<u64>>("[1] [2]"), ".");
    }

    /// A query id kept in errors: visible ASCII only, at most 128 characters then `…`.
    #[test]
    fn query_ids_are_capped_and_printable() {
        let kept = |raw: &[u8]| query_id(&String::from_utf8_lossy(raw));
        assert_eq!(
            kept(b"EU.ext-2.66c70f18.12345").as_deref(),
            Some("EU.ext-2.66c70f18.12345")
        );
        assert_eq!(kept(b"EU.a\tb c\xe9d").as_deref(), Some("EU.abcd"));
        assert_eq!(kept(b" \t ").as_deref(), None);
        let long = kept("x".repeat(5000).as_bytes()).unwrap();
        assert_eq!(long, format!("{}…", "x".repeat(MAX_QUERY_ID)));
        let exact = kept("y".repeat(MAX_QUERY_ID).as_bytes()).unwrap();
        assert_eq!(exact, "y".repeat(MAX_QUERY_ID));
    }
}
