//! Reading the date-times people type in a prompt: an exact instant, a local time in the
//! organisation's time zone, or a relative one ("now", "yesterday 18:00", "3 hours ago").

use chrono::{Duration, LocalResult, NaiveDate, NaiveDateTime, NaiveTime, TimeZone};
use chrono_tz::Tz;

use crate::{Timestamp, ValidationError};

/// How far ahead of the server clock a typed time may be (clocks differ a little).
const FUTURE_SLACK: Duration = Duration::minutes(2);

/// Parses `text` as a past or present instant. `zone` interprets times written without an
/// offset; `now` resolves relative times and bounds the result.
pub fn parse_past(
    field: &str,
    text: &str,
    now: Timestamp,
    zone: Tz,
) -> Result<Timestamp, ValidationError> {
    let at = parse(field, text, now, zone)?;
    if at.as_datetime() > now.as_datetime() + FUTURE_SLACK {
        return Err(ValidationError::new(
            field,
            format!(
                "`{}` is in the future ({}); give a time that has already passed",
                text.trim(),
                at.as_datetime()
                    .with_timezone(&zone)
                    .format("%Y-%m-%d %H:%M %Z")
            ),
        ));
    }
    Ok(at)
}

/// Parses `text` as an instant, past or future.
pub fn parse(
    field: &str,
    text: &str,
    now: Timestamp,
    zone: Tz,
) -> Result<Timestamp, ValidationError> {
    let trimmed = text.trim();
    let lower = trimmed.to_ascii_lowercase();
    let not_understood = || {
        ValidationError::new(
            field,
            format!(
                "`{trimmed}` is not a date and time I understand; write it like \
                 2026-11-28 14:30 ({zone} time), 2026-11-28T13:30Z, `now`, `yesterday 18:00` or `3 hours ago`"
            ),
        )
    };
    if lower.is_empty() {
        return Err(ValidationError::new(
            field,
            "is required and cannot be empty",
        ));
    }
    if lower == "now" {
        return Ok(now);
    }
    if let Ok(at) = trimmed.parse::<Timestamp>() {
        return Ok(at);
    }
    // RFC 3339 without seconds, as the hint above suggests: 2026-11-28T13:30Z, …T14:30+01:00.
    if let Ok(at) = chrono::DateTime::parse_from_str(trimmed, "%Y-%m-%dT%H:%M%#z") {
        return Ok(Timestamp::from_datetime(at.with_timezone(&chrono::Utc)));
    }
    if let Some(ago) = lower.strip_suffix(" ago") {
        return relative(ago, now).ok_or_else(not_understood);
    }
    let today = now.as_datetime().with_timezone(&zone).date_naive();
    for (word, day) in [
        ("today", today),
        ("yesterday", today.pred_opt().unwrap_or(today)),
    ] {
        if let Some(rest) = lower.strip_prefix(word) {
            let time = rest.trim();
            let time = if time.is_empty() {
                NaiveTime::MIN
            } else {
                parse_time(time).ok_or_else(not_understood)?
            };
            return local(field, trimmed, day.and_time(time), zone);
        }
    }
    for format in [
        "%Y-%m-%d %H:%M",
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%d %H:%M:%S",
        "%Y-%m-%dT%H:%M:%S",
    ] {
        if let Ok(naive) = NaiveDateTime::parse_from_str(trimmed, format) {
            return local(field, trimmed, naive, zone);
        }
    }
    if let Ok(date) = NaiveDate::parse_from_str(trimmed, "%Y-%m-%d") {
        return local(field, trimmed, date.and_time(NaiveTime::MIN), zone);
    }
    Err(not_understood())
}

fn parse_time(text: &str) -> Option<NaiveTime> {
    NaiveTime::parse_from_str(text, "%H:%M")
        .or_else(|_| NaiveTime::parse_from_str(text, "%H:%M:%S"))
        .ok()
}

/// "3 hours", "90 min", "2 days", "1 week".
fn relative(amount: &str, now: Timestamp) -> Option<Timestamp> {
    let mut parts = amount.split_whitespace();
    let (number, unit) = match (parts.next(), parts.next(), parts.next()) {
        (Some(number), Some(unit), None) => (number, unit),
        (Some(joined), None, None) => {
            let split = joined.find(|c: char| !c.is_ascii_digit())?;
            joined.split_at(split)
        }
        _ => return None,
    };
    let n: i64 = number.parse().ok()?;
    if !(0..=36_500).contains(&n) {
        return None;
    }
    let duration = match unit {
        "s" | "sec" | "secs" | "second" | "seconds" => Duration::seconds(n),
        "m" | "min" | "mins" | "minute" | "minutes" => Duration::minutes(n),
        "h" | "hr" | "hrs" | "hour" | "hours" => Duration::hours(n),
        "d" | "day" | "days" => Duration::days(n),
        "w" | "week" | "weeks" => Duration::weeks(n),
        _ => return None,
    };
    Some(now.plus(-duration))
}

/// A wall-clock time in `zone`. A time skipped by a DST change does not exist and is refused;
/// a time that happens twice is read as the first.
fn local(
    field: &str,
    text: &str,
    naive: NaiveDateTime,
    zone: Tz,
) -> Result<Timestamp, ValidationError> {
    match zone.from_local_datetime(&naive) {
        LocalResult::Single(at) | LocalResult::Ambiguous(at, _) => {
            Ok(Timestamp::from_datetime(at.with_timezone(&chrono::Utc)))
        }
        LocalResult::None => Err(ValidationError::new(
            field,
            format!(
                "`{text}` does not exist in {zone}: the clocks skipped that hour; give a time outside it"
            ),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> Timestamp {
        "2026-11-28T10:00:00Z".parse().unwrap()
    }

    fn at(text: &str, zone: &str) -> Result<String, ValidationError> {
        parse_past("occurred_at", text, now(), zone.parse().unwrap()).map(|t| t.to_canonical())
    }

    #[test]
    fn understands_what_people_write() {
        assert_eq!(at("now", "UTC").unwrap(), "2026-11-28T10:00:00.000000Z");
        assert_eq!(
            at("3 hours ago", "UTC").unwrap(),
            "2026-11-28T07:00:00.000000Z"
        );
        assert_eq!(
            at("90min ago", "UTC").unwrap(),
            "2026-11-28T08:30:00.000000Z"
        );
        assert_eq!(
            at("2026-11-28 09:30", "Europe/Berlin").unwrap(),
            "2026-11-28T08:30:00.000000Z"
        );
        assert_eq!(
            at("2026-11-27T22:00:00+02:00", "UTC").unwrap(),
            "2026-11-27T20:00:00.000000Z"
        );
        assert_eq!(
            at("2026-11-28T09:30Z", "Europe/Berlin").unwrap(),
            "2026-11-28T09:30:00.000000Z",
            "the form the hint suggests, without seconds"
        );
        assert_eq!(
            at("2026-11-28T09:30+01:00", "UTC").unwrap(),
            "2026-11-28T08:30:00.000000Z"
        );
        assert_eq!(
            at("yesterday 18:00", "America/New_York").unwrap(),
            "2026-11-27T23:00:00.000000Z"
        );
        assert_eq!(
            at("2026-11-01", "UTC").unwrap(),
            "2026-11-01T00:00:00.000000Z"
        );
    }

    #[test]
    fn refuses_the_future_and_nonsense_with_examples() {
        let future = at("2026-12-24 18:00", "UTC").unwrap_err();
        assert!(future.message.contains("in the future"), "{future}");
        let nonsense = at("last tuesday-ish", "Europe/Berlin").unwrap_err();
        assert!(
            nonsense
                .message
                .contains("2026-11-28 14:30 (Europe/Berlin time)"),
            "{nonsense}"
        );
        assert!(at("", "UTC").unwrap_err().message.contains("required"));
    }

    #[test]
    fn a_time_skipped_by_daylight_saving_does_not_exist() {
        let zone: Tz = "Europe/Berlin".parse().unwrap();
        let err = parse("occurred_at", "2026-03-29 02:30", now(), zone).unwrap_err();
        assert!(err.message.contains("skipped"), "{err}");
        let twice = parse("occurred_at", "2026-10-25 02:30", now(), zone).unwrap();
        assert_eq!(
            twice.to_canonical(),
            "2026-10-25T00:30:00.000000Z",
            "the first of the two"
        );
    }
}
