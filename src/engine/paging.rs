//! Twilio's list paging, as `ListService` has it, for every list the engine serves (Services, Rate Limits,
//! Buckets, Entities, Factors, Challenges).

use crate::engine::form::Form;
use crate::verify::model::{ListPage, PageMeta, TwilioError};

/// One page of `items` (oldest first) under `key`, with Twilio's paging as `ListService` has it: `PageSize` 1-1000
/// (default 50), `Page` from 0, and `PageToken` as Twilio's SDKs send it back (`PT<page>`). `list_url` is the
/// list's URL without a query. A bad paging parameter is 60200 naming it.
pub fn page<T: Clone>(
    items: &[T],
    query: &Form,
    list_url: &str,
    key: &str,
    render: impl Fn(T) -> T,
) -> Result<ListPage<T>, TwilioError> {
    let listing = Listing {
        url: list_url,
        filters: &[],
        key,
        invalid: TwilioError::invalid_parameter,
    };
    page_of(items, query, &listing, render)
}

/// How a list is addressed: its URL without a query, the filters every page's URL repeats (so an SDK following
/// `next_page_url` keeps them), the name of the list in the body, and the error a bad paging parameter gets (the
/// Entity resources answer 60306 where the others answer 60200).
pub struct Listing<'a> {
    /// The list's URL, without a query.
    pub url: &'a str,
    /// The filters the list was asked with, as (parameter, value), in the order they go in each URL.
    pub filters: &'a [(&'a str, String)],
    /// The name of the list in the body, e.g. `challenges`.
    pub key: &'a str,
    /// The error for a bad `PageSize`, `Page` or `PageToken`, given its name.
    pub invalid: fn(&str) -> TwilioError,
}

/// One page of `items` (in the order the list has them) as [`page`] makes it, for `listing`.
pub fn page_of<T: Clone>(
    items: &[T],
    query: &Form,
    listing: &Listing<'_>,
    render: impl Fn(T) -> T,
) -> Result<ListPage<T>, TwilioError> {
    let invalid = listing.invalid;
    let size = query
        .int_in("PageSize", 1..=1000)
        .map_err(|_| invalid("PageSize"))?
        .unwrap_or(50);
    let number = match query.get("PageToken") {
        Some(token) => token
            .strip_prefix("PT")
            .and_then(|n| n.parse::<u32>().ok())
            .ok_or_else(|| invalid("PageToken"))?,
        None => query
            .int_in("Page", 0..=u32::MAX)
            .map_err(|_| invalid("Page"))?
            .unwrap_or(0),
    };
    let base = if listing.filters.is_empty() {
        format!("{}?", listing.url)
    } else {
        let filters = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(listing.filters.iter().map(|(k, v)| (*k, v.as_str())))
            .finish();
        format!("{}?{filters}&", listing.url)
    };
    let start = (number as usize).saturating_mul(size as usize);
    let page_url = |n: u32| format!("{base}PageSize={size}&Page={n}&PageToken=PT{n}");
    let more = items.len() > start.saturating_add(size as usize);
    Ok(ListPage {
        items: items
            .iter()
            .skip(start)
            .take(size as usize)
            .cloned()
            .map(render)
            .collect(),
        meta: PageMeta {
            page: number,
            page_size: size,
            first_page_url: format!("{base}PageSize={size}&Page=0"),
            previous_page_url: (number > 0).then(|| page_url(number - 1)),
            next_page_url: more.then(|| page_url(number + 1)),
            key: listing.key.to_owned(),
            url: format!("{base}PageSize={size}&Page={number}"),
        },
    })
}
