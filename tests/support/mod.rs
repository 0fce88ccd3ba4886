//! The one support module of the integration tests: each test file says `mod support;` (a test in a folder, such
//! as `tests/rules/`, says `#[path = "../support/mod.rs"] mod support;`) and uses what it needs.
//!
//! - [`lint`]: the library, in-process. The only place the tests drive the pipeline, so an API change is fixed here.
//! - [`case`]: the per-rule examples of `tests/rules/` (bad SQL with its rendered diagnostic, good SQL).
//! - [`run`]: the built binary, as a user runs it.
//! - [`pages`]: the examples on the rule pages `rules/<id>.md`.
//! - [`files`], [`corpus`], [`random`]: temporary projects, the shared corpus, a seeded generator.
//! - [`pg`]: throwaway PostgreSQL servers; [`prisma`]: the real Prisma CLI.

// Each test binary uses a different part of the support code.
#![allow(dead_code, unused_imports)]

pub mod case;
pub mod corpus;
pub mod files;
pub mod fix_project;
pub mod lint;
pub mod pages;
pub mod pg;
pub mod prisma;
pub mod random;
pub mod run;
