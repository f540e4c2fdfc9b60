//! The analysis pool: a fixed set of named OS threads that run all CPU work of the
//! server, fed by one queue with a bounded wait line for unary calls.
//!
//! Why not `spawn_blocking` behind a semaphore (the first design): a finished analysis
//! then hands its permit back through the async runtime, which has to wake the next
//! waiting task, which spawns onto whichever blocking thread is free. The core sits idle
//! for that round trip (about a fifth of the CPU at 64 clients on 2 cores), and the
//! work hops between a dozen threads with cold caches and allocator heaps. Here a worker
//! that finishes takes the next job itself.
//!
//! A call that finds the line full is refused at once with UNAVAILABLE (the code clients
//! retry) and a `grpc-retry-pushback-ms` hint, instead of adding latency for everyone
//! behind it. Streams wait instead: each holds only a few documents in flight.

use super::metrics::Metrics;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{mpsc, Arc, Mutex};
use std::time::Instant;
use tokio::sync::oneshot;
use tonic::Status;

type Job = Box<dyn FnOnce() + Send>;

/// Why a job gave no result.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Failed {
    /// The work panicked (the worker thread lives on).
    Panicked,
    /// The pool stopped before the job ran.
    Stopped,
}

pub(crate) struct AnalysisPool {
    queue: Mutex<Option<mpsc::Sender<Job>>>,
    threads: usize,
    max_waiting: usize,
    metrics: Arc<Metrics>,
    /// Moving average of one job's run time, µs (for the retry hint).
    avg_run_us: Arc<AtomicU64>,
}

/// Counts a job out of the `waiting` gauge (counted in by `run`) when it starts, is
/// refused or skipped, or is dropped unrun with the queue.
struct Queued(Arc<Metrics>);

impl Drop for Queued {
    fn drop(&mut self) {
        self.0.waiting.fetch_sub(1, Ordering::Relaxed);
    }
}

/// Counts a job in the `running` gauge while it runs.
struct Running(Arc<Metrics>);

impl Running {
    fn start(metrics: Arc<Metrics>) -> Running {
        metrics.running.fetch_add(1, Ordering::Relaxed);
        Running(metrics)
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        self.0.running.fetch_sub(1, Ordering::Relaxed);
    }
}

impl AnalysisPool {
    /// Starts `threads` workers (at least one) named `newsroles-analysis-N`.
    ///
    /// # Errors
    /// When the OS refuses a thread.
    pub fn new(
        threads: usize,
        max_waiting: usize,
        metrics: Arc<Metrics>,
    ) -> std::io::Result<Arc<AnalysisPool>> {
        let threads = threads.max(1);
        let (tx, rx) = mpsc::channel::<Job>();
        let rx = Arc::new(Mutex::new(rx));
        for i in 0..threads {
            let rx = Arc::clone(&rx);
            std::thread::Builder::new()
                .name(format!("newsroles-analysis-{i}"))
                .spawn(move || loop {
                    // The lock is held only while waiting for the next job; a poisoned
                    // lock cannot hold a broken receiver (jobs never run under it).
                    let job = rx.lock().unwrap_or_else(|e| e.into_inner()).recv();
                    match job {
                        Ok(job) => job(),
                        Err(_) => break, // every sender gone: the pool was stopped
                    }
                })?;
        }
        Ok(Arc::new(AnalysisPool {
            queue: Mutex::new(Some(tx)),
            threads,
            max_waiting,
            metrics,
            avg_run_us: Arc::new(AtomicU64::new(5_000)),
        }))
    }

    /// Runs `work` on a pool thread and waits for its result. `push_back`: refuse
    /// (UNAVAILABLE) when `max_waiting` jobs are already queued (unary calls).
    ///
    /// Dropping the returned future before the job starts skips the job; a job that
    /// has started runs to its end (cancellable work checks a flag of its own).
    ///
    /// # Errors
    /// `Ok(Err(Failed))` when the work panicked or the pool stopped; `Err(Status)` for
    /// the push-back refusal.
    pub async fn run<R: Send + 'static>(
        &self,
        push_back: bool,
        work: impl FnOnce() -> R + Send + 'static,
    ) -> Result<Result<R, Failed>, Status> {
        let waiting = self.metrics.waiting.fetch_add(1, Ordering::Relaxed);
        let queued = Queued(Arc::clone(&self.metrics));
        if push_back && waiting >= self.max_waiting {
            return Err(self.busy(waiting)); // `queued` counts it out
        }
        let (tx, rx) = oneshot::channel();
        let avg = Arc::clone(&self.avg_run_us);
        let job: Job = Box::new(move || {
            let metrics = Arc::clone(&queued.0);
            drop(queued);
            if tx.is_closed() {
                return; // the caller went away while the job was queued
            }
            let running = Running::start(metrics);
            let started = Instant::now();
            let result = catch_unwind(AssertUnwindSafe(work)).map_err(|_| Failed::Panicked);
            // Counted out before the caller hears back, so it never sees itself running.
            drop(running);
            let took = u64::try_from(started.elapsed().as_micros()).unwrap_or(u64::MAX);
            // avg += (took - avg) / 8, racy but only a hint.
            let a = avg.load(Ordering::Relaxed);
            avg.store(a - a / 8 + took / 8, Ordering::Relaxed);
            let _ = tx.send(result);
        });
        let sent = match &*self.queue.lock().unwrap_or_else(|e| e.into_inner()) {
            Some(queue) => queue.send(job).map_err(|e| e.0),
            None => Err(job),
        };
        if let Err(job) = sent {
            drop(job); // its gauge guard counts it out
            return Ok(Err(Failed::Stopped));
        }
        Ok(rx.await.unwrap_or(Err(Failed::Stopped)))
    }

    /// Stops taking jobs; queued ones still run, then the threads end.
    pub fn stop(&self) {
        self.queue.lock().unwrap_or_else(|e| e.into_inner()).take();
    }

    fn busy(&self, waiting: usize) -> Status {
        // Roughly when the line ahead will have drained.
        let per_round_us = self.avg_run_us.load(Ordering::Relaxed).max(1_000);
        let rounds = (waiting / self.threads + 1) as u64;
        let retry_ms = (per_round_us * rounds / 1_000).clamp(10, 10_000);
        let mut status = Status::unavailable(format!(
            "server busy: {} analyses running and {waiting} requests waiting, at the limit \
             of {} (max_waiting_requests); retry in about {retry_ms} ms",
            self.threads, self.max_waiting
        ));
        if let Ok(v) = retry_ms.to_string().parse() {
            status.metadata_mut().insert("grpc-retry-pushback-ms", v);
        }
        status
    }
}

impl Drop for AnalysisPool {
    fn drop(&mut self) {
        self.stop();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::mpsc as std_mpsc;
    use tonic::Code;

    type Held = tokio::task::JoinHandle<Result<Result<bool, Failed>, Status>>;

    /// Occupies the pool's one worker until the returned sender sends.
    async fn hold_the_worker(
        pool: &Arc<AnalysisPool>,
        metrics: &Metrics,
    ) -> (std_mpsc::Sender<()>, Held) {
        let (release, gate) = std_mpsc::channel::<()>();
        let p = Arc::clone(pool);
        let held = tokio::spawn(async move { p.run(true, move || gate.recv().is_ok()).await });
        while metrics.running.load(Ordering::Relaxed) == 0 {
            tokio::task::yield_now().await;
        }
        (release, held)
    }

    #[tokio::test]
    async fn a_full_wait_line_pushes_back_and_streams_wait() {
        let metrics = Arc::new(Metrics::default());
        let pool = AnalysisPool::new(1, 1, Arc::clone(&metrics)).expect("threads");
        let (release, held) = hold_the_worker(&pool, &metrics).await;
        // One may wait …
        let p = Arc::clone(&pool);
        let waiter = tokio::spawn(async move { p.run(true, || 2).await });
        while metrics.waiting.load(Ordering::Relaxed) == 0 {
            tokio::task::yield_now().await;
        }
        // … the next is refused with a hint.
        let s = pool
            .run(true, || 3)
            .await
            .err()
            .unwrap_or_else(|| Status::ok(""));
        assert_eq!(s.code(), Code::Unavailable);
        assert!(
            s.message().contains("max_waiting_requests"),
            "{}",
            s.message()
        );
        assert!(s.metadata().get("grpc-retry-pushback-ms").is_some());
        // A stream's document queues instead.
        let p = Arc::clone(&pool);
        let streamer = tokio::spawn(async move { p.run(false, || 4).await });
        release.send(()).expect("worker waits");
        assert_eq!(held.await.ok().and_then(Result::ok), Some(Ok(true)));
        assert_eq!(waiter.await.ok().and_then(Result::ok), Some(Ok(2)));
        assert_eq!(streamer.await.ok().and_then(Result::ok), Some(Ok(4)));
        assert_eq!(metrics.waiting.load(Ordering::Relaxed), 0);
        assert_eq!(metrics.running.load(Ordering::Relaxed), 0);
    }

    #[tokio::test]
    async fn a_panic_is_reported_and_the_worker_lives_on() {
        let metrics = Arc::new(Metrics::default());
        let pool = AnalysisPool::new(1, 8, Arc::clone(&metrics)).expect("threads");
        let r: Result<Result<(), Failed>, Status> = pool.run(true, || panic!("boom")).await;
        assert_eq!(r.ok(), Some(Err(Failed::Panicked)));
        assert_eq!(pool.run(true, || 7).await.ok(), Some(Ok(7)));
        assert_eq!(metrics.running.load(Ordering::Relaxed), 0);
    }

    #[tokio::test]
    async fn a_dropped_caller_skips_its_queued_job() {
        let metrics = Arc::new(Metrics::default());
        let pool = AnalysisPool::new(1, 8, Arc::clone(&metrics)).expect("threads");
        let (release, held) = hold_the_worker(&pool, &metrics).await;
        let ran = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let flag = Arc::clone(&ran);
        let p = Arc::clone(&pool);
        let queued = tokio::spawn(async move {
            p.run(true, move || flag.store(true, Ordering::Relaxed))
                .await
        });
        while metrics.waiting.load(Ordering::Relaxed) == 0 {
            tokio::task::yield_now().await;
        }
        queued.abort();
        let _ = queued.await;
        release.send(()).expect("worker waits");
        let _ = held.await;
        // A job after the skipped one runs, so the skipped one was dequeued by now.
        assert_eq!(pool.run(true, || 1).await.ok(), Some(Ok(1)));
        assert!(!ran.load(Ordering::Relaxed));
        assert_eq!(metrics.waiting.load(Ordering::Relaxed), 0);
    }

    #[tokio::test]
    async fn a_stopped_pool_refuses_new_work() {
        let metrics = Arc::new(Metrics::default());
        let pool = AnalysisPool::new(2, 8, Arc::clone(&metrics)).expect("threads");
        pool.stop();
        assert_eq!(pool.run(true, || 1).await.ok(), Some(Err(Failed::Stopped)));
        assert_eq!(metrics.waiting.load(Ordering::Relaxed), 0);
    }
}
