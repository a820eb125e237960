//! Time as the engine keeps it (milliseconds since the Unix epoch) and as Twilio writes it (ISO 8601, UTC).

/// Milliseconds since 1970-01-01T00:00:00Z.
pub type Millis = u64;

/// `2015-07-30T20:00:00Z`: ISO 8601 in UTC to the second, as Twilio's Verify v2 JSON writes dates.
pub fn iso8601(ms: Millis) -> String {
    let seconds = ms / 1000;
    let (days, rest) = (seconds / 86_400, seconds % 86_400);
    let (year, month, day) = civil_from_days(days as i64);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        rest / 3600,
        rest % 3600 / 60,
        rest % 60
    )
}

/// Howard Hinnant's `civil_from_days`: the proleptic Gregorian date `days` after 1970-01-01.
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// Reads `2015-07-30T20:00:00Z` (as [`iso8601`] writes it) back into milliseconds; `None` for anything else.
pub fn parse_iso8601(text: &str) -> Option<Millis> {
    let b = text.as_bytes();
    if b.len() != 20
        || b[4] != b'-'
        || b[7] != b'-'
        || b[10] != b'T'
        || b[13] != b':'
        || b[16] != b':'
        || b[19] != b'Z'
    {
        return None;
    }
    let number = |range: std::ops::Range<usize>| -> Option<i64> {
        let digits = text.get(range)?;
        digits
            .bytes()
            .all(|d| d.is_ascii_digit())
            .then(|| digits.parse().ok())?
    };
    let (year, month, day) = (number(0..4)?, number(5..7)?, number(8..10)?);
    let (hour, minute, second) = (number(11..13)?, number(14..16)?, number(17..19)?);
    if !(1..=12).contains(&month)
        || !(1..=31).contains(&day)
        || hour > 23
        || minute > 59
        || second > 60
    {
        return None;
    }
    let days = days_from_civil(year, month, day);
    let seconds = days * 86_400 + hour * 3600 + minute * 60 + second;
    u64::try_from(seconds).ok().map(|s| s * 1000)
}

/// Reads an RFC 3339 date-time as Twilio's SDKs send one (`ExpirationDate`): `2015-07-30T20:00:00Z`, with or
/// without fractional seconds (twilio-node sends milliseconds, `...:00.000Z`), in UTC (`Z`) or at an offset
/// (`+02:00`), into milliseconds (fractions of a second dropped); `None` for anything else.
pub fn parse_rfc3339(text: &str) -> Option<Millis> {
    let (whole, rest) = (text.get(..19)?, text.get(19..)?);
    let rest = match rest.strip_prefix('.') {
        Some(fraction) => {
            let digits = fraction.bytes().take_while(u8::is_ascii_digit).count();
            if digits == 0 {
                return None;
            }
            &fraction[digits..]
        }
        None => rest,
    };
    let utc = parse_iso8601(&format!("{whole}Z"))?;
    if rest == "Z" || rest == "z" {
        return Some(utc);
    }
    let b = rest.as_bytes();
    if b.len() != 6 || !matches!(b[0], b'+' | b'-') || b[3] != b':' {
        return None;
    }
    let number = |r: std::ops::Range<usize>| -> Option<u64> {
        let digits = rest.get(r)?;
        digits
            .bytes()
            .all(|d| d.is_ascii_digit())
            .then(|| digits.parse().ok())?
    };
    let (hours, minutes) = (number(1..3)?, number(4..6)?);
    if hours > 23 || minutes > 59 {
        return None;
    }
    let offset_ms = (hours * 60 + minutes) * 60_000;
    // Local time = UTC + offset, so UTC = local - offset.
    if b[0] == b'+' {
        utc.checked_sub(offset_ms)
    } else {
        utc.checked_add(offset_ms)
    }
}

/// Howard Hinnant's `days_from_civil`: days from 1970-01-01 to the proleptic Gregorian date.
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_what_it_writes() {
        for ms in [0, 1_448_000_000_000, 1_795_000_000_000, 951_782_400_000] {
            assert_eq!(parse_iso8601(&iso8601(ms)), Some(ms));
        }
        assert_eq!(
            parse_iso8601("2015-07-30T20:00:00Z"),
            Some(1_438_286_400_000)
        );
        for bad in [
            "",
            "2015-07-30T20:00:00",
            "2015-13-30T20:00:00Z",
            "2015-07-30 20:00:00Z",
            "+015-07-30T20:00:00Z",
        ] {
            assert_eq!(parse_iso8601(bad), None, "{bad}");
        }
    }

    #[test]
    fn reads_the_dates_twilio_sdks_send() {
        let t = 1_438_286_400_000;
        assert_eq!(parse_rfc3339("2015-07-30T20:00:00Z"), Some(t));
        assert_eq!(parse_rfc3339("2015-07-30T20:00:00.000Z"), Some(t));
        assert_eq!(parse_rfc3339("2015-07-30T20:00:00.999Z"), Some(t));
        assert_eq!(parse_rfc3339("2015-07-30T22:00:00+02:00"), Some(t));
        assert_eq!(parse_rfc3339("2015-07-30T15:30:00-04:30"), Some(t));
        for bad in [
            "",
            "2015-07-30T20:00:00",
            "2015-07-30T20:00:00.Z",
            "2015-07-30T20:00:00+0200",
            "2015-07-30T20:00:00+24:00",
            "2015-07-30",
            "tomorrow",
        ] {
            assert_eq!(parse_rfc3339(bad), None, "{bad}");
        }
    }
}
