//! A message with an attachment as raw MIME (RFC 2045-2047), which is how SES takes one:
//!
//! ```text
//! multipart/mixed
//! ├── multipart/alternative
//! │   ├── text/plain; charset=UTF-8
//! │   └── text/html; charset=UTF-8
//! └── the attachment (e.g. text/calendar; method=PUBLISH; charset=UTF-8), named
//! ```
//!
//! Every part is base64: names and calendar text are UTF-8, and no line may pass SES's 1,000
//! characters. SES adds the `Date` and `Message-ID` headers.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;

use super::{Attachment, Email};

// The parts are base64, whose alphabet has no `_`: these boundaries cannot occur in them.
const MIXED_BOUNDARY: &str = "=_qhealth_mixed";
const ALTERNATIVE_BOUNDARY: &str = "=_qhealth_alternative";
/// RFC 2045, 6.8: encoded lines of at most 76 characters.
const BASE64_LINE: usize = 76;
/// UTF-8 octets per RFC 2047 encoded word: 45 octets are 60 base64 characters, and with
/// `=?UTF-8?B?` and `?=` the word stays within 75.
const ENCODED_WORD_OCTETS: usize = 45;

/// The whole message from `from` with `attachment`, CRLF line ends.
pub fn raw_message(from: &str, email: &Email, attachment: &Attachment) -> String {
    let mut message = String::new();
    header(&mut message, "From", &mailbox(from));
    header(&mut message, "To", &mailbox(&email.to));
    header(&mut message, "Subject", &unstructured(&email.subject));
    header(&mut message, "MIME-Version", "1.0");
    header(
        &mut message,
        "Content-Type",
        &format!("multipart/mixed; boundary=\"{MIXED_BOUNDARY}\""),
    );
    message.push_str("\r\n");

    boundary(&mut message, MIXED_BOUNDARY);
    let alternative = format!("multipart/alternative; boundary=\"{ALTERNATIVE_BOUNDARY}\"");
    header(&mut message, "Content-Type", &alternative);
    message.push_str("\r\n");
    boundary(&mut message, ALTERNATIVE_BOUNDARY);
    part(&mut message, "text/plain; charset=UTF-8", None, &email.text);
    boundary(&mut message, ALTERNATIVE_BOUNDARY);
    part(&mut message, "text/html; charset=UTF-8", None, &email.html);
    closing_boundary(&mut message, ALTERNATIVE_BOUNDARY);

    boundary(&mut message, MIXED_BOUNDARY);
    // Folded before the name, so that the header stays within 78 characters a line.
    let content_type =
        format!("{};\r\n name={}", attachment.content_type, quoted(&attachment.filename));
    part(&mut message, &content_type, Some(&attachment.filename), &attachment.content);
    closing_boundary(&mut message, MIXED_BOUNDARY);
    message
}

fn header(message: &mut String, name: &str, value: &str) {
    message.push_str(name);
    message.push_str(": ");
    message.push_str(value);
    message.push_str("\r\n");
}

fn boundary(message: &mut String, boundary: &str) {
    message.push_str("--");
    message.push_str(boundary);
    message.push_str("\r\n");
}

fn closing_boundary(message: &mut String, boundary: &str) {
    message.push_str("--");
    message.push_str(boundary);
    message.push_str("--\r\n");
}

/// One leaf part: its headers, a blank line and `content` in base64; an attachment when it
/// has a `filename`.
fn part(message: &mut String, content_type: &str, filename: Option<&str>, content: &str) {
    header(message, "Content-Type", content_type);
    header(message, "Content-Transfer-Encoding", "base64");
    if let Some(filename) = filename {
        header(
            message,
            "Content-Disposition",
            &format!("attachment; filename={}", quoted(filename)),
        );
    }
    message.push_str("\r\n");
    let encoded = STANDARD.encode(content);
    // Base64 is ASCII: every split is on a character.
    for line in encoded.as_bytes().chunks(BASE64_LINE) {
        message.push_str(&String::from_utf8_lossy(line));
        message.push_str("\r\n");
    }
}

/// A parameter value in quotes; a name with characters a quoted string cannot hold plainly
/// (non-ASCII, quotes, backslashes, line breaks) as RFC 2047 encoded words, which mail
/// programs read in filenames too.
fn quoted(value: &str) -> String {
    let plain =
        value.chars().all(|c| c.is_ascii() && !c.is_ascii_control() && c != '"' && c != '\\');
    if plain { format!("\"{value}\"") } else { format!("\"{}\"", encoded_words(value)) }
}

/// `Name <address>` or a bare address, with a non-ASCII name as encoded words (the address
/// itself must be ASCII for SES).
fn mailbox(value: &str) -> String {
    if value.is_ascii() {
        return value.to_owned();
    }
    match value.rsplit_once('<') {
        Some((name, address)) if !name.trim().trim_matches('"').is_empty() => {
            let name = name.trim().trim_matches('"');
            format!("{} <{address}", encoded_words(name))
        }
        _ => value.to_owned(),
    }
}

/// An unstructured header value (the subject): as it is if ASCII, else encoded words.
fn unstructured(value: &str) -> String {
    let single_line = value.replace(['\r', '\n'], " ");
    if single_line.is_ascii() { single_line } else { encoded_words(&single_line) }
}

/// `text` as RFC 2047 "B" encoded words of UTF-8, each within 75 characters and split only
/// between characters, separated by folding white space.
fn encoded_words(text: &str) -> String {
    let mut words = Vec::new();
    let mut start = 0;
    let mut end = 0;
    for (index, c) in text.char_indices() {
        if index + c.len_utf8() - start > ENCODED_WORD_OCTETS {
            words.push(&text[start..end]);
            start = index;
        }
        end = index + c.len_utf8();
    }
    words.push(&text[start..end]);
    words
        .into_iter()
        .map(|word| format!("=?UTF-8?B?{}?=", STANDARD.encode(word)))
        .collect::<Vec<_>>()
        .join("\r\n ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn email() -> Email {
        Email {
            to: "asa@example.com".into(),
            subject: "Reminder: your appointment tomorrow".into(),
            html: "<html><body><p>Hello Åsa Öberg,</p></body></html>".into(),
            text: "Hello Åsa Öberg,\n\nSee you tomorrow.".into(),
            attachment: None,
        }
    }

    fn ics() -> Attachment {
        Attachment {
            filename: "visit.ics".into(),
            content_type: "text/calendar; method=PUBLISH; charset=UTF-8".into(),
            content: "BEGIN:VCALENDAR\r\nSUMMARY:Åsa\r\nEND:VCALENDAR\r\n".into(),
        }
    }

    /// The decoded body of the part whose headers contain `content_type`.
    fn decoded_part(message: &str, content_type: &str) -> String {
        let start = message.find(&format!("Content-Type: {content_type}")).unwrap();
        let body_start = start + message[start..].find("\r\n\r\n").unwrap() + 4;
        let body_end = body_start + message[body_start..].find("--").unwrap();
        let encoded: String = message[body_start..body_end].split("\r\n").collect();
        String::from_utf8(STANDARD.decode(encoded).unwrap()).unwrap()
    }

    #[test]
    fn the_text_and_html_are_alternatives_beside_the_attachment() {
        let message = raw_message("QHealth <no-reply@clinic.example>", &email(), &ics());
        let (headers, _) = message.split_once("\r\n\r\n").unwrap();
        assert_eq!(
            headers,
            "From: QHealth <no-reply@clinic.example>\r\nTo: asa@example.com\r\n\
             Subject: Reminder: your appointment tomorrow\r\nMIME-Version: 1.0\r\n\
             Content-Type: multipart/mixed; boundary=\"=_qhealth_mixed\""
        );
        let mixed = message.find("multipart/alternative").unwrap();
        let text = message.find("text/plain").unwrap();
        let html = message.find("text/html").unwrap();
        let calendar = message.find("text/calendar").unwrap();
        assert!(mixed < text && text < html && html < calendar, "{message}");
        assert!(message.contains("\r\n--=_qhealth_alternative--\r\n"));
        assert!(message.ends_with("\r\n--=_qhealth_mixed--\r\n"));
        assert_eq!(decoded_part(&message, "text/plain"), email().text);
        assert_eq!(decoded_part(&message, "text/html"), email().html);
        assert_eq!(decoded_part(&message, "text/calendar"), ics().content);
        assert!(message.contains(
            "Content-Type: text/calendar; method=PUBLISH; charset=UTF-8;\r\n name=\"visit.ics\"\r\n"
        ));
        assert!(message.contains("Content-Disposition: attachment; filename=\"visit.ics\"\r\n"));
    }

    #[test]
    fn the_message_is_ascii_with_short_crlf_lines() {
        let long = Email { text: "Åsa Öberg ".repeat(500), ..email() };
        let attachment = Attachment { filename: "diagnostic.ics".into(), ..ics() };
        let message = raw_message("Klinik Åre <no-reply@clinic.example>", &long, &attachment);
        assert!(message.is_ascii());
        assert!(!message.replace("\r\n", "").contains('\n'), "bare LF");
        assert!(message.split("\r\n").all(|line| line.len() <= 78), "{message}");
    }

    #[test]
    fn non_ascii_headers_are_encoded_words() {
        assert_eq!(mailbox("QHealth <a@b.se>"), "QHealth <a@b.se>");
        assert_eq!(mailbox("\"Klinik Åre\" <a@b.se>"), "=?UTF-8?B?S2xpbmlrIMOFcmU=?= <a@b.se>");
        assert_eq!(unstructured("Hej Åsa"), "=?UTF-8?B?SGVqIMOFc2E=?=");
        assert_eq!(unstructured("two\r\nlines"), "two  lines", "no header injection");
        let long = encoded_words(&"Ö".repeat(40));
        let words: Vec<&str> = long.split("\r\n ").collect();
        assert_eq!(words.len(), 2, "80 octets: 44 and 36 (never half an Ö)");
        assert!(words.iter().all(|word| word.len() <= 75), "{words:?}");
        let decoded: String = words
            .iter()
            .map(|word| {
                let inner = word.trim_start_matches("=?UTF-8?B?").trim_end_matches("?=");
                String::from_utf8(STANDARD.decode(inner).unwrap()).unwrap()
            })
            .collect();
        assert_eq!(decoded, "Ö".repeat(40));
        assert_eq!(quoted("kallelse Öberg.ics"), "\"=?UTF-8?B?a2FsbGVsc2Ugw5ZiZXJnLmljcw==?=\"");
    }
}
