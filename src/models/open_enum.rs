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
            fn deserialize<D: ::serde::Deserializer<'de>>(
                deserializer: D,
            ) -> ::core::result::Result<Self, D::Error> {
                use ::core::result::Result::{self, Err, Ok};
                use ::serde::de::{Error, Unexpected};

                // Matches the borrowed text, so a documented value allocates nothing (as
                // fast as decoding into `serde_json::Value`); only `Other` copies it.
                // Accepts and rejects exactly what `String` does, with the same errors.
                struct TextVisitor;

                impl<'de> ::serde::de::Visitor<'de> for TextVisitor {
                    type Value = $name;

                    fn expecting(
                        &self,
                        f: &mut ::core::fmt::Formatter<'_>,
                    ) -> ::core::fmt::Result {
                        f.write_str("a string")
                    }

                    fn visit_str<E: Error>(self, text: &str) -> Result<$name, E> {
                        Ok($name::from(text))
                    }

                    fn visit_string<E: Error>(
                        self,
                        text: ::std::string::String,
                    ) -> Result<$name, E> {
                        Ok($name::from(text))
                    }

                    fn visit_bytes<E: Error>(self, bytes: &[u8]) -> Result<$name, E> {
                        match ::core::str::from_utf8(bytes) {
                            Ok(text) => self.visit_str(text),
                            Err(_) => Err(E::invalid_value(Unexpected::Bytes(bytes), &self)),
                        }
                    }

                    fn visit_byte_buf<E: Error>(
                        self,
                        bytes: ::std::vec::Vec<u8>,
                    ) -> Result<$name, E> {
                        match ::std::string::String::from_utf8(bytes) {
                            Ok(text) => self.visit_string(text),
                            Err(e) => Err(E::invalid_value(
                                Unexpected::Bytes(&e.into_bytes()),
                                &self,
                            )),
                        }
                    }
                }

                deserializer.deserialize_string(TextVisitor)
            }
        }
    };
}

pub(crate) use open_enum;

#[cfg(test)]
mod tests {
    use crate::models::OrderStatus;

    /// The borrowing visitor decodes exactly like `String` then `From<String>`.
    #[test]
    fn decodes_like_a_string_without_copying_known_values() {
        for (json, expected) in [
            (r#""delivered""#, OrderStatus::Delivered),
            (r#""deliver\u0065d""#, OrderStatus::Delivered),
            (r#""refunded""#, OrderStatus::Other("refunded".into())),
            (r#""""#, OrderStatus::Other(String::new())),
        ] {
            let from_text: OrderStatus = serde_json::from_str(json).unwrap();
            assert_eq!(from_text, expected, "{json}");
            let value: serde_json::Value = serde_json::from_str(json).unwrap();
            assert_eq!(
                serde_json::from_value::<OrderStatus>(value).unwrap(),
                expected
            );
        }
        for bad in ["5", "null", "true", "[]", "{}", r#"["delivered"]"#] {
            let ours = serde_json::from_str::<OrderStatus>(bad).unwrap_err();
            let string = serde_json::from_str::<String>(bad).unwrap_err();
            assert_eq!(ours.to_string(), string.to_string(), "{bad}");
        }
    }
}
