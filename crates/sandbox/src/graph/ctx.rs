//! What every Graph handler gets: the shared state, the authenticated caller, the parameters.

use std::sync::Arc;

use crate::app::App;
use crate::identity::principal::Caller;
use crate::params::Params;

/// A Graph request, authenticated and parsed.
pub struct Ctx {
    pub app: Arc<App>,
    pub caller: Caller,
    pub params: Params,
}
