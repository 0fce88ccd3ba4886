// Parsing allocates many small nodes; mimalloc spends far less time on them than the system allocator. Its `no_thp`
// feature (Cargo.toml) keeps it from asking for transparent huge pages, which a short run (a pre-commit hook) would
// spend more time zeroing than linting.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    std::process::ExitCode::from(migrate_lint::cli::main())
}
