//! The `open_enum!` macro: string enums that never fail to decode.
//!
//! OVH adds enum values over time (`automaticV2024`, `autorenewInProgress`, new payment
//! means, ...). Every enum of this crate is therefore *open*: each documented value gets a
//! variant, and any other text decodes to `Other(String)`, keeping the raw text so that it
//! serializes back unchanged.

/// Defines an open string enum.
///
/// Each variant is written `Name = "wire text"`; the macro appends the wire text to the
/// variant's rustdoc and adds an `Other(String)` variant. It generates `as_str`, `is_known`,
/// `FromStr` (infallible), `From<&str>`, `From<String>`, `Display` and serde impls that use
/// the bare JSON string.
macro_rules! open_enum {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident = $text:literal ),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        ///
        /// This enum is *open*: a value unknown to this version of the crate decodes to
        /// `Other` with the raw text, and serializes back to that same text. Build values
        /// with `From<&str>` / `FromStr` rather than `Other(..)` directly: `Other` holding
        /// a documented text would not compare equal to the named variant.
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        $vis enum $name {
            $(
                $(#[$vmeta])*
                ///
                #[doc = concat!("Wire text: `", $text, "`.")]
                $variant,
            )+
            /// A value not documented when this crate was released, kept verbatim.
            Other(::std::string::String),
        }

        impl $name {
            /// The exact text used by the API for this value.
            pub fn as_str(&self) -> &str {
                match self {
                    $( Self::$variant => $text, )+
                    Self::Other(text) => text,
                }
            }

            /// `true` unless this is an `Other` value.
            pub fn is_known(&self) -> bool {
                !matches!(self, Self::Other(_))
            }

            fn known(text: &str) -> ::core::option::Option<Self> {
                match text {
                    $( $text => ::core::option::Option::Some(Self::$variant), )+
                    _ => ::core::option::Option::None,
                }
            }
        }

        impl ::core::str::FromStr for $name {
            type Err = ::core::convert::Infallible;

            fn from_str(text: &str) -> ::core::result::Result<Self, Self::Err> {
                ::core::result::Result::Ok(Self::from(text))
            }
        }

        impl ::core::convert::From<&str> for $name {
            fn from(text: &str) -> Self {
                Self::known(text).unwrap_or_else(|| Self::Other(text.to_owned()))
            }
        }

        impl ::core::convert::From<::std::string::String> for $name {
            fn from(text: ::std::string::String) -> Self {
                Self::known(&text).unwrap_or(Self::Other(text))
            }
        }

        impl ::core::fmt::Display for $name {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::core::result::Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::core::result::Result<Self, D::Error> {
                <::std::string::String as ::serde::Deserialize>::deserialize(deserializer).map(Self::from)
            }
        }
    };
}

pub(crate) use open_enum;
