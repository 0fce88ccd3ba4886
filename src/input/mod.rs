//! What the project holds, read from disk and elsewhere: the migration histories ([`discover`]), which of their files
//! changed since a git ref ([`changed`]), which migrations are already applied ([`applied`]: a git ref, a database),
//! and the Prisma schema ([`prisma_schema`]).

pub mod applied;
pub mod changed;
pub mod discover;
pub mod prisma_schema;
pub mod project_file;
