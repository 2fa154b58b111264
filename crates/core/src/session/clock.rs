//! The sprint clock: how much of the 48 sprint hours has gone, from the sprint start minus
//! the pauses (nights). Pure functions of the start, the pauses and `now`, so the footer,
//! the timeline, the session list and the report read one clock and tests need no timer.
//!
//! A pause counts only where it overlaps `[start, now]`: a pause recorded before a later
//! move of the start, or one still open, never makes the clock run backwards or past now.

/// Sprint time that does not count (the clock is paused).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Pause {
    #[serde(with = "time::serde::rfc3339")]
    pub from: OffsetDateTime,
    /// `None` while the pause is still running.
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub until: Option<OffsetDateTime>,
}

use serde::{Deserialize, Serialize};
use time::{Duration, OffsetDateTime};

/// Hours in a sprint.
pub const SPRINT: Duration = Duration::hours(48);

/// Sprint time that has counted between `start` and `now`: wall-clock time minus the parts
/// of the pauses that fall inside it. Never negative.
pub fn elapsed(start: OffsetDateTime, pauses: &[Pause], now: OffsetDateTime) -> Duration {
    if now <= start {
        return Duration::ZERO;
    }
    // Overlapping pauses (an edited file) must not be subtracted twice: merge them first.
    let mut spans: Vec<(OffsetDateTime, OffsetDateTime)> = pauses
        .iter()
        .map(|p| (p.from.max(start), p.until.unwrap_or(now).min(now)))
        .filter(|(a, b)| a < b)
        .collect();
    spans.sort_by_key(|s| s.0);
    let mut paused = Duration::ZERO;
    let mut current: Option<(OffsetDateTime, OffsetDateTime)> = None;
    for (a, b) in spans {
        match &mut current {
            Some((_, end)) if a <= *end => *end = (*end).max(b),
            _ => {
                if let Some((s, e)) = current.replace((a, b)) {
                    paused += e - s;
                }
            }
        }
    }
    if let Some((s, e)) = current {
        paused += e - s;
    }
    (now - start - paused).max(Duration::ZERO)
}

/// True while the last pause has no end.
pub fn is_paused(pauses: &[Pause]) -> bool {
    pauses.last().is_some_and(|p| p.until.is_none())
}

/// Where the clock stands, in the words the screens use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reading {
    /// Within the sprint: whole hours gone (0 to 48).
    Hour(i64),
    /// Past the 48 hours by this many started hours (at least 1).
    Over(i64),
}

impl Reading {
    /// The reading for `elapsed` sprint time.
    pub fn of(elapsed: Duration) -> Reading {
        if elapsed <= SPRINT {
            Reading::Hour(elapsed.whole_hours())
        } else {
            // Started hours: 48h01m is "over by 1h", never "over by 0h".
            let over = elapsed - SPRINT;
            let hours = over.whole_hours() + i64::from(over.whole_seconds() % 3600 != 0);
            Reading::Over(hours.max(1))
        }
    }

    /// The hour on the 48-hour ruler (48 once over).
    pub fn hour(self) -> i64 {
        match self {
            Reading::Hour(h) => h,
            Reading::Over(_) => SPRINT.whole_hours(),
        }
    }

    /// "hour 13 of 48", or "over by 3h" past the sprint.
    pub fn label(self) -> String {
        match self {
            Reading::Hour(h) => format!("hour {h} of {}", SPRINT.whole_hours()),
            Reading::Over(h) => format!("over by {h}h"),
        }
    }
}

/// Where a runbook window (a stage or a step of the sequence) stands against the clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Due {
    /// Every check of it is done.
    Done,
    /// Its window has not opened yet.
    Upcoming,
    /// Its window is open and something in it is not done.
    Now,
    /// Its window has closed with something in it not done.
    Overdue,
}

/// Where the window `hours` (start, end) stands at sprint hour `hour`.
pub fn due(hours: (u8, u8), hour: i64, done: bool) -> Due {
    let (start, end) = (i64::from(hours.0), i64::from(hours.1));
    match () {
        () if done => Due::Done,
        () if hour >= end => Due::Overdue,
        () if hour >= start => Due::Now,
        () => Due::Upcoming,
    }
}

/// The reading for a session's start and pauses at `now`.
pub fn read(start: OffsetDateTime, pauses: &[Pause], now: OffsetDateTime) -> Reading {
    Reading::of(elapsed(start, pauses, now))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use time::macros::datetime;

    const T0: OffsetDateTime = datetime!(2026-03-02 09:00 UTC);

    fn pause(from_h: i64, until_h: Option<i64>) -> Pause {
        Pause {
            from: T0 + Duration::hours(from_h),
            until: until_h.map(|h| T0 + Duration::hours(h)),
        }
    }

    #[test]
    fn a_night_does_not_count() {
        let pauses = [pause(10, Some(18))];
        let now = T0 + Duration::hours(20);
        assert_eq!(elapsed(T0, &pauses, now), Duration::hours(12));
        assert_eq!(read(T0, &pauses, now).label(), "hour 12 of 48");
    }

    #[test]
    fn an_open_pause_stops_the_clock_at_its_start() {
        let pauses = [pause(5, Some(6)), pause(10, None)];
        assert!(is_paused(&pauses));
        for h in [10, 11, 30] {
            assert_eq!(
                elapsed(T0, &pauses, T0 + Duration::hours(h)),
                Duration::hours(9)
            );
        }
    }

    #[test]
    fn past_the_sprint_it_says_how_far_over() {
        assert_eq!(
            read(T0, &[], T0 + Duration::hours(48)).label(),
            "hour 48 of 48"
        );
        let late = T0 + Duration::hours(48) + Duration::minutes(1);
        assert_eq!(read(T0, &[], late).label(), "over by 1h");
        assert_eq!(
            read(T0, &[], T0 + Duration::hours(96)).label(),
            "over by 48h"
        );
        assert_eq!(read(T0, &[], T0 + Duration::hours(96)).hour(), 48);
    }

    #[test]
    fn before_the_start_and_overlapping_pauses() {
        assert_eq!(elapsed(T0, &[], T0 - Duration::hours(3)), Duration::ZERO);
        let overlapping = [pause(2, Some(6)), pause(4, Some(8))];
        assert_eq!(
            elapsed(T0, &overlapping, T0 + Duration::hours(10)),
            Duration::hours(4)
        );
        // A pause from before a later start counts only from the start.
        assert_eq!(
            elapsed(T0, &[pause(-5, Some(2))], T0 + Duration::hours(10)),
            Duration::hours(8)
        );
    }

    proptest! {
        #[test]
        fn elapsed_is_bounded_and_monotonic(
            raw in proptest::collection::vec((0i64..200, 0i64..30, any::<bool>()), 0..6),
            a in 0i64..300,
            b in 0i64..300,
        ) {
            let pauses: Vec<Pause> = raw
                .iter()
                .map(|&(from, len, open)| pause(from, (!open).then_some(from + len)))
                .collect();
            let (lo, hi) = (a.min(b), a.max(b));
            let e_lo = elapsed(T0, &pauses, T0 + Duration::hours(lo));
            let e_hi = elapsed(T0, &pauses, T0 + Duration::hours(hi));
            prop_assert!(e_lo >= Duration::ZERO);
            prop_assert!(e_hi <= Duration::hours(hi));
            prop_assert!(e_lo <= e_hi);
            let label = Reading::of(e_hi).label();
            // Never an hour past the sprint's length.
            if let Reading::Hour(h) = Reading::of(e_hi) {
                prop_assert!(h <= 48, "{label}");
            }
        }
    }
}
