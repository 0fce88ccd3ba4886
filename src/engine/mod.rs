//! A lint run ([`session`]: options in, findings out) and, within it, the run over one history: replay every migration into the catalog and run the rules ([`lint`]), skipping
//! what cannot change a reported file's findings ([`relevance`]), restoring the replay from the cache ([`cache`]),
//! then applying suppressions ([`suppress`]) and the baseline of accepted findings ([`baseline`]).

pub mod baseline;
pub mod cache;
pub mod fix_run;
pub mod lint;
pub mod relevance;
pub mod session;
pub mod suppress;
