//! [`ServicePage`]: one page of `GET /services` asked for whole objects
//! (`X-Pagination-Mode: CachedObjectList-Pages`).

use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::ser::{SerializeSeq, Serializer};
use serde::{Deserialize, Serialize};

use super::{ServiceId, ServiceView};

/// One page of `GET /services` in OVH's `CachedObjectList-Pages` mode: the services of
/// the page as whole objects, and the total OVH announced (`X-Pagination-Elements`).
///
/// A server that does not honour the header answers the plain list of ids instead: they
/// are in [`ids`](Self::ids) (and [`is_paged`](Self::is_paged) is `false`), to be read one
/// by one. `null` items (OVH's control panel filters them out of such pages) are skipped
/// and counted in [`nulls`](Self::nulls), never an error.
///
/// ```
/// use ovh_renew::models::ServicePage;
///
/// let page: ServicePage = serde_json::from_str(r#"[{"serviceId": 1}, null, {"serviceId": 2}]"#)?;
/// assert_eq!(page.items.len(), 2);
/// assert_eq!(page.nulls, 1);
/// let plain: ServicePage = serde_json::from_str("[1, 2, 3]")?;
/// assert!(!plain.is_paged());
/// assert_eq!(plain.ids.len(), 3);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq)]
#[non_exhaustive]
pub struct ServicePage {
    /// The services of the page, in the order sent.
    pub items: Vec<ServiceView>,
    /// Plain ids, when the server answered ids instead of objects.
    pub ids: Vec<ServiceId>,
    /// `null` items skipped.
    pub nulls: usize,
    /// `X-Pagination-Elements`: the number of elements of the whole listing, if sent
    /// (and a number).
    pub total: Option<u64>,
}

impl ServicePage {
    /// A page of these views, announcing `total` elements.
    pub fn of(items: Vec<ServiceView>, total: Option<u64>) -> Self {
        Self {
            items,
            total,
            ..Self::default()
        }
    }

    /// The answer of a server that ignored the pagination header: plain ids.
    pub fn of_ids(ids: Vec<ServiceId>) -> Self {
        Self {
            ids,
            ..Self::default()
        }
    }

    /// Whether the server answered objects (or nothing) rather than plain ids.
    pub fn is_paged(&self) -> bool {
        self.ids.is_empty()
    }

    /// The number of elements this page counts for: its objects, ids and `null` items.
    pub fn len(&self) -> usize {
        self.items.len() + self.ids.len() + self.nulls
    }

    /// Whether the page holds no element at all.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// One element of a page, decoded by its JSON type (so that a malformed object keeps its
/// field path in the error).
enum Item {
    Null,
    Id(ServiceId),
    View(Box<ServiceView>),
}

struct ItemSeed;

impl<'de> DeserializeSeed<'de> for ItemSeed {
    type Value = Item;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Item, D::Error> {
        deserializer.deserialize_any(ItemVisitor)
    }
}

struct ItemVisitor;

impl<'de> Visitor<'de> for ItemVisitor {
    type Value = Item;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a service object, a service id or null")
    }

    fn visit_unit<E: de::Error>(self) -> Result<Item, E> {
        Ok(Item::Null)
    }

    fn visit_none<E: de::Error>(self) -> Result<Item, E> {
        Ok(Item::Null)
    }

    fn visit_u64<E: de::Error>(self, id: u64) -> Result<Item, E> {
        Ok(Item::Id(ServiceId(id)))
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Item, A::Error> {
        ServiceView::deserialize(de::value::MapAccessDeserializer::new(map))
            .map(|view| Item::View(Box::new(view)))
    }
}

impl<'de> Deserialize<'de> for ServicePage {
    /// The page's body: an array of objects, ids and `null`s (`total` is `None`: it comes
    /// from a header).
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct PageVisitor;

        impl<'de> Visitor<'de> for PageVisitor {
            type Value = ServicePage;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an array of services")
            }

            fn visit_seq<S: SeqAccess<'de>>(self, mut seq: S) -> Result<ServicePage, S::Error> {
                let mut page = ServicePage::default();
                while let Some(item) = seq.next_element_seed(ItemSeed)? {
                    match item {
                        Item::Null => page.nulls += 1,
                        Item::Id(id) => page.ids.push(id),
                        Item::View(view) => page.items.push(*view),
                    }
                }
                Ok(page)
            }
        }

        deserializer.deserialize_seq(PageVisitor)
    }
}

impl Serialize for ServicePage {
    /// The page's body as OVH sends it: its objects, then its ids, then one `null` per
    /// skipped item (the total is a header, not serialized).
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut seq = serializer.serialize_seq(Some(self.len()))?;
        for item in &self.items {
            seq.serialize_element(item)?;
        }
        for id in &self.ids {
            seq.serialize_element(id)?;
        }
        for _ in 0..self.nulls {
            seq.serialize_element(&())?;
        }
        seq.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn objects_ids_and_nulls_are_told_apart() {
        let page: ServicePage =
            serde_json::from_str(r#"[{"serviceId":1,"billing":null},null,{"serviceId":2},null]"#)
                .unwrap();
        assert_eq!(page.items.len(), 2);
        assert_eq!(page.items[1].service_id, ServiceId(2));
        assert_eq!((page.nulls, page.total, page.is_paged()), (2, None, true));
        assert_eq!(page.len(), 4);
        let back: ServicePage =
            serde_json::from_str(&serde_json::to_string(&page).unwrap()).unwrap();
        assert_eq!(back, page);
        let ids: ServicePage = serde_json::from_str("[5,6]").unwrap();
        assert_eq!(ids.ids, [ServiceId(5), ServiceId(6)]);
        assert!(!ids.is_paged());
        let empty: ServicePage = serde_json::from_str("[]").unwrap();
        assert!(empty.is_empty() && empty.is_paged());
    }

    #[test]
    fn malformed_items_are_errors_with_their_path() {
        for bad in [
            "null",
            "{}",
            r#"["x"]"#,
            "[-1]",
            "[1.5]",
            r#"[{"serviceId":"7"}]"#,
            r#"[[1]]"#,
        ] {
            assert!(serde_json::from_str::<ServicePage>(bad).is_err(), "{bad}");
        }
        let de = &mut serde_json::Deserializer::from_str(r#"[{"serviceId":1},{"serviceId":true}]"#);
        let err = serde_path_to_error::deserialize::<_, ServicePage>(de).unwrap_err();
        assert!(err.path().to_string().contains("serviceId"), "{err}");
    }
}
