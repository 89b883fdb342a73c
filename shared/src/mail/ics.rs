//! A calendar event as an iCalendar object (RFC 5545), for the `.ics` attachment of the
//! booking e-mails and reminders: one `VEVENT` in a `VCALENDAR` with `METHOD:PUBLISH`, times in
//! UTC, text escaped, lines folded at 75 octets and ended with CRLF.
//!
//! The event's `UID` is the booking's (`visit-12@clinic.example`), so the booking e-mail, a
//! later move and the reminder all describe the same calendar entry; `DTSTAMP` (when the object
//! was written) tells a calendar which of them is the newest.

use chrono::{DateTime, Utc};

/// The MIME type of the attachment, with the method and charset calendars look for.
pub const CONTENT_TYPE: &str = "text/calendar; method=PUBLISH; charset=UTF-8";

const PRODID: &str = "-//QHealth//Appointments//EN";
/// RFC 5545, 3.1: a line is at most 75 octets, without its line break.
const MAX_LINE_OCTETS: usize = 75;

/// One appointment in the patient's calendar.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    /// Unique and stable for the booking, e.g. `visit-12@clinic.example`.
    pub uid: String,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    pub summary: String,
    pub description: Option<String>,
    pub location: Option<String>,
}

impl Event {
    /// The iCalendar object, written at `stamp`.
    pub fn to_ics(&self, stamp: DateTime<Utc>) -> String {
        let mut lines = vec![
            "BEGIN:VCALENDAR".to_owned(),
            "VERSION:2.0".to_owned(),
            format!("PRODID:{PRODID}"),
            "METHOD:PUBLISH".to_owned(),
            "CALSCALE:GREGORIAN".to_owned(),
            "BEGIN:VEVENT".to_owned(),
            // A UID is not TEXT (RFC 5545, 3.8.4.7), but escaping keeps a stray comma harmless.
            format!("UID:{}", escape_text(&self.uid)),
            format!("DTSTAMP:{}", utc(stamp)),
            format!("DTSTART:{}", utc(self.start)),
            format!("DTEND:{}", utc(self.end)),
            format!("SUMMARY:{}", escape_text(&self.summary)),
        ];
        if let Some(description) = &self.description {
            lines.push(format!("DESCRIPTION:{}", escape_text(description)));
        }
        if let Some(location) = &self.location {
            lines.push(format!("LOCATION:{}", escape_text(location)));
        }
        lines.extend(
            ["STATUS:CONFIRMED", "TRANSP:OPAQUE", "END:VEVENT", "END:VCALENDAR"].map(String::from),
        );
        let mut ics = String::new();
        for line in &lines {
            fold_into(&mut ics, line);
        }
        ics
    }
}

/// A UTC date-time in the form `20261201T080000Z` (RFC 5545, 3.3.5, form #2).
fn utc(moment: DateTime<Utc>) -> String {
    moment.format("%Y%m%dT%H%M%SZ").to_string()
}

/// A TEXT value (RFC 5545, 3.3.11): backslash, semicolon and comma escaped with a backslash,
/// line breaks written `\n`; other control characters, which TEXT may not hold, dropped.
pub fn escape_text(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => escaped.push_str("\\\\"),
            ';' => escaped.push_str("\\;"),
            ',' => escaped.push_str("\\,"),
            '\r' => {
                chars.next_if_eq(&'\n');
                escaped.push_str("\\n");
            }
            '\n' => escaped.push_str("\\n"),
            '\t' => escaped.push('\t'),
            c if c.is_control() => {}
            c => escaped.push(c),
        }
    }
    escaped
}

/// Appends `line` with its CRLF, folded (RFC 5545, 3.1): no physical line over 75 octets, each
/// continuation starting with one space, and never inside a UTF-8 character.
fn fold_into(out: &mut String, line: &str) {
    let mut room = MAX_LINE_OCTETS;
    let mut used = 0;
    for c in line.chars() {
        if used + c.len_utf8() > room {
            out.push_str("\r\n ");
            // The space counts towards the continuation line's 75 octets.
            room = MAX_LINE_OCTETS - 1;
            used = 0;
        }
        out.push(c);
        used += c.len_utf8();
    }
    out.push_str("\r\n");
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn event() -> Event {
        Event {
            uid: "visit-12@clinic.example".into(),
            start: Utc.with_ymd_and_hms(2026, 12, 1, 8, 0, 0).unwrap(),
            end: Utc.with_ymd_and_hms(2026, 12, 1, 8, 30, 0).unwrap(),
            summary: "Doctor's appointment".into(),
            description: Some("Karin Berg, Cardiology".into()),
            location: None,
        }
    }

    fn stamp() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 26, 11, 0, 0).unwrap()
    }

    /// The logical lines: folds undone, CRLFs removed.
    fn unfold(ics: &str) -> Vec<String> {
        ics.replace("\r\n ", "").split_terminator("\r\n").map(str::to_owned).collect()
    }

    #[test]
    fn an_event_is_a_published_calendar_in_utc() {
        let ics = event().to_ics(stamp());
        assert_eq!(
            unfold(&ics),
            [
                "BEGIN:VCALENDAR",
                "VERSION:2.0",
                "PRODID:-//QHealth//Appointments//EN",
                "METHOD:PUBLISH",
                "CALSCALE:GREGORIAN",
                "BEGIN:VEVENT",
                "UID:visit-12@clinic.example",
                "DTSTAMP:20261126T110000Z",
                "DTSTART:20261201T080000Z",
                "DTEND:20261201T083000Z",
                "SUMMARY:Doctor's appointment",
                "DESCRIPTION:Karin Berg\\, Cardiology",
                "STATUS:CONFIRMED",
                "TRANSP:OPAQUE",
                "END:VEVENT",
                "END:VCALENDAR",
            ]
        );
        assert!(ics.ends_with("END:VCALENDAR\r\n"));
        assert!(!ics.replace("\r\n", "").contains('\n'), "every line ends with CRLF");
    }

    #[test]
    fn a_location_is_written_when_known() {
        let with_location = Event { location: Some("Storgatan 1, Malmö".into()), ..event() };
        let lines = unfold(&with_location.to_ics(stamp()));
        assert!(lines.contains(&"LOCATION:Storgatan 1\\, Malmö".to_owned()), "{lines:?}");
    }

    #[test]
    fn text_escapes_backslashes_semicolons_commas_and_line_breaks() {
        assert_eq!(escape_text(r"a\b;c,d"), r"a\\b\;c\,d");
        assert_eq!(escape_text("one\ntwo\r\nthree\rfour"), r"one\ntwo\nthree\nfour");
        assert_eq!(escape_text("tab\there\u{7}"), "tab\there", "a bell is no TEXT");
        assert_eq!(escape_text("Åsa Öberg: 09:00"), "Åsa Öberg: 09:00", "colons stay");
    }

    #[test]
    fn long_lines_fold_at_75_octets_and_unfold_to_the_same_text() {
        let summary = "Doctor's appointment with ".to_owned() + &"Åsa Öberg ".repeat(20);
        let ics = Event { summary: summary.clone(), ..event() }.to_ics(stamp());
        for line in ics.split_terminator("\r\n") {
            assert!(line.len() <= 75, "{} octets: {line:?}", line.len());
        }
        let lines = unfold(&ics);
        assert!(lines.contains(&format!("SUMMARY:{summary}")), "{lines:?}");
        let folded: Vec<&str> =
            ics.split_terminator("\r\n").filter(|line| line.starts_with(' ')).collect();
        assert!(folded.len() >= 3, "{ics}");
    }

    #[test]
    fn folding_never_splits_a_character() {
        // Two-octet characters after one of one octet: 75 octets hold X and 37 of them, a
        // continuation its space and 37 more; no line ends inside an Ö.
        let mut out = String::new();
        fold_into(&mut out, &format!("X{}", "Ö".repeat(100)));
        let lines: Vec<&str> = out.split_terminator("\r\n").collect();
        assert_eq!(lines[0].len(), 75, "X and 37 Ö");
        assert_eq!(lines[1].len(), 75, "a space and 37 Ö");
        assert!(lines.iter().all(|line| line.len() <= 75));
        assert_eq!(out.replace("\r\n ", "").trim_end(), format!("X{}", "Ö".repeat(100)));
        // Exactly 75 octets: no fold.
        let mut exact = String::new();
        fold_into(&mut exact, &"a".repeat(75));
        assert_eq!(exact, format!("{}\r\n", "a".repeat(75)));
        let mut over = String::new();
        fold_into(&mut over, &"a".repeat(76));
        assert_eq!(over, format!("{}\r\n a\r\n", "a".repeat(75)));
    }
}
