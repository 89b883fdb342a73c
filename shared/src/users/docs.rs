//! Documentation-only schemas of the profile request bodies (API.md, "Profile validation") that
//! the users and roles functions share: the `profile` of a registration and of a new staff
//! member, and the profile changes of `PATCH /users/{id}`. The handlers read bodies field by
//! field ([`super::account::ProfileChanges::read`]); these types only describe them in the
//! OpenAPI document, so they must say what that reading accepts.

use chrono::NaiveDate;
use serde::Serialize;
use utoipa::ToSchema;

/// A gender, as profiles store it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
pub enum Gender {
    Male,
    Female,
}

/// A new account's profile (registration, a new staff member).
///
/// Names and places (`name`, `surname`, `street`, `city`, `region`, `country`) are 1–30
/// characters once trimmed: letters of any alphabet, spaces, hyphens, apostrophes and dots,
/// starting with a letter. Every failing field is named in the 400's `errors`, under its dotted
/// path (`profile.date_of_birth`).
#[derive(ToSchema)]
#[schema(example = json!({
    "name": "Eva", "surname": "Lind", "phone_number": "0701234567",
    "date_of_birth": "1985-09-22", "gender": "Female", "height": 170, "weight": 60,
    "street": "Storgatan", "house": "12B", "city": "Malmö", "region": "Skåne",
    "country": "Sweden"
}))]
#[allow(dead_code)] // documentation only: the handlers read the body field by field
pub struct NewProfile {
    /// First name.
    #[schema(min_length = 1, max_length = 30)]
    name: String,
    /// Family name.
    #[schema(min_length = 1, max_length = 30)]
    surname: String,
    /// A Swedish mobile number (`07XXXXXXXX`, `+467XXXXXXXX`, `00467XXXXXXXX`) or any
    /// international number (`+` and 8–15 digits); spaces, hyphens and brackets are ignored.
    /// Stored (and shown) in E.164 form: `+46701234567`.
    phone_number: String,
    /// A real date (YYYY-MM-DD): the person must be 18 or older (and at most 130).
    date_of_birth: NaiveDate,
    gender: Gender,
    /// Height in whole centimetres; may be left out or `null`.
    #[schema(minimum = 1, maximum = 300)]
    height: Option<u16>,
    /// Weight in whole kilograms; may be left out or `null`.
    #[schema(minimum = 1, maximum = 700)]
    weight: Option<u16>,
    /// Street name; may be left out or `null`.
    #[schema(min_length = 1, max_length = 30)]
    street: Option<String>,
    /// House number: 1–7 letters, digits, spaces, `-` or `/` (`12B`, `4-6`, `7/1`); may be
    /// left out or `null`.
    #[schema(min_length = 1, max_length = 7)]
    house: Option<String>,
    /// City; may be left out or `null`.
    #[schema(min_length = 1, max_length = 30)]
    city: Option<String>,
    /// Region; may be left out or `null`.
    #[schema(min_length = 1, max_length = 30)]
    region: Option<String>,
    /// Country; may be left out or `null`.
    #[schema(min_length = 1, max_length = 30)]
    country: Option<String>,
}

/// Changes to a profile: only the fields given change, each checked as when the profile was
/// created (see `NewProfile`).
///
/// `name`, `surname`, `phone_number`, `date_of_birth` and `gender` cannot be cleared (`null` is a
/// 400); the other fields are cleared with `null`.
#[derive(ToSchema)]
#[schema(example = json!({"city": "Lund", "phone_number": "+46707654321", "height": null}))]
#[allow(dead_code)] // documentation only: the handler reads the body field by field
pub struct ProfileUpdate {
    /// First name.
    #[schema(nullable = false, min_length = 1, max_length = 30)]
    name: Option<String>,
    /// Family name.
    #[schema(nullable = false, min_length = 1, max_length = 30)]
    surname: Option<String>,
    /// A Swedish mobile number or any international number, as for a new profile.
    #[schema(nullable = false)]
    phone_number: Option<String>,
    /// A real date (YYYY-MM-DD): the person must be 18 or older (and at most 130).
    #[schema(nullable = false)]
    date_of_birth: Option<NaiveDate>,
    #[schema(nullable = false)]
    gender: Option<Gender>,
    /// Height in whole centimetres; `null` clears it.
    #[schema(minimum = 1, maximum = 300)]
    height: Option<u16>,
    /// Weight in whole kilograms; `null` clears it.
    #[schema(minimum = 1, maximum = 700)]
    weight: Option<u16>,
    /// Street name; `null` clears it.
    #[schema(min_length = 1, max_length = 30)]
    street: Option<String>,
    /// House number: 1–7 letters, digits, spaces, `-` or `/`; `null` clears it.
    #[schema(min_length = 1, max_length = 7)]
    house: Option<String>,
    /// City; `null` clears it.
    #[schema(min_length = 1, max_length = 30)]
    city: Option<String>,
    /// Region; `null` clears it.
    #[schema(min_length = 1, max_length = 30)]
    region: Option<String>,
    /// Country; `null` clears it.
    #[schema(min_length = 1, max_length = 30)]
    country: Option<String>,
}
