// Parsing allocates many small nodes; mimalloc spends far less time on them than the system allocator.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    // Transparent huge pages make the kernel zero 2 MiB at each first touch: more than a short run (a pre-commit
    // hook) spends on linting, and three times the resident memory. mimalloc's `no_thp` feature (Cargo.toml) stops it
    // asking for them, which covers the allocations made before main; this also covers kernels that use them
    // unasked (`transparent_hugepage=always`).
    #[cfg(target_os = "linux")]
    // SAFETY: PR_SET_THP_DISABLE takes plain integers and only sets a flag on this process.
    unsafe {
        libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0);
    }
    let code = migrate_lint::cli::main();
    // Straight to the kernel, skipping the exit handlers: mimalloc's hands every page back with madvise first (a
    // hundred calls after a corpus run), which the kernel does anyway as the process ends. stdout is flushed here;
    // stderr is not buffered.
    #[cfg(target_os = "linux")]
    {
        use std::io::Write;
        if std::io::stdout().flush().is_ok() {
            // SAFETY: _exit ends the process at once; nothing of it runs afterwards.
            unsafe { libc::_exit(code.into()) }
        }
    }
    std::process::ExitCode::from(code)
}
