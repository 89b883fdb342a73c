//! The small side of a text filter: the users, doctors, modalities or titles it matches ("keys"),
//! how many rows of a list they have between them, and the SQL that reads a list through them.
//!
//! Each filter can be used three ways by a list's page statement:
//! - [`KeyFilter::push_condition`]: ` AND <the row passes>`, for reading the big table in id
//!   order ([`super::Plan::InOrder`]) and for re-checking the rows another filter drove to;
//! - [`KeyFilter::push_keys_from`]: `FROM (<the matched keys>) m STRAIGHT_JOIN <table> ...`,
//!   which reads only the matched keys' rows through the big table's index on the key column
//!   ([`super::Plan::ByKey`]);
//! - [`KeyFilter::matched_rows`]: how many rows of the list those keys have (from the counts the
//!   schema keeps), which is the filter's total when it is the only one, and what the plan is
//!   chosen by.
//!
//! Text always matches anywhere in the value, case and accents ignored by the collation, `%` and
//! `_` literally ([`crate::page::contains_pattern`]); every value is bound.

use chrono::NaiveDate;
use sqlx::{MySql, MySqlConnection, QueryBuilder};

use crate::page::contains_pattern;

/// The profile fields `profile_suffixes` holds (its `field` column).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ProfileField {
    Name = 1,
    Surname = 2,
    City = 3,
    Country = 4,
}

/// Text that must occur in some of a user's profile fields.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct ProfileText {
    texts: Vec<(ProfileField, String)>,
}

impl ProfileText {
    /// The fields given a text (`None`s are left out).
    pub fn new(texts: impl IntoIterator<Item = (ProfileField, Option<String>)>) -> Self {
        let texts = texts.into_iter().filter_map(|(field, text)| Some((field, text?))).collect();
        Self { texts }
    }

    pub fn is_empty(&self) -> bool {
        self.texts.is_empty()
    }
}

/// Text that must occur in a doctor's specialty, name or surname.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct DoctorText {
    pub specialty: Option<String>,
    pub name: Option<String>,
    pub surname: Option<String>,
}

impl DoctorText {
    pub fn is_empty(&self) -> bool {
        self.specialty.is_none() && self.name.is_none() && self.surname.is_none()
    }
}

/// Exact facts of a user's profile: gender and birth date (a day, or bounds from ages).
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct ProfileFacts {
    pub gender: Option<&'static str>,
    pub date_of_birth: Option<NaiveDate>,
    pub born_on_or_before: Option<NaiveDate>,
    pub born_after: Option<NaiveDate>,
}

impl ProfileFacts {
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }

    /// ` AND pf.<column> <op> ?` for each fact given.
    fn push_conditions(&self, query: &mut QueryBuilder<MySql>) {
        if let Some(gender) = self.gender {
            query.push(" AND pf.gender = ").push_bind(gender);
        }
        for (condition, date) in [
            (" AND pf.date_of_birth = ", self.date_of_birth),
            (" AND pf.date_of_birth <= ", self.born_on_or_before),
            (" AND pf.date_of_birth > ", self.born_after),
        ] {
            if let Some(date) = date {
                query.push(condition).push_bind(date);
            }
        }
    }
}

/// A filter on something a big list's rows refer to.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum KeyFilter {
    /// The row's user has a profile with these facts; keys are user ids, read through the
    /// profiles' indexes on birth date and gender.
    Facts(ProfileFacts),
    /// The row's user (a patient) has profile text like this; keys are user ids.
    Profiles(ProfileText),
    /// The row's doctor has a specialty, name or surname like this; keys are user ids.
    Doctors(DoctorText),
    /// The row's modality contains this; keys are modality ids.
    Modalities(String),
    /// The row's own title (diagnosis, recipe) contains this; keys are the distinct titles,
    /// counted in `list_title_counts` under `list`.
    Title { list: &'static str, text: String },
}

/// A `LIKE ? ESCAPE '!'` pattern for a suffix that starts with `text`: "contains" on the
/// suffixes of a value is "starts with" on one of them, an index range.
fn prefix_pattern(text: &str) -> String {
    let mut pattern = contains_pattern(text);
    pattern.remove(0);
    pattern
}

/// The title column of `list_title_counts` as the records' own columns compare it.
const TITLE_TEXT: &str = "CONVERT(t.title USING utf8mb4) COLLATE utf8mb4_unicode_520_ci";

impl KeyFilter {
    /// ` AND <the row passes>`, where `key_column` is the row's column that names the key (the
    /// row's user, doctor or modality id, or its title).
    ///
    /// The checks on other tables are scalar subqueries, `(SELECT 1 ... LIMIT 1) IS NOT NULL`,
    /// not `EXISTS`: MariaDB turns a correlated `EXISTS` into a semi-join and may then read the
    /// whole small side and sort the big table by id, which is the very plan a row-by-row walk
    /// in id order is there to avoid. A scalar subquery is checked row by row (and its answers
    /// cached per key).
    pub fn push_condition(&self, query: &mut QueryBuilder<MySql>, key_column: &str) {
        match self {
            Self::Facts(facts) => {
                query.push(" AND (SELECT 1 FROM profiles pf WHERE pf.user_id = ");
                query.push(key_column);
                facts.push_conditions(query);
                query.push(" LIMIT 1) IS NOT NULL");
            }
            Self::Profiles(profile) => {
                for (field, text) in &profile.texts {
                    query.push(" AND (SELECT 1 FROM profile_suffixes s WHERE s.user_id = ");
                    query.push(key_column).push(" AND s.field = ").push_bind(*field as u8);
                    query.push(" AND s.suffix LIKE ").push_bind(prefix_pattern(text));
                    query.push(" ESCAPE '!' LIMIT 1) IS NOT NULL");
                }
            }
            Self::Doctors(doctor) => {
                query.push(
                    " AND (SELECT 1 FROM roles dr JOIN profiles dp ON dp.user_id = dr.user_id \
                     WHERE dr.user_id = ",
                );
                query.push(key_column);
                push_doctor_text(query, doctor);
                query.push(" LIMIT 1) IS NOT NULL");
            }
            Self::Modalities(text) => {
                query.push(" AND (SELECT 1 FROM diagnostics dm WHERE dm.id = ");
                query.push(key_column).push(" AND dm.modality LIKE ");
                query.push_bind(contains_pattern(text)).push(" ESCAPE '!' LIMIT 1) IS NOT NULL");
            }
            Self::Title { text, .. } => {
                query.push(" AND ").push(key_column).push(" LIKE ");
                query.push_bind(contains_pattern(text)).push(" ESCAPE '!'");
            }
        }
    }

    /// `SELECT DISTINCT <key> AS key_id FROM ...`: the keys this filter matches (for titles, the
    /// distinct titles as the record columns' collation tells them apart). Always `DISTINCT`,
    /// even where the keys are unique anyway: a derived table with `DISTINCT` is materialized,
    /// never merged into the statement around it, where the optimizer would join the big table
    /// to the whole small one and sort the result.
    fn push_keys(&self, query: &mut QueryBuilder<MySql>) {
        match self {
            Self::Facts(facts) => {
                // Left to itself the optimizer reads every profile once a fact matches a
                // quarter of them; the index holds the user ids, in the facts' order.
                let dated = facts.date_of_birth.is_some()
                    || facts.born_on_or_before.is_some()
                    || facts.born_after.is_some();
                query.push(if dated {
                    "SELECT DISTINCT pf.user_id AS key_id FROM profiles pf \
                     FORCE INDEX (profiles_date_of_birth) WHERE TRUE"
                } else {
                    "SELECT DISTINCT pf.user_id AS key_id FROM profiles pf \
                     FORCE INDEX (profiles_gender) WHERE TRUE"
                });
                facts.push_conditions(query);
            }
            Self::Profiles(profile) => {
                query.push("SELECT DISTINCT s0.user_id AS key_id FROM profile_suffixes s0");
                for (i, (field, text)) in profile.texts.iter().enumerate().skip(1) {
                    query.push(format_args!(
                        " JOIN profile_suffixes s{i} ON s{i}.user_id = s0.user_id AND s{i}.field = "
                    ));
                    query.push_bind(*field as u8);
                    query.push(format_args!(" AND s{i}.suffix LIKE "));
                    query.push_bind(prefix_pattern(text)).push(" ESCAPE '!'");
                }
                match profile.texts.first() {
                    Some((field, text)) => {
                        query.push(" WHERE s0.field = ").push_bind(*field as u8);
                        query.push(" AND s0.suffix LIKE ").push_bind(prefix_pattern(text));
                        query.push(" ESCAPE '!'");
                    }
                    None => {
                        query.push(" WHERE FALSE");
                    }
                }
            }
            Self::Doctors(doctor) => {
                query.push(
                    "SELECT DISTINCT dr.user_id AS key_id FROM roles dr \
                     JOIN profiles dp ON dp.user_id = dr.user_id WHERE TRUE",
                );
                push_doctor_text(query, doctor);
            }
            Self::Modalities(text) => {
                query.push(
                    "SELECT DISTINCT dm.id AS key_id FROM diagnostics dm WHERE dm.modality LIKE ",
                );
                query.push_bind(contains_pattern(text)).push(" ESCAPE '!'");
            }
            Self::Title { list, text } => {
                query.push("SELECT DISTINCT ").push(TITLE_TEXT).push(" AS key_id");
                push_titles_like(query, list, text);
            }
        }
    }

    /// `FROM (<matched keys>) m STRAIGHT_JOIN <table> FORCE INDEX (<key_index>) ON <key_column> =
    /// m.key_id`: the matched keys drive, and each key's rows come from the big table's index on
    /// its key column, already in id order within the key. `table` is `<name> <alias>`.
    pub fn push_keys_from(
        &self,
        query: &mut QueryBuilder<MySql>,
        table: &str,
        key_index: &str,
        key_column: &str,
    ) {
        query.push(" FROM (");
        self.push_keys(query);
        query.push(") m STRAIGHT_JOIN ").push(table);
        query.push(" FORCE INDEX (").push(key_index).push(") ON ");
        query.push(key_column).push(" = m.key_id");
        // A title key stands for every title its collation calls equal ("Flu", "flu ", ...);
        // the rows are checked against the text itself.
        if let Self::Title { .. } = self {
            self.push_condition(query, key_column);
        }
    }

    /// ` STRAIGHT_JOIN (<matched keys>) <alias> ON <alias>.key_id = <key_column>`: the rows whose
    /// key matched, checked by a lookup in the matched keys (a derived table that MariaDB and
    /// MySQL give an index) rather than by a subquery per row: when the keys are few, a walk in
    /// id order joined so costs a fraction of one checking each row against the suffixes.
    pub fn push_join(&self, query: &mut QueryBuilder<MySql>, alias: &str, key_column: &str) {
        query.push(" STRAIGHT_JOIN (");
        self.push_keys(query);
        query.push(format_args!(") {alias} ON {alias}.key_id = {key_column}"));
    }

    /// The ` AND ...` a row joined by [`KeyFilter::push_join`] still needs: titles are keys for
    /// every title the collation calls equal, and the row is checked against the text itself.
    pub fn push_join_recheck(&self, query: &mut QueryBuilder<MySql>, key_column: &str) {
        if let Self::Title { .. } = self {
            self.push_condition(query, key_column);
        }
    }

    /// How many keys this filter matches, and how many rows of `counts_list` (a
    /// `list_key_counts` list such as `doctor_visits:patient`; ignored for titles, which are
    /// counted under their own list) they have between them.
    pub async fn matched(
        &self,
        db: &mut MySqlConnection,
        counts_list: &'static str,
    ) -> Result<Matched, sqlx::Error> {
        let mut query = QueryBuilder::new("SELECT CAST(COUNT(*) AS UNSIGNED), CAST(COALESCE(SUM(");
        match self {
            Self::Title { list, text } => {
                query.push("t.row_count), 0) AS UNSIGNED)");
                push_titles_like(&mut query, list, text);
            }
            _ => {
                query.push("k.row_count), 0) AS UNSIGNED) FROM (");
                self.push_keys(&mut query);
                query.push(") m STRAIGHT_JOIN list_key_counts k ON k.list = ");
                query.push_bind(counts_list).push(" AND k.key_id = m.key_id");
            }
        }
        let (keys, rows) = query.build_query_as::<(u64, u64)>().fetch_one(db).await?;
        Ok(Matched { keys, rows })
    }

    /// How many keys this filter matches, for a table whose keys are its own rows.
    pub async fn matched_keys(&self, db: &mut MySqlConnection) -> Result<Matched, sqlx::Error> {
        let mut query = QueryBuilder::new("SELECT CAST(COUNT(*) AS UNSIGNED) FROM (");
        self.push_keys(&mut query);
        query.push(") m");
        let keys = query.build_query_scalar::<u64>().fetch_one(db).await?;
        Ok(Matched { keys, rows: keys })
    }
}

/// What a filter matches: its keys, and their rows in the list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Matched {
    pub keys: u64,
    pub rows: u64,
}

fn push_doctor_text(query: &mut QueryBuilder<MySql>, doctor: &DoctorText) {
    for (column, text) in [
        ("dr.specialty", &doctor.specialty),
        ("dp.name", &doctor.name),
        ("dp.surname", &doctor.surname),
    ] {
        if let Some(text) = text {
            query.push(" AND ").push(column).push(" LIKE ");
            query.push_bind(contains_pattern(text)).push(" ESCAPE '!'");
        }
    }
}

/// ` FROM list_title_counts t WHERE <the list's titles containing text>`.
fn push_titles_like(query: &mut QueryBuilder<MySql>, list: &'static str, text: &str) {
    query.push(" FROM list_title_counts t WHERE t.list = ").push_bind(list);
    query.push(" AND t.row_count > 0 AND ").push(TITLE_TEXT).push(" LIKE ");
    query.push_bind(contains_pattern(text)).push(" ESCAPE '!'");
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sql(build: impl FnOnce(&mut QueryBuilder<MySql>)) -> String {
        let mut query = QueryBuilder::<MySql>::new("");
        build(&mut query);
        query.sql().as_str().to_owned()
    }

    #[test]
    fn contains_becomes_a_prefix_of_a_suffix() {
        assert_eq!(prefix_pattern("lind"), "lind%");
        assert_eq!(prefix_pattern("50%_x"), "50!%!_x%");
    }

    #[test]
    fn profile_text_binds_every_value_and_joins_one_suffix_per_further_field() {
        let filter = KeyFilter::Profiles(ProfileText::new([
            (ProfileField::Surname, Some("o'b".to_owned())),
            (ProfileField::Name, Some("åsa".to_owned())),
            (ProfileField::City, None),
        ]));
        let from = sql(|q| {
            filter.push_keys_from(q, "doctor_visits v", "doctor_visits_patient", "v.user_id")
        });
        assert!(!from.contains("o'b") && !from.contains("åsa"), "{from}");
        assert_eq!(from.matches('?').count(), 4, "{from}");
        assert!(from.contains("JOIN profile_suffixes s1 ON s1.user_id = s0.user_id"), "{from}");
        let condition = sql(|q| filter.push_condition(q, "v.user_id"));
        assert_eq!(condition.matches("IS NOT NULL").count(), 2, "{condition}");
        assert!(!condition.contains("EXISTS"), "{condition}");
        assert_eq!(condition.matches('?').count(), 4, "{condition}");
    }

    #[test]
    fn titles_drive_by_their_distinct_values_and_recheck_the_text() {
        let filter = KeyFilter::Title { list: "patient_cards", text: "migr".to_owned() };
        let from = sql(|q| {
            filter.push_keys_from(q, "patient_cards r", "patient_cards_diagnosis", "r.diagnosis")
        });
        assert!(from.contains("SELECT DISTINCT CONVERT(t.title"), "{from}");
        assert!(
            from.ends_with("r.diagnosis = m.key_id AND r.diagnosis LIKE ? ESCAPE '!'"),
            "{from}"
        );
    }

    #[test]
    fn doctor_text_filters_only_what_was_given() {
        let filter = KeyFilter::Doctors(DoctorText {
            specialty: Some("card".to_owned()),
            ..DoctorText::default()
        });
        let condition = sql(|q| filter.push_condition(q, "v.doctor_id"));
        assert!(
            condition.contains("dr.specialty LIKE ?") && !condition.contains("dp.name"),
            "{condition}"
        );
    }
}
