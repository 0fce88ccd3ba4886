// Each test binary uses a different part of the support code.
#![allow(dead_code)]

pub mod pg;
pub mod prisma;
