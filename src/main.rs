// Parsing allocates many small nodes; mimalloc spends far less time on them than the system allocator.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    // mimalloc asks the kernel for transparent huge pages, which then zeroes 2 MiB at each first touch: more than a
    // short run (a pre-commit hook) spends on linting, and three times the resident memory.
    #[cfg(target_os = "linux")]
    // SAFETY: PR_SET_THP_DISABLE takes plain integers and only sets a flag on this process.
    unsafe {
        libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0);
    }
    migrate_lint::cli::main()
}
