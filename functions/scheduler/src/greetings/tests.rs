use super::*;

fn date(text: &str) -> NaiveDate {
    text.parse().unwrap()
}

#[test]
fn leap_day_birthdays_move_to_28_february_in_other_years() {
    assert_eq!(birthdays_on(date("2027-02-28")), [228, 229]);
    assert_eq!(birthdays_on(date("2028-02-28")), [228, 228]);
    assert_eq!(birthdays_on(date("2028-02-29")), [229, 229]);
    assert_eq!(birthdays_on(date("2027-03-01")), [301, 301]);
    assert_eq!(birthdays_on(date("2100-02-28")), [228, 229], "2100 is not a leap year");
}

#[test]
fn christmas_and_new_year_come_on_their_days_only() {
    let greetings = |day: &str| due_on(date(day)).into_iter().map(|(g, _)| g).collect::<Vec<_>>();
    assert_eq!(greetings("2026-12-24"), [Greeting::Birthday]);
    assert_eq!(greetings("2026-12-25"), [Greeting::Birthday, Greeting::Christmas]);
    assert_eq!(greetings("2026-12-31"), [Greeting::Birthday, Greeting::NewYear]);
    assert_eq!(greetings("2027-01-01"), [Greeting::Birthday]);
}

mod database {
    use std::collections::HashSet;

    use sqlx::MySqlPool;

    use super::*;
    use crate::testing::{Account, clinic_time, crowd, harness, outbox_recipients, person};

    async fn greet(state: &AppState, day: &str) -> GreetingsReport {
        run(state, date(day)).await.unwrap()
    }

    #[sqlx::test(migrator = "qhealth::db::MIGRATOR")]
    async fn birthdays_greet_the_active_people_born_that_day(db: MySqlPool) {
        let h = harness(db.clone(), &[], clinic_time("2026-09-22", 10));
        person(&db, "eva@clinic.test", "Eva", "1985-09-22", Account::Active).await;
        person(&db, "karin@clinic.test", "Karin", "1970-09-22", Account::Staff).await;
        person(&db, "ina@clinic.test", "Ina", "1985-09-22", Account::Inactive).await;
        person(&db, "root@clinic.test", "Root", "1985-09-22", Account::Superuser).await;
        person(&db, "olle@clinic.test", "Olle", "1985-09-23", Account::Active).await;
        person(&db, "nils@clinic.test", "Nils", "1985-08-22", Account::Active).await;

        let report = greet(&h.state, "2026-09-22").await;
        assert_eq!((report.birthday, report.christmas, report.new_year), (2, 0, 0));
        assert_eq!(
            outbox_recipients(&db, "birthday").await,
            ["eva@clinic.test", "karin@clinic.test"]
        );
        let claimed: Vec<(u64, String, u16)> =
            sqlx::query_as("SELECT user_id, greeting, year FROM greetings_sent ORDER BY user_id")
                .fetch_all(&db)
                .await
                .unwrap();
        assert_eq!(claimed.len(), 2);
        assert!(claimed.iter().all(|(_, greeting, year)| greeting == "birthday" && *year == 2026));
    }

    #[sqlx::test(migrator = "qhealth::db::MIGRATOR")]
    async fn the_e_mails_carry_the_name_and_wait_in_the_outbox_for_the_sender(db: MySqlPool) {
        let h = harness(db.clone(), &[], clinic_time("2026-09-22", 10));
        person(&db, "asa@clinic.test", "Åsa", "1985-09-22", Account::Active).await;
        greet(&h.state, "2026-09-22").await;
        let (subject, html, text, claimed_until, next_attempt_at, bulk): (
            String,
            String,
            String,
            Option<DateTime<Utc>>,
            DateTime<Utc>,
            bool,
        ) = sqlx::query_as(
            "SELECT subject, body_html, body_text, claimed_until, next_attempt_at, bulk
             FROM email_outbox WHERE recipient = 'asa@clinic.test'",
        )
        .fetch_one(&db)
        .await
        .unwrap();
        assert_eq!(subject, "Happy birthday from QHealth");
        assert!(text.contains("Hello Åsa,") && html.contains("Hello Åsa,"), "{text}");
        assert_eq!((claimed_until, next_attempt_at), (None, h.state.now()), "due at once");
        assert!(bulk, "sent after the notifications that are due");
        assert!(h.mailer.sent().is_empty(), "the outbox pass sends them, paced");
    }

    #[sqlx::test(migrator = "qhealth::db::MIGRATOR")]
    async fn leap_day_birthdays_are_greeted_on_28_february_in_other_years(db: MySqlPool) {
        let h = harness(db.clone(), &[], clinic_time("2027-02-28", 10));
        person(&db, "leo@clinic.test", "Leo", "2000-02-29", Account::Active).await;
        person(&db, "fia@clinic.test", "Fia", "1999-02-28", Account::Active).await;
        person(&db, "mats@clinic.test", "Mats", "1999-03-01", Account::Active).await;

        assert_eq!(greet(&h.state, "2027-02-28").await.birthday, 2);
        assert_eq!(greet(&h.state, "2027-03-01").await.birthday, 1);
        assert_eq!(greet(&h.state, "2028-02-28").await.birthday, 1, "Fia only");
        assert_eq!(greet(&h.state, "2028-02-29").await.birthday, 1, "Leo, on his day");
        let leo: Vec<u16> = sqlx::query_scalar(
            "SELECT g.year FROM greetings_sent g JOIN users u ON u.id = g.user_id
             WHERE u.email = 'leo@clinic.test' ORDER BY g.year",
        )
        .fetch_all(&db)
        .await
        .unwrap();
        assert_eq!(leo, [2027, 2028]);
        assert_eq!(
            outbox_recipients(&db, "birthday").await,
            [
                "leo@clinic.test",
                "fia@clinic.test",
                "mats@clinic.test",
                "fia@clinic.test",
                "leo@clinic.test"
            ]
        );
    }

    #[sqlx::test(migrator = "qhealth::db::MIGRATOR")]
    async fn christmas_and_new_year_greet_everyone_on_their_days_only(db: MySqlPool) {
        let h = harness(db.clone(), &[], clinic_time("2026-12-24", 10));
        person(&db, "eva@clinic.test", "Eva", "1985-06-01", Account::Active).await;
        person(&db, "karin@clinic.test", "Karin", "1970-12-25", Account::Staff).await;
        person(&db, "ina@clinic.test", "Ina", "1985-06-01", Account::Inactive).await;
        person(&db, "root@clinic.test", "Root", "1985-12-25", Account::Superuser).await;

        for day in ["2026-12-24", "2026-12-26", "2026-12-30", "2027-01-01"] {
            let report = greet(&h.state, day).await;
            assert_eq!((report.christmas, report.new_year), (0, 0), "{day}");
        }
        let christmas = greet(&h.state, "2026-12-25").await;
        assert_eq!((christmas.birthday, christmas.christmas, christmas.new_year), (1, 2, 0));
        let new_year = greet(&h.state, "2026-12-31").await;
        assert_eq!((new_year.birthday, new_year.christmas, new_year.new_year), (0, 0, 2));
        let everyone = ["eva@clinic.test", "karin@clinic.test"];
        assert_eq!(outbox_recipients(&db, "christmas").await, everyone);
        assert_eq!(outbox_recipients(&db, "new_year").await, everyone);
        assert_eq!(outbox_recipients(&db, "birthday").await, ["karin@clinic.test"]);
    }

    #[sqlx::test(migrator = "qhealth::db::MIGRATOR")]
    async fn a_second_run_greets_nobody_twice(db: MySqlPool) {
        let h = harness(db.clone(), &[], clinic_time("2026-12-25", 10));
        person(&db, "eva@clinic.test", "Eva", "1985-12-25", Account::Active).await;
        person(&db, "nils@clinic.test", "Nils", "1985-06-01", Account::Active).await;
        let first = greet(&h.state, "2026-12-25").await;
        assert_eq!((first.birthday, first.christmas, first.already_greeted), (1, 2, 0));

        let again = greet(&h.state, "2026-12-25").await;
        assert_eq!((again.birthday, again.christmas, again.already_greeted), (0, 0, 3));
        assert_eq!(outbox_recipients(&db, "christmas").await.len(), 2);
        assert_eq!(outbox_recipients(&db, "birthday").await.len(), 1);
        // Next year is another year.
        let next_year = greet(&h.state, "2027-12-25").await;
        assert_eq!((next_year.birthday, next_year.christmas), (1, 2));
    }

    /// More people than a batch holds, greeted by two passes at the same moment: every one of
    /// them exactly once, whichever pass got there first.
    #[sqlx::test(migrator = "qhealth::db::MIGRATOR")]
    async fn overlapping_runs_greet_everyone_once(db: MySqlPool) {
        let people = 2 * BATCH + 101;
        crowd(&db, people, "1980-12-25").await;
        let h = harness(db.clone(), &[], clinic_time("2026-12-25", 10));
        let (a, b) =
            tokio::join!(run(&h.state, date("2026-12-25")), run(&h.state, date("2026-12-25")));
        let (a, b) = (a.unwrap(), b.unwrap());
        assert_eq!(u64::from(people), a.christmas + b.christmas);
        assert_eq!(u64::from(people), a.birthday + b.birthday);
        assert_eq!(u64::from(people) * 2, a.already_greeted + b.already_greeted);

        for kind in ["christmas", "birthday"] {
            let recipients = outbox_recipients(&db, kind).await;
            let distinct: HashSet<&String> = recipients.iter().collect();
            assert_eq!((recipients.len(), distinct.len()), (people as usize, people as usize));
        }
    }

    #[sqlx::test(migrator = "qhealth::db::MIGRATOR")]
    async fn a_big_day_is_worked_through_in_batches(db: MySqlPool) {
        let people = 2 * BATCH + 1;
        crowd(&db, people, "1980-06-01").await;
        person(&db, "root@clinic.test", "Root", "1980-06-01", Account::Superuser).await;
        let h = harness(db.clone(), &[], clinic_time("2026-12-25", 10));
        let report = greet(&h.state, "2026-12-25").await;
        assert_eq!((report.christmas, report.birthday), (u64::from(people), 0));
        let recipients = outbox_recipients(&db, "christmas").await;
        assert_eq!(recipients.first().map(String::as_str), Some("person1@clinic.test"));
        assert_eq!(recipients.last(), Some(&format!("person{people}@clinic.test")));
        assert_eq!(recipients.iter().collect::<HashSet<_>>().len(), people as usize);
    }
}
