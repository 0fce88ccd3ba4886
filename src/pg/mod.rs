//! What PostgreSQL does, as facts the rules consult: the table locks operations take and which type changes rewrite
//! a table. Each fact was checked on PostgreSQL 15 (tests/truth.rs).

pub mod locks;
pub mod types;
