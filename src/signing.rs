//! OVH's request signature: pure functions, no I/O.
//!
//! `X-Ovh-Signature = "$1$" + hex(sha1(AS + "+" + CK + "+" + METHOD + "+" + URL + "+" + BODY + "+" + TIMESTAMP))`,
//! over the exact URL string and body bytes that go on the wire. It is a plain SHA-1 of a
//! `+`-joined string, not an HMAC.

use sha1::{Digest, Sha1};

/// Computes the `X-Ovh-Signature` header value (`$1$` followed by 40 lower-case hex digits).
///
/// `method` is a [`Method`](crate::Method) or its text, upper-cased; `url` must be the full URL that is sent (with the query
/// string); `body` the exact body bytes (empty when there is none); `timestamp` the
/// `X-Ovh-Timestamp` value. The client calls this for you; it is public so that test
/// servers and proxies can check signatures exactly as OVH does.
///
/// ```
/// // The upstream test vector V1 (python-ovh, go-ovh and php-ovh share it).
/// let sig = ovh_renew::signing::signature(
///     "9ufkBmLaTQ9nz5yMUlg79taH0GNnzDjk",
///     "5mBuy6SUQcRw2ZUxg0cG68BoDKpED4KY",
///     "GET",
///     "https://eu.api.ovh.com/1.0/auth",
///     b"",
///     1457018875,
/// );
/// assert_eq!(sig, "$1$e9556054b6309771395efa467c22e627407461ad");
/// // The crate's own method type signs the same text.
/// let same = ovh_renew::signing::signature(
///     "9ufkBmLaTQ9nz5yMUlg79taH0GNnzDjk",
///     "5mBuy6SUQcRw2ZUxg0cG68BoDKpED4KY",
///     ovh_renew::Method::Get,
///     "https://eu.api.ovh.com/1.0/auth",
///     b"",
///     1457018875,
/// );
/// assert_eq!(same, sig);
/// ```
pub fn signature(
    application_secret: &str,
    consumer_key: &str,
    method: impl AsRef<str>,
    url: &str,
    body: &[u8],
    timestamp: i64,
) -> String {
    let mut hasher = Sha1::new();
    hasher.update(application_secret.as_bytes());
    hasher.update(b"+");
    hasher.update(consumer_key.as_bytes());
    hasher.update(b"+");
    for b in method.as_ref().bytes() {
        hasher.update([b.to_ascii_uppercase()]);
    }
    hasher.update(b"+");
    hasher.update(url.as_bytes());
    hasher.update(b"+");
    hasher.update(body);
    hasher.update(b"+");
    hasher.update(timestamp.to_string().as_bytes());
    let digest = hasher.finalize();
    let mut out = String::with_capacity(43);
    out.push_str("$1$");
    out.push_str(&hex::encode(digest));
    out
}

#[cfg(test)]
mod tests {
    use super::signature;

    const AS: &str = "9ufkBmLaTQ9nz5yMUlg79taH0GNnzDjk";
    const CK: &str = "5mBuy6SUQcRw2ZUxg0cG68BoDKpED4KY";
    const TS: i64 = 1457018875;
    const BODY: &str = r#"{"a":"b","c":"d"}"#;

    /// Upstream vectors V1–V11 (python-ovh, go-ovh, php-ovh tests) and the derived D1–D8.
    #[test]
    fn reproduces_every_reference_vector() {
        let table: &[(&str, &str, &str, &str, &str)] = &[
            (
                "V1",
                "GET",
                "https://eu.api.ovh.com/1.0/auth",
                "",
                "$1$e9556054b6309771395efa467c22e627407461ad",
            ),
            (
                "V2",
                "POST",
                "https://eu.api.ovh.com/1.0/auth",
                BODY,
                "$1$ec2fb5c7a81f64723c77d2e5b609ae6f58a84fc1",
            ),
            (
                "V3",
                "PUT",
                "https://eu.api.ovh.com/1.0/auth",
                BODY,
                "$1$8a75a9e7c8e7296c9dbeda6a2a735eb6bd58ec4b",
            ),
            (
                "V4",
                "DELETE",
                "https://eu.api.ovh.com/1.0/auth",
                "",
                "$1$a1eecd00b3b02b6cf5708b84b9ff42059a950d85",
            ),
            (
                "V5",
                "GET",
                "https://eu.api.ovh.com/1.0/call",
                "",
                "$1$7f2db49253edfc41891023fcd1a54cf61db05fbb",
            ),
            (
                "V6",
                "GET",
                "https://eu.api.ovh.com/v1/call",
                "",
                "$1$e6e7906d385eb28adcbfbe6b66c1528a42d741ad",
            ),
            (
                "V7",
                "GET",
                "https://eu.api.ovh.com/v2/call",
                "",
                "$1$bb63b132a6f84ad5433d0c534d48d3f7c3804285",
            ),
            (
                "V8",
                "GET",
                "https://eu.api.ovh.com/1.0/authTO",
                "",
                "$1$1f0958be70f095ddaba525778a9ac1dcffac89f3",
            ),
            (
                "V9",
                "POST",
                "https://eu.api.ovh.com/1.0/authTO",
                BODY,
                "$1$b592effcb3bc2d37860eceb06a1b17670fbe49c6",
            ),
            (
                "V10",
                "PUT",
                "https://eu.api.ovh.com/1.0/authTO",
                BODY,
                "$1$6b27c2a693a0eb4980217046b2fe10d74ba796f0",
            ),
            (
                "V11",
                "DELETE",
                "https://eu.api.ovh.com/1.0/authTO",
                "",
                "$1$bd59b15361548c388058009e00c508081e991e8b",
            ),
            (
                "D1",
                "GET",
                "https://eu.api.ovh.com/1.0/service",
                "",
                "$1$dc96361f63f8cf56bd5491b1c9b67b0702222ccc",
            ),
            (
                "D2",
                "GET",
                "https://eu.api.ovh.com/1.0/service/123456/renew",
                "",
                "$1$60cf0d31504bb7f1770f80ae186464ba5dca2a0a",
            ),
            (
                "D3",
                "GET",
                "https://eu.api.ovh.com/1.0/service/123456/renew?includeOptions=false",
                "",
                "$1$e9658bc82caf6086c504310fd65d385c6badf955",
            ),
            (
                "D4",
                "POST",
                "https://eu.api.ovh.com/1.0/service/123456/renew",
                r#"{"dryRun":true,"duration":"P1Y","services":[123456]}"#,
                "$1$2ea6b1a48a98c25650b24c434582596da4f66f73",
            ),
            (
                "D5",
                "POST",
                "https://eu.api.ovh.com/1.0/me/order/987654/payWithRegisteredPaymentMean",
                r#"{"paymentMethod":{"id":42}}"#,
                "$1$be8b0ef941db21cefa048d9cfee57fde12a175bb",
            ),
            (
                "D6",
                "POST",
                "https://eu.api.ovh.com/1.0/auth/unicode",
                r#"{"message":"t\u00e8st\u00e9"}"#,
                "$1$0c8e21098b3340f8cea69eacf6c972ba0aaa3a8b",
            ),
            (
                "D7",
                "POST",
                "https://eu.api.ovh.com/1.0/auth/unicode",
                r#"{"message":"tèsté"}"#,
                "$1$f8b5ac354ebf81395f625126e5506b5edd495da1",
            ),
            (
                "D8",
                "GET",
                "https://eu.api.ovh.com/1.0/auth?query=string&checkbox=true",
                "",
                "$1$3b5435610de92525bc8e0dfdd6e876fa2e3c0c11",
            ),
        ];
        for (name, method, url, body, expected) in table {
            assert_eq!(
                signature(AS, CK, method, url, body.as_bytes(), TS),
                *expected,
                "vector {name}"
            );
        }
    }

    #[test]
    fn method_is_upper_cased() {
        let lower = signature(AS, CK, "get", "https://eu.api.ovh.com/1.0/auth", b"", TS);
        assert_eq!(lower, "$1$e9556054b6309771395efa467c22e627407461ad");
    }

    #[test]
    fn third_party_vector_with_relative_path() {
        let sig = signature(
            "appSecret",
            "consKey",
            "PUT",
            "/path/to/api",
            b"TEST DATA",
            123456789,
        );
        assert_eq!(sig, "$1$8336ecc5d03640b976e0b3ba005234a3046ab695");
    }
}
