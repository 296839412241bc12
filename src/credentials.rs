//! API credentials, kept out of every `Debug` and `Display`.

use std::fmt;

use crate::scrub::Secrets;

/// A secret string: compared and used, never shown.
///
/// `Debug` prints `"<redacted>"`; there is no `Display`.
#[derive(Clone, PartialEq, Eq)]
pub(crate) struct Secret(String);

impl Secret {
    pub(crate) fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    pub(crate) fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}", crate::scrub::REDACTED)
    }
}

/// How requests are authenticated: one of three methods, chosen by the constructor.
///
/// * [`Credentials::new`]: OVH's application key, application secret and consumer key,
///   which sign every call (`X-Ovh-*` headers).
/// * [`Credentials::application`]: an application key and secret without a consumer key
///   yet, to call [`OvhClient::request_consumer_key`](crate::OvhClient::request_consumer_key).
///   Signed calls then fail locally with [`Error::NoConsumerKey`](crate::Error::NoConsumerKey).
/// * [`Credentials::oauth2`]: an OAuth2 service account (client id and secret) on
///   `ovh-eu`, `ovh-ca` or `ovh-us`; the client fetches and refreshes a bearer token.
/// * [`Credentials::access_token`]: a bearer token obtained elsewhere, used as is.
///
/// `Debug` shows the application key or the client id only, never a secret:
///
/// ```
/// use ovh_renew::Credentials;
/// let c = Credentials::new("my-app-key", "my-app-secret", "my-consumer-key");
/// let shown = format!("{c:?}");
/// assert!(shown.contains("my-app-key"));
/// assert!(!shown.contains("my-app-secret") && !shown.contains("my-consumer-key"));
///
/// let o = Credentials::oauth2("my-client-id", "my-client-secret");
/// assert!(format!("{o:?}").contains("my-client-id"));
/// assert!(!format!("{o:?}").contains("my-client-secret"));
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct Credentials {
    pub(crate) kind: Kind,
}

/// The authentication method. Private so that methods can be added without breaking
/// callers.
#[derive(Clone, PartialEq, Eq)]
pub(crate) enum Kind {
    /// OVH request signing; `consumer_key` is `None` until one is requested and validated.
    AppKey {
        application_key: String,
        application_secret: Secret,
        consumer_key: Option<Secret>,
    },
    /// OAuth2 client credentials (service account).
    OAuth2 {
        client_id: String,
        client_secret: Secret,
    },
    /// A static bearer token.
    AccessToken { token: Secret },
}

impl Credentials {
    /// Credentials from an application key, its secret and a validated consumer key
    /// (see OVH's `createToken` page, or [`OvhClient::request_consumer_key`](crate::OvhClient::request_consumer_key)).
    ///
    /// Surrounding blanks (a newline pasted from a file, say) are trimmed: they would only
    /// produce `INVALID_SIGNATURE` answers. An empty consumer key counts as none, as with
    /// [`Credentials::application`].
    pub fn new(
        application_key: impl Into<String>,
        application_secret: impl Into<String>,
        consumer_key: impl Into<String>,
    ) -> Self {
        let consumer_key = trimmed(consumer_key.into());
        Credentials {
            kind: Kind::AppKey {
                application_key: trimmed(application_key.into()),
                application_secret: Secret::new(trimmed(application_secret.into())),
                consumer_key: (!consumer_key.is_empty()).then(|| Secret::new(consumer_key)),
            },
        }
    }

    /// An application key and secret without a consumer key: enough to call
    /// [`OvhClient::request_consumer_key`](crate::OvhClient::request_consumer_key) and
    /// unauthenticated calls such as [`OvhClient::server_time`](crate::OvhClient::server_time).
    /// Other calls fail before sending with [`Error::NoConsumerKey`](crate::Error::NoConsumerKey)
    /// (python-ovh: `InvalidKey("Invalid ConsumerKey")`).
    pub fn application(
        application_key: impl Into<String>,
        application_secret: impl Into<String>,
    ) -> Self {
        Credentials::new(application_key, application_secret, "")
    }

    /// An OAuth2 service account (client credentials grant, scope `all`), for `ovh-eu`,
    /// `ovh-ca` and `ovh-us`, or a custom endpoint given
    /// [`OvhClientBuilder::oauth2_token_url`](crate::OvhClientBuilder::oauth2_token_url).
    ///
    /// The token is fetched on the first call, cached by the client and its clones, and
    /// refreshed at least 10 seconds before it expires. Blanks are trimmed.
    ///
    /// Concurrent calls that find no fresh token share one token request and its
    /// outcome: its token, or its error (a call that starts after a failure asks again).
    /// The token answer is untrusted and never makes a call panic:
    ///
    /// * it is read up to [`MAX_ANSWER_BYTES`](crate::MAX_ANSWER_BYTES), like API answers;
    /// * `expires_in` (a number or a numeric string) is clamped to one day; a negative
    ///   one means already expired (the token serves the calls that waited for it, the
    ///   next call asks again); a malformed one (`"soon"`, `{}`) keeps the token, used
    ///   until OVH refuses it with a 401 (then one new token and one resend);
    /// * an `access_token` that cannot be an `Authorization` header value (control
    ///   characters such as CR/LF, blanks, non-ASCII) is refused with
    ///   [`Error::OAuth2`](crate::Error::OAuth2) and not kept;
    /// * what the token endpoint says in an error is kept without the client secret, its
    ///   HTTP Basic form or a token, and the token URL is shown without query string.
    pub fn oauth2(client_id: impl Into<String>, client_secret: impl Into<String>) -> Self {
        Credentials {
            kind: Kind::OAuth2 {
                client_id: trimmed(client_id.into()),
                client_secret: Secret::new(trimmed(client_secret.into())),
            },
        }
    }

    /// A bearer token obtained elsewhere (a vault, another process), sent as is with every
    /// call and never refreshed: when it expires, calls fail with status 401. Blanks are
    /// trimmed.
    pub fn access_token(token: impl Into<String>) -> Self {
        Credentials {
            kind: Kind::AccessToken {
                token: Secret::new(trimmed(token.into())),
            },
        }
    }

    /// The application key, for the signing methods (public: it identifies the
    /// application, it proves nothing).
    pub fn application_key(&self) -> Option<&str> {
        match &self.kind {
            Kind::AppKey {
                application_key, ..
            } => Some(application_key),
            _ => None,
        }
    }

    /// The OAuth2 client id (public, like an application key).
    pub fn client_id(&self) -> Option<&str> {
        match &self.kind {
            Kind::OAuth2 { client_id, .. } => Some(client_id),
            _ => None,
        }
    }

    /// Whether these are signing credentials with a consumer key.
    pub fn has_consumer_key(&self) -> bool {
        matches!(
            &self.kind,
            Kind::AppKey {
                consumer_key: Some(_),
                ..
            }
        )
    }

    /// Whether this is an OAuth2 service account ([`Credentials::oauth2`]).
    pub fn is_oauth2(&self) -> bool {
        matches!(self.kind, Kind::OAuth2 { .. })
    }

    /// Every secret of these credentials, to scrub from server text: the application
    /// secret and consumer key, the OAuth2 client secret and its HTTP Basic form, the
    /// access token.
    pub(crate) fn secrets(&self) -> Secrets {
        let mut secrets = Secrets::default();
        match &self.kind {
            Kind::AppKey {
                application_secret,
                consumer_key,
                ..
            } => {
                secrets.add(application_secret.expose());
                if let Some(ck) = consumer_key {
                    secrets.add(ck.expose());
                }
            }
            Kind::OAuth2 {
                client_id,
                client_secret,
            } => secrets.add_basic(client_id, client_secret.expose()),
            Kind::AccessToken { token } => secrets.add(token.expose()),
        }
        secrets
    }

    /// Checks what is wrong without an endpoint: an empty half of a pair, or an empty
    /// token. Returns the python-ovh rule that is broken.
    pub(crate) fn problem(&self) -> Option<CredentialsProblem> {
        use CredentialsProblem as P;
        match &self.kind {
            Kind::AppKey {
                application_key,
                application_secret,
                ..
            } => (application_key.is_empty() || application_secret.expose().is_empty())
                .then_some(P::ApplicationHalfPair),
            Kind::OAuth2 {
                client_id,
                client_secret,
            } => (client_id.is_empty() || client_secret.expose().is_empty())
                .then_some(P::OAuth2HalfPair),
            Kind::AccessToken { token } => token.expose().is_empty().then_some(P::EmptyAccessToken),
        }
    }
}

/// A broken credentials rule (python-ovh's `InvalidConfiguration` messages, verbatim
/// where python-ovh has one).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CredentialsProblem {
    /// A client id without its secret, or the reverse.
    #[error("Invalid OAuth2 config, both client_id and client_secret must be given")]
    OAuth2HalfPair,
    /// An application key without its secret, or the reverse.
    #[error(
        "Invalid authentication config, both application_key and application_secret must be given"
    )]
    ApplicationHalfPair,
    /// Application keys and OAuth2 keys at once.
    #[error("Can't use both application_key/application_secret and OAuth2 client_id/client_secret")]
    ApplicationAndOAuth2,
    /// An access token and another method at once (go-ovh's message). python-ovh 1.2.0
    /// does not know access tokens: it would silently use the other method.
    #[error(
        "Can't use multiple authentication methods: {} (keep only one; python-ovh 1.2.0 would ignore access_token and use the other one, go-ovh refuses too)",
        .0.join(", ")
    )]
    MultipleMethods(Vec<&'static str>),
    /// An empty access token.
    #[error("Invalid access token config, access_token must not be empty")]
    EmptyAccessToken,
    /// OAuth2 on an endpoint that does not offer it (kimsufi, soyoustart).
    #[error(
        "OAuth2 authentication is not compatible with endpoint {0} (it can only be used with ovh-eu, ovh-ca and ovh-us)"
    )]
    OAuth2Endpoint(String),
    /// OAuth2 on a custom endpoint, with no token URL given.
    #[error(
        "OAuth2 authentication is not compatible with endpoint {0} (it can only be used with ovh-eu, ovh-ca and ovh-us), unless you give its token URL with OvhClientBuilder::oauth2_token_url"
    )]
    OAuth2TokenUrlRequired(String),
}

fn trimmed(s: String) -> String {
    let t = s.trim();
    if t.len() == s.len() { s } else { t.to_owned() }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            Kind::AppKey {
                application_key,
                application_secret,
                consumer_key,
            } => f
                .debug_struct("Credentials")
                .field("application_key", application_key)
                .field("application_secret", application_secret)
                .field("consumer_key", consumer_key)
                .finish(),
            Kind::OAuth2 {
                client_id,
                client_secret,
            } => f
                .debug_struct("Credentials")
                .field("oauth2_client_id", client_id)
                .field("client_secret", client_secret)
                .finish(),
            Kind::AccessToken { token } => f
                .debug_struct("Credentials")
                .field("access_token", token)
                .finish(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_a_secret() {
        for c in [
            Credentials::new("ak-visible", "as-s3cr3t", "ck-s3cr3t"),
            Credentials::application("ak-visible", "as-s3cr3t"),
            Credentials::oauth2("id-visible", "cs-s3cr3t"),
            Credentials::access_token("tok-s3cr3t"),
        ] {
            let shown = format!("{c:?} {c:#?}");
            assert!(!shown.contains("s3cr3t"), "{shown}");
            assert!(
                shown.contains("visible") || shown.contains("access_token"),
                "{shown}"
            );
        }
    }

    #[test]
    fn constructors_trim_and_classify() {
        let c = Credentials::new(" ak\n", "as\n", " ck ");
        assert_eq!(c, Credentials::new("ak", "as", "ck"));
        assert!(c.has_consumer_key());
        assert_eq!(c.application_key(), Some("ak"));
        assert_eq!(c.client_id(), None);
        let a = Credentials::application("ak", "as");
        assert!(!a.has_consumer_key());
        assert_eq!(a, Credentials::new("ak", "as", "  "));
        let o = Credentials::oauth2(" id ", "secret");
        assert!(o.is_oauth2() && o.client_id() == Some("id") && o.application_key().is_none());
        assert!(!Credentials::access_token("t").is_oauth2());
    }

    #[test]
    fn empty_halves_are_problems() {
        use CredentialsProblem as P;
        assert_eq!(Credentials::new("ak", "as", "").problem(), None);
        assert_eq!(
            Credentials::application("ak", " ").problem(),
            Some(P::ApplicationHalfPair)
        );
        assert_eq!(
            Credentials::oauth2("", "cs").problem(),
            Some(P::OAuth2HalfPair)
        );
        assert_eq!(
            Credentials::access_token("\n").problem(),
            Some(P::EmptyAccessToken)
        );
    }
}
