//! The app settings every Graph request consults (Meta's "Require App Secret" switch and the
//! app's default Graph version), held in memory beside their stored copy
//! (`store::settings`) so that the request pipeline never reads the store for them.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use crate::versions::VERSIONS;

/// No default version set: calls without one are answered by the sandbox's
/// ([`crate::hosts::GRAPH_VERSION`]).
const UNSET: usize = usize::MAX;

/// See the module docs.
pub struct Switches {
    require_appsecret_proof: AtomicBool,
    /// An index into [`VERSIONS`], or [`UNSET`].
    default_version: AtomicUsize,
}

impl Default for Switches {
    fn default() -> Self {
        Switches {
            require_appsecret_proof: AtomicBool::new(false),
            default_version: AtomicUsize::new(UNSET),
        }
    }
}

impl Switches {
    /// Whether calls with a user, Page or Instagram token must carry `appsecret_proof`.
    pub fn require_appsecret_proof(&self) -> bool {
        self.require_appsecret_proof.load(Ordering::Relaxed)
    }

    pub fn set_require_appsecret_proof(&self, on: bool) {
        self.require_appsecret_proof.store(on, Ordering::Relaxed);
    }

    /// The version a call without one asks for.
    pub fn default_version(&self) -> &'static str {
        VERSIONS
            .get(self.default_version.load(Ordering::Relaxed))
            .map_or(crate::hosts::GRAPH_VERSION, |v| v.name)
    }

    /// Sets the default version (`None`: the sandbox's); `false` when the table does not have
    /// `name`.
    pub fn set_default_version(&self, name: Option<&str>) -> bool {
        let index = match name {
            None => UNSET,
            Some(name) => match VERSIONS.iter().position(|v| v.name == name) {
                Some(i) => i,
                None => return false,
            },
        };
        self.default_version.store(index, Ordering::Relaxed);
        true
    }

    /// Back to the first-start state.
    pub fn clear(&self) {
        self.set_require_appsecret_proof(false);
        self.set_default_version(None);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_version_is_the_sandboxs_until_set_and_only_to_known_versions() {
        let s = Switches::default();
        assert_eq!(s.default_version(), crate::hosts::GRAPH_VERSION);
        assert!(s.set_default_version(Some("v22.0")));
        assert_eq!(s.default_version(), "v22.0");
        assert!(!s.set_default_version(Some("v99.0")));
        assert_eq!(s.default_version(), "v22.0");
        s.clear();
        assert_eq!(s.default_version(), crate::hosts::GRAPH_VERSION);
        assert!(!s.require_appsecret_proof());
    }
}
