//! Reading a long table's rows on every core, merged back in row order.
//!
//! A national survey's answer sheet is read one row after another into answers, changes and
//! the ledger; each row's reading depends only on that row. The rows are cut into short
//! consecutive chunks that a few worker threads take in turn, and each chunk's result is handed
//! to the caller in row order as soon as it and every earlier chunk are done. Short chunks keep
//! the results waiting to be merged small while the workers keep pace with each other; a chunk
//! that is slow to read holds back the merge of every later one, and those wait in memory.
//!
//! This module knows nothing of surveys: it must not change what is read, only where.

use std::collections::BTreeMap;
use std::ops::Range;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;

/// More threads than this gain little on one sheet and each holds its own caches.
const MOST_WORKERS: usize = 8;

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
    let (start, read, next, range) = (&start, &read, &next, &range);
    std::thread::scope(|scope| {
        let (done, finished) = mpsc::sync_channel(workers);
        let mut started = 0;
        for _ in 0..workers.min(chunks) {
            let done = done.clone();
            let work = move || {
                let mut state = start();
                loop {
                    let chunk = next.fetch_add(1, Ordering::Relaxed);
                    if chunk >= chunks
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
