//! The `ig_audio` parameter rules (seed rows 9050-9064) that depend on the parameters alone.
//! The sandbox runs them in this order, interleaved with the checks that need state (the
//! account, permissions, the media, partnership codes); see its `graph/ig_audio.rs`.

use instapub_errors::{CatalogError, Id};

/// The ads call's audio replacement modes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Auto,
    Search,
    Default,
}

/// The parameters of `GET /ig_audio` the rules look at (`None` = absent).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AudioParams {
    pub user_id: Option<String>,
    pub ig_user_id: Option<String>,
    pub purpose: Option<String>,
    pub audio_replacement_mode: Option<String>,
    pub search_query: Option<String>,
    pub ig_media_id: Option<String>,
}

/// A discovery request that passed the parameter rules.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AdsRequest {
    pub mode: Mode,
    pub search_query: Option<String>,
    pub ig_media_id: String,
}

/// 9050: both user ids.
pub fn check_user_ids(p: &AudioParams) -> Result<(), CatalogError> {
    if p.user_id.is_some() && p.ig_user_id.is_some() {
        Err(CatalogError::new(Id::AudioBothUserIds))
    } else {
        Ok(())
    }
}

/// 9052: `purpose` must be `AUDIO_COPYRIGHT_REPLACEMENT`.
pub fn check_purpose(p: &AudioParams) -> Result<(), CatalogError> {
    match p.purpose.as_deref() {
        Some("AUDIO_COPYRIGHT_REPLACEMENT") => Ok(()),
        _ => Err(CatalogError::new(Id::AudioPurposeInvalid)),
    }
}

/// 9056, 9057, 9058, 9060, 9054, in that order.
pub fn check_ads_params(p: &AudioParams) -> Result<AdsRequest, CatalogError> {
    let mode = match p.audio_replacement_mode.as_deref() {
        None => return Err(CatalogError::new(Id::AudioModeMissing)),
        Some(m) => match m.to_ascii_lowercase().as_str() {
            "auto" => Mode::Auto,
            "search" => Mode::Search,
            "default" => Mode::Default,
            _ => return Err(CatalogError::new(Id::AudioModeInvalid)),
        },
    };
    match (mode, &p.search_query) {
        (Mode::Search, None) => return Err(CatalogError::new(Id::AudioSearchQueryMissing)),
        (Mode::Auto | Mode::Default, Some(_)) => {
            return Err(CatalogError::new(Id::AudioSearchQueryNotAllowed))
        }
        _ => {}
    }
    let ig_media_id = p
        .ig_media_id
        .clone()
        .ok_or_else(|| CatalogError::new(Id::AudioMediaIdMissing))?;
    Ok(AdsRequest {
        mode,
        search_query: p.search_query.clone(),
        ig_media_id,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with(mode: Option<&str>, q: Option<&str>, media: Option<&str>) -> Result<AdsRequest, Id> {
        check_ads_params(&AudioParams {
            audio_replacement_mode: mode.map(str::to_owned),
            search_query: q.map(str::to_owned),
            ig_media_id: media.map(str::to_owned),
            ..AudioParams::default()
        })
        .map_err(|e| e.id)
    }

    #[test]
    fn parameter_rules_in_order() {
        assert_eq!(with(None, Some("x"), None), Err(Id::AudioModeMissing));
        assert_eq!(with(Some("loud"), None, None), Err(Id::AudioModeInvalid));
        assert_eq!(
            with(Some("SEARCH"), None, Some("1")),
            Err(Id::AudioSearchQueryMissing)
        );
        assert_eq!(
            with(Some("auto"), Some("x"), Some("1")),
            Err(Id::AudioSearchQueryNotAllowed)
        );
        assert_eq!(
            with(Some("Default"), None, None),
            Err(Id::AudioMediaIdMissing)
        );
        assert_eq!(
            with(Some("search"), Some("run"), Some("9")).map(|r| r.mode),
            Ok(Mode::Search)
        );
        let both = AudioParams {
            user_id: Some("1".into()),
            ig_user_id: Some("1".into()),
            ..AudioParams::default()
        };
        assert_eq!(
            check_user_ids(&both).map_err(|e| e.id),
            Err(Id::AudioBothUserIds)
        );
        assert!(check_purpose(&AudioParams::default()).is_err());
    }
}
