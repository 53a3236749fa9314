//! Dates as the City's forms write them, in the Japanese era (和暦): 令和2年10月1日, the
//! first year of an era as 元年 (令和元年5月1日), right across the change of era on
//! 2019-05-01 (平成31年4月30日 → 令和元年5月1日) and on 1989-01-08.

use chrono::{Datelike, NaiveDate};

/// The eras since the calendar became Gregorian (1873), each with its first day.
const ERAS: [(&str, i32, u32, u32); 5] = [
    ("令和", 2019, 5, 1),
    ("平成", 1989, 1, 8),
    ("昭和", 1926, 12, 25),
    ("大正", 1912, 7, 30),
    ("明治", 1868, 1, 25),
];

/// The era of `date` and its year in that era (1 for the first); `None` before 明治.
pub fn era_of(date: NaiveDate) -> Option<(&'static str, i32)> {
    ERAS.iter().find_map(|&(name, y, m, d)| {
        let first = NaiveDate::from_ymd_opt(y, m, d)?;
        (date >= first).then(|| (name, date.year() - y + 1))
    })
}

/// An era year as written: 元年 for the first, else the number with 年.
fn year_text(n: i32) -> String {
    if n == 1 {
        "元年".into()
    } else {
        format!("{n}年")
    }
}

/// `date` as the forms write it: `令和2年10月1日`; before 明治, the Western year.
pub fn era_date(date: NaiveDate) -> String {
    match era_of(date) {
        Some((era, n)) => format!("{era}{}{}月{}日", year_text(n), date.month(), date.day()),
        None => format!("{}年{}月{}日", date.year(), date.month(), date.day()),
    }
}

/// The Japanese fiscal year that starts in April of `year`, as the forms name it:
/// `令和2年度` for 2020 (the era of its first day).
pub fn fiscal_year_text(year: i32) -> String {
    let first = NaiveDate::from_ymd_opt(year, 4, 1);
    match first.and_then(era_of) {
        Some((era, n)) => format!("{era}{}度", year_text(n)),
        None => format!("{year}年度"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("date")
    }

    #[test]
    fn dates_cross_the_changes_of_era() {
        assert_eq!(era_date(day(2019, 4, 30)), "平成31年4月30日");
        assert_eq!(era_date(day(2019, 5, 1)), "令和元年5月1日");
        assert_eq!(era_date(day(2019, 12, 31)), "令和元年12月31日");
        assert_eq!(era_date(day(2020, 10, 1)), "令和2年10月1日");
        assert_eq!(era_date(day(2021, 3, 31)), "令和3年3月31日");
        assert_eq!(era_date(day(1989, 1, 7)), "昭和64年1月7日");
        assert_eq!(era_date(day(1989, 1, 8)), "平成元年1月8日");
        assert_eq!(era_date(day(1850, 1, 1)), "1850年1月1日");
    }

    #[test]
    fn fiscal_years_take_the_era_of_their_first_day() {
        assert_eq!(fiscal_year_text(2020), "令和2年度");
        // April 2019 was still 平成: 平成31年度 (what documents written after the change
        // call 令和元年度 is the template's wording, not this function's).
        assert_eq!(fiscal_year_text(2019), "平成31年度");
        assert_eq!(fiscal_year_text(2018), "平成30年度");
    }
}
