//! Bounded work per document: a [`Budget`] is a time limit and a cancellation flag
//! that the pipeline checks between its stages and inside its long loops, so an
//! analysis that runs too long or whose caller went away stops with an error instead
//! of holding a thread.
//!
//! Every stage is linear in its input (bounded look-back windows), so the budget is a
//! guard against what was missed, not the way work is normally bounded. A check is one
//! clock read: loops call [`Budget::tick`], which reads the clock every
//! [`TICK_EVERY`] calls.

use crate::error::{Error, Result};
use std::cell::Cell;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Loop iterations between two clock reads in [`Budget::tick`].
pub const TICK_EVERY: u32 = 256;

/// The default per-document limit of the CLI and the server: about 40× what the
/// largest accepted document (16 MiB of news) takes on one core.
pub const DEFAULT_LIMIT: Duration = Duration::from_secs(60);

/// Why an analysis stopped early.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stop {
    /// The caller cancelled (a gRPC client went away or its deadline passed).
    Cancelled,
    /// The per-document time limit passed.
    OverBudget,
}

/// A per-document work budget; see the module docs. Not `Sync`: one analysis, one
/// thread.
#[derive(Debug, Default)]
pub struct Budget {
    /// When the work must stop, and the limit that set it (for the message).
    deadline: Option<(Instant, Duration)>,
    cancel: Option<Arc<AtomicBool>>,
    ticks: Cell<u32>,
    /// Steps of work counted by [`Budget::spend`] (candidates compared …), and the
    /// most allowed: a limit that does not depend on the machine's speed.
    work: Cell<u64>,
    work_limit: Option<u64>,
}

impl Budget {
    /// No limit and no cancellation.
    pub fn unlimited() -> Budget {
        Budget::default()
    }

    /// At most `limit` of time from now.
    pub fn limited(limit: Duration) -> Budget {
        Budget {
            deadline: Instant::now().checked_add(limit).map(|d| (d, limit)),
            ..Budget::default()
        }
    }

    /// Also stops once `flag` is set (by another thread).
    pub fn cancelled_by(mut self, flag: Arc<AtomicBool>) -> Budget {
        self.cancel = Some(flag);
        self
    }

    /// Also stops once more than `steps` steps of work were spent.
    pub fn with_work_limit(mut self, steps: u64) -> Budget {
        self.work_limit = Some(steps);
        self
    }

    /// Counts `steps` steps of work (checked at the next [`Budget::tick`] or
    /// [`Budget::check`]): for inner loops, where a check would cost too much.
    pub fn spend(&self, steps: u64) {
        self.work.set(self.work.get().saturating_add(steps));
    }

    /// Steps of work spent so far.
    pub fn spent(&self) -> u64 {
        self.work.get()
    }

    /// Why the work must stop now, if it must.
    pub fn stop(&self) -> Option<Stop> {
        if self
            .cancel
            .as_ref()
            .is_some_and(|c| c.load(Ordering::Relaxed))
        {
            return Some(Stop::Cancelled);
        }
        if self.work_limit.is_some_and(|l| self.work.get() > l) {
            return Some(Stop::OverBudget);
        }
        match self.deadline {
            Some((d, _)) if Instant::now() >= d => Some(Stop::OverBudget),
            _ => None,
        }
    }

    /// An error when the work must stop: [`Error::Cancelled`] or
    /// [`Error::OverBudget`] naming the limit and `stage`.
    ///
    /// # Errors
    /// As above.
    pub fn check(&self, stage: &'static str) -> Result<()> {
        match self.stop() {
            None => Ok(()),
            Some(Stop::Cancelled) => Err(Error::Cancelled),
            Some(Stop::OverBudget) => Err(Error::OverBudget {
                budget: match (self.work_limit, self.deadline) {
                    (Some(l), _) if self.work.get() > l => format!("work budget of {l} steps"),
                    (_, Some((_, d))) => {
                        format!("per-document time budget of {} s", d.as_secs_f64())
                    }
                    _ => "budget".into(),
                },
                stage,
            }),
        }
    }

    /// [`Budget::check`] every [`TICK_EVERY`] calls: for the body of a long loop.
    ///
    /// # Errors
    /// As [`Budget::check`].
    pub fn tick(&self, stage: &'static str) -> Result<()> {
        let t = self.ticks.get().wrapping_add(1);
        self.ticks.set(t);
        if t.is_multiple_of(TICK_EVERY) {
            self.check(stage)
        } else {
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unlimited_never_stops() {
        let b = Budget::unlimited();
        for _ in 0..10_000 {
            b.tick("loop").unwrap();
        }
        assert_eq!(b.stop(), None);
    }

    #[test]
    fn a_passed_limit_names_itself_and_the_stage() {
        let b = Budget::limited(Duration::ZERO);
        let e = b.check("entities").unwrap_err();
        let msg = e.to_string();
        assert!(
            msg.contains("time budget of 0 s") && msg.contains("entities"),
            "{msg}"
        );
        // tick reads the clock only every TICK_EVERY calls.
        for _ in 1..TICK_EVERY {
            b.tick("entities").unwrap();
        }
        assert!(b.tick("entities").is_err());
    }

    #[test]
    fn spent_work_over_the_limit_stops_at_the_next_check() {
        let b = Budget::unlimited().with_work_limit(100);
        b.spend(100);
        assert!(b.check("entities").is_ok());
        b.spend(1);
        let msg = b.check("entities").unwrap_err().to_string();
        assert!(msg.contains("work budget of 100 steps"), "{msg}");
    }

    #[test]
    fn cancellation_from_another_thread_stops_the_work() {
        let flag = Arc::new(AtomicBool::new(false));
        let b = Budget::limited(Duration::from_secs(3600)).cancelled_by(Arc::clone(&flag));
        assert!(b.check("text").is_ok());
        std::thread::spawn(move || flag.store(true, Ordering::Relaxed))
            .join()
            .unwrap();
        assert!(matches!(b.check("text"), Err(Error::Cancelled)));
    }
}
