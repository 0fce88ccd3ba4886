//! What PostgreSQL does, as facts the rules consult: the table locks operations take, which type changes rewrite
//! a table and which function calls are volatile. Each fact was checked on PostgreSQL 15 (tests/truth.rs).

pub mod functions;
pub mod locks;
pub mod types;
