use std::alloc::{GlobalAlloc, Layout};

use libmimalloc_sys::{
    mi_free, mi_malloc, mi_malloc_aligned, mi_realloc, mi_realloc_aligned, mi_zalloc,
    mi_zalloc_aligned,
};

// Parsing allocates many small nodes; mimalloc spends far less time on them than the system allocator.
#[global_allocator]
static GLOBAL: Mimalloc = Mimalloc;

/// mimalloc, asked through its plain API wherever that is aligned enough (the `mimalloc` crate goes through the
/// aligned API for every block, whose extra checks were about 1% of a corpus run).
struct Mimalloc;

/// Every mimalloc block is aligned to a word at least; stricter layouts (rare) use the aligned API.
const PLAIN_ALIGN: usize = std::mem::size_of::<usize>();

// SAFETY: each call hands mimalloc a layout's size (and alignment when stricter than a word), and frees only what it
// returned, as `GlobalAlloc` requires.
unsafe impl GlobalAlloc for Mimalloc {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let block = if layout.align() <= PLAIN_ALIGN {
            mi_malloc(layout.size())
        } else {
            mi_malloc_aligned(layout.size(), layout.align())
        };
        block.cast()
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        let block = if layout.align() <= PLAIN_ALIGN {
            mi_zalloc(layout.size())
        } else {
            mi_zalloc_aligned(layout.size(), layout.align())
        };
        block.cast()
    }

    unsafe fn dealloc(&self, ptr: *mut u8, _layout: Layout) {
        mi_free(ptr.cast());
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let block = if layout.align() <= PLAIN_ALIGN {
            mi_realloc(ptr.cast(), new_size)
        } else {
            mi_realloc_aligned(ptr.cast(), new_size, layout.align())
        };
        block.cast()
    }
}

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
