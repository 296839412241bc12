//! [`Product`]: the route of a product, as in `GET /{product}/{serviceName}/serviceInfos`.

use std::convert::Infallible;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The route of an OVH product: the `{product}` of
/// `GET /{product}/{serviceName}/serviceInfos`.
///
/// Open: the four products of OVH's renewal guide have a variant, any other route
/// (`domain/zone`, `cloud/project`, …) is kept in [`Other`](Product::Other). Build values
/// with `From<&str>` / `From<String>` / `FromStr` (never failing), which trims and
/// collapses slashes (`"/hosting//web/"` is [`HostingWeb`](Product::HostingWeb)); a route
/// that cannot travel (empty, `.`, `..`, other than letters, digits, `-`, `_`, `.`) is
/// kept too and refused when a call is built from it, before anything is sent. Displays
/// and serializes as its route.
///
/// ```
/// use ovh_renew::models::Product;
/// assert_eq!(Product::from("hosting/web"), Product::HostingWeb);
/// assert_eq!(Product::DedicatedServer.as_route(), "dedicated/server");
/// assert_eq!(Product::from("/domain/zone/"), Product::Other("domain/zone".into()));
/// assert_eq!(Product::Vps.to_string(), "vps");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Product {
    /// `vps`.
    Vps,
    /// `domain`.
    Domain,
    /// `hosting/web`.
    HostingWeb,
    /// `dedicated/server`.
    DedicatedServer,
    /// Any other route, slashes trimmed and collapsed when built with `From`.
    Other(String),
}

impl Product {
    /// The products of OVH's renewal guide, the routes
    /// [`AccessRule::renewal_flow`](crate::models::AccessRule::renewal_flow) grants.
    pub const GUIDE: &'static [Product] = &[
        Product::Vps,
        Product::Domain,
        Product::HostingWeb,
        Product::DedicatedServer,
    ];

    /// The route, as in the path: `vps`, `domain`, `hosting/web`, `dedicated/server`, or
    /// the text of `Other`.
    pub fn as_route(&self) -> &str {
        match self {
            Product::Vps => "vps",
            Product::Domain => "domain",
            Product::HostingWeb => "hosting/web",
            Product::DedicatedServer => "dedicated/server",
            Product::Other(route) => route,
        }
    }

    /// `true` unless this is an [`Other`](Product::Other) route.
    pub fn is_known(&self) -> bool {
        !matches!(self, Product::Other(_))
    }

    fn known(route: &str) -> Option<Product> {
        Product::GUIDE
            .iter()
            .find(|p| p.as_route() == route)
            .cloned()
    }
}

/// `route` without empty segments: `/hosting//web/` → `hosting/web`.
fn normalize(route: &str) -> String {
    route
        .split('/')
        .filter(|part| !part.is_empty())
        .collect::<Vec<_>>()
        .join("/")
}

impl From<&str> for Product {
    fn from(route: &str) -> Self {
        let route = normalize(route);
        Product::known(&route).unwrap_or(Product::Other(route))
    }
}

impl From<String> for Product {
    fn from(route: String) -> Self {
        Product::from(route.as_str())
    }
}

impl From<&String> for Product {
    fn from(route: &String) -> Self {
        Product::from(route.as_str())
    }
}

impl From<&Product> for Product {
    fn from(product: &Product) -> Self {
        product.clone()
    }
}

impl FromStr for Product {
    type Err = Infallible;

    fn from_str(route: &str) -> Result<Self, Self::Err> {
        Ok(Product::from(route))
    }
}

impl fmt::Display for Product {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_route())
    }
}

impl Serialize for Product {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_route())
    }
}

impl<'de> Deserialize<'de> for Product {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(Product::from)
    }
}

#[cfg(test)]
mod tests {
    use super::Product;

    #[test]
    fn known_routes_parse_to_their_variant_and_back() {
        for p in Product::GUIDE {
            assert_eq!(&Product::from(p.as_route()), p);
            assert_eq!(p.to_string(), p.as_route());
            assert!(p.is_known());
        }
    }

    #[test]
    fn slashes_are_trimmed_and_collapsed_before_matching() {
        let cases = [
            ("vps", Product::Vps),
            ("/vps/", Product::Vps),
            ("hosting//web", Product::HostingWeb),
            ("/dedicated/server", Product::DedicatedServer),
            ("domain/zone", Product::Other("domain/zone".into())),
            ("//cloud//project/", Product::Other("cloud/project".into())),
            ("", Product::Other(String::new())),
            ("..", Product::Other("..".into())),
            ("Vps", Product::Other("Vps".into())),
        ];
        for (text, want) in cases {
            assert_eq!(Product::from(text), want, "{text:?}");
            assert_eq!(Product::from(text.to_owned()), want, "{text:?}");
            assert_eq!(text.parse::<Product>(), Ok(want), "{text:?}");
        }
    }

    #[test]
    fn serde_uses_the_route_string() {
        let json =
            serde_json::to_string(&[Product::HostingWeb, Product::from("domain/zone")]).unwrap();
        assert_eq!(json, r#"["hosting/web","domain/zone"]"#);
        let back: Vec<Product> =
            serde_json::from_str(r#"["vps","/dedicated/server/","x"]"#).unwrap();
        assert_eq!(
            back,
            [
                Product::Vps,
                Product::DedicatedServer,
                Product::Other("x".into())
            ]
        );
    }
}
