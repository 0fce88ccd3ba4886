//! What the project holds, read from disk and elsewhere: the migration histories ([`discover`]), which of their files
//! changed since a git ref ([`changed`]), which migrations are already applied ([`applied`]: a git ref, a database),
//! the Prisma schema ([`prisma_schema`]), and
//! the migration files' text ([`read`]).

pub mod applied;
pub mod changed;
pub mod discover;
pub mod prisma_schema;
pub mod read;
