// Parsing allocates many small nodes; mimalloc spends far less time on them than the system allocator.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    migrate_lint::cli::main()
}
