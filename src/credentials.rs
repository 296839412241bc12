//! API credentials, kept out of every `Debug` and `Display`.

use std::fmt;

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
        f.write_str("\"<redacted>\"")
    }
}

/// How requests are authenticated.
///
/// Today: OVH's application key, application secret and consumer key, which sign every
/// call. `Debug` shows the application key only:
///
/// ```
/// use ovh_renew::Credentials;
/// let c = Credentials::new("my-app-key", "my-app-secret", "my-consumer-key");
/// let shown = format!("{c:?}");
/// assert!(shown.contains("my-app-key"));
/// assert!(!shown.contains("my-app-secret") && !shown.contains("my-consumer-key"));
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct Credentials {
    pub(crate) application_key: String,
    pub(crate) application_secret: Secret,
    pub(crate) consumer_key: Secret,
}

impl Credentials {
    /// Credentials from an application key, its secret and a validated consumer key
    /// (see OVH's `createToken` page, or the consumer-key flow).
    ///
    /// Surrounding blanks (a newline pasted from a file, say) are trimmed: they would only
    /// produce `INVALID_SIGNATURE` answers.
    pub fn new(
        application_key: impl Into<String>,
        application_secret: impl Into<String>,
        consumer_key: impl Into<String>,
    ) -> Self {
        Credentials {
            application_key: trimmed(application_key.into()),
            application_secret: Secret::new(trimmed(application_secret.into())),
            consumer_key: Secret::new(trimmed(consumer_key.into())),
        }
    }

    /// The application key (public: it identifies the application, it proves nothing).
    pub fn application_key(&self) -> &str {
        &self.application_key
    }
}

fn trimmed(s: String) -> String {
    let t = s.trim();
    if t.len() == s.len() { s } else { t.to_owned() }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("application_key", &self.application_key)
            .field("application_secret", &self.application_secret)
            .field("consumer_key", &self.consumer_key)
            .finish()
    }
}
