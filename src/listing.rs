//! Reading a whole fleet through the `/services` view in a few requests.
//!
//! [`view_services`] asks `GET /services` for pages of whole objects
//! (`X-Pagination-Mode: CachedObjectList-Pages`, [`ListOptions::page_size`] per page,
//! 1,000 by default as OVH documents) and keeps asking for the next page until it has as
//! many elements as OVH announced (`X-Pagination-Elements`), whatever the size of each
//! page (a server may cap pages below the size asked). If the server answers plain ids
//! instead (it did not honour the header) or refuses the header (a 400), it falls back to
//! one `GET /services/{serviceId}` per id, at most [`ListOptions::concurrency`] in flight.
//! `null` items are skipped and counted.
//!
//! A server whose totals lie cannot make it loop: it stops at the first page that brings
//! nothing new (empty, or only services already received), and after at most as many
//! pages as elements announced.
//!
//! ```no_run
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! use ovh_renew::listing::{view_services, ListOptions};
//! use ovh_renew::models::ServiceFilter;
//! let client = ovh_renew::OvhClient::from_env()?;
//! let listing = view_services(&client, &ServiceFilter::all(), &ListOptions::default()).await?;
//! println!("{} services in {} requests", listing.views.len(), listing.requests);
//! # Ok(()) }
//! ```

use std::collections::HashSet;

use futures_util::stream::{self, StreamExt};

use crate::api::ServiceRenewApi;
use crate::error::Error;
use crate::models::{ServiceFilter, ServiceId, ServiceView};
use crate::ops::DEFAULT_PAGE_SIZE;

/// Settings of [`view_services`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct ListOptions {
    /// Objects asked for per page (`X-Pagination-Size`; default 1,000, at least 1).
    pub page_size: u32,
    /// Per-id reads in flight at once when falling back (default 8, the planner's
    /// default; at least 1).
    pub concurrency: usize,
}

impl Default for ListOptions {
    fn default() -> Self {
        Self {
            page_size: DEFAULT_PAGE_SIZE,
            concurrency: 8,
        }
    }
}

impl ListOptions {
    /// Sets [`page_size`](Self::page_size).
    pub fn page_size(mut self, size: u32) -> Self {
        self.page_size = size;
        self
    }

    /// Sets [`concurrency`](Self::concurrency).
    pub fn concurrency(mut self, n: usize) -> Self {
        self.concurrency = n;
        self
    }
}

/// How the views were read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ListingPath {
    /// Pages of whole objects.
    Pages,
    /// The server answered plain ids: one `GET /services/{serviceId}` each.
    IdsAnswered,
    /// The server refused the pagination header (400): `GET /services`, then one
    /// `GET /services/{serviceId}` each.
    HeaderRefused,
}

/// What [`view_services`] read.
#[derive(Debug)]
#[non_exhaustive]
pub struct Listing {
    /// The services, in the order received, each once.
    pub views: Vec<ServiceView>,
    /// Services listed whose view could not be read (fallback path only), with why.
    pub failures: Vec<(ServiceId, Error)>,
    /// `null` items skipped.
    pub nulls: usize,
    /// Requests sent (pages, lists, per-id reads).
    pub requests: usize,
    /// How.
    pub path: ListingPath,
    /// The total OVH announced on the first page, if any.
    pub announced: Option<u64>,
}

/// Reads every service `filter` selects (see the [module documentation](self)). Fails
/// only if the listing itself cannot be read; a view that cannot be read on the
/// fallback path is one of [`Listing::failures`].
pub async fn view_services<A: ServiceRenewApi + ?Sized>(
    api: &A,
    filter: &ServiceFilter,
    options: &ListOptions,
) -> Result<Listing, Error> {
    let size = options.page_size.max(1);
    let first = match api.services_page(filter, 1, size).await {
        Ok(page) => page,
        Err(e) if e.status() == Some(400) => {
            let ids = api.services(filter).await?;
            let mut listing = per_id(api, ids, options).await;
            listing.requests += 2;
            listing.path = ListingPath::HeaderRefused;
            return Ok(listing);
        }
        Err(e) => return Err(e),
    };
    if !first.is_paged() {
        let mut listing = per_id(api, first.ids, options).await;
        listing.requests += 1;
        listing.nulls += first.nulls;
        listing.path = ListingPath::IdsAnswered;
        return Ok(listing);
    }
    let announced = first.total;
    let mut listing = Listing {
        views: Vec::with_capacity(first.items.len()),
        failures: Vec::new(),
        nulls: 0,
        requests: 1,
        path: ListingPath::Pages,
        announced,
    };
    let mut seen = HashSet::new();
    let mut received: u64 = 0;
    let mut page = first;
    let mut number: u32 = 1;
    // Each page must bring at least one element: never more pages than elements.
    let max_pages = announced.unwrap_or(u64::MAX);
    loop {
        let elements = page.len() as u64;
        let before = listing.views.len();
        listing.nulls += page.nulls;
        for view in page.items {
            if seen.insert(view.service_id) {
                listing.views.push(view);
            }
        }
        let brought = (listing.views.len() - before) + page.nulls;
        received = received.saturating_add(elements);
        let done = match announced {
            Some(total) => received >= total,
            None => false,
        };
        if done || brought == 0 || u64::from(number) >= max_pages {
            break;
        }
        number = match number.checked_add(1) {
            Some(n) => n,
            None => break,
        };
        page = api.services_page(filter, number, size).await?;
        listing.requests += 1;
        if !page.is_paged() {
            // Ids in the middle of a paged listing: read them one by one.
            let ids: Vec<ServiceId> = page.ids.drain(..).filter(|id| !seen.contains(id)).collect();
            let rest = per_id(api, ids, options).await;
            listing.requests += rest.requests;
            listing.views.extend(rest.views);
            listing.failures.extend(rest.failures);
            break;
        }
    }
    Ok(listing)
}

/// The views of these services: one `GET /services/{serviceId}` per id (each once),
/// [`ListOptions::concurrency`] in flight, in the ids' order. A view that cannot be read
/// is one of [`Listing::failures`].
pub async fn view_ids<A: ServiceRenewApi + ?Sized>(
    api: &A,
    ids: Vec<ServiceId>,
    options: &ListOptions,
) -> Listing {
    per_id(api, ids, options).await
}

/// One `GET /services/{serviceId}` per id (each once), `options.concurrency` in flight,
/// in the ids' order.
async fn per_id<A: ServiceRenewApi + ?Sized>(
    api: &A,
    mut ids: Vec<ServiceId>,
    options: &ListOptions,
) -> Listing {
    let mut seen = HashSet::new();
    ids.retain(|id| seen.insert(*id));
    let requests = ids.len();
    let results: Vec<(ServiceId, Result<ServiceView, Error>)> = stream::iter(ids)
        .map(|id| async move { (id, api.service_view(id).await) })
        .buffered(options.concurrency.max(1))
        .collect()
        .await;
    let mut listing = Listing {
        views: Vec::with_capacity(results.len()),
        failures: Vec::new(),
        nulls: 0,
        requests,
        path: ListingPath::IdsAnswered,
        announced: None,
    };
    for (id, result) in results {
        match result {
            Ok(view) => listing.views.push(view),
            Err(e) => listing.failures.push((id, e)),
        }
    }
    listing
}

#[cfg(test)]
mod tests {
    //! The loop against in-memory servers whose pages, totals and answers are scripted.
    use std::sync::Mutex;

    use super::*;
    use crate::api::ApiFuture;
    use crate::models::ServicePage;
    use crate::ops::{Call, Reply};

    fn api_error(status: u16, class: &str, message: &str) -> Error {
        crate::error::ApiError {
            method: "GET".into(),
            route: "/services".into(),
            rule_path: "/services".into(),
            status,
            class: Some(class.to_owned()),
            error_code: None,
            message: message.to_owned(),
            details: Default::default(),
            query_id: None,
            ovh_body: true,
            route_note: None,
        }
        .into()
    }

    /// Answers `services_page` with `pages(number)`, `services` with `ids`, and
    /// `service_view` with a bare view; counts every call.
    struct Scripted {
        pages: Box<dyn Fn(u32) -> Result<ServicePage, Error> + Send + Sync>,
        ids: Vec<ServiceId>,
        calls: Mutex<Vec<Call>>,
    }

    impl ServiceRenewApi for Scripted {
        fn execute<'a>(&'a self, call: &'a Call) -> ApiFuture<'a, Reply> {
            self.calls.lock().unwrap().push(call.clone());
            Box::pin(async move {
                match call {
                    Call::ServicesPage { number, .. } => {
                        (self.pages)(*number).map(Reply::ServicesPage)
                    }
                    Call::Services { .. } => Ok(Reply::Services(self.ids.clone())),
                    Call::ServiceView { id } if id.0 == 13 => Err(api_error(404, "", "gone")),
                    Call::ServiceView { id } => Ok(Reply::ServiceView(ServiceView::new(*id))),
                    other => panic!("unexpected {other:?}"),
                }
            })
        }
    }

    fn ids_only(ids: &[u64]) -> ServicePage {
        ServicePage::of_ids(ids.iter().copied().map(ServiceId).collect())
    }

    fn views(ids: std::ops::Range<u64>) -> Vec<ServiceView> {
        ids.map(|i| ServiceView::new(ServiceId(i))).collect()
    }

    fn run(
        pages: impl Fn(u32) -> Result<ServicePage, Error> + Send + Sync + 'static,
    ) -> (Listing, Vec<Call>) {
        let api = Scripted {
            pages: Box::new(pages),
            ids: vec![ServiceId(11), ServiceId(12), ServiceId(13)],
            calls: Mutex::default(),
        };
        let listing = futures_executor(view_services(
            &api,
            &ServiceFilter::all(),
            &ListOptions::default().page_size(4),
        ))
        .unwrap();
        let calls = api.calls.into_inner().unwrap();
        (listing, calls)
    }

    fn futures_executor<F: std::future::Future>(f: F) -> F::Output {
        tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap()
            .block_on(f)
    }

    #[test]
    fn pages_are_read_until_the_announced_total_whatever_their_size() {
        // 10 services, pages capped at 3 below the 4 asked: 4 pages.
        let (listing, calls) = run(|n| {
            let start = u64::from(n - 1) * 3;
            Ok(ServicePage::of(views(start..(start + 3).min(10)), Some(10)))
        });
        assert_eq!(listing.views.len(), 10);
        assert_eq!((listing.requests, calls.len()), (4, 4));
        assert_eq!(listing.path, ListingPath::Pages);
        assert!(
            calls
                .iter()
                .all(|c| matches!(c, Call::ServicesPage { size: 4, .. }))
        );
    }

    #[test]
    fn lying_totals_stop_at_the_first_page_that_brings_nothing() {
        // Announces a million, has 5: the empty page 3 ends it.
        let (listing, calls) = run(|n| {
            Ok(ServicePage::of(
                if n <= 2 {
                    views(u64::from(n) * 10..u64::from(n) * 10 + 4)
                } else {
                    vec![]
                },
                Some(1_000_000),
            ))
        });
        assert_eq!((listing.views.len(), calls.len()), (8, 3));
        // Answers the same page whatever the number: page 2 brings nothing new.
        let (listing, calls) = run(|_| Ok(ServicePage::of(views(0..4), Some(1_000_000))));
        assert_eq!((listing.views.len(), calls.len()), (4, 2));
        // Announces fewer than it has: stops once the total is reached.
        let (listing, calls) = run(|_| Ok(ServicePage::of(views(0..4), Some(2))));
        assert_eq!((listing.views.len(), calls.len()), (4, 1));
        // No total at all: until a page brings nothing.
        let (listing, calls) = run(|n| {
            Ok(ServicePage::of(
                if n == 1 { views(0..4) } else { vec![] },
                None,
            ))
        });
        assert_eq!((listing.views.len(), calls.len()), (4, 2));
    }

    #[test]
    fn nulls_are_skipped_counted_and_count_toward_the_total() {
        let (listing, calls) = run(|_| {
            let mut page = ServicePage::of(views(0..2), Some(4));
            page.nulls = 2;
            Ok(page)
        });
        assert_eq!((listing.views.len(), listing.nulls, calls.len()), (2, 2, 1));
    }

    #[test]
    fn plain_ids_and_a_refused_header_fall_back_to_one_read_per_id() {
        let (listing, calls) = run(|_| Ok(ids_only(&[11, 12, 13, 12])));
        assert_eq!(listing.path, ListingPath::IdsAnswered);
        assert_eq!(listing.views.len(), 2);
        assert_eq!(listing.failures.len(), 1);
        assert_eq!(listing.failures[0].0, ServiceId(13));
        // 1 page + 3 distinct ids.
        assert_eq!((listing.requests, calls.len()), (4, 4));

        let (listing, calls) = run(|_| Err(api_error(400, "Client::BadRequest", "no pages")));
        assert_eq!(listing.path, ListingPath::HeaderRefused);
        assert_eq!((listing.views.len(), listing.failures.len()), (2, 1));
        assert_eq!((listing.requests, calls.len()), (5, 5));
        assert!(matches!(calls[1], Call::Services { .. }));
    }

    #[test]
    fn other_errors_of_the_first_page_are_the_listing_s() {
        let api = Scripted {
            pages: Box::new(|_| Err(api_error(403, "Client::Forbidden", "not granted"))),
            ids: Vec::new(),
            calls: Mutex::default(),
        };
        let err = futures_executor(view_services(
            &api,
            &ServiceFilter::all(),
            &ListOptions::default(),
        ))
        .unwrap_err();
        assert_eq!(err.status(), Some(403));
    }
}
