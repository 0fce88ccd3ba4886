//! migrate-lint: a static linter for Prisma/PostgreSQL migrations.
//!
//! The folders are layers, lowest first; each imports only from the layers above it in this list:
//!
//! - [`syntax`]: a file's text cut into statements with exact spans, their tokens, sqlparser's parse.
//! - [`input`]: what the project holds: migration histories, changed files, applied migrations, the Prisma schema.
//! - [`ops`]: statements lowered to the operations that matter (Prisma's shapes read straight from tokens).
//! - [`catalog`]: the schema, replayed operation by operation.
//! - [`pg`]: PostgreSQL facts: the locks operations take, which type changes rewrite a table.
//! - [`fix`]: fix suggestions (safe SQL, schema.prisma edits) and the per-migration plans of `--fix`.
//! - [`rules`]: the rule registry, each rule in a file of its own, what they see and what they report.
//! - [`engine`]: the lint run: replay, rules, relevance, cache, suppressions, baseline.
//! - [`report`]: findings rendered (human, JSON, SARIF, GitHub, GitLab).
//! - [`cli`]: the command line: arguments, configuration, scheduling, exit code.

pub mod catalog;
pub mod cli;
pub mod engine;
pub mod fix;
pub mod input;
pub mod ops;
pub mod pg;
pub mod report;
pub mod rules;
pub mod syntax;
