//! What the engine does for every rule alike, beyond one rule's examples (those are in tests/rules/): objects created
//! in the migration are new and empty, opt-in rules stay off until configured, and lint.toml `[[ignore]]` entries drop
//! findings.

mod support;

use support::lint::{lint_after, IgnoreEntry, Settings, Severity};

const USERS: &str = r#"CREATE TABLE "User" ("id" TEXT NOT NULL, "name" VARCHAR(10), "n" INTEGER, CONSTRAINT "User_pkey" PRIMARY KEY ("id"));
CREATE TABLE "Post" ("id" TEXT NOT NULL, "authorId" TEXT NOT NULL, CONSTRAINT "Post_pkey" PRIMARY KEY ("id"));
CREATE INDEX "Post_authorId_idx" ON "Post"("authorId");
CREATE TYPE "Role" AS ENUM ('USER', 'ADMIN', 'GUEST');
ALTER TABLE "User" ADD COLUMN "role" "Role" NOT NULL DEFAULT 'USER';
"#;

/// The rule of each finding of `migrations` linted after `USERS`.
fn rules(settings: &Settings, migrations: &[&str]) -> Vec<&'static str> {
    lint_after(settings, USERS, migrations)
        .1
        .iter()
        .map(|d| d.rule)
        .collect()
}

#[test]
fn nothing_fires_on_tables_created_in_the_same_migration() {
    let found = rules(
        &Settings::default(),
        &[
            r#"CREATE TABLE "Tag" ("id" TEXT NOT NULL, "label" VARCHAR(5), "n" INTEGER);
CREATE INDEX "Tag_label_idx" ON "Tag"("label");
ALTER TABLE "Tag" ADD CONSTRAINT "Tag_pkey" PRIMARY KEY ("id");
ALTER TABLE "Tag" ADD CONSTRAINT "Tag_label_key" UNIQUE ("label");
ALTER TABLE "Tag" ALTER COLUMN "n" SET DATA TYPE BIGINT;
ALTER TABLE "Tag" ADD COLUMN "uid" UUID NOT NULL DEFAULT gen_random_uuid();
ALTER TABLE "Tag" ADD CONSTRAINT "Tag_n_check" CHECK ("n" > 0);
INSERT INTO "Tag" SELECT "id", NULL, 1, gen_random_uuid() FROM "User";
UPDATE "Tag" SET "n" = 2;
TRUNCATE "Tag";
CLUSTER "Tag" USING "Tag_pkey";
DROP INDEX "Tag_label_idx";
"#,
        ],
    );
    assert!(found.is_empty(), "{found:?}");
}

#[test]
fn style_rules_are_off_until_configured() {
    let table = "CREATE TABLE \"E\" (\"id\" INTEGER, \"at\" TIMESTAMP(3), \"name\" VARCHAR(9), \"code\" CHAR(2));\n";
    assert!(rules(&Settings::default(), &[table]).is_empty());
    let mut settings = Settings::default();
    for id in [
        "prefer-bigint",
        "prefer-timestamptz",
        "prefer-text",
        "ban-char",
    ] {
        settings
            .severities
            .insert(id.to_string(), Some(Severity::Info));
    }
    let mut found = rules(&settings, &[table]);
    found.sort();
    assert_eq!(
        found,
        vec![
            "ban-char",
            "prefer-bigint",
            "prefer-text",
            "prefer-timestamptz"
        ]
    );
}

#[test]
fn config_ignores_drop_findings_of_one_migration_and_rule() {
    let mut settings = Settings::default();
    settings.ignores.push(IgnoreEntry {
        migration: "1_m".into(),
        rule: "drop-table".into(),
        reason: "applied long ago".into(),
    });
    let (_, found) = lint_after(
        &settings,
        USERS,
        &[
            "SET lock_timeout = '5s';\nDROP TABLE \"Post\";\n",
            "SET lock_timeout = '5s';\nDROP TABLE \"User\";\n",
        ],
    );
    assert_eq!(
        found.iter().map(|d| d.rule).collect::<Vec<_>>(),
        vec!["drop-table"]
    );
    assert!(found[0].message.contains("\"User\""));
}
