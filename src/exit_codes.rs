//! The process exit codes, documented in the README.

/// An exit code, with a merge that keeps the most serious outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ExitCode(pub i32);

impl ExitCode {
    /// Everything done.
    pub const SUCCESS: ExitCode = ExitCode(0);
    /// An error: bad configuration, I/O, a locked ledger, an API that refused the credentials.
    pub const ERROR: ExitCode = ExitCode(1);
    /// `plan --detailed-exitcode`: the plan has changes to apply.
    pub const CHANGES_PENDING: ExitCode = ExitCode(2);
    /// A schedule file is invalid; nothing was sent.
    pub const INVALID_INPUT: ExitCode = ExitCode(3);
    /// `apply` finished, but some sessions failed (see the summary or `--report`).
    pub const PARTIAL_FAILURE: ExitCode = ExitCode(4);
    /// `attendance --fail-under P`: a rostered learner's completion is below P.
    pub const FAIL_UNDER: ExitCode = ExitCode(5);
    /// Stopped by Ctrl-C after recording the calls in flight; the next run resumes.
    pub const INTERRUPTED: ExitCode = ExitCode(130);

    /// The more serious of two outcomes.
    pub fn merge(self, other: ExitCode) -> ExitCode {
        // Incomplete data (4) outranks a completion below the bar (5), which it may explain.
        let rank = |c: ExitCode| match c.0 {
            0 => 0,
            2 => 1,
            5 => 2,
            4 => 3,
            3 => 4,
            1 => 5,
            _ => 6,
        };
        if rank(other) > rank(self) {
            other
        } else {
            self
        }
    }
}

#[cfg(test)]
mod tests {
    use super::ExitCode as E;

    #[test]
    fn merge_keeps_the_most_serious() {
        assert_eq!(E::SUCCESS.merge(E::PARTIAL_FAILURE), E::PARTIAL_FAILURE);
        assert_eq!(E::INVALID_INPUT.merge(E::CHANGES_PENDING), E::INVALID_INPUT);
        assert_eq!(E::ERROR.merge(E::INTERRUPTED), E::INTERRUPTED);
        assert_eq!(E::CHANGES_PENDING.merge(E::SUCCESS), E::CHANGES_PENDING);
        assert_eq!(E::FAIL_UNDER.merge(E::SUCCESS), E::FAIL_UNDER);
        assert_eq!(E::FAIL_UNDER.merge(E::PARTIAL_FAILURE), E::PARTIAL_FAILURE);
    }
}
