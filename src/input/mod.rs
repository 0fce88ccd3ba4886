//! What the project holds, read from disk and elsewhere: the migration histories ([`discover`]), which of their files
//! changed since a git ref ([`changed`]), which migrations are already applied ([`applied`]: a git ref, a database),
//! the Prisma schema ([`prisma_schema`]), the migration files' text ([`read`]), and which files may be read at all
//! ([`project_file`]: regular files inside the project).

pub mod applied;
pub mod changed;
pub mod discover;
pub mod prisma_schema;
pub mod project_file;
pub mod read;
