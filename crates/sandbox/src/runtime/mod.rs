//! The sandbox's running state beside the store, shared by every surface: the virtual clock,
//! rate-limit accounting, fault rules, the request log, the in-memory read cache, the app switches
//! every request consults, and `Range` answers for served bytes.

pub mod clock;
pub mod faults;
pub mod ranged;
pub mod rate_limit;
pub mod read_cache;
pub mod report;
pub mod request_log;
pub mod switches;
