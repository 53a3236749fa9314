use serde::{Deserialize, Serialize};

/// Which page of a list to return; `per_page` is clamped to 1..=200.
#[derive(Debug, Clone, Copy, Deserialize)]
pub struct PageRequest {
    pub page: u32,
    pub per_page: u32,
}

impl Default for PageRequest {
    fn default() -> Self {
        Self {
            page: 1,
            per_page: 50,
        }
    }
}

impl PageRequest {
    pub const MAX_PER_PAGE: u32 = 200;

    pub fn new(page: Option<u32>, per_page: Option<u32>) -> Self {
        Self {
            page: page.unwrap_or(1).max(1),
            per_page: per_page.unwrap_or(50).clamp(1, Self::MAX_PER_PAGE),
        }
    }
    pub fn limit(&self) -> i64 {
        i64::from(self.per_page)
    }
    pub fn offset(&self) -> i64 {
        i64::from(self.page - 1) * i64::from(self.per_page)
    }
}

/// One page of a list, with the total for paging links.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub total: i64,
    pub page: u32,
    pub per_page: u32,
}

impl<T> Page<T> {
    pub fn new(items: Vec<T>, total: i64, req: PageRequest) -> Self {
        Self {
            items,
            total,
            page: req.page,
            per_page: req.per_page,
        }
    }
    /// One page of a short list read whole (the attachments of one owner, one entity's
    /// history, one user's tokens): the API pages every list alike.
    pub fn of_all(mut all: Vec<T>, req: PageRequest) -> Self {
        let total = i64::try_from(all.len()).unwrap_or(i64::MAX);
        let start = usize::try_from(req.offset())
            .unwrap_or(usize::MAX)
            .min(all.len());
        let end = start.saturating_add(req.per_page as usize).min(all.len());
        let items = all.drain(start..end).collect();
        Self::new(items, total, req)
    }
    pub fn pages(&self) -> u32 {
        let per = i64::from(self.per_page.max(1));
        u32::try_from((self.total + per - 1) / per)
            .unwrap_or(u32::MAX)
            .max(1)
    }
}
