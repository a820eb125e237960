//! Twilio's list paging, as `ListService` has it, for every list the engine serves (Services, Rate Limits,
//! Buckets).

use crate::engine::form::Form;
use crate::verify::model::{ListPage, PageMeta, TwilioError};

/// One page of `items` (oldest first) under `key`, with Twilio's paging as `ListService` has it: `PageSize` 1-1000
/// (default 50), `Page` from 0, and `PageToken` as Twilio's SDKs send it back (`PT<page>`). `list_url` is the
/// list's URL without a query.
pub fn page<T: Clone>(
    items: &[T],
    query: &Form,
    list_url: &str,
    key: &str,
    render: impl Fn(T) -> T,
) -> Result<ListPage<T>, TwilioError> {
    let size = query.int_in("PageSize", 1..=1000)?.unwrap_or(50);
    let number = match query.get("PageToken") {
        Some(token) => token
            .strip_prefix("PT")
            .and_then(|n| n.parse::<u32>().ok())
            .ok_or_else(|| TwilioError::invalid_parameter("PageToken"))?,
        None => query.int_in("Page", 0..=u32::MAX)?.unwrap_or(0),
    };
    let start = (number as usize).saturating_mul(size as usize);
    let page_url = |n: u32| format!("{list_url}?PageSize={size}&Page={n}&PageToken=PT{n}");
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
            first_page_url: format!("{list_url}?PageSize={size}&Page=0"),
            previous_page_url: (number > 0).then(|| page_url(number - 1)),
            next_page_url: more.then(|| page_url(number + 1)),
            key: key.to_owned(),
            url: format!("{list_url}?PageSize={size}&Page={number}"),
        },
    })
}
