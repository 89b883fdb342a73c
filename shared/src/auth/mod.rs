//! Authentication: passwords, tokens, sessions (refresh-token families), login throttling, and
//! the [`Caller`] extractor that turns a bearer token into a signed-in user.

mod caller;
mod password;
mod sessions;
pub mod throttle;
mod tokens;

pub use caller::{AccountChecked, Bearer, Caller, CallerDb, NOT_SIGNED_IN};
pub use password::Passwords;
pub use sessions::{TokenPair, revoke_all_sessions, revoke_family, rotate_session, start_session};
pub use tokens::{Claims, TokenKeys, TokenType, spend_action_token};
