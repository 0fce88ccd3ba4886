//! Seeded random input for the generative tests.

/// A tiny deterministic generator for the random tests (no dependency): a linear congruential generator.
pub struct Lcg(pub u64);

impl Lcg {
    pub fn next(&mut self) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) as usize
    }

    /// A number below `n`.
    pub fn below(&mut self, n: usize) -> usize {
        self.next() % n
    }
}

/// A number from the environment (`MIGRATE_LINT_ROUNDS`, `MIGRATE_LINT_SEED`), for longer or other random runs.
pub fn env_number(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}
