//! Sandbox-wide settings kept in the `meta` table: the admin key, the clock's offset, app
//! switches, and whether the start-up scenario was applied. Every `meta` key is named here.

use rusqlite::Connection;

use super::conn::{meta_get, meta_set, StoreResult};

const ADMIN_KEY: &str = "admin_key";
const CLOCK_OFFSET: &str = "clock_offset_ms";
const ADS_AUDIO_SWAP: &str = "ads_audio_swap_enabled";
const SCENARIO_APPLIED: &str = "scenario_applied";
const REQUIRE_APPSECRET_PROOF: &str = "require_appsecret_proof";
const DEFAULT_VERSION: &str = "default_graph_version";

pub fn admin_key(c: &Connection) -> StoreResult<Option<String>> {
    meta_get(c, ADMIN_KEY)
}

pub fn set_admin_key(c: &Connection, key: &str) -> StoreResult<()> {
    meta_set(c, ADMIN_KEY, key)
}

/// The virtual clock's offset from real time, in ms (0 when never advanced).
pub fn clock_offset(c: &Connection) -> StoreResult<i64> {
    Ok(meta_get(c, CLOCK_OFFSET)?
        .and_then(|v| v.parse().ok())
        .unwrap_or(0))
}

pub fn set_clock_offset(c: &Connection, ms: i64) -> StoreResult<()> {
    meta_set(c, CLOCK_OFFSET, &ms.to_string())
}

/// Whether the app may use ads audio-swap discovery (`ig_audio?product=ADS`).
pub fn ads_audio_swap_enabled(c: &Connection) -> StoreResult<bool> {
    Ok(meta_get(c, ADS_AUDIO_SWAP)?.as_deref() == Some("1"))
}

pub fn set_ads_audio_swap_enabled(c: &Connection, on: bool) -> StoreResult<()> {
    meta_set(c, ADS_AUDIO_SWAP, if on { "1" } else { "0" })
}

/// Meta's "Require App Secret" switch: calls with a user token must carry `appsecret_proof`.
pub fn require_appsecret_proof(c: &Connection) -> StoreResult<bool> {
    Ok(meta_get(c, REQUIRE_APPSECRET_PROOF)?.as_deref() == Some("1"))
}

pub fn set_require_appsecret_proof(c: &Connection, on: bool) -> StoreResult<()> {
    meta_set(c, REQUIRE_APPSECRET_PROOF, if on { "1" } else { "0" })
}

/// The app's default Graph version (`None`: the sandbox's).
pub fn default_version(c: &Connection) -> StoreResult<Option<String>> {
    meta_get(c, DEFAULT_VERSION)
}

pub fn set_default_version(c: &Connection, version: Option<&str>) -> StoreResult<()> {
    match version {
        Some(v) => meta_set(c, DEFAULT_VERSION, v),
        None => {
            c.execute("DELETE FROM meta WHERE key = ?1", [DEFAULT_VERSION])?;
            Ok(())
        }
    }
}

pub fn scenario_applied(c: &Connection) -> StoreResult<bool> {
    Ok(meta_get(c, SCENARIO_APPLIED)?.is_some())
}

pub fn set_scenario_applied(c: &Connection) -> StoreResult<()> {
    meta_set(c, SCENARIO_APPLIED, "1")
}

/// Forgets the settings a reset undoes (app switches and the clock).
pub fn clear_for_reset(c: &Connection) -> StoreResult<()> {
    for key in [ADS_AUDIO_SWAP, REQUIRE_APPSECRET_PROOF, DEFAULT_VERSION] {
        c.execute("DELETE FROM meta WHERE key = ?1", [key])?;
    }
    set_clock_offset(c, 0)
}
