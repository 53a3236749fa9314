//! The Japanese calendar as the contract needs it (R5.2): national holidays and business
//! time (business days, working windows, sums and deadlines in business minutes).
//!
//! Pure date arithmetic, no I/O and no clock: callers pass the dates they ask about.

pub mod business;
pub mod holidays;

pub use business::BusinessCalendar;
pub use holidays::{equinox_is_provisional, holiday_name, holidays_between};

#[cfg(test)]
mod tests;
