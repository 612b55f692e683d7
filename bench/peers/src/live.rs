//! [`Counting`]: a global allocator over the system one that can count the
//! bytes live in the heap, to split a process' RSS into what its objects
//! hold and what the allocator keeps after frees (`ours` with
//! `PEERS_BREAKDOWN=1`; see docs/performance.md, "Where the cache's memory goes").
//!
//! Counting is off until [`Counting::enable`], so the timed runs pay one
//! relaxed load per call and nothing else.
#![allow(unsafe_code)]

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicBool, AtomicIsize, Ordering};

static ENABLED: AtomicBool = AtomicBool::new(false);
static LIVE: AtomicIsize = AtomicIsize::new(0);

/// The system allocator, counting requested bytes while enabled.
#[derive(Debug, Default)]
pub struct Counting;

impl Counting {
    /// Starts counting. Bytes allocated earlier and freed later count
    /// negative, so read differences between two [`Counting::live`] calls.
    pub fn enable() {
        ENABLED.store(true, Ordering::Relaxed);
    }

    /// Requested bytes allocated minus freed since [`Counting::enable`].
    pub fn live() -> isize {
        LIVE.load(Ordering::Relaxed)
    }

    fn add(delta: isize) {
        if ENABLED.load(Ordering::Relaxed) {
            LIVE.fetch_add(delta, Ordering::Relaxed);
        }
    }
}

fn signed(n: usize) -> isize {
    isize::try_from(n).unwrap_or(isize::MAX)
}

// SAFETY: every call forwards to `System` with the caller's arguments
// unchanged; the counting touches only atomics and never allocates.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        Self::add(signed(layout.size()));
        // SAFETY: the caller upholds `GlobalAlloc::alloc`'s contract.
        unsafe { System.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        Self::add(signed(layout.size()));
        // SAFETY: as for `alloc`.
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        Self::add(-signed(layout.size()));
        // SAFETY: `ptr` came from `System` with `layout` (every allocation
        // of this process goes through `Counting`).
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        Self::add(signed(new_size) - signed(layout.size()));
        // SAFETY: as for `dealloc`; `new_size` is the caller's.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

unsafe extern "C" {
    fn malloc_trim(pad: usize) -> i32;
}

/// Asks glibc's malloc to return every free page it holds to the system
/// (`malloc_trim(0)`); `true` when some memory was released.
pub fn trim() -> bool {
    // SAFETY: glibc's `malloc_trim` takes any pad and touches only the
    // allocator's own state.
    unsafe { malloc_trim(0) == 1 }
}
