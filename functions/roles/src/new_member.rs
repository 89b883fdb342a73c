//! The body of `POST /roles`, read field by field: every problem is reported at once, under its
//! dotted path (`role`, `specialty`, `user.email`, `user.profile.name`, ...).

use std::borrow::Cow;

use chrono::NaiveDate;
use qhealth::error::{ApiError, FieldErrors};
use qhealth::users::account::{Mode, ProfileChanges};
use qhealth::validate::{Input, RuleResult, rules};
use serde_json::Value;

pub const MAX_SPECIALTY_CHARS: usize = 100;
const STAFF_ROLES: [&str; 3] = ["doctor", "operator", "pharmacist"];
const ONLY_DOCTORS: &str = "Only doctors have a specialty: leave it out for this role.";

/// A new staff member, valid by construction.
#[derive(Debug)]
pub struct NewStaffMember {
    pub role: &'static str,
    /// Present exactly when `role` is `doctor`.
    pub specialty: Option<String>,
    pub email: String,
    /// `None`: the member chooses one when following the activation link.
    pub password: Option<String>,
    pub profile: ProfileChanges,
}

impl NewStaffMember {
    pub fn read(body: &Value, today: NaiveDate) -> Result<Self, ApiError> {
        let input = Input::root(body)?;
        let mut errors = FieldErrors::new();
        let role = input.required("role", &mut errors, staff_role);
        let specialty = match role {
            Some("doctor") => input.required("specialty", &mut errors, specialty),
            // Null counts as left out.
            Some(_) => input.nullable("specialty", &mut errors, refuse_specialty).apply(None),
            // The role is missing or wrong: still check what was given.
            None => input.nullable("specialty", &mut errors, specialty).apply(None),
        };
        let (email, password, profile) = match input.required_object("user", &mut errors) {
            Some(user) => (
                user.required("email", &mut errors, rules::email),
                user.nullable("password", &mut errors, rules::password).apply(None),
                user.required_object("profile", &mut errors)
                    .map(|p| ProfileChanges::read(&p, &mut errors, today, Mode::Create)),
            ),
            None => (None, None, None),
        };
        let (Some(role), Some(email), Some(profile)) = (role, email, profile) else {
            return Err(ApiError::Invalid(errors));
        };
        errors.into_result()?;
        Ok(Self { role, specialty, email, password, profile })
    }
}

fn staff_role(value: &Value) -> RuleResult<&'static str> {
    let given = value.as_str().ok_or(Cow::Borrowed("Must be text."))?;
    STAFF_ROLES
        .iter()
        .copied()
        .find(|role| *role == given)
        .ok_or(Cow::Borrowed("Choose doctor, operator or pharmacist."))
}

/// A doctor's specialty: free text, trimmed, 1–100 characters.
fn specialty(value: &Value) -> RuleResult<String> {
    rules::trimmed_text_up_to(MAX_SPECIALTY_CHARS)(value)
}

fn refuse_specialty(_: &Value) -> RuleResult<String> {
    Err(ONLY_DOCTORS.into())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 26).unwrap()
    }

    fn profile() -> Value {
        json!({"name": "Karin", "surname": "Berg", "phone_number": "0701234567",
               "date_of_birth": "1980-01-01", "gender": "Female"})
    }

    fn errors_of(body: Value) -> FieldErrors {
        match NewStaffMember::read(&body, today()) {
            Err(ApiError::Invalid(errors)) => errors,
            other => panic!("expected a 400, got {other:?}"),
        }
    }

    #[test]
    fn a_doctor_needs_a_specialty_and_keeps_it_trimmed() {
        let body = json!({"role": "doctor", "specialty": "  Cardiology ",
                          "user": {"email": "Karin@Clinic.test", "profile": profile()}});
        let member = NewStaffMember::read(&body, today()).unwrap();
        assert_eq!(member.specialty.as_deref(), Some("Cardiology"));
        assert_eq!(member.email, "karin@clinic.test");
        assert_eq!(member.password, None);
        for missing in [json!(null), json!("   "), json!(7), json!("x".repeat(101))] {
            let errors = errors_of(json!({"role": "doctor", "specialty": missing,
                                         "user": {"email": "k@clinic.test", "profile": profile()}}));
            assert!(errors.get("specialty").is_some(), "{missing}");
        }
        let errors = errors_of(
            json!({"role": "doctor", "user": {"email": "k@clinic.test", "profile": profile()}}),
        );
        assert!(errors.get("specialty").is_some());
    }

    #[test]
    fn other_roles_have_no_specialty() {
        let user = json!({"email": "o@clinic.test", "profile": profile()});
        let errors =
            errors_of(json!({"role": "operator", "specialty": "Cardiology", "user": user}));
        assert_eq!(errors.get("specialty").unwrap(), [ONLY_DOCTORS]);
        let member = NewStaffMember::read(
            &json!({"role": "pharmacist", "specialty": null, "user": user}),
            today(),
        )
        .unwrap();
        assert_eq!((member.role, member.specialty), ("pharmacist", None));
    }

    #[test]
    fn every_failing_field_is_named_with_its_path() {
        let errors = errors_of(json!({"role": "nurse", "specialty": 5, "user": {
            "email": "nope", "password": "short", "profile": {"name": "K4rin", "height": "tall"}}}));
        for field in [
            "role",
            "specialty",
            "user.email",
            "user.password",
            "user.profile.name",
            "user.profile.surname",
            "user.profile.height",
        ] {
            assert!(errors.get(field).is_some(), "{field}: {errors:?}");
        }
        let errors = errors_of(json!({}));
        for field in ["role", "user"] {
            assert!(errors.get(field).is_some(), "{field}");
        }
        let errors = errors_of(json!({"role": "operator", "user": "someone"}));
        assert!(errors.get("user").is_some());
    }
}
