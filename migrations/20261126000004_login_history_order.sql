-- Staff read the login history filtered by outcome and ordered by time ("failed attempts, latest
-- first"): one index serves both, and still serves the outcome filter alone.
CREATE INDEX login_attempts_success_created ON login_attempts (success, created_at);
DROP INDEX login_attempts_success ON login_attempts;
