//! Validation at the edge: a JSON body is read field by field, every problem is collected under
//! its dotted path (`profile.date_of_birth`), and what comes out is valid by construction.
//!
//! Wrong JSON types are reported per field too ("height": "abc" names `profile.height`), which a
//! derive-based deserializer cannot do: it stops at the first mismatch.

use std::borrow::Cow;

use chrono::{
    DateTime, Datelike, Duration, DurationRound, NaiveDate, NaiveDateTime, TimeZone, Utc,
};
use chrono_tz::Tz;
use serde_json::{Map, Value};
use unicode_normalization::UnicodeNormalization;

use crate::error::{ApiError, FieldErrors};

/// What a rule answers: the valid value, or why not.
pub type RuleResult<T> = Result<T, Cow<'static, str>>;

pub const REQUIRED: &str = "This field is required.";
pub const NOT_NULL: &str = "This field may not be null.";

/// What a partial update says about one field.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Change<T> {
    /// Not mentioned: leave it as it is.
    #[default]
    Keep,
    /// `null`: clear it.
    Clear,
    Set(T),
}

impl<T> Change<T> {
    pub fn is_keep(&self) -> bool {
        matches!(self, Self::Keep)
    }

    /// The value to store, given the current one.
    pub fn apply(self, current: Option<T>) -> Option<T> {
        match self {
            Self::Keep => current,
            Self::Clear => None,
            Self::Set(value) => Some(value),
        }
    }
}

/// One JSON object being read, and where it sits in the request (`""` or `"profile."`).
pub struct Input<'a> {
    map: &'a Map<String, Value>,
    prefix: String,
}

impl<'a> Input<'a> {
    /// The request body; anything but a JSON object cannot be read.
    pub fn root(value: &'a Value) -> Result<Self, ApiError> {
        match value {
            Value::Object(map) => Ok(Self { map, prefix: String::new() }),
            _ => Err(ApiError::BadRequest("Invalid request format.")),
        }
    }

    pub fn path(&self, key: &str) -> String {
        format!("{}{key}", self.prefix)
    }

    pub fn has(&self, key: &str) -> bool {
        self.map.contains_key(key)
    }

    /// A nested object, or `None` (with the problem noted) if it is absent, null or not an object.
    pub fn required_object(&self, key: &str, errors: &mut FieldErrors) -> Option<Input<'a>> {
        match self.map.get(key) {
            None | Some(Value::Null) => {
                errors.add(self.path(key), REQUIRED);
                None
            }
            Some(value) => self.object_value(key, value, errors),
        }
    }

    /// A nested object that may be left out.
    pub fn optional_object(&self, key: &str, errors: &mut FieldErrors) -> Option<Input<'a>> {
        match self.map.get(key) {
            None | Some(Value::Null) => None,
            Some(value) => self.object_value(key, value, errors),
        }
    }

    /// A list of objects, each read as an [`Input`] under `key.<index>.`; `None` (with the
    /// problem noted) when the list is absent, null, not a list, longer than `max`, or holds
    /// something other than objects.
    pub fn required_list(
        &self,
        key: &str,
        max: usize,
        errors: &mut FieldErrors,
    ) -> Option<Vec<Input<'a>>> {
        let items = match self.map.get(key) {
            None | Some(Value::Null) => {
                errors.add(self.path(key), REQUIRED);
                return None;
            }
            Some(Value::Array(items)) => items,
            Some(_) => {
                errors.add(self.path(key), "Must be a list.");
                return None;
            }
        };
        if items.len() > max {
            errors.add(self.path(key), format!("Give at most {max} items."));
            return None;
        }
        let mut inputs = Vec::with_capacity(items.len());
        for (index, item) in items.iter().enumerate() {
            match item {
                Value::Object(map) => {
                    inputs.push(Input { map, prefix: format!("{}{key}.{index}.", self.prefix) });
                }
                _ => errors.add(format!("{}{key}.{index}", self.prefix), "Must be an object."),
            }
        }
        (inputs.len() == items.len()).then_some(inputs)
    }

    fn object_value(
        &self,
        key: &str,
        value: &'a Value,
        errors: &mut FieldErrors,
    ) -> Option<Input<'a>> {
        match value {
            Value::Object(map) => Some(Input { map, prefix: format!("{}{key}.", self.prefix) }),
            _ => {
                errors.add(self.path(key), "Must be an object.");
                None
            }
        }
    }

    /// A field that must be present and valid.
    pub fn required<T>(
        &self,
        key: &str,
        errors: &mut FieldErrors,
        rule: impl FnOnce(&Value) -> RuleResult<T>,
    ) -> Option<T> {
        match self.map.get(key) {
            None | Some(Value::Null) => {
                errors.add(self.path(key), REQUIRED);
                None
            }
            Some(value) => self.check(key, value, errors, rule),
        }
    }

    /// A field that may be left out but, when given, must be valid and not null.
    pub fn optional<T>(
        &self,
        key: &str,
        errors: &mut FieldErrors,
        rule: impl FnOnce(&Value) -> RuleResult<T>,
    ) -> Option<T> {
        match self.map.get(key) {
            None => None,
            Some(Value::Null) => {
                errors.add(self.path(key), NOT_NULL);
                None
            }
            Some(value) => self.check(key, value, errors, rule),
        }
    }

    /// A field that may be left out, set, or cleared with `null`.
    pub fn nullable<T>(
        &self,
        key: &str,
        errors: &mut FieldErrors,
        rule: impl FnOnce(&Value) -> RuleResult<T>,
    ) -> Change<T> {
        match self.map.get(key) {
            None => Change::Keep,
            Some(Value::Null) => Change::Clear,
            Some(value) => self.check(key, value, errors, rule).map_or(Change::Keep, Change::Set),
        }
    }

    fn check<T>(
        &self,
        key: &str,
        value: &Value,
        errors: &mut FieldErrors,
        rule: impl FnOnce(&Value) -> RuleResult<T>,
    ) -> Option<T> {
        rule(value).map_err(|message| errors.add(self.path(key), message)).ok()
    }
}

/// The rules of API.md's "Profile validation", one function per kind of field.
pub mod rules {
    use super::*;

    pub const MAX_EMAIL_CHARS: usize = 254;
    const MIN_AGE: u32 = 18;
    const MAX_AGE: u32 = 130;

    fn text(value: &Value) -> Result<&str, Cow<'static, str>> {
        value.as_str().ok_or(Cow::Borrowed("Must be text."))
    }

    fn whole_number(value: &Value) -> Result<i64, Cow<'static, str>> {
        value.as_i64().ok_or(Cow::Borrowed("Must be a whole number."))
    }

    /// Any text, exactly as written (passwords, login e-mails).
    pub fn any_text(value: &Value) -> Result<String, Cow<'static, str>> {
        text(value).map(str::to_owned)
    }

    /// Names and places: 1–30 letters of any alphabet, spaces, hyphens, apostrophes and dots,
    /// starting with a letter. Stored trimmed and in Unicode NFC, so "Åsa" is one spelling.
    pub fn person_text(value: &Value) -> Result<String, Cow<'static, str>> {
        let normalized: String = text(value)?.trim().nfc().collect();
        let length = normalized.chars().count();
        let allowed = |c: char| {
            c.is_alphabetic() || is_combining_mark(c) || matches!(c, ' ' | '-' | '\'' | '’' | '.')
        };
        if (1..=30).contains(&length)
            && normalized.chars().next().is_some_and(char::is_alphabetic)
            && normalized.chars().all(allowed)
        {
            Ok(normalized)
        } else {
            Err("Use 1–30 letters, spaces, hyphens, apostrophes or dots, starting with a letter."
                .into())
        }
    }

    /// Combining accents (as in a decomposed "é") count as part of the letter before them.
    fn is_combining_mark(c: char) -> bool {
        matches!(c, '\u{0300}'..='\u{036F}' | '\u{1AB0}'..='\u{1AFF}' | '\u{1DC0}'..='\u{1DFF}' | '\u{20D0}'..='\u{20FF}' | '\u{FE20}'..='\u{FE2F}')
    }

    /// House numbers: "12B", "4-6", "7/1".
    pub fn house(value: &Value) -> Result<String, Cow<'static, str>> {
        let normalized: String = text(value)?.trim().nfc().collect();
        let length = normalized.chars().count();
        if (1..=7).contains(&length)
            && normalized.chars().all(|c| c.is_alphanumeric() || matches!(c, ' ' | '-' | '/'))
        {
            Ok(normalized)
        } else {
            Err("Use 1–7 letters, digits, spaces, '-' or '/'.".into())
        }
    }

    /// A Swedish mobile (07XXXXXXXX, +467XXXXXXXX, 00467XXXXXXXX) or any E.164 number,
    /// normalised to E.164. Spaces, hyphens and brackets people type are ignored.
    pub fn phone_number(value: &Value) -> Result<String, Cow<'static, str>> {
        let compact: String =
            text(value)?.chars().filter(|c| !matches!(c, ' ' | '-' | '(' | ')')).collect();
        let international = if let Some(rest) = compact.strip_prefix('+') {
            Some(rest.to_owned())
        } else if let Some(rest) = compact.strip_prefix("00") {
            Some(rest.to_owned())
        } else if compact.len() == 10 && compact.starts_with("07") {
            Some(format!("46{}", &compact[1..]))
        } else {
            None
        };
        match international {
            Some(digits)
                if (8..=15).contains(&digits.len())
                    && digits.bytes().all(|b| b.is_ascii_digit())
                    && !digits.starts_with('0') =>
            {
                Ok(format!("+{digits}"))
            }
            _ => Err("Enter a Swedish mobile number (07XXXXXXXX) or an international number \
                      starting with + and 8–15 digits."
                .into()),
        }
    }

    /// A real date, as YYYY-MM-DD.
    pub fn date(value: &Value) -> Result<NaiveDate, Cow<'static, str>> {
        let raw = text(value)?;
        NaiveDate::parse_from_str(raw.trim(), "%Y-%m-%d")
            .map_err(|_| Cow::Borrowed("Enter a real date as YYYY-MM-DD."))
    }

    /// A date of birth: a real date, not in the future, at least 18 years ago.
    pub fn date_of_birth(value: &Value, today: NaiveDate) -> Result<NaiveDate, Cow<'static, str>> {
        let date = date(value)?;
        if date > today {
            Err("The date of birth cannot be in the future.".into())
        } else if age_on(date, today) > MAX_AGE {
            Err("Enter a real date of birth.".into())
        } else if age_on(date, today) < MIN_AGE {
            Err("You must be at least 18 years old to register.".into())
        } else {
            Ok(date)
        }
    }

    /// A visit's length in minutes, 5 to 240 (four hours).
    pub fn visit_minutes(value: &Value) -> RuleResult<u16> {
        whole_number_in(value, 5..=240, "Enter a whole number of minutes from 5 to 240.")
    }

    /// An ISO weekday: 1 (Monday) to 7 (Sunday).
    pub fn weekday(value: &Value) -> RuleResult<u8> {
        let day = whole_number_in(value, 1..=7, "Enter a weekday from 1 (Monday) to 7 (Sunday).")?;
        Ok(u8::try_from(day).unwrap_or(1))
    }

    /// A time of day on the clinic's clock, `HH:MM` (24 hours).
    pub fn time_of_day(value: &Value) -> RuleResult<chrono::NaiveTime> {
        let raw = text(value)?.trim();
        chrono::NaiveTime::parse_from_str(raw, "%H:%M")
            .ok()
            .filter(|_| raw.len() == 5)
            .ok_or(Cow::Borrowed("Enter a time of day as HH:MM (24 hours), e.g. 08:30."))
    }

    pub fn height(value: &Value) -> RuleResult<u16> {
        whole_number_in(value, 1..=300, "Enter a whole number of centimetres from 1 to 300.")
    }

    pub fn weight(value: &Value) -> RuleResult<u16> {
        whole_number_in(value, 1..=700, "Enter a whole number of kilograms from 1 to 700.")
    }

    fn whole_number_in(
        value: &Value,
        range: std::ops::RangeInclusive<u16>,
        message: &'static str,
    ) -> RuleResult<u16> {
        whole_number(value)
            .ok()
            .and_then(|n| u16::try_from(n).ok())
            .filter(|n| range.contains(n))
            .ok_or(Cow::Borrowed(message))
    }

    pub fn gender(value: &Value) -> Result<String, Cow<'static, str>> {
        match text(value)? {
            g @ ("Male" | "Female") => Ok(g.to_owned()),
            _ => Err("Choose Male or Female.".into()),
        }
    }

    /// An e-mail address, trimmed and lower-cased.
    pub fn email(value: &Value) -> Result<String, Cow<'static, str>> {
        let email = text(value)?.trim().to_lowercase();
        let domain_has_dot = email.rsplit_once('@').is_some_and(|(_, d)| d.contains('.'));
        if email.chars().count() <= MAX_EMAIL_CHARS
            && domain_has_dot
            && email_address::EmailAddress::is_valid(&email)
        {
            Ok(email)
        } else {
            Err("Enter a valid e-mail address.".into())
        }
    }

    /// 8–128 characters with an upper-case letter, a lower-case letter, a digit and a character
    /// that is none of those.
    pub fn password(value: &Value) -> Result<String, Cow<'static, str>> {
        let password = text(value)?;
        let length = password.chars().count();
        if !(8..=128).contains(&length) {
            return Err("The password must be 8–128 characters long.".into());
        }
        let mut missing = Vec::new();
        if !password.chars().any(char::is_uppercase) {
            missing.push("an upper-case letter");
        }
        if !password.chars().any(char::is_lowercase) {
            missing.push("a lower-case letter");
        }
        if !password.chars().any(|c| c.is_ascii_digit()) {
            missing.push("a digit");
        }
        if !password.chars().any(|c| !c.is_alphanumeric()) {
            missing.push("a character that is not a letter or a digit");
        }
        if missing.is_empty() {
            Ok(password.to_owned())
        } else {
            Err(format!("The password needs {}.", missing.join(", ")).into())
        }
    }

    /// Whole years from `date_of_birth` to `today`. Someone born on 29 February has their
    /// birthday on 28 February in other years (as the birthday greeting does).
    pub fn age_on(date_of_birth: NaiveDate, today: NaiveDate) -> u32 {
        let years = today.year() - date_of_birth.year();
        let had_birthday = today >= birthday_in(date_of_birth, today.year());
        u32::try_from(if had_birthday { years } else { years - 1 }).unwrap_or(0)
    }

    /// The day someone born on `date_of_birth` celebrates in `year`.
    pub fn birthday_in(date_of_birth: NaiveDate, year: i32) -> NaiveDate {
        date_of_birth
            .with_year(year)
            .or_else(|| NaiveDate::from_ymd_opt(year, 2, 28))
            .unwrap_or(date_of_birth)
    }

    /// The first and last days MySQL's DATE is specified for; dates outside never reach SQL.
    pub fn storable_dates() -> std::ops::RangeInclusive<NaiveDate> {
        let first = NaiveDate::from_ymd_opt(1000, 1, 1).unwrap_or(NaiveDate::MIN);
        let last = NaiveDate::from_ymd_opt(9999, 12, 31).unwrap_or(NaiveDate::MAX);
        first..=last
    }

    /// A reference to another object: its id, a whole number from 1.
    pub fn id(value: &Value) -> RuleResult<u64> {
        value
            .as_u64()
            .filter(|id| *id >= 1)
            .ok_or(Cow::Borrowed("Enter an id: a whole number from 1."))
    }

    /// Free text that must be there (not blank) and at most `max` characters long. It is kept
    /// exactly as written: medical text has no format rules.
    pub fn text_up_to(max: usize) -> impl Fn(&Value) -> RuleResult<String> {
        move |value| {
            let raw = text(value)?;
            if raw.trim().is_empty() {
                Err("This field may not be blank.".into())
            } else if raw.chars().count() > max {
                Err(format!("Use at most {max} characters.").into())
            } else {
                Ok(raw.to_owned())
            }
        }
    }

    /// Free text that may be empty (notes), at most `max` characters, kept exactly as written.
    pub fn text_or_empty_up_to(max: usize) -> impl Fn(&Value) -> RuleResult<String> {
        move |value| {
            let raw = text(value)?;
            if raw.chars().count() > max {
                Err(format!("Use at most {max} characters.").into())
            } else {
                Ok(raw.to_owned())
            }
        }
    }

    /// A name the clinic gives something (a modality, a specialty): like [`text_up_to`], but
    /// stored without the spaces around it, so that " MRI " and "MRI" are one name.
    pub fn trimmed_text_up_to(max: usize) -> impl Fn(&Value) -> RuleResult<String> {
        move |value| text_up_to(max)(&Value::from(text(value)?.trim()))
    }

    const DATE_TIME_HELP: &str = "Enter a date and time as YYYY-MM-DDTHH:MM (seconds and a UTC \
                                  offset are optional; without an offset it is the clinic's time).";

    /// A moment: RFC 3339 with `Z` or an offset, or a local date and time (seconds optional)
    /// read in the clinic's time zone `tz`. A local time the clocks skip (spring forward) is
    /// refused; one they pass twice (autumn) is the first. Kept to the microsecond, as stored.
    pub fn date_time(value: &Value, tz: Tz) -> RuleResult<DateTime<Utc>> {
        let raw = text(value)?.trim();
        let moment = match DateTime::parse_from_rfc3339(raw) {
            Ok(moment) => moment.with_timezone(&Utc),
            Err(_) => {
                let local = [
                    "%Y-%m-%dT%H:%M:%S%.f",
                    "%Y-%m-%dT%H:%M",
                    "%Y-%m-%d %H:%M:%S%.f",
                    "%Y-%m-%d %H:%M",
                ]
                .iter()
                .find_map(|format| NaiveDateTime::parse_from_str(raw, format).ok())
                .ok_or(Cow::Borrowed(DATE_TIME_HELP))?;
                tz.from_local_datetime(&local).earliest().map(|t| t.with_timezone(&Utc)).ok_or(
                    Cow::Borrowed(
                        "That time does not exist in the clinic's time zone (the clocks skip it).",
                    ),
                )?
            }
        };
        if !storable_dates().contains(&moment.date_naive()) {
            return Err(DATE_TIME_HELP.into());
        }
        Ok(moment.duration_trunc(Duration::microseconds(1)).unwrap_or(moment))
    }

    /// A moment after `now`: appointments are booked for the future.
    pub fn future_date_time(
        value: &Value,
        tz: Tz,
        now: DateTime<Utc>,
    ) -> RuleResult<DateTime<Utc>> {
        let moment = date_time(value, tz)?;
        if moment <= now {
            return Err("Choose a date and time in the future.".into());
        }
        Ok(moment)
    }

    /// The latest date of birth of someone at least `years` old on `today`: filters on age are
    /// then plain date comparisons that can use the date-of-birth index. Absurd ages give the
    /// first storable date.
    pub fn latest_birth_date_for_age(today: NaiveDate, years: u32) -> NaiveDate {
        let first = *storable_dates().start();
        let year = i32::try_from(years).ok().and_then(|years| today.year().checked_sub(years));
        match year {
            Some(year) if year > first.year() => birth_date_cut_off(today, year),
            _ => first,
        }
    }

    /// The day in `year` someone born then turns a whole number of years older on `today`.
    fn birth_date_cut_off(today: NaiveDate, year: i32) -> NaiveDate {
        let leap = |y: i32| NaiveDate::from_ymd_opt(y, 2, 29).is_some();
        match (today.month(), today.day()) {
            // On 28 February of a common year, those born on 29 February of a leap year also
            // have their birthday today.
            (2, 28) if !leap(today.year()) && leap(year) => {
                NaiveDate::from_ymd_opt(year, 2, 29).unwrap_or(NaiveDate::MIN)
            }
            // Otherwise: this day of the year, that many years ago (29 February → 28th).
            _ => birthday_in(today, year),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::rules::*;
    use super::*;
    use serde_json::json;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn names_accept_every_alphabet_and_refuse_the_rest() {
        for ok in [
            "Åsa",
            "Öberg",
            "Jean-Luc",
            "O'Brien",
            "St. Göran",
            "Ñúñez",
            "Łukasz",
            "Σοφία",
            "Ирина",
            "李",
        ] {
            assert!(person_text(&json!(ok)).is_ok(), "{ok} should be accepted");
        }
        for bad in
            ["", " ", "-Anna", "Anna1", "Robert'); DROP TABLE users;--", "a".repeat(31).as_str()]
        {
            assert!(person_text(&json!(bad)).is_err(), "{bad} should be refused");
        }
        assert!(person_text(&json!(42)).is_err());
    }

    #[test]
    fn names_are_trimmed_and_composed() {
        // "A" followed by a combining ring above is the same name as "Å".
        assert_eq!(person_text(&json!("  A\u{030A}sa ")).unwrap(), "Åsa");
    }

    #[test]
    fn phone_numbers_are_normalised_to_e164() {
        assert_eq!(phone_number(&json!("0701234567")).unwrap(), "+46701234567");
        assert_eq!(phone_number(&json!("070-123 45 67")).unwrap(), "+46701234567");
        assert_eq!(phone_number(&json!("+46701234567")).unwrap(), "+46701234567");
        assert_eq!(phone_number(&json!("0046701234567")).unwrap(), "+46701234567");
        assert_eq!(phone_number(&json!("+4930123456")).unwrap(), "+4930123456");
        for bad in ["0812345678", "+1234567", "+1234567890123456", "+46abc", "07012345", ""] {
            assert!(phone_number(&json!(bad)).is_err(), "{bad} should be refused");
        }
    }

    #[test]
    fn house_numbers() {
        for ok in ["12B", "4-6", "7/1", "1"] {
            assert!(house(&json!(ok)).is_ok(), "{ok}");
        }
        for bad in ["", "12345678", "12#"] {
            assert!(house(&json!(bad)).is_err(), "{bad}");
        }
    }

    #[test]
    fn dates_of_birth_need_an_adult_and_a_real_past_date() {
        let today = day(2026, 11, 26);
        assert!(date_of_birth(&json!("2008-11-26"), today).is_ok());
        assert_eq!(
            date_of_birth(&json!("2008-11-27"), today).unwrap_err(),
            "You must be at least 18 years old to register."
        );
        assert!(date_of_birth(&json!("2027-01-01"), today).is_err());
        assert!(date_of_birth(&json!("1985-02-30"), today).is_err());
        assert!(date_of_birth(&json!("22/09/1985"), today).is_err());
        assert!(date_of_birth(&json!("1850-01-01"), today).is_err());
    }

    #[test]
    fn heights_weights_and_genders() {
        assert_eq!(height(&json!(170)).unwrap(), 170);
        assert!(height(&json!(0)).is_err());
        assert!(height(&json!(301)).is_err());
        assert!(height(&json!(170.5)).is_err());
        assert!(height(&json!("170")).is_err());
        assert_eq!(weight(&json!(700)).unwrap(), 700);
        assert!(weight(&json!(701)).is_err());
        assert!(gender(&json!("Female")).is_ok());
        assert!(gender(&json!("female")).is_err());
    }

    #[test]
    fn emails_are_lower_cased_and_checked() {
        assert_eq!(email(&json!(" Eva@Example.COM ")).unwrap(), "eva@example.com");
        for bad in ["eva", "eva@", "@example.com", "eva@localhost", "eva example@x.se"] {
            assert!(email(&json!(bad)).is_err(), "{bad}");
        }
        let long = format!("{}@example.com", "a".repeat(250));
        assert!(email(&json!(long)).is_err());
    }

    #[test]
    fn passwords_need_length_and_four_kinds_of_character() {
        assert!(password(&json!("Secret#123")).is_ok());
        assert!(password(&json!("Åsa öberg 1")).is_ok());
        assert!(password(&json!("S#1a")).is_err());
        assert!(password(&json!(format!("Aa1#{}", "x".repeat(125)))).is_err());
        let message = password(&json!("secretpassword")).unwrap_err();
        assert!(message.contains("upper-case") && message.contains("digit"), "{message}");
        assert!(!message.contains("lower-case"), "{message}");
    }

    #[test]
    fn age_counts_whole_years_and_leap_day_birthdays_fall_on_28_february() {
        assert_eq!(age_on(day(1985, 9, 22), day(2026, 9, 21)), 40);
        assert_eq!(age_on(day(1985, 9, 22), day(2026, 9, 22)), 41);
        assert_eq!(age_on(day(2008, 2, 29), day(2026, 2, 27)), 17);
        assert_eq!(age_on(day(2008, 2, 29), day(2026, 2, 28)), 18);
        assert_eq!(age_on(day(2008, 2, 29), day(2028, 2, 29)), 20);
    }

    #[test]
    fn absurd_ages_give_a_date_the_database_can_store() {
        let today = day(2026, 11, 26);
        for years in [1100, 100_000, u32::MAX] {
            assert_eq!(latest_birth_date_for_age(today, years), day(1000, 1, 1), "{years}");
        }
        assert_eq!(latest_birth_date_for_age(today, 1000), day(1026, 11, 26));
    }

    #[test]
    fn age_cut_off_dates_agree_with_age_on_every_day() {
        // For every "today" across leap and common years and every age, the cut-off date must
        // select exactly the people `age_on` says are old enough.
        let mut today = day(2027, 1, 1);
        while today < day(2029, 1, 1) {
            for years in [0, 1, 18, 19, 20, 65] {
                let cut_off = latest_birth_date_for_age(today, years);
                let born = day(today.year() - years as i32 - 1, 1, 1);
                for offset in 0..800 {
                    let birth = born + chrono::Days::new(offset);
                    if birth > today {
                        break;
                    }
                    assert_eq!(
                        age_on(birth, today) >= years,
                        birth <= cut_off,
                        "today {today}, born {birth}, {years} years, cut-off {cut_off}"
                    );
                }
            }
            today = today.succ_opt().unwrap();
        }
    }

    #[test]
    fn input_names_every_failing_field_with_its_path() {
        let body = json!({"email": 5, "profile": {"height": "tall", "name": null}});
        let input = Input::root(&body).unwrap();
        let mut errors = FieldErrors::new();
        input.required("email", &mut errors, email);
        input.required("password", &mut errors, password);
        let profile = input.required_object("profile", &mut errors).unwrap();
        profile.required("name", &mut errors, person_text);
        assert_eq!(profile.nullable("height", &mut errors, height), Change::Keep);
        assert_eq!(profile.nullable("weight", &mut errors, weight), Change::Keep);
        assert_eq!(errors.get("email").unwrap(), ["Must be text."]);
        assert_eq!(errors.get("password").unwrap(), [REQUIRED]);
        assert_eq!(errors.get("profile.name").unwrap(), [REQUIRED]);
        assert!(errors.get("profile.height").is_some());
        assert!(errors.get("profile.weight").is_none());
    }

    #[test]
    fn nullable_fields_distinguish_keep_clear_and_set() {
        let body = json!({"height": null, "weight": 60});
        let input = Input::root(&body).unwrap();
        let mut errors = FieldErrors::new();
        assert_eq!(input.nullable("height", &mut errors, height), Change::Clear);
        assert_eq!(input.nullable("weight", &mut errors, weight), Change::Set(60));
        assert_eq!(input.nullable("city", &mut errors, person_text), Change::Keep);
        assert!(errors.is_empty());
    }

    #[test]
    fn only_objects_can_be_read() {
        assert!(Input::root(&json!([1, 2])).is_err());
        assert!(Input::root(&json!("text")).is_err());
    }

    #[test]
    fn date_times_take_an_offset_or_the_clinic_zone() {
        let tz = chrono_tz::Europe::Stockholm;
        let utc = |s: &str| DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc);
        assert_eq!(
            date_time(&json!("2026-12-01T09:00:00Z"), tz).unwrap(),
            utc("2026-12-01T09:00:00Z")
        );
        assert_eq!(
            date_time(&json!("2026-12-01T09:00:00+01:00"), tz).unwrap(),
            utc("2026-12-01T08:00:00Z")
        );
        // Without an offset: Stockholm time (CET in winter, CEST in summer).
        assert_eq!(date_time(&json!("2026-12-01T09:00"), tz).unwrap(), utc("2026-12-01T08:00:00Z"));
        assert_eq!(
            date_time(&json!("2026-07-01T09:00:30"), tz).unwrap(),
            utc("2026-07-01T07:00:30Z")
        );
        // 29 March 2026, 02:30 does not exist in Stockholm; 25 October 02:30 happens twice.
        assert!(date_time(&json!("2026-03-29T02:30"), tz).is_err());
        assert_eq!(date_time(&json!("2026-10-25T02:30"), tz).unwrap(), utc("2026-10-25T00:30:00Z"));
        for bad in [
            json!("tomorrow"),
            json!("2026-13-01T09:00"),
            json!("2026-12-01"),
            json!(20261201),
            json!("0001-01-01T00:00:00Z"),
            json!("2026-12-01T25:00"),
        ] {
            assert!(date_time(&bad, tz).is_err(), "{bad}");
        }
        let now = utc("2026-11-26T11:00:00Z");
        assert!(
            future_date_time(&json!("2026-11-26T11:00:00Z"), tz, now).is_err(),
            "now is not the future"
        );
        assert!(future_date_time(&json!("2026-11-26T11:00:01Z"), tz, now).is_ok());
    }

    #[test]
    fn record_text_is_kept_as_written_within_its_length() {
        let rule = text_up_to(5);
        assert_eq!(rule(&json!(" a\n<b")).unwrap(), " a\n<b", "spaces, lines and symbols kept");
        assert!(rule(&json!("   ")).is_err());
        assert!(rule(&json!("")).is_err());
        assert!(rule(&json!("123456")).is_err());
        assert_eq!(rule(&json!("ÅÄÖåä")).unwrap(), "ÅÄÖåä", "characters, not bytes");
        assert!(rule(&json!(5)).is_err());
        let name = trimmed_text_up_to(3);
        assert_eq!(name(&json!("  MRI ")).unwrap(), "MRI");
        assert!(name(&json!("   ")).is_err());
        assert!(name(&json!(" ECGX ")).is_err());
        assert!(name(&json!(3)).is_err());
        assert_eq!(id(&json!(7)).unwrap(), 7);
        for bad in [json!(0), json!(-1), json!("7"), json!(1.5), json!(null)] {
            assert!(id(&bad).is_err(), "{bad}");
        }
    }
}
