//! `GET /ig_audio`: the audio search, and the ads audio-swap discovery call (`product=ADS`).
//!
//! Search: `audio_type` (`music` or `original_sound`), `user_id` (or `ig_user_id`), optional
//! `search_query` (without it: trending). Answers `{"audio":[...]}` from a built-in library.
//!
//! Ads discovery checks, in this fixed order (the first failing one answers):
//! 1. 9050 both `user_id` and `ig_user_id`; then the user must be given (100 "parameter
//!    required") and be the caller's account (100/33);
//! 2. 9052 `purpose` is not `AUDIO_COPYRIGHT_REPLACEMENT`;
//! 3. 403/200 the token lacks `ads_management`; 403/10/9053 the app is not enabled for audio
//!    swap (`PATCH /_sandbox/app {"ads_audio_swap_enabled": true}`);
//! 4. 9056 no `audio_replacement_mode`; 9057 not auto/search/default (any case);
//!    9058 `search` without `search_query`; 9060 `search_query` in another mode;
//! 5. 9054 no `ig_media_id`; 100/33 no such media, or another account's media without a
//!    partnership code;
//! 6. 9063 `partnership_ad_code` unknown or expired; 9064 the code is for other media;
//! 7. 9062 the media is not a Reel; 9055 it has no copyrighted licensed music.
//!
//! Meta has not published the success shape of the ads call; we answer `{"audio":[...]}` like
//! the search (replacement candidates), and say so in the README.

use axum::response::Response;
use instapub_errors::Id;
use instapub_rules::audio::{self, AudioParams, Mode};
use instapub_rules::ProductType;
use serde_json::{json, Value};

use super::ctx::Ctx;
use crate::error::{
    graph_ok, invalid, object_not_found, required, store_failed, ApiError, ApiResult,
};
use crate::params::Params;
use crate::store;

/// One track of the built-in library.
struct Track {
    id: &'static str,
    title: &'static str,
    artist: &'static str,
    duration_ms: u32,
    music: bool,
}

/// The sandbox's audio library: licensed music and original sounds.
const LIBRARY: &[Track] = &[
    Track {
        id: "587784541076604",
        title: "Birthday Wish",
        artist: "Shuba",
        duration_ms: 153_760,
        music: true,
    },
    Track {
        id: "587784541076611",
        title: "Morning Run",
        artist: "Lake Avenue",
        duration_ms: 121_400,
        music: true,
    },
    Track {
        id: "587784541076628",
        title: "Quiet Harbour",
        artist: "Noor & the Tides",
        duration_ms: 187_050,
        music: true,
    },
    Track {
        id: "587784541076635",
        title: "City Lights",
        artist: "Fennel",
        duration_ms: 98_300,
        music: true,
    },
    Track {
        id: "587784541076642",
        title: "Summer Loop",
        artist: "Pia Kaur",
        duration_ms: 64_900,
        music: true,
    },
    Track {
        id: "587784541076659",
        title: "Original audio",
        artist: "instapub_demo",
        duration_ms: 15_000,
        music: false,
    },
    Track {
        id: "587784541076666",
        title: "Kitchen sounds",
        artist: "chef.mira",
        duration_ms: 22_500,
        music: false,
    },
];

fn track_json(t: &Track, base_url: &str) -> Value {
    let mut v = json!({
        "audio_id": t.id,
        "duration_in_ms": t.duration_ms,
        "audio_type": if t.music { "music" } else { "original_sound" },
        "title": t.title,
        "download_url": format!("{base_url}/_sandbox/files/audio-{}.m4a", t.id),
    });
    if t.music {
        v["cover_artwork_thumbnail_uri"] =
            json!(format!("{base_url}/_sandbox/files/cover-{}.jpg", t.id));
        v["display_artist"] = json!(t.artist);
    } else {
        v["ig_username"] = json!(t.artist);
    }
    v
}

fn matches(t: &Track, q: &str) -> bool {
    let q = q.to_lowercase();
    t.title.to_lowercase().contains(&q) || t.artist.to_lowercase().contains(&q)
}

fn err(id: Id) -> ApiError {
    ApiError::new(id)
}

/// The rules' view of the request's parameters.
fn audio_params(p: &Params) -> AudioParams {
    AudioParams {
        user_id: p.str("user_id"),
        ig_user_id: p.str("ig_user_id"),
        purpose: p.str("purpose"),
        audio_replacement_mode: p.str("audio_replacement_mode"),
        search_query: p.str("search_query"),
        ig_media_id: p.str("ig_media_id"),
    }
}

pub async fn handle(ctx: &Ctx) -> ApiResult<Response> {
    let p = &ctx.params;
    let base = ctx.app.base_url().to_owned();
    let ap = audio_params(p);
    // 1. Whose request.
    audio::check_user_ids(&ap).map_err(ApiError)?;
    let user = p
        .str("ig_user_id")
        .or_else(|| p.str("user_id"))
        .ok_or_else(|| required("user_id"))?;
    ctx.caller.require_own(&user, &user, "get")?;
    ctx.caller.require(&crate::route::PUBLISH)?;

    let Some(product) = p.str("product") else {
        return search(ctx, &base);
    };
    if product != "ADS" {
        return Err(invalid("product", "ADS"));
    }
    // 2. Purpose; 3. permissions and the feature gate.
    audio::check_purpose(&ap).map_err(ApiError)?;
    ctx.caller.require(&crate::route::ADS)?;
    let enabled = ctx
        .app
        .store
        .read(store::ads_audio_swap_enabled)
        .await
        .map_err(store_failed)?;
    if !enabled {
        return Err(err(Id::AdsAudioSwapUnavailable));
    }
    // 4, 5a. Parameters.
    let req = audio::check_ads_params(&ap).map_err(ApiError)?;
    let partnership_ad_code = p.str("partnership_ad_code");
    // 5b, 6, 7. The media and the partnership code.
    let (media_id, code) = (req.ig_media_id.clone(), partnership_ad_code.clone());
    let now = ctx.app.clock.now_ms();
    let (media, code_row) = ctx
        .app
        .store
        .write(move |c| {
            let m = store::media(c, &media_id)?;
            let k = match &code {
                Some(code) => store::partnership_code(c, code)?,
                None => None,
            };
            Ok((m, k))
        })
        .await
        .map_err(store_failed)?;
    let Some(media) = media else {
        return Err(object_not_found(&req.ig_media_id, "get"));
    };
    if partnership_ad_code.is_some() {
        match code_row {
            None => return Err(err(Id::AudioPartnershipCodeInvalid)),
            Some((_, Some(expires_at))) if now >= expires_at => {
                return Err(err(Id::AudioPartnershipCodeInvalid))
            }
            Some((code_media, _)) if code_media != media.id => {
                return Err(err(Id::AudioPartnershipCodeMismatch))
            }
            Some(_) => {}
        }
    } else if media.account_id != ctx.caller.account.id {
        return Err(object_not_found(&req.ig_media_id, "get"));
    }
    if media.media_product_type != ProductType::Reels {
        return Err(err(Id::AudioMediaNotReel));
    }
    if !media.copyrighted_music {
        return Err(err(Id::AudioNoCopyrightedMusic));
    }
    let picked: Vec<Value> = LIBRARY
        .iter()
        .filter(|t| t.music)
        .filter(|t| match (req.mode, &req.search_query) {
            (Mode::Search, Some(q)) => matches(t, q),
            (Mode::Default, _) => t.id == LIBRARY[0].id,
            _ => true,
        })
        .map(|t| track_json(t, &base))
        .collect();
    Ok(graph_ok(&json!({ "audio": picked })))
}

fn search(ctx: &Ctx, base: &str) -> ApiResult<Response> {
    let p = &ctx.params;
    let music = match p.str("audio_type").as_deref() {
        Some("music") => true,
        Some("original_sound") => false,
        Some(_) => return Err(invalid("audio_type", "music or original_sound")),
        None => return Err(required("audio_type")),
    };
    let q = p.str("search_query");
    let audio: Vec<Value> = LIBRARY
        .iter()
        .filter(|t| t.music == music)
        .filter(|t| q.as_deref().is_none_or(|q| matches(t, q)))
        .map(|t| track_json(t, base))
        .collect();
    Ok(graph_ok(&json!({ "audio": audio })))
}
