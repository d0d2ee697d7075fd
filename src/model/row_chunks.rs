//! Reading a long table's rows on every core, merged back in row order.
//!
//! A national survey's answer sheet is read one row after another into answers, changes and
//! the ledger; each row's reading depends only on that row. The rows are cut into short
//! consecutive chunks that a few worker threads take in turn, and each chunk's result is handed
//! to the caller in row order as soon as it and every earlier chunk are done. A worker does not
//! start a chunk more than [`AHEAD_PER_WORKER`] chunks per worker past the next one to merge,
//! so however slow one chunk is, the results waiting for it stay a few short chunks, and the
//! merged tables are never held twice over.
//!
//! This module knows nothing of surveys: it must not change what is read, only where.

use std::collections::BTreeMap;
use std::ops::Range;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{mpsc, Condvar, Mutex, PoisonError};

/// More threads than this gain little on one sheet and each holds its own caches.
const MOST_WORKERS: usize = 8;

/// How far past the next chunk to merge each worker may run, in chunks.
const AHEAD_PER_WORKER: usize = 2;

/// The merge's progress, which holds back workers that run too far ahead of it.
struct Window {
    /// The next chunk to merge.
    due: Mutex<usize>,
    moved: Condvar,
    /// A worker panicked: the chunk it held will never be merged, so nobody waits for it.
    broken: AtomicBool,
    ahead: usize,
}

impl Window {
    /// Waits until `chunk` may be started; false when the work has broken off.
    fn wait_for_room(&self, chunk: usize) -> bool {
        let mut due = self.due.lock().unwrap_or_else(PoisonError::into_inner);
        while chunk >= *due + self.ahead && !self.broken.load(Ordering::Relaxed) {
            due = self.moved.wait(due).unwrap_or_else(PoisonError::into_inner);
        }
        !self.broken.load(Ordering::Relaxed)
    }

    fn merged_up_to(&self, due: usize) {
        *self.due.lock().unwrap_or_else(PoisonError::into_inner) = due;
        self.moved.notify_all();
    }
}

/// Breaks the window off when its worker unwinds from a panic, so the others stop waiting.
struct BreakOnPanic<'w>(&'w Window);

impl Drop for BreakOnPanic<'_> {
    fn drop(&mut self) {
        if std::thread::panicking() {
            // Under the lock, so that no worker is between looking and waiting.
            let _due = self.0.due.lock().unwrap_or_else(PoisonError::into_inner);
            self.0.broken.store(true, Ordering::Relaxed);
            self.0.moved.notify_all();
        }
    }
}

/// How many threads share out the work on one table (its rows here, its questions in analysis):
/// one per core the process may use, at most [`MOST_WORKERS`].
pub(crate) fn workers() -> usize {
    std::thread::available_parallelism()
        .map_or(1, std::num::NonZeroUsize::get)
        .min(MOST_WORKERS)
}

/// Runs `read` over `0..len` cut into chunks of `chunk_rows`, on `workers` threads, and passes
/// each chunk's result to `merge` in order: first the chunk starting at 0, then the next.
///
/// Each worker starts with `start()` (its caches) and keeps it from one chunk to the next. With
/// one worker, or a single chunk, or when no thread can be had, everything runs on the calling
/// thread.
pub(crate) fn in_row_order<S, T: Send>(
    len: usize,
    chunk_rows: usize,
    workers: usize,
    start: impl Fn() -> S + Sync,
    read: impl Fn(&mut S, Range<usize>) -> T + Sync,
    mut merge: impl FnMut(T),
) {
    let chunk_rows = chunk_rows.max(1);
    let chunks = len.div_ceil(chunk_rows);
    let range = |chunk: usize| chunk * chunk_rows..((chunk + 1) * chunk_rows).min(len);
    let alone = |merge: &mut dyn FnMut(T)| {
        let mut state = start();
        for chunk in 0..chunks {
            merge(read(&mut state, range(chunk)));
        }
    };
    if workers <= 1 || chunks <= 1 {
        alone(&mut merge);
        return;
    }
    let next = AtomicUsize::new(0);
    let window = Window {
        due: Mutex::new(0),
        moved: Condvar::new(),
        broken: AtomicBool::new(false),
        ahead: workers.saturating_mul(AHEAD_PER_WORKER).max(1),
    };
    let (start, read, next, range, window) = (&start, &read, &next, &range, &window);
    std::thread::scope(|scope| {
        let (done, finished) = mpsc::sync_channel(workers);
        let mut started = 0;
        for _ in 0..workers.min(chunks) {
            let done = done.clone();
            let work = move || {
                let _break_on_panic = BreakOnPanic(window);
                let mut state = start();
                loop {
                    // Chunks are taken in order, so the one due is always held by a worker
                    // that is reading it, never by one that waits.
                    let chunk = next.fetch_add(1, Ordering::Relaxed);
                    if chunk >= chunks
                        || !window.wait_for_room(chunk)
                        || done.send((chunk, read(&mut state, range(chunk)))).is_err()
                    {
                        break;
                    }
                }
            };
            // A thread the system will not give is one worker fewer, not a failed read.
            match std::thread::Builder::new().spawn_scoped(scope, work) {
                Ok(_) => started += 1,
                Err(_) => break,
            }
        }
        drop(done);
        if started == 0 {
            alone(&mut merge);
            return;
        }
        // The receiving loop ends once every worker has ended (a panicking one included:
        // the scope then passes its panic on).
        let mut waiting = BTreeMap::new();
        let mut due = 0;
        for (chunk, result) in finished {
            waiting.insert(chunk, result);
            while let Some(result) = waiting.remove(&due) {
                merge(result);
                due += 1;
                window.merged_up_to(due);
            }
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chunks_seen(len: usize, chunk_rows: usize, workers: usize) -> Vec<Range<usize>> {
        let mut seen = Vec::new();
        in_row_order(
            len,
            chunk_rows,
            workers,
            || (),
            |_, rows| {
                // Later chunks finish first now and then, so the merge has to wait for them.
                if rows.start == 0 {
                    std::thread::sleep(std::time::Duration::from_millis(20));
                }
                rows
            },
            |rows| seen.push(rows),
        );
        seen
    }

    /// However slow the first chunk is, the others do not run more than the window ahead.
    #[test]
    fn workers_wait_for_a_slow_chunk_instead_of_piling_up_results() {
        let merged = AtomicUsize::new(0);
        let furthest_ahead = AtomicUsize::new(0);
        let mut seen = 0;
        in_row_order(
            200,
            1,
            3,
            || (),
            |_, rows| {
                if rows.start == 0 {
                    std::thread::sleep(std::time::Duration::from_millis(100));
                }
                let lead = rows.start - merged.load(Ordering::SeqCst);
                furthest_ahead.fetch_max(lead, Ordering::SeqCst);
            },
            |()| {
                seen += 1;
                merged.store(seen, Ordering::SeqCst);
            },
        );
        assert_eq!(seen, 200);
        let furthest = furthest_ahead.load(Ordering::SeqCst);
        assert!(
            furthest < 3 * AHEAD_PER_WORKER,
            "ran {furthest} chunks ahead"
        );
        assert!(
            furthest >= 2,
            "the others did run ahead while the first was slow"
        );
    }

    /// A worker that panics ends the run with its panic, rather than leaving the others
    /// waiting for its chunk.
    #[test]
    fn a_panicking_worker_ends_the_run_instead_of_hanging_it() {
        let outcome = std::panic::catch_unwind(|| {
            in_row_order(
                100,
                1,
                2,
                || (),
                |_, rows| {
                    if rows.start == 0 {
                        std::thread::sleep(std::time::Duration::from_millis(50));
                        panic!("chunk 0 cannot be read");
                    }
                },
                |()| {},
            )
        });
        assert!(outcome.is_err());
    }

    #[test]
    fn chunks_are_merged_in_row_order_whichever_finishes_first() {
        assert_eq!(
            chunks_seen(10, 3, 3),
            vec![0..3, 3..6, 6..9, 9..10],
            "three workers"
        );
        assert_eq!(chunks_seen(10, 3, 1), vec![0..3, 3..6, 6..9, 9..10]);
        assert_eq!(chunks_seen(4, 100, 2), vec![0..4]);
        assert_eq!(chunks_seen(0, 3, 2), Vec::<Range<usize>>::new());
    }
}
