//! The HTTP methods of the OVH API, as the crate's own type (no dependency type in the
//! public API).

use std::fmt;

/// An HTTP method of the OVH API: what [`ops::Call::method`](crate::ops::Call::method)
/// returns and what [`OvhClient::call`](crate::OvhClient::call) and
/// [`OvhClient::raw_call`](crate::OvhClient::raw_call) take.
///
/// `#[non_exhaustive]`: methods may be added. Displays as its upper-case name, the
/// text that is signed and sent.
///
/// ```
/// use ovh_renew::Method;
/// assert_eq!(Method::Post.as_str(), "POST");
/// assert_eq!(Method::Delete.to_string(), "DELETE");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Method {
    /// `GET`: reads; the only method the crate retries by itself.
    Get,
    /// `POST`: creates (orders, payments, consumer keys).
    Post,
    /// `PUT`: replaces.
    Put,
    /// `DELETE`: removes.
    Delete,
    /// `PATCH`: partial update (some `/v2` routes).
    Patch,
    /// `HEAD`: `GET` without the body.
    Head,
}

impl Method {
    /// Every method, in declaration order.
    pub const ALL: &'static [Method] = &[
        Method::Get,
        Method::Post,
        Method::Put,
        Method::Delete,
        Method::Patch,
        Method::Head,
    ];

    /// The upper-case name, as sent and signed: `"GET"`, `"POST"`, …
    pub const fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Put => "PUT",
            Method::Delete => "DELETE",
            Method::Patch => "PATCH",
            Method::Head => "HEAD",
        }
    }

    /// reqwest's value of this method (kept private: reqwest is not part of the API).
    pub(crate) fn to_reqwest(self) -> reqwest::Method {
        match self {
            Method::Get => reqwest::Method::GET,
            Method::Post => reqwest::Method::POST,
            Method::Put => reqwest::Method::PUT,
            Method::Delete => reqwest::Method::DELETE,
            Method::Patch => reqwest::Method::PATCH,
            Method::Head => reqwest::Method::HEAD,
        }
    }
}

impl fmt::Display for Method {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl AsRef<str> for Method {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

#[cfg(test)]
mod tests {
    use super::Method;

    #[test]
    fn every_method_has_the_same_name_in_reqwest_and_on_display() {
        for &m in Method::ALL {
            assert_eq!(m.to_reqwest().as_str(), m.as_str());
            assert_eq!(m.to_string(), m.as_str());
        }
    }
}
