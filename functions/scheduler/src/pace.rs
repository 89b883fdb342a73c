//! Spacing sends at SES's rate, within a pass's time budget.

use std::time::Duration;

use tokio::time::Instant;

/// Hands out turns to send: the n-th no earlier than n / rate after the start, so no second
/// sees more sends than the rate, and never more than the budget allows (budget × rate), nor
/// after the budget has run out (when sends are slower than the rate).
pub struct Pacer {
    started: Instant,
    gap: Duration,
    deadline: Instant,
    allowance: u32,
    granted: u32,
}

impl Pacer {
    pub fn new(rate_per_second: u32, budget: Duration) -> Self {
        let rate = rate_per_second.max(1);
        let started = Instant::now();
        let allowance = budget.as_millis().saturating_mul(u128::from(rate)) / 1000;
        Self {
            started,
            gap: Duration::from_secs(1) / rate,
            deadline: started + budget,
            allowance: u32::try_from(allowance).unwrap_or(u32::MAX),
            granted: 0,
        }
    }

    /// Turns left in this pass, if every send is quick.
    pub fn remaining(&self) -> u32 {
        self.allowance - self.granted
    }

    /// Waits for the next turn; `false` once the pass's allowance or time is spent.
    pub async fn next_turn(&mut self) -> bool {
        if self.granted >= self.allowance {
            return false;
        }
        tokio::time::sleep_until(self.started + self.gap * self.granted).await;
        if Instant::now() >= self.deadline {
            return false;
        }
        self.granted += 1;
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // Tokio's paused clock: time moves only when every task waits, so these turns are counted
    // on a deterministic timeline rather than timed.
    #[tokio::test(start_paused = true)]
    async fn turns_keep_to_the_rate_and_stop_at_the_budget() {
        let start = Instant::now();
        let mut pacer = Pacer::new(14, Duration::from_secs(50));
        assert_eq!(pacer.remaining(), 700);
        let mut turns = Vec::new();
        while pacer.next_turn().await {
            turns.push(start.elapsed());
        }
        assert_eq!(turns.len(), 700, "50 s at 14 a second");
        assert_eq!(pacer.remaining(), 0);
        for window in turns.windows(15) {
            assert!(window[14] - window[0] >= Duration::from_secs(1), "15 sends within a second");
        }
        assert!(turns.last().is_some_and(|last| *last < Duration::from_secs(50)));
    }

    #[tokio::test(start_paused = true)]
    async fn slow_sends_end_the_pass_at_its_budget() {
        let mut pacer = Pacer::new(14, Duration::from_secs(10));
        let mut turns = 0;
        while pacer.next_turn().await {
            turns += 1;
            tokio::time::sleep(Duration::from_secs(3)).await; // an SES call that takes 3 s
        }
        assert_eq!(turns, 4, "turns at 0, 3, 6 and 9 s; none at 12 s");
        assert_eq!(pacer.remaining(), 136, "the rest of the allowance is left unused");
    }

    #[tokio::test(start_paused = true)]
    async fn a_small_budget_allows_few_sends() {
        let mut pacer = Pacer::new(4, Duration::from_millis(1500));
        let mut turns = 0;
        while pacer.next_turn().await {
            turns += 1;
        }
        assert_eq!(turns, 6);
    }
}
