//! migrate-lint: a static linter for Prisma/PostgreSQL migrations.
//!
//! The pipeline reads top-down: [`discover`] finds histories, [`split`] cuts files into statements, [`parse`] parses
//! each with sqlparser (fed the splitter's own tokens by [`parser_tokens`]), [`ops`] lowers them to the operations
//! that matter (reading the shapes Prisma writes straight from tokens, unparsed), [`catalog`] replays them in order, [`rules`] check each operation against the catalog before it, and
//! [`report`] renders the findings. [`applied`] reads which migrations are already applied (a git ref, a database)
//! for the rules about applied history.

pub mod applied;
pub mod baseline;
pub mod cache;
pub mod catalog;
pub mod cli;
pub mod commands;
pub mod config;
pub mod cursor;
pub mod diagnostic;
pub mod discover;
pub mod drift;
pub mod git;
pub mod lint;
pub mod ops;
pub mod parse;
pub mod parser_tokens;
pub mod prisma_schema;
pub mod relevance;
pub mod report;
pub mod rules;
pub mod settings;
pub mod source;
pub mod split;
pub mod suggestion;
pub mod suppress;
