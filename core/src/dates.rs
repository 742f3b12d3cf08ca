//! OSS time formats, read and written exactly as oss2 2.19.1 does (`dates.json`).
//!
//! - The HTTP date of the `Date` header and V1 signatures: RFC 1123, `Sat, 05 Dec 2015 11:10:29 GMT`.
//! - The ISO 8601 form of XML bodies: `2015-12-05T11:10:29.000Z`.
//!
//! Times are `i64` seconds since the Unix epoch, UTC, negative before 1970. Only the years 1 to
//! 9999 can be written or read (what Python's `datetime`, and so oss2, can express): see
//! [`MIN_UNIX`] and [`MAX_UNIX`]. The calendar is the proleptic Gregorian one, computed here
//! with integer arithmetic (days-from-civil and back), so it works without `std` and never
//! panics, whatever the input.
//!
//! The readers follow oss2's regular expressions, with two deliberate narrowings: digits must be
//! ASCII (Python's `\d` also takes other Unicode digits) and the match ends at the end of the
//! string (Python's `$` also lets one trailing `\n` through).

use alloc::format;
use alloc::string::String;
use core::fmt;
use core::str::FromStr;

use crate::error::{ClientError, DecodeError};

/// 0001-01-01T00:00:00Z, the earliest time the OSS date formats can express.
pub const MIN_UNIX: i64 = -62_135_596_800;
/// 9999-12-31T23:59:59Z, the latest time the OSS date formats can express.
pub const MAX_UNIX: i64 = 253_402_300_799;

const SECS_PER_DAY: i64 = 86_400;

/// Indexed by days since the epoch + 4, modulo 7: 1970-01-01 was a Thursday.
const WEEKDAYS: [[u8; 3]; 7] = [
    *b"Sun", *b"Mon", *b"Tue", *b"Wed", *b"Thu", *b"Fri", *b"Sat",
];
const MONTHS: [[u8; 3]; 12] = [
    *b"Jan", *b"Feb", *b"Mar", *b"Apr", *b"May", *b"Jun", *b"Jul", *b"Aug", *b"Sep", *b"Oct",
    *b"Nov", *b"Dec",
];

const HTTP_DATE: &str = "HTTP date";
const ISO8601: &str = "ISO 8601 time";
const CALENDAR_DATE: &str = "calendar date";

// ---------------------------------------------------------------------------------------------
// Calendar dates

/// A calendar date (proleptic Gregorian), as OSS lifecycle rules and `iso8601_to_date` use it.
///
/// The fields are public for reading and pattern matching; [`Date::new`] and [`str::parse`]
/// are the checked ways to make one. Ordering is chronological.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    pub year: i32,
    pub month: u8,
    pub day: u8,
}

impl Date {
    /// The date `year-month-day`, if it exists and the year is within 1..=9999.
    pub fn new(year: i32, month: u8, day: u8) -> Result<Date, ClientError> {
        if is_valid_date(i64::from(year), month, day) {
            Ok(Date { year, month, day })
        } else {
            Err(invalid(
                CALENDAR_DATE,
                format!("{year:04}-{month:02}-{day:02}"),
            ))
        }
    }
}

/// `YYYY-MM-DD`.
impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

/// Reads `YYYY-MM-DD` (exactly four digits of year), checked like [`Date::new`].
impl FromStr for Date {
    type Err = ClientError;

    fn from_str(s: &str) -> Result<Date, ClientError> {
        let b = s.as_bytes();
        let parsed = if b.len() == 10 && b[4] == b'-' && b[7] == b'-' {
            match (year(&b[..4]), two_digits(b, 5), two_digits(b, 8)) {
                (Some(y), Some(m), Some(d)) if is_valid_date(y, m, d) => Some(Date {
                    year: y as i32, // 1..=9999, checked by `year`
                    month: m,
                    day: d,
                }),
                _ => None,
            }
        } else {
            None
        };
        parsed.ok_or_else(|| invalid(CALENDAR_DATE, String::from(s)))
    }
}

// ---------------------------------------------------------------------------------------------
// HTTP dates

/// An HTTP date (`Thu, 01 Jan 1970 00:00:00 GMT`) formatted on the stack.
///
/// This is the form the V1 signer uses on every request: it fills a fixed 29-byte buffer
/// directly (the year is always four digits, zero-padded, as Python's `formatdate` writes it),
/// with no `core::fmt` machinery and no allocation. [`http_date`] is the `String` convenience.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct HttpDate([u8; HttpDate::LEN]);

impl HttpDate {
    /// Every HTTP date of the years 1..=9999 is this many bytes long.
    pub const LEN: usize = 29;

    /// The HTTP date of `unix`; [`ClientError::TimeOutOfRange`] outside the years 1..=9999.
    pub fn from_unix(unix: i64) -> Result<HttpDate, ClientError> {
        let t = Civil::from_unix(unix)?;
        let mut b = *b"Thu, 01 Jan 1970 00:00:00 GMT";
        b[0..3].copy_from_slice(&WEEKDAYS[t.weekday as usize]);
        put2(&mut b, 5, t.day);
        b[8..11].copy_from_slice(&MONTHS[usize::from(t.month - 1)]);
        put4(&mut b, 12, t.year);
        put2(&mut b, 17, t.hour);
        put2(&mut b, 20, t.minute);
        put2(&mut b, 23, t.second);
        Ok(HttpDate(b))
    }

    /// The date as ASCII bytes (what a signature is computed over).
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    /// The date as text.
    pub fn as_str(&self) -> &str {
        ascii(&self.0)
    }
}

impl fmt::Display for HttpDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for HttpDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("HttpDate").field(&self.as_str()).finish()
    }
}

impl AsRef<str> for HttpDate {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

/// oss2 `http_date`: `unix` as `"%a, %d %b %Y %H:%M:%S GMT"`, in English, UTC.
///
/// [`ClientError::TimeOutOfRange`] outside the years 1..=9999. See [`HttpDate`] for the
/// allocation-free form.
pub fn http_date(unix: i64) -> Result<String, ClientError> {
    HttpDate::from_unix(unix).map(|d| String::from(d.as_str()))
}

/// oss2 `http_to_unixtime`: reads `Sat, 05 Dec 2015 11:10:29 GMT` (as in `Last-Modified`).
///
/// The whole string must be `Www, DD Mon YEAR HH:MM:SS GMT`: a two-digit day, an English
/// month abbreviation (case-sensitive), one or more digits of year. The weekday must be one of
/// `Mon`..`Sun` but is not checked against the date, as in oss2. The date must exist and the
/// year be within 1..=9999. Anything else is a [`DecodeError`]: these times come from responses.
pub fn http_to_unixtime(s: &str) -> Result<i64, DecodeError> {
    parse_http(s.as_bytes()).ok_or_else(|| unreadable(HTTP_DATE, s))
}

fn parse_http(b: &[u8]) -> Option<i64> {
    // "Www, DD Mon " + YEAR + " HH:MM:SS GMT"
    const HEAD: usize = 12;
    const TAIL: usize = 13;
    if b.len() < HEAD + 1 + TAIL {
        return None;
    }
    let (head, rest) = b.split_at(HEAD);
    let (year_digits, tail) = rest.split_at(rest.len() - TAIL);

    if !WEEKDAYS.iter().any(|w| head[..3] == w[..]) || &head[3..5] != b", " || head[7] != b' ' {
        return None;
    }
    let day = two_digits(head, 5)?;
    let month = MONTHS.iter().position(|m| head[8..11] == m[..])? as u8 + 1;
    if head[11] != b' ' {
        return None;
    }
    let year = year(year_digits)?;
    if tail[0] != b' ' || tail[3] != b':' || tail[6] != b':' || &tail[9..] != b" GMT" {
        return None;
    }
    let (hour, minute, second) = (
        two_digits(tail, 1)?,
        two_digits(tail, 4)?,
        two_digits(tail, 7)?,
    );
    to_unix(year, month, day, hour, minute, second)
}

// ---------------------------------------------------------------------------------------------
// ISO 8601

/// oss2 `iso8601_to_unixtime`: reads `2015-12-05T11:10:29.000Z` (as in listings).
///
/// Strict, as oss2: the whole string must be `YEAR-MM-DDTHH:MM:SS.000Z` with one or more digits
/// of year (`15-12-05T00:00:00.000Z` is the year 15) and the milliseconds literally `.000`; no
/// other fraction, no offset. The date must exist and the year be within 1..=9999. Anything
/// else is a [`DecodeError`]. Response parsers want [`iso8601_to_unixtime_lenient`].
pub fn iso8601_to_unixtime(s: &str) -> Result<i64, DecodeError> {
    parse_iso(s.as_bytes(), Fraction::Zero)
        .and_then(|t| to_unix(t.year, t.month, t.day, t.hour, t.minute, t.second))
        .ok_or_else(|| unreadable(ISO8601, s))
}

/// Like [`iso8601_to_unixtime`], but the fraction of a second may be any 1 to 9 digits
/// (`.123Z`), or absent (`…:29Z`); the result is the whole seconds.
///
/// Real OSS responses can carry non-zero milliseconds, which oss2 wrongly refuses.
pub fn iso8601_to_unixtime_lenient(s: &str) -> Result<i64, DecodeError> {
    parse_iso(s.as_bytes(), Fraction::Any)
        .and_then(|t| to_unix(t.year, t.month, t.day, t.hour, t.minute, t.second))
        .ok_or_else(|| unreadable(ISO8601, s))
}

/// oss2 `iso8601_to_date`: the calendar date, in UTC, of a strict ISO 8601 time.
///
/// oss2 uses the local time zone here (`date.fromtimestamp`); a sans-IO core has none, and UTC
/// is what the vectors were made with.
pub fn iso8601_to_date(s: &str) -> Result<Date, DecodeError> {
    match parse_iso(s.as_bytes(), Fraction::Zero) {
        // The time of day is within 00:00:00..=23:59:59, so the UTC date is the written one.
        Some(t) if to_unix(t.year, t.month, t.day, t.hour, t.minute, t.second).is_some() => {
            Ok(Date {
                year: t.year as i32, // 1..=9999, checked by `to_unix`
                month: t.month,
                day: t.day,
            })
        }
        _ => Err(unreadable(ISO8601, s)),
    }
}

/// oss2 `date_to_iso8601`: midnight UTC of `d`, `2015-12-05T00:00:00.000Z`.
///
/// The year is written with at least four digits (oss2 relies on the C library's `%Y`, which
/// glibc does not pad below the year 1000).
pub fn date_to_iso8601(d: Date) -> String {
    format!("{d}T00:00:00.000Z")
}

/// `unix` as `YYYY-MM-DDTHH:MM:SS.000Z`, the form OSS writes in XML bodies.
///
/// [`ClientError::TimeOutOfRange`] outside the years 1..=9999.
pub fn unixtime_to_iso8601(unix: i64) -> Result<String, ClientError> {
    let t = Civil::from_unix(unix)?;
    let mut b = *b"1970-01-01T00:00:00.000Z";
    put4(&mut b, 0, t.year);
    put2(&mut b, 5, t.month);
    put2(&mut b, 8, t.day);
    put2(&mut b, 11, t.hour);
    put2(&mut b, 14, t.minute);
    put2(&mut b, 17, t.second);
    Ok(String::from(ascii(&b)))
}

/// The V4 signing time, `YYYYMMDDTHHMMSSZ` (ISO 8601 basic format, UTC), on the stack.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct V4Timestamp([u8; 16]);

impl V4Timestamp {
    /// [`ClientError::TimeOutOfRange`] outside the years 1..=9999.
    pub fn from_unix(unix: i64) -> Result<V4Timestamp, ClientError> {
        let t = Civil::from_unix(unix)?;
        let mut b = *b"19700101T000000Z";
        put4(&mut b, 0, t.year);
        put2(&mut b, 4, t.month);
        put2(&mut b, 6, t.day);
        put2(&mut b, 9, t.hour);
        put2(&mut b, 11, t.minute);
        put2(&mut b, 13, t.second);
        Ok(V4Timestamp(b))
    }

    /// `20231216T162057Z`.
    pub fn as_str(&self) -> &str {
        ascii(&self.0)
    }

    /// The day of the scope, `20231216`.
    pub fn day(&self) -> &str {
        ascii(&self.0[..8])
    }
}

impl fmt::Debug for V4Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("V4Timestamp").field(&self.as_str()).finish()
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Fraction {
    /// oss2: literally `.000`.
    Zero,
    /// None, or 1 to 9 digits.
    Any,
}

/// The fields of `YEAR-MM-DDTHH:MM:SS<fraction>Z`, each in its two-digit range; not yet checked
/// against the calendar.
struct IsoFields {
    year: i64,
    month: u8,
    day: u8,
    hour: u8,
    minute: u8,
    second: u8,
}

fn parse_iso(b: &[u8], fraction: Fraction) -> Option<IsoFields> {
    // YEAR is all the leading digits; then "-MM-DDTHH:MM:SS" and the fraction with its "Z".
    let year_len = b.iter().take_while(|c| c.is_ascii_digit()).count();
    let (year_digits, rest) = b.split_at(year_len);
    let year = year(year_digits)?;
    let (fields, tail) = rest.split_at_checked(15)?;
    let separators = [(0, b'-'), (3, b'-'), (6, b'T'), (9, b':'), (12, b':')];
    if separators.iter().any(|&(at, c)| fields[at] != c) {
        return None;
    }
    let ok_tail = match fraction {
        Fraction::Zero => tail == b".000Z",
        Fraction::Any => match tail {
            [b'Z'] => true,
            [b'.', digits @ .., b'Z'] => {
                (1..=9).contains(&digits.len()) && digits.iter().all(u8::is_ascii_digit)
            }
            _ => false,
        },
    };
    if !ok_tail {
        return None;
    }
    Some(IsoFields {
        year,
        month: two_digits(fields, 1)?,
        day: two_digits(fields, 4)?,
        hour: two_digits(fields, 7)?,
        minute: two_digits(fields, 10)?,
        second: two_digits(fields, 13)?,
    })
}

// ---------------------------------------------------------------------------------------------
// Civil-time arithmetic (Howard Hinnant's days-from-civil algorithms), on checked ranges only

/// A time within the years 1..=9999, broken down in UTC.
struct Civil {
    year: u16,
    month: u8,
    day: u8,
    hour: u8,
    minute: u8,
    second: u8,
    /// 0 = Sunday.
    weekday: u8,
}

impl Civil {
    fn from_unix(unix: i64) -> Result<Civil, ClientError> {
        if !(MIN_UNIX..=MAX_UNIX).contains(&unix) {
            return Err(ClientError::TimeOutOfRange { unix });
        }
        let days = unix.div_euclid(SECS_PER_DAY);
        let secs = unix.rem_euclid(SECS_PER_DAY) as u32; // 0..86_400
        let (year, month, day) = civil_from_days(days);
        Ok(Civil {
            year: year as u16, // 1..=9999 for times within MIN_UNIX..=MAX_UNIX
            month,
            day,
            hour: (secs / 3600) as u8,
            minute: (secs / 60 % 60) as u8,
            second: (secs % 60) as u8,
            weekday: (days + 4).rem_euclid(7) as u8,
        })
    }
}

fn is_leap(year: i64) -> bool {
    year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
}

fn days_in_month(year: i64, month: u8) -> u8 {
    match month {
        4 | 6 | 9 | 11 => 30,
        2 if is_leap(year) => 29,
        2 => 28,
        _ => 31,
    }
}

fn is_valid_date(year: i64, month: u8, day: u8) -> bool {
    (1..=9999).contains(&year)
        && (1..=12).contains(&month)
        && day >= 1
        && day <= days_in_month(year, month)
}

/// Days since 1970-01-01 of a valid date of the years 1..=9999.
fn days_from_civil(year: i64, month: u8, day: u8) -> i64 {
    let (month, day) = (i64::from(month), i64::from(day));
    // Years start on 1 March, so that the leap day is the last of its year.
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400; // 0..=399
    let mp = (month + 9) % 12; // March = 0
    let doy = (153 * mp + 2) / 5 + day - 1; // 0..=365
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy; // 0..=146_096
    era * 146_097 + doe - 719_468
}

/// The date of a day since 1970-01-01 (the inverse of [`days_from_civil`]).
fn civil_from_days(days: i64) -> (i64, u8, u8) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097; // 0..=146_096
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365; // 0..=399
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100); // 0..=365
    let mp = (5 * doy + 2) / 153; // 0..=11, March = 0
    let day = (doy - (153 * mp + 2) / 5 + 1) as u8;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// Seconds since the epoch, if the date exists within the years 1..=9999 and the time of day is
/// within 00:00:00..=23:59:59.
fn to_unix(year: i64, month: u8, day: u8, hour: u8, minute: u8, second: u8) -> Option<i64> {
    if !is_valid_date(year, month, day) || hour > 23 || minute > 59 || second > 59 {
        return None;
    }
    let secs = i64::from(hour) * 3600 + i64::from(minute) * 60 + i64::from(second);
    Some(days_from_civil(year, month, day) * SECS_PER_DAY + secs)
}

// ---------------------------------------------------------------------------------------------
// Digits

/// One or more ASCII digits (leading zeros allowed, as Python's `int`) worth 1..=9999.
fn year(digits: &[u8]) -> Option<i64> {
    if digits.is_empty() {
        return None;
    }
    let mut value: i64 = 0;
    for &c in digits {
        if !c.is_ascii_digit() {
            return None;
        }
        // Stop growing past 9999: a 30-digit year is refused, not overflowed.
        value = (value * 10 + i64::from(c - b'0')).min(10_000);
    }
    (1..=9999).contains(&value).then_some(value)
}

/// Two ASCII digits at `at`.
fn two_digits(b: &[u8], at: usize) -> Option<u8> {
    match b.get(at..at + 2)? {
        [hi @ b'0'..=b'9', lo @ b'0'..=b'9'] => Some((hi - b'0') * 10 + (lo - b'0')),
        _ => None,
    }
}

/// Writes `v` (below 100) as two digits at `at`.
fn put2(b: &mut [u8], at: usize, v: u8) {
    b[at] = b'0' + v / 10 % 10;
    b[at + 1] = b'0' + v % 10;
}

/// Writes `v` (below 10 000) as four digits at `at`.
fn put4(b: &mut [u8], at: usize, v: u16) {
    b[at] = b'0' + (v / 1000 % 10) as u8;
    b[at + 1] = b'0' + (v / 100 % 10) as u8;
    b[at + 2] = b'0' + (v / 10 % 10) as u8;
    b[at + 3] = b'0' + (v % 10) as u8;
}

/// The text of a buffer this module filled with ASCII (so the fallback is never taken).
fn ascii(b: &[u8]) -> &str {
    core::str::from_utf8(b).unwrap_or_default()
}

/// Caller input (a date the caller wrote) that does not parse.
fn invalid(what: &'static str, value: String) -> ClientError {
    ClientError::InvalidFormat { what, value }
}

/// Response data (a header, an XML field) that does not parse.
fn unreadable(what: &'static str, value: &str) -> DecodeError {
    DecodeError {
        what: String::from(what),
        reason: format!("{value:?} is not a valid {what}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::string::ToString;
    use alloc::vec::Vec;

    fn is_invalid_format(r: Result<i64, DecodeError>) -> bool {
        r.is_err()
    }

    #[test]
    fn limits_are_year_1_and_9999() {
        assert_eq!(
            http_date(MIN_UNIX).unwrap(),
            "Mon, 01 Jan 0001 00:00:00 GMT"
        );
        assert_eq!(
            http_date(MAX_UNIX).unwrap(),
            "Fri, 31 Dec 9999 23:59:59 GMT"
        );
        assert_eq!(
            unixtime_to_iso8601(MIN_UNIX).unwrap(),
            "0001-01-01T00:00:00.000Z"
        );
        assert_eq!(
            unixtime_to_iso8601(MAX_UNIX).unwrap(),
            "9999-12-31T23:59:59.000Z"
        );
        for unix in [MIN_UNIX - 1, MAX_UNIX + 1, i64::MIN, i64::MAX] {
            assert_eq!(http_date(unix), Err(ClientError::TimeOutOfRange { unix }));
            assert_eq!(
                HttpDate::from_unix(unix),
                Err(ClientError::TimeOutOfRange { unix })
            );
            assert_eq!(
                unixtime_to_iso8601(unix),
                Err(ClientError::TimeOutOfRange { unix })
            );
        }
        assert_eq!(
            http_to_unixtime("Mon, 01 Jan 0001 00:00:00 GMT"),
            Ok(MIN_UNIX)
        );
        assert_eq!(
            http_to_unixtime("Fri, 31 Dec 9999 23:59:59 GMT"),
            Ok(MAX_UNIX)
        );
        assert_eq!(iso8601_to_unixtime("1-01-01T00:00:00.000Z"), Ok(MIN_UNIX));
        assert_eq!(
            iso8601_to_unixtime("9999-12-31T23:59:59.000Z"),
            Ok(MAX_UNIX)
        );
        assert!(is_invalid_format(iso8601_to_unixtime(
            "0-01-01T00:00:00.000Z"
        )));
        assert!(is_invalid_format(iso8601_to_unixtime(
            "0000-12-31T23:59:59.000Z"
        )));
        assert!(is_invalid_format(iso8601_to_unixtime(
            "10000-01-01T00:00:00.000Z"
        )));
        assert!(is_invalid_format(http_to_unixtime(
            "Sat, 01 Jan 10000 00:00:00 GMT"
        )));
        assert!(is_invalid_format(http_to_unixtime(
            "Sun, 31 Dec 0000 00:00:00 GMT"
        )));
    }

    #[test]
    fn negative_times() {
        assert_eq!(http_date(-1).unwrap(), "Wed, 31 Dec 1969 23:59:59 GMT");
        assert_eq!(http_date(-86_400).unwrap(), "Wed, 31 Dec 1969 00:00:00 GMT");
        assert_eq!(http_date(-86_401).unwrap(), "Tue, 30 Dec 1969 23:59:59 GMT");
        assert_eq!(http_to_unixtime("Wed, 31 Dec 1969 23:59:59 GMT"), Ok(-1));
        assert_eq!(iso8601_to_unixtime("1969-12-31T23:59:59.000Z"), Ok(-1));
        assert_eq!(
            iso8601_to_unixtime("15-12-05T00:00:00.000Z"),
            Ok(-61_664_630_400)
        );
        assert_eq!(
            iso8601_to_date("1969-12-31T23:59:59.000Z").ok(),
            Date::new(1969, 12, 31).ok()
        );
        // Gregorian reform day, proleptic on both sides (as Python's datetime).
        assert_eq!(
            http_date(-12_219_292_800).unwrap(),
            "Fri, 15 Oct 1582 00:00:00 GMT"
        );
        assert_eq!(
            unixtime_to_iso8601(-12_219_292_801).unwrap(),
            "1582-10-14T23:59:59.000Z"
        );
    }

    #[test]
    fn leap_years() {
        for (year, leap) in [
            (1600, true),
            (1700, false),
            (1900, false),
            (2000, true),
            (2024, true),
        ] {
            assert_eq!(Date::new(year, 2, 29).is_ok(), leap, "{year}");
            let s = format!("{year}-02-29T12:00:00.000Z");
            assert_eq!(iso8601_to_unixtime(&s).is_ok(), leap, "{s}");
            let s = format!("Mon, 29 Feb {year} 12:00:00 GMT");
            assert_eq!(http_to_unixtime(&s).is_ok(), leap, "{s}");
        }
        assert_eq!(
            http_date(951_782_400).unwrap(),
            "Tue, 29 Feb 2000 00:00:00 GMT"
        );
        assert_eq!(
            http_date(-2_203_891_200).unwrap(),
            "Thu, 01 Mar 1900 00:00:00 GMT"
        );
        assert_eq!(
            http_to_unixtime("Thu, 01 Mar 1900 00:00:00 GMT"),
            Ok(-2_203_891_200)
        );
        assert_eq!(
            http_date(-11_670_998_400).unwrap(),
            "Tue, 29 Feb 1600 00:00:00 GMT"
        );
        assert!(Date::new(2023, 2, 29).is_err());
        assert!(Date::new(2023, 4, 31).is_err());
        assert!(Date::new(2023, 12, 31).is_ok());
        assert!(Date::new(4, 2, 29).is_ok());
    }

    /// Every day of the years 1..=9999 against a plain day counter.
    #[test]
    fn calendar_arithmetic_is_exhaustively_right() {
        let mut days = days_from_civil(1, 1, 1);
        assert_eq!(days * SECS_PER_DAY, MIN_UNIX);
        let mut weekday = 1; // 0001-01-01 was a Monday
        for year in 1..=9999 {
            for month in 1..=12 {
                for day in 1..=days_in_month(year, month) {
                    assert_eq!(days_from_civil(year, month, day), days);
                    assert_eq!(civil_from_days(days), (year, month, day));
                    assert_eq!((days + 4).rem_euclid(7), weekday);
                    days += 1;
                    weekday = (weekday + 1) % 7;
                }
            }
        }
        assert_eq!(days * SECS_PER_DAY - 1, MAX_UNIX);
    }

    #[test]
    fn round_trips_across_the_range() {
        let step = 9_876_543_211; // not a multiple of a day, a minute or a leap cycle
        let mut unix = MIN_UNIX;
        let mut n = 0;
        while unix <= MAX_UNIX {
            for t in [unix, unix + 59, MAX_UNIX - (unix - MIN_UNIX)] {
                let h = HttpDate::from_unix(t).unwrap();
                assert_eq!(h.as_str().len(), HttpDate::LEN);
                assert_eq!(http_to_unixtime(h.as_str()), Ok(t), "{h}");
                let iso = unixtime_to_iso8601(t).unwrap();
                assert_eq!(iso8601_to_unixtime(&iso), Ok(t), "{iso}");
                assert_eq!(iso8601_to_unixtime_lenient(&iso), Ok(t), "{iso}");
                let date = iso8601_to_date(&iso).unwrap();
                assert_eq!(date.to_string(), iso[..10]);
                assert_eq!(date_to_iso8601(date)[..10], iso[..10]);
            }
            unix += step;
            n += 1;
        }
        assert!(n > 30);
    }

    #[test]
    fn http_to_unixtime_follows_oss2_regex() {
        let good = "Sat, 05 Dec 2015 11:10:29 GMT";
        assert_eq!(http_to_unixtime(good), Ok(1_449_313_829));
        // The weekday is not checked against the date.
        assert_eq!(
            http_to_unixtime("Mon, 05 Dec 2015 11:10:29 GMT"),
            Ok(1_449_313_829)
        );
        // Leading zeros in the year are fine, as for Python's int().
        assert_eq!(
            http_to_unixtime("Sat, 05 Dec 0002015 11:10:29 GMT"),
            Ok(1_449_313_829)
        );
        assert_eq!(
            http_to_unixtime("Sat, 05 Dec 15 11:10:29 GMT"),
            Ok(-61_664_590_171)
        );
        for bad in [
            "",
            "Sat, 05 Dec  11:10:29 GMT",      // no year
            "Sat, 05 Dec 2015 11:10:29 GMT ", // trailing space
            "Sat, 05 Dec 2015 11:10:29 GMT\n",
            "sat, 05 Dec 2015 11:10:29 GMT",
            "Sat, 05 DEC 2015 11:10:29 GMT",
            "Sat, 00 Dec 2015 11:10:29 GMT",
            "Sat, 32 Dec 2015 11:10:29 GMT",
            "Sat, 31 Nov 2015 11:10:29 GMT",
            "Sat, 05 Dec 2015 11:60:29 GMT",
            "Sat, 05 Dec 2015 11:10:60 GMT",
            "Sat, 05 Dec 2015 1:10:29 GMT",
            "Sat, 05 Dec 2015 11:10:29 gmt",
            "Sat, 05 Dec 2015 11:10:29 +0000",
            "Sat,05 Dec 2015 11:10:29 GMT",
            "Sat, 05 Dec 20a5 11:10:29 GMT",
            "Sat, 05 Dec -2015 11:10:29 GMT",
            "Sat, 05 Dec +2015 11:10:29 GMT",
            "Sat, 0５ Dec 2015 11:10:29 GMT", // full-width digit
            "Sat, 05 Dec ٢٠١٥ 11:10:29 GMT",  // Arabic-Indic digits
            "Sät, 05 Dec 2015 11:10:29 GMT",
            "é",
            "Sat, 05 Dec 123456789012345678901234567890 11:10:29 GMT",
            "Sat, 05 Dec 000000000000000000000000000000000000010000 11:10:29 GMT",
        ] {
            assert!(is_invalid_format(http_to_unixtime(bad)), "{bad:?}");
        }
        assert_eq!(
            http_to_unixtime("Sat, 05 Dec 000000000000000000000000000000000000002015 11:10:29 GMT"),
            Ok(1_449_313_829)
        );
        match http_to_unixtime("nope") {
            Err(DecodeError { what, reason }) => {
                assert_eq!(what, "HTTP date");
                assert!(reason.contains("\"nope\""), "{reason}");
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn iso8601_strict_and_lenient() {
        let base = 1_449_313_829;
        assert_eq!(iso8601_to_unixtime("2015-12-05T11:10:29.000Z"), Ok(base));
        for (s, lenient) in [
            ("2015-12-05T11:10:29.123Z", Some(base)),
            ("2015-12-05T11:10:29.999999999Z", Some(base)),
            ("2015-12-05T11:10:29.5Z", Some(base)),
            ("2015-12-05T11:10:29Z", Some(base)),
            ("2015-12-05T11:10:29.00Z", Some(base)),
            ("2015-12-05T11:10:29.0000Z", Some(base)),
            ("2015-12-05T11:10:29.Z", None),
            ("2015-12-05T11:10:29.1234567890Z", None),
            ("2015-12-05T11:10:29.12aZ", None),
            ("2015-12-05T11:10:29.000", None),
            ("2015-12-05T11:10:29.000z", None),
            ("2015-12-05T11:10:29.000+08:00", None),
            ("2015-12-05T11:10:29+08:00", None),
            ("2015-12-05 11:10:29.000Z", None),
            ("2015-12-5T11:10:29.000Z", None),
            ("2015-12-05T24:00:00.000Z", None),
            ("2015-00-05T11:10:29.000Z", None),
            ("2015-13-05T11:10:29.000Z", None),
            ("2015-02-29T11:10:29.000Z", None),
            ("-2015-12-05T11:10:29.000Z", None),
            ("2015-12-05T11:10:29.000Z\n", None),
            ("20151205T111029Z", None),
            ("2015-12-05T11:10:29.０００Z", None),
            ("2015-12-05T11:10:29.000Zé", None),
            ("é2015-12-05T11:10:29.000Z", None),
            ("", None),
            ("2015", None),
            ("123456789012345678901234567890-12-05T11:10:29.000Z", None),
        ] {
            if s.ends_with("T11:10:29.000Z") {
                assert_eq!(iso8601_to_unixtime(s).ok(), lenient, "strict {s:?}");
            } else {
                assert!(is_invalid_format(iso8601_to_unixtime(s)), "strict {s:?}");
            }
            match lenient {
                Some(t) => assert_eq!(iso8601_to_unixtime_lenient(s), Ok(t), "{s:?}"),
                None => assert!(is_invalid_format(iso8601_to_unixtime_lenient(s)), "{s:?}"),
            }
        }
        assert_eq!(
            iso8601_to_unixtime_lenient("1969-12-31T23:59:59.999Z"),
            Ok(-1)
        );
    }

    #[test]
    fn dates() {
        let d = Date::new(2015, 12, 5).unwrap();
        assert_eq!(d.to_string(), "2015-12-05");
        assert_eq!("2015-12-05".parse::<Date>(), Ok(d));
        assert_eq!(date_to_iso8601(d), "2015-12-05T00:00:00.000Z");
        assert_eq!(
            date_to_iso8601(Date::new(1, 1, 1).unwrap()),
            "0001-01-01T00:00:00.000Z"
        );
        assert_eq!(iso8601_to_date("2015-12-05T23:59:59.000Z"), Ok(d));
        assert!(iso8601_to_date("2015-12-05T23:59:59.123Z").is_err());
        assert!(iso8601_to_date("2015-02-30T00:00:00.000Z").is_err());
        assert!(d < Date::new(2016, 1, 1).unwrap());
        for bad in [
            "2015-12-5",
            "15-12-05",
            "2015-13-05",
            "2015-02-29",
            "0000-01-01",
            "2015/12/05",
            "２０15-12-05",
            "",
        ] {
            assert!(
                matches!(bad.parse::<Date>(), Err(ClientError::InvalidFormat { .. })),
                "{bad}"
            );
        }
        for (y, m, d) in [
            (0, 1, 1),
            (10_000, 1, 1),
            (-1, 1, 1),
            (2015, 0, 1),
            (2015, 1, 0),
            (2015, 1, 32),
            (i32::MAX, 255, 255),
            (i32::MIN, 2, 29),
        ] {
            assert!(
                matches!(Date::new(y, m, d), Err(ClientError::InvalidFormat { .. })),
                "{y}-{m}-{d}"
            );
        }
        // Unchecked dates built from the public fields still format without panicking.
        let odd = Date {
            year: -5,
            month: 200,
            day: 0,
        };
        assert_eq!(date_to_iso8601(odd), "-005-200-00T00:00:00.000Z");
    }

    #[test]
    fn http_date_buffer() {
        let h = HttpDate::from_unix(1_449_313_829).unwrap();
        assert_eq!(h.as_bytes(), b"Sat, 05 Dec 2015 11:10:29 GMT");
        assert_eq!(h.as_str(), "Sat, 05 Dec 2015 11:10:29 GMT");
        assert_eq!(h.to_string(), "Sat, 05 Dec 2015 11:10:29 GMT");
        assert_eq!(
            format!("{h:?}"),
            "HttpDate(\"Sat, 05 Dec 2015 11:10:29 GMT\")"
        );
        let names: Vec<_> = (0..7)
            .map(|d| HttpDate::from_unix(d * 86_400).unwrap().as_str()[..3].to_string())
            .collect();
        assert_eq!(names, ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"]);
        let months: Vec<_> = (1..=12u8)
            .map(|m| {
                let t = iso8601_to_unixtime(&format!("2021-{m:02}-01T00:00:00.000Z")).unwrap();
                HttpDate::from_unix(t).unwrap().as_str()[8..11].to_string()
            })
            .collect();
        assert_eq!(
            months,
            [
                "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"
            ]
        );
    }

    /// Any byte string, including cut UTF-8 and every prefix of valid dates: an error or a
    /// value, never a panic.
    #[test]
    fn never_panics() {
        let samples = [
            "Sat, 05 Dec 2015 11:10:29 GMT",
            "2015-12-05T11:10:29.123456789Z",
            "Sat, 05 Dec 99999999999999999999999999999999999999 11:10:29 GMT",
            "99999999999999999999999999999999999999-12-05T11:10:29.000Z",
            "日本語, 05 Dec 2015 11:10:29 GMT",
            "2015-12-05T11:10:29.000Z日本語",
        ];
        for s in samples {
            for end in (0..=s.len()).filter(|&e| s.is_char_boundary(e)) {
                for start in (0..=end).filter(|&b| s.is_char_boundary(b)) {
                    let part = &s[start..end];
                    let _ = http_to_unixtime(part);
                    let _ = iso8601_to_unixtime(part);
                    let _ = iso8601_to_unixtime_lenient(part);
                    let _ = iso8601_to_date(part);
                    let _ = part.parse::<Date>();
                }
            }
        }
    }
}
