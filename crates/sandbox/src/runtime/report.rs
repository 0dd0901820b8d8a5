//! The integration report behind `GET /_sandbox/report`: which of Instagram's errors each app
//! met (and whether a fault rule or the real condition produced it), which it never met and
//! the fault rule that would produce each in a test, and the permissions its login granted
//! against those its calls needed (what App Review asks about).
//!
//! Recording is a counter update per error answer and per call of a route that needs a
//! permission, made where the request log records the exchange; everything else is computed
//! when the report is read.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::{Arc, Mutex, MutexGuard};

use instapub_errors::{Id, Source, ENTRIES};
use serde::Serialize;

use crate::route::{Check, FaultTarget, Permission, Spec, ALL_PERMISSIONS};
use crate::store::MetaApp;

/// The version of the report's schema (docs/ROUTES.md documents the answer).
pub const SCHEMA: &str = "instapub.report/1";
/// Accounts named per error (the rest are counted, not listed).
const MAX_ACCOUNTS: usize = 20;
/// Calls kept for grading reactions (the oldest go first): about 8 MiB at most.
pub const MAX_EVENTS: usize = 100_000;
/// Requests named per finding.
const MAX_NAMED: usize = 10;
/// Calls after an error that its reaction is looked for in.
const LOOKAHEAD: usize = 2_000;
/// Reactions listed per app (a run that fails the same way thousands of times says so in the
/// first few hundred).
const MAX_REACTIONS: usize = 500;
/// A token in its last week should have been refreshed (a long-lived token lives 60 days).
const EXPIRING_MS: i64 = 7 * 24 * 3600 * 1000;
/// The publishing steps whose every call is kept for grading.
const STEPS: [FaultTarget; 4] = [
    FaultTarget::CreateMedia,
    FaultTarget::MediaPublish,
    FaultTarget::ContainerStatus,
    FaultTarget::ContentPublishingLimit,
];

/// One call, as the grading of reactions needs it.
#[derive(Debug, Clone)]
struct Event {
    /// The request log's sequence number.
    seq: u64,
    /// Virtual time, milliseconds.
    at_ms: i64,
    app: Option<Arc<MetaApp>>,
    target: Option<FaultTarget>,
    subject: Option<String>,
    error: Option<Id>,
    /// Method, path, query and body, hashed: the same request sent again has the same one.
    fingerprint: u64,
}

/// Who made a call and where it went, carried on the response to the log.
#[derive(Debug, Clone, Default)]
pub struct Attribution {
    pub app: Option<Arc<MetaApp>>,
    pub account_id: Option<String>,
    pub spec: Option<&'static Spec>,
    /// The permissions the token holds.
    pub permissions: Option<Arc<[String]>>,
    /// A fault rule produced the error.
    pub faulted: bool,
    /// The container the call was about: `creation_id` of a publish, the node of a status read.
    pub subject: Option<String>,
    /// The Graph version the call asked for (in its path, or the app's default).
    pub asked: Option<&'static crate::versions::Version>,
    /// When the call's login token expires (virtual ms), if it has an end.
    pub token_expires_ms: Option<i64>,
    /// The call exchanged or refreshed a token (a long-lived exchange, `ig_refresh_token`).
    pub refresh: bool,
    /// A status read nobody is waiting on (no 2207027 pending for its container): recorded
    /// only if it fails, so the hottest read pays nothing.
    pub quiet: bool,
}

impl Attribution {
    /// Whether this call is worth recording: an error, a use of a permission, or a step of
    /// publishing (how an app reacts to errors is read from these).
    pub fn wanted(&self, error: bool) -> bool {
        error
            || (!self.quiet
                && (self.refresh
                    || self.token_expires_ms.is_some()
                    || self.spec.is_some_and(|s| {
                        !s.needs.is_empty() || s.fault.is_some_and(|t| STEPS.contains(&t))
                    })))
    }
}

#[derive(Debug, Default)]
struct ErrorTally {
    count: u64,
    from_faults: u64,
    endpoints: BTreeSet<&'static str>,
    accounts: BTreeSet<String>,
}

#[derive(Debug, Default)]
struct UseTally {
    calls: u64,
    endpoints: BTreeSet<&'static str>,
}

#[derive(Debug, Default)]
struct AppTally {
    errors: BTreeMap<Id, ErrorTally>,
    /// Permissions used by calls that succeeded, by their first scope.
    used: BTreeMap<&'static str, UseTally>,
    /// Permissions calls needed and the token lacked.
    refused: BTreeMap<&'static str, UseTally>,
    targets: BTreeSet<FaultTarget>,
    /// Calls per Graph version asked for.
    versions: BTreeMap<&'static str, u64>,
    /// Calls made with a token in its last week (sequence numbers of the first few).
    expiring: Vec<u64>,
    expiring_calls: u64,
    /// Successful token exchanges and refreshes.
    refreshes: u64,
    /// Logins opened at the older authorize address (api.instagram.com/oauth/authorize).
    older_authorize: u64,
}

/// The recorder: per app (by id; `""` for calls whose token named no app).
#[derive(Debug, Default)]
pub struct Recorder {
    /// Counters and the event list, behind one lock (one lock per recorded call).
    inner: Mutex<Inner>,
    /// Containers answered 2207027 and not published since: their status reads are recorded.
    watched: Mutex<BTreeSet<String>>,
    watching: std::sync::atomic::AtomicUsize,
    /// The waits an app is judged against, as a multiple of the catalog's (f64 bits; 0 means
    /// 1.0): a client that scales its delays for tests (`Timing::fast`) is judged at its scale.
    time_scale: std::sync::atomic::AtomicU64,
}

/// The fingerprint of a request: the same request sent again has the same one. FxHash: it
/// runs on every recorded call, and a fingerprint needs no resistance to chosen inputs.
pub fn fingerprint(method: &axum::http::Method, uri: &axum::http::Uri, body: &[u8]) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = rustc_hash::FxHasher::default();
    method.as_str().hash(&mut h);
    uri.path_and_query().map(|p| p.as_str()).hash(&mut h);
    body.hash(&mut h);
    h.finish()
}

/// A call's attribution and the entry it answered, handed from the pipeline to the log.
pub type Recorded = (Attribution, Option<Id>);

#[derive(Debug, Default)]
struct Inner {
    /// FxHash: looked up on every recorded call, keyed by app ids the sandbox issued.
    apps: rustc_hash::FxHashMap<String, AppTally>,
    events: std::collections::VecDeque<Event>,
}

/// What the log knows of a call when it records it.
#[derive(Debug, Clone, Copy)]
pub struct Logged {
    pub seq: u64,
    pub at_ms: i64,
}

impl Recorder {
    fn lock(&self) -> MutexGuard<'_, Inner> {
        // A panic while holding the lock leaves counters, which are still usable.
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Records one answered call: `error` is the catalog entry it answered, if any.
    fn record(
        apps: &mut rustc_hash::FxHashMap<String, AppTally>,
        a: &Attribution,
        error: Option<Id>,
    ) {
        let app_id = a.app.as_ref().map_or("", |app| app.id.as_str());
        let path = a.spec.map_or("(no route)", |s| s.path);
        let tally = match apps.get_mut(app_id) {
            Some(t) => t,
            None => apps.entry(app_id.to_owned()).or_default(),
        };
        if let Some(target) = a.spec.and_then(|s| s.fault) {
            tally.targets.insert(target);
        }
        if let Some(v) = a.asked {
            *tally.versions.entry(v.name).or_default() += 1;
        }
        match error {
            Some(id) => {
                let e = tally.errors.entry(id).or_default();
                e.count += 1;
                e.from_faults += u64::from(a.faulted);
                e.endpoints.insert(path);
                if let Some(acc) = &a.account_id {
                    if e.accounts.len() < MAX_ACCOUNTS && !e.accounts.contains(acc) {
                        e.accounts.insert(acc.clone());
                    }
                }
                // A permission the route needed, refused for want of it.
                for need in a.spec.map_or(&[][..], |s| s.needs) {
                    if need.refusal == id
                        && need.check == Check::Always
                        && !a.permissions.as_ref().is_some_and(|p| need.granted_by(p))
                    {
                        let u = tally.refused.entry(need.scopes[0]).or_default();
                        u.calls += 1;
                        u.endpoints.insert(path);
                    }
                }
            }
            None => {
                for need in a.spec.map_or(&[][..], |s| s.needs) {
                    let u = tally.used.entry(need.scopes[0]).or_default();
                    u.calls += 1;
                    u.endpoints.insert(path);
                }
            }
        }
    }

    /// Whether a container's status reads are being watched (2207027 answered, not published
    /// since). One atomic load while nothing is.
    pub fn watching(&self, container: &str) -> bool {
        self.watching.load(std::sync::atomic::Ordering::Relaxed) > 0
            && self
                .watched
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .contains(container)
    }

    fn watch(&self, container: &str, on: bool) {
        let mut w = self.watched.lock().unwrap_or_else(|e| e.into_inner());
        let changed = if on {
            w.len() < MAX_EVENTS && w.insert(container.to_owned())
        } else {
            w.remove(container)
        };
        if changed {
            self.watching
                .store(w.len(), std::sync::atomic::Ordering::Relaxed);
        }
    }

    /// Records a call, with where the log put it (for grading the app's reactions).
    /// `fingerprint` is computed only for calls kept as events (those an app can be named for).
    pub fn record_logged(
        &self,
        a: Attribution,
        error: Option<Id>,
        logged: Logged,
        fingerprint: impl FnOnce() -> u64,
    ) {
        let target = a.spec.and_then(|s| s.fault);
        if let Some(subject) = &a.subject {
            match (target, error) {
                (Some(FaultTarget::MediaPublish), Some(Id::NotReady)) => self.watch(subject, true),
                (Some(FaultTarget::MediaPublish), _) => self.watch(subject, false),
                _ => {}
            }
        }
        let refreshed = a.refresh && error.is_none();
        let expiring = a
            .token_expires_ms
            .is_some_and(|t| t - logged.at_ms < EXPIRING_MS);
        let mut inner = self.lock();
        let Inner { apps, events } = &mut *inner;
        Self::record(apps, &a, error);
        if refreshed || expiring {
            let app_id = a.app.as_ref().map_or("", |app| app.id.as_str());
            if let Some(tally) = apps.get_mut(app_id) {
                if refreshed {
                    tally.refreshes += 1;
                } else {
                    tally.expiring_calls += 1;
                    if tally.expiring.len() < MAX_NAMED {
                        tally.expiring.push(logged.seq);
                    }
                }
            }
        }
        // Calls no app can be named for have no reactions to grade.
        if a.app.is_none() {
            return;
        }
        if events.len() == MAX_EVENTS {
            events.pop_front();
        }
        events.push_back(Event {
            seq: logged.seq,
            at_ms: logged.at_ms,
            app: a.app,
            target,
            subject: a.subject,
            error,
            fingerprint: fingerprint(),
        });
    }

    /// The report now, with the scopes the store's logins granted: what the control plane,
    /// the dashboard and the Rust helper show.
    pub async fn read(
        &self,
        store: &crate::store::Store,
        now_ms: i64,
    ) -> Result<Report, crate::store::StoreError> {
        let granted = store.read(crate::store::granted_scopes).await?;
        Ok(self.report(&granted, now_ms))
    }

    /// Judges waits at `scale` times the catalog's (1.0: as Meta says; 0.001: a test client
    /// whose delays are milliseconds instead of seconds).
    pub fn set_time_scale(&self, scale: f64) {
        let scale = if scale.is_finite() && scale > 0.0 {
            scale
        } else {
            1.0
        };
        self.time_scale
            .store(scale.to_bits(), std::sync::atomic::Ordering::Relaxed);
    }

    fn time_scale(&self) -> f64 {
        match self.time_scale.load(std::sync::atomic::Ordering::Relaxed) {
            0 => 1.0,
            bits => f64::from_bits(bits),
        }
    }

    /// Records a login opened on the login surface: at the older authorize address or not, and
    /// the Graph version of a Facebook dialog's path.
    pub fn record_login(&self, app_id: &str, older_authorize: bool, version: Option<&str>) {
        let asked = version.and_then(|v| {
            crate::versions::VERSIONS
                .iter()
                .find(|x| x.name == v)
                .map(|x| x.name)
        });
        if !older_authorize && asked.is_none() {
            return;
        }
        let mut inner = self.lock();
        let tally = inner.apps.entry(app_id.to_owned()).or_default();
        tally.older_authorize += u64::from(older_authorize);
        if let Some(v) = asked {
            *tally.versions.entry(v).or_default() += 1;
        }
    }

    /// Forgets everything recorded.
    pub fn clear(&self) {
        *self.lock() = Inner::default();
        self.watched
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clear();
        self.watching.store(0, std::sync::atomic::Ordering::Relaxed);
    }

    /// The report at virtual time `now_ms`, given the scopes each app's logins granted
    /// (`app id -> scopes`).
    pub fn report(&self, granted: &HashMap<String, BTreeSet<String>>, now_ms: i64) -> Report {
        let inner = self.lock();
        let (apps, events) = (&inner.apps, &inner.events);
        let mut ids: BTreeSet<&str> = apps.keys().map(String::as_str).collect();
        ids.extend(granted.keys().map(String::as_str));
        let mut out = Report {
            schema: SCHEMA.to_owned(),
            apps: Vec::new(),
            findings: Vec::new(),
        };
        let empty = AppTally::default();
        let none = BTreeSet::new();
        for id in ids {
            let tally = apps.get(id).unwrap_or(&empty);
            let granted = granted.get(id).unwrap_or(&none);
            let mut app = app_report(id, tally, granted);
            let mut mine: Vec<&Event> = events
                .iter()
                .filter(|e| e.app.as_ref().map_or("", |a| a.id.as_str()) == id)
                .collect();
            mine.sort_by_key(|e| e.seq);
            app.reactions = grade(&mine, self.time_scale());
            // Refreshes by ig_refresh_token, and calls with an expired token, name no app.
            if !id.is_empty() {
                let nobody = apps.get("").unwrap_or(&empty);
                app.reactions.extend(token_reaction(tally, nobody));
            }
            app.versions = versions_of(tally, now_ms);
            findings_of(&app, &mut out.findings);
            out.apps.push(app);
        }
        out
    }
}

fn app_report(id: &str, t: &AppTally, granted: &BTreeSet<String>) -> AppReport {
    let met = t
        .errors
        .iter()
        .map(|(id, e)| ErrorMet {
            entry: id.name().to_owned(),
            key: id.entry().key(),
            count: e.count,
            from_faults: e.from_faults,
            from_conditions: e.count - e.from_faults,
            endpoints: e.endpoints.iter().map(|s| (*s).to_owned()).collect(),
            accounts: e.accounts.iter().cloned().collect(),
        })
        .collect();
    // Calls no app can be named for have nothing to be expected of.
    let expected = if id.is_empty() {
        Vec::new()
    } else {
        expected(t)
    };
    let not_met = expected
        .into_iter()
        .filter(|id| !t.errors.contains_key(id))
        .map(not_met)
        .collect();
    let use_of = |(scope, u): (&&'static str, &UseTally)| PermissionUse {
        permission: (*scope).to_owned(),
        scopes: permission_named(scope)
            .map(|p| p.scopes.iter().map(|s| (*s).to_owned()).collect())
            .unwrap_or_default(),
        calls: u.calls,
        endpoints: u.endpoints.iter().map(|s| (*s).to_owned()).collect(),
    };
    let requested_not_used = ALL_PERMISSIONS
        .iter()
        .filter(|p| p.scopes.iter().any(|s| granted.contains(*s)))
        .filter(|p| !t.used.contains_key(p.scopes[0]))
        .map(|p| {
            p.scopes
                .iter()
                .find(|s| granted.contains(**s))
                .map_or_else(|| p.scopes[0].to_owned(), |s| (*s).to_owned())
        })
        .collect();
    AppReport {
        app_id: (!id.is_empty()).then(|| id.to_owned()),
        reactions: Vec::new(),
        versions: Vec::new(),
        older_authorize_logins: t.older_authorize,
        errors_met: met,
        errors_not_met: not_met,
        permissions: Permissions {
            granted: granted.iter().cloned().collect(),
            used: t.used.iter().map(use_of).collect(),
            requested_not_used,
            used_not_requested: t.refused.iter().map(use_of).collect(),
        },
    }
}

fn permission_named(scope: &str) -> Option<&'static Permission> {
    ALL_PERMISSIONS
        .iter()
        .copied()
        .find(|p| p.scopes[0] == scope)
}

/// The errors an app's tests should meet: Meta's table's rows for the operations it called,
/// and the generic errors any call can get.
fn expected(t: &AppTally) -> Vec<Id> {
    let mut out: Vec<Id> = ENTRIES
        .iter()
        .filter(|e| e.source == Source::Seed)
        .filter(|e| t.targets.contains(&operation_of(e.id)))
        .map(|e| e.id)
        .collect();
    if !t.targets.is_empty() {
        out.extend([
            Id::InvalidAccessToken,
            Id::TokenExpired,
            Id::AppRateLimit,
            Id::ServiceUnavailable,
        ]);
    }
    out
}

/// The operation a table row is answered by (for the fault rule that produces it).
fn operation_of(id: Id) -> FaultTarget {
    match id {
        Id::BuilderNotFound
        | Id::NotReady
        | Id::PublishingQuotaReached
        | Id::ContainerExpired
        | Id::MediaNotFound => FaultTarget::MediaPublish,
        Id::AdsManagementMissing
        | Id::AdsAudioSwapUnavailable
        | Id::AudioBothUserIds
        | Id::AudioPurposeInvalid
        | Id::AudioModeMissing
        | Id::AudioModeInvalid
        | Id::AudioSearchQueryMissing
        | Id::AudioSearchQueryNotAllowed
        | Id::AudioMediaIdMissing
        | Id::AudioMediaNotReel
        | Id::AudioNoCopyrightedMusic
        | Id::AudioPartnershipCodeInvalid
        | Id::AudioPartnershipCodeMismatch => FaultTarget::IgAudio,
        _ => FaultTarget::CreateMedia,
    }
}

/// An error never met, with the fault rule (and each package's call) that produces it.
fn not_met(id: Id) -> ErrorNotMet {
    let e = id.entry();
    let generic = e.source != Source::Seed;
    let target = (!generic).then(|| operation_of(id));
    let endpoint = target
        .and_then(|t| serde_json::to_value(t).ok())
        .and_then(|v| v.as_str().map(str::to_owned));
    let (key, number) = match e.subcode {
        Some(s) => ("subcode", s),
        None => ("code", e.code),
    };
    let matcher = match &endpoint {
        Some(ep) => serde_json::json!({ "endpoint": ep }),
        None => serde_json::json!({}),
    };
    let rule = serde_json::json!({ "match": matcher, "error": { key: number }, "times": 1 });
    let py_match = endpoint
        .as_deref()
        .map_or("{}".to_owned(), |ep| format!("{{\"endpoint\": \"{ep}\"}}"));
    let js_match = endpoint
        .as_deref()
        .map_or("{}".to_owned(), |ep| format!("{{ endpoint: '{ep}' }}"));
    let rs_match = target.map_or("FaultMatch::default()".to_owned(), |t| {
        format!("FaultMatch {{ endpoint: Some(FaultTarget::{t:?}), ..Default::default() }}")
    });
    let rs_error = match e.subcode {
        Some(s) => format!("FaultError {{ subcode: Some({s}), code: None }}"),
        None => format!("FaultError {{ subcode: None, code: Some({}) }}", e.code),
    };
    ErrorNotMet {
        entry: id.name().to_owned(),
        key: e.key(),
        summary: e.summary.to_owned(),
        fault_rule: rule,
        python: format!("sb.add_fault({py_match}, error={{\"{key}\": {number}}}, times=1)"),
        node: format!("await sb.addFault({js_match}, {{ error: {{ {key}: {number} }}, times: 1 }})"),
        rust: format!(
            "sb.add_fault(NewFault {{ matcher: {rs_match}, error: Some({rs_error}), network: None, webhook: None, times: Some(1), probability: None, latency_ms: None }})"
        ),
    }
}

fn findings_of(app: &AppReport, out: &mut Vec<Finding>) {
    let who = app.app_id.clone();
    for e in &app.errors_not_met {
        out.push(Finding {
            kind: FindingKind::ErrorNotMet,
            app_id: who.clone(),
            entry: Some(e.entry.clone()),
            permission: None,
            message: format!(
                "The tests never met {} ({}): {} Add `{}`.",
                e.entry, e.key, e.summary, e.python
            ),
        });
    }
    for r in app.reactions.iter().filter(|r| !r.good) {
        out.push(Finding {
            kind: FindingKind::Reaction,
            app_id: who.clone(),
            entry: r.entry.clone(),
            permission: None,
            message: format!("{} (requests {}).", r.message, seqs(&r.requests)),
        });
    }
    for v in app
        .versions
        .iter()
        .filter(|v| v.state != VersionState::Current)
    {
        out.push(Finding {
            kind: FindingKind::Version,
            app_id: who.clone(),
            entry: None,
            permission: None,
            message: match v.state {
                VersionState::Retired => format!(
                    "{} call(s) asked for {}, which Meta stopped serving on {}: they are answered by the oldest live version, silently; move to a current version",
                    v.calls, v.version, v.until.as_deref().unwrap_or_default()
                ),
                _ => format!(
                    "{} call(s) asked for {}, which Meta serves until {}: move to a newer version before then",
                    v.calls, v.version, v.until.as_deref().unwrap_or_default()
                ),
            },
        });
    }
    if app.older_authorize_logins > 0 {
        out.push(Finding {
            kind: FindingKind::Version,
            app_id: who.clone(),
            entry: None,
            permission: None,
            message: format!(
                "{} login(s) opened the older authorize address api.instagram.com/oauth/authorize (a redirect Meta keeps for old libraries); open www.instagram.com/oauth/authorize",
                app.older_authorize_logins
            ),
        });
    }
    for e in app
        .errors_met
        .iter()
        .filter(|e| RETIREMENTS.iter().any(|r| r.name() == e.entry))
    {
        out.push(Finding {
            kind: FindingKind::Version,
            app_id: who.clone(),
            entry: Some(e.entry.clone()),
            permission: None,
            message: format!(
                "{} call(s) asked for something Meta retired ({} {}, {}); stop asking for it",
                e.count,
                e.key,
                e.entry,
                e.endpoints.join(", ")
            ),
        });
    }
    for p in &app.permissions.requested_not_used {
        out.push(Finding {
            kind: FindingKind::PermissionNotUsed,
            app_id: who.clone(),
            entry: None,
            permission: Some(p.clone()),
            message: format!(
                "The login asks for {p} but no call used it: App Review rejects permissions an app does not use. Drop it from the scopes or exercise the calls that need it."
            ),
        });
    }
    for p in &app.permissions.used_not_requested {
        out.push(Finding {
            kind: FindingKind::PermissionNotRequested,
            app_id: who.clone(),
            entry: None,
            permission: Some(p.permission.clone()),
            message: format!(
                "{} call(s) to {} needed {} and the token lacked it: add it to the login's scopes.",
                p.calls,
                p.endpoints.join(", "),
                p.permission
            ),
        });
    }
}

/// `GET /_sandbox/report`.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Report {
    /// `instapub.report/1`.
    pub schema: String,
    /// One section per app that made calls or had a login grant scopes.
    pub apps: Vec<AppReport>,
    /// Every finding, flat: what a CI system shows as a failing test case each.
    pub findings: Vec<Finding>,
}

/// One app's report.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct AppReport {
    /// Null for calls whose token named no app (a malformed or unknown token).
    pub app_id: Option<String>,
    /// Catalog errors the sandbox answered this app, with where and why.
    pub errors_met: Vec<ErrorMet>,
    /// Meta's table's rows for the operations the app called, and the generic errors, that it
    /// never met; each with the fault rule that produces it in a test.
    pub errors_not_met: Vec<ErrorNotMet>,
    /// What the app did after each error, judged by the catalog's action.
    pub reactions: Vec<Reaction>,
    /// The Graph versions its calls asked for, and how long Meta serves each.
    pub versions: Vec<VersionUse>,
    /// Logins opened at the older authorize address (api.instagram.com/oauth/authorize).
    pub older_authorize_logins: u64,
    pub permissions: Permissions,
}

/// A catalog error an app met.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct ErrorMet {
    /// The catalog entry's name.
    pub entry: String,
    /// `CODE/SUBCODE` or `CODE`.
    pub key: String,
    pub count: u64,
    /// How many a fault rule produced.
    pub from_faults: u64,
    /// How many the real condition produced.
    pub from_conditions: u64,
    /// The route paths that answered it.
    pub endpoints: Vec<String>,
    /// Instagram accounts it happened to (at most 20 named).
    pub accounts: Vec<String>,
}

/// An error an app's tests never met.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct ErrorNotMet {
    pub entry: String,
    pub key: String,
    pub summary: String,
    /// The body of `POST /_sandbox/faults` that produces it once.
    pub fault_rule: serde_json::Value,
    /// The same rule through each package.
    pub python: String,
    pub node: String,
    pub rust: String,
}

/// Scopes granted at login against the permissions calls needed.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Permissions {
    /// Every scope the app's logins granted.
    pub granted: Vec<String>,
    /// Permissions that calls used, with the calls (what a reviewer asks to see).
    pub used: Vec<PermissionUse>,
    /// Granted scopes no call used.
    pub requested_not_used: Vec<String>,
    /// Permissions calls needed that the token lacked.
    pub used_not_requested: Vec<PermissionUse>,
}

/// A permission and the calls that needed it.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct PermissionUse {
    /// The permission, by its Facebook Login scope name.
    pub permission: String,
    /// Every scope that grants it (Instagram Login's twin too).
    pub scopes: Vec<String>,
    pub calls: u64,
    pub endpoints: Vec<String>,
}

/// What the report found, one item per thing to act on.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Finding {
    pub kind: FindingKind,
    pub app_id: Option<String>,
    pub entry: Option<String>,
    pub permission: Option<String>,
    pub message: String,
}

/// Kinds of finding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum FindingKind {
    ErrorNotMet,
    /// An app's reaction to an error that the catalog's action says is wrong.
    Reaction,
    /// A Graph version near or past its end, or a retired metric or feature asked for.
    Version,
    PermissionNotUsed,
    PermissionNotRequested,
}

/// How an app reacted to an error, judged by the catalog entry's action.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Reaction {
    pub kind: ReactionKind,
    /// The entry whose answer it reacted to (none for a container published twice).
    pub entry: Option<String>,
    /// Whether the reaction is what the action asks for (findings are the others).
    pub good: bool,
    /// The request log's sequence numbers of the calls involved, the error's first
    /// (`GET /_sandbox/requests`, the dashboard's Requests page).
    pub requests: Vec<u64>,
    pub message: String,
}

/// Kinds of reaction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ReactionKind {
    /// The same request sent again after an error that the same request cannot get past.
    RetriedUnchanged,
    /// More retries than the action allows (2207008: twice; retryable errors: their attempts).
    RetriedTooOften,
    /// A retry sooner than the action's first delay (2207008: 30 s).
    RetriedTooSoon,
    /// 2207008's retries failed and no new container followed.
    NeverRecreated,
    /// A new container after an error whose action is to make one (good).
    Recreated,
    /// After 2207027 the app published again without reading the container's status.
    PublishedWithoutPolling,
    /// After 2207027 the app read the status before publishing again (good; the rate said).
    Polled,
    /// A container published, then published again.
    PublishedTwice,
    /// Calls went on within the wait a rate limit asks for.
    IgnoredThrottle,
    /// The publishing quota ran out without the app having read content_publishing_limit.
    QuotaNotChecked,
    /// Calls went on with a token in its last week (or expired) and no refresh was seen.
    TokenNotRefreshed,
    /// A token near its end was refreshed or exchanged (good).
    TokenRefreshed,
}

fn seqs(s: &[u64]) -> String {
    s.iter()
        .map(|n| format!("#{n}"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn reaction(
    kind: ReactionKind,
    id: Id,
    good: bool,
    requests: Vec<u64>,
    message: String,
) -> Reaction {
    let mut requests = requests;
    requests.truncate(MAX_NAMED);
    Reaction {
        kind,
        entry: Some(id.name().to_owned()),
        good,
        requests,
        message,
    }
}

/// `9007/2207027 NotReady`, as messages name an entry.
fn label(id: Id) -> String {
    format!("{} {}", id.entry().key(), id.name())
}

/// Grades one app's calls, in the order the log numbered them.
fn grade(events: &[&Event], scale: f64) -> Vec<Reaction> {
    let ms = |seconds: u32| (f64::from(seconds) * 1000.0 * scale) as i64;
    use instapub_errors::Action;
    let mut out = Vec::new();
    // Calls already judged as part of an earlier error's reaction.
    let mut judged: BTreeSet<u64> = BTreeSet::new();
    // When the app last read content_publishing_limit (virtual ms).
    let mut last_limit_read: Option<i64> = None;
    // The end of the rate-limit episode under way: refusals before it belong to it.
    let mut throttled_until = i64::MIN;
    for (i, e) in events.iter().enumerate() {
        if e.target == Some(FaultTarget::ContentPublishingLimit) && e.error.is_none() {
            last_limit_read = Some(e.at_ms);
        }
        let Some(id) = e.error else {
            continue;
        };
        if judged.contains(&e.seq) {
            continue;
        }
        // A refusal inside a rate-limit episode under way belongs to it.
        if let Action::Throttled { min_wait_s } = id.entry().action {
            if e.at_ms < throttled_until {
                throttled_until = e.at_ms + ms(min_wait_s);
                continue;
            }
        }
        if out.len() >= MAX_REACTIONS {
            break;
        }
        // A reaction follows its error closely: look this far ahead, so grading a run full of
        // errors stays linear.
        let later = &events[i + 1..events.len().min(i + 1 + LOOKAHEAD)];
        // The same request sent again, up to and including the first that went through (after
        // a success the condition has changed; later ones are new work).
        let mut again: Vec<&Event> = Vec::new();
        for x in later
            .iter()
            .copied()
            .filter(|x| x.fingerprint == e.fingerprint)
        {
            again.push(x);
            if x.error.is_none() {
                break;
            }
        }
        let created_after = later
            .iter()
            .find(|x| x.target == Some(FaultTarget::CreateMedia) && x.error.is_none());
        let action = id.entry().action;
        match action {
            Action::RetryThenRecreate {
                attempts,
                within_min_s,
                within_max_s,
            } => {
                let retries: Vec<&Event> = again
                    .iter()
                    .copied()
                    .filter(|x| created_after.is_none_or(|c| x.seq < c.seq))
                    .collect();
                judged.extend(retries.iter().map(|x| x.seq));
                let named = |xs: &[&Event]| {
                    std::iter::once(e.seq)
                        .chain(xs.iter().map(|x| x.seq))
                        .collect::<Vec<_>>()
                };
                if retries.len() > usize::from(attempts) {
                    let message = format!(
                        "After {} the app sent the same publish {} more times; the catalog says at most {attempts} retries over {within_min_s} s to {within_max_s} s, then a new container",
                        label(id),
                        retries.len()
                    );
                    let kind = ReactionKind::RetriedTooOften;
                    out.push(reaction(kind, id, false, named(&retries), message));
                }
                if let Some(first) = retries.first() {
                    let waited = first.at_ms - e.at_ms;
                    // Meta: "try again 1-2 times in the next 30 seconds to 2 minutes": the
                    // retries spread over that window, so the first comes no sooner than the
                    // window's start shared among them.
                    let soonest_s = u32::from(within_min_s) / u32::from(attempts.max(1));
                    if waited < ms(soonest_s) {
                        let message = format!(
                            "After {} the app retried {waited} ms later; the catalog spreads {attempts} retries over {within_min_s} s to {within_max_s} s, the first no sooner than {soonest_s} s",
                            label(id)
                        );
                        let kind = ReactionKind::RetriedTooSoon;
                        out.push(reaction(kind, id, false, named(&retries[..1]), message));
                    }
                }
                let last_failed = retries.last().is_none_or(|x| x.error.is_some());
                if !retries.is_empty() && last_failed && created_after.is_none() {
                    out.push(reaction(
                        ReactionKind::NeverRecreated,
                        id,
                        false,
                        named(&retries),
                        format!(
                            "After {}'s retries failed the app never created a new container",
                            label(id)
                        ),
                    ));
                }
            }
            Action::WaitUntilFinished => {
                let publish = later.iter().find(|x| {
                    x.target == Some(FaultTarget::MediaPublish) && x.subject == e.subject
                });
                if let Some(p) = publish {
                    judged.insert(p.seq);
                    let polls: Vec<&Event> = later
                        .iter()
                        .copied()
                        .filter(|x| {
                            x.seq < p.seq
                                && x.target == Some(FaultTarget::ContainerStatus)
                                && x.subject == e.subject
                        })
                        .collect();
                    if polls.is_empty() {
                        out.push(reaction(ReactionKind::PublishedWithoutPolling, id, false, vec![e.seq, p.seq], format!(
                            "After {} the app published the container again without reading its status_code; Meta says poll it (about once a minute, up to five minutes) until FINISHED",
                            label(id)
                        )));
                    } else {
                        let span_s = (p.at_ms - e.at_ms).max(0) / 1000;
                        out.push(reaction(ReactionKind::Polled, id, true, std::iter::once(e.seq).chain(polls.iter().map(|x| x.seq)).collect(), format!(
                            "After {} the app read the status {} time(s) in {span_s} s before publishing again (Meta suggests once a minute for up to five minutes)",
                            label(id), polls.len()
                        )));
                    }
                }
            }
            Action::Throttled { min_wait_s } => {
                throttled_until = e.at_ms + ms(min_wait_s);
                let within: Vec<&Event> = later
                    .iter()
                    .copied()
                    .filter(|x| x.at_ms - e.at_ms < ms(min_wait_s))
                    .collect();
                // One reaction per episode: the refusals that follow within the wait are its.
                judged.extend(within.iter().filter(|x| x.error == Some(id)).map(|x| x.seq));
                if !within.is_empty() {
                    out.push(reaction(ReactionKind::IgnoredThrottle, id, false, std::iter::once(e.seq).chain(within.iter().map(|x| x.seq)).collect(), format!(
                        "After {} the app made {}{} more call(s) within the {min_wait_s} s the limit asks it to wait",
                        label(id), if within.len() == later.len() { "at least " } else { "" }, within.len()
                    )));
                }
            }
            Action::WaitForPublishingWindow => {
                let checked = last_limit_read.is_some_and(|t| e.at_ms - t < 24 * 3600 * 1000);
                if !checked {
                    out.push(reaction(ReactionKind::QuotaNotChecked, id, false, vec![e.seq], format!(
                        "The app ran out of its publishing quota ({}) without reading content_publishing_limit first; read it before publishing so a spent quota costs no failing call",
                        label(id)
                    )));
                }
            }
            Action::RetrySame {
                attempts,
                first_delay_ms,
                ..
            } => {
                judged.extend(again.iter().map(|x| x.seq));
                if again.len() > usize::from(attempts) {
                    out.push(reaction(ReactionKind::RetriedTooOften, id, false, std::iter::once(e.seq).chain(again.iter().map(|x| x.seq)).collect(), format!(
                        "After {} the app sent the same request {} more times; the catalog says at most {attempts}, from {first_delay_ms} ms apart",
                        label(id), again.len()
                    )));
                }
            }
            _ => {}
        }
        if !action.retries_same_request() && !matches!(action, Action::RetryThenRecreate { .. }) {
            let unjudged: Vec<&Event> = again
                .iter()
                .copied()
                .filter(|x| !judged.contains(&x.seq))
                .collect();
            if !unjudged.is_empty() {
                judged.extend(unjudged.iter().map(|x| x.seq));
                out.push(reaction(ReactionKind::RetriedUnchanged, id, false, std::iter::once(e.seq).chain(unjudged.iter().map(|x| x.seq)).collect(), format!(
                    "After {} the app sent the same request {} more time(s); it fails the same way until the request changes: {}",
                    label(id), unjudged.len(), action.describe()
                )));
            }
        }
        if action == Action::Recreate {
            if let Some(c) = created_after {
                out.push(reaction(
                    ReactionKind::Recreated,
                    id,
                    true,
                    vec![e.seq, c.seq],
                    format!(
                        "After {} the app created a new container, as the action asks",
                        label(id)
                    ),
                ));
            }
        }
    }
    // A container published, then published again.
    let mut published: HashMap<&str, u64> = HashMap::new();
    for e in events {
        if e.target != Some(FaultTarget::MediaPublish) {
            continue;
        }
        let Some(subject) = e.subject.as_deref() else {
            continue;
        };
        if let Some(first) = published.get(subject) {
            out.push(Reaction {
                kind: ReactionKind::PublishedTwice,
                entry: None,
                good: false,
                requests: vec![*first, e.seq],
                message: format!("Container {subject} was published, then its publish was sent again; read the container's status after a lost answer instead"),
            });
        } else if e.error.is_none() {
            published.insert(subject, e.seq);
        }
    }
    out
}

/// The catalog entries that mean "this was retired": asking for them is a version finding.
const RETIREMENTS: [Id; 2] = [Id::InsightsImpressionsRetired, Id::DeprecatedForVersion];
/// A version is near its end within this many days.
const SUNSET_SOON_DAYS: i64 = 90;

/// A Graph version an app's calls asked for.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct VersionUse {
    pub version: String,
    pub calls: u64,
    /// The last day Meta serves it (none: no end announced).
    pub until: Option<String>,
    pub state: VersionState,
}

/// Where a version stands on the virtual clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum VersionState {
    Current,
    /// Ends within 90 days.
    SunsetSoon,
    /// No longer served: calls are answered by the oldest live version.
    Retired,
}

/// Whether a call on `version` is worth noting for its version alone: Meta has stopped
/// serving it or will within 90 days.
pub fn version_ending(version: Option<&crate::versions::Version>, now_ms: i64) -> bool {
    version
        .and_then(|v| v.until_ms)
        .is_some_and(|until| until - now_ms < SUNSET_SOON_DAYS * 86_400_000)
}

fn versions_of(t: &AppTally, now_ms: i64) -> Vec<VersionUse> {
    t.versions
        .iter()
        .map(|(name, calls)| {
            let v = crate::versions::VERSIONS.iter().find(|v| v.name == *name);
            let until_ms = v.and_then(|v| v.until_ms);
            let state = match until_ms {
                Some(u) if u <= now_ms => VersionState::Retired,
                Some(u) if u - now_ms < SUNSET_SOON_DAYS * 86_400_000 => VersionState::SunsetSoon,
                _ => VersionState::Current,
            };
            VersionUse {
                version: (*name).to_owned(),
                calls: *calls,
                until: until_ms.and_then(|ms| {
                    jiff::Timestamp::from_millisecond(ms)
                        .ok()
                        .map(|t| t.strftime("%Y-%m-%d").to_string())
                }),
                state,
            }
        })
        .collect()
}

/// Whether the app refreshed its tokens before they ran out.
fn token_reaction(t: &AppTally, nobody: &AppTally) -> Option<Reaction> {
    let expired = [t, nobody]
        .iter()
        .filter_map(|x| x.errors.get(&Id::TokenExpired))
        .map(|e| e.count)
        .sum::<u64>();
    if t.expiring_calls == 0 && (expired == 0 || t.errors.is_empty() && t.used.is_empty()) {
        return None;
    }
    let refreshes = t.refreshes + nobody.refreshes;
    let id = Id::TokenExpired;
    Some(if refreshes > 0 {
        reaction(
            ReactionKind::TokenRefreshed,
            id,
            true,
            t.expiring.clone(),
            format!(
                "The app refreshed or exchanged its token {refreshes} time(s) as it neared its end"
            ),
        )
    } else {
        reaction(
            ReactionKind::TokenNotRefreshed,
            id,
            false,
            t.expiring.clone(),
            format!(
                "{} call(s) used a token in its last week and {expired} met {}, and the app never refreshed it: refresh long-lived tokens (ig_refresh_token, or a new fb_exchange_token) well before their 60 days end",
                t.expiring_calls,
                label(id)
            ),
        )
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn a_run_of_refusals_is_one_throttle_episode() {
        // 10,000 calls refused by a rate limit, one a millisecond: one reaction, not 10,000.
        let events: Vec<Event> = (0..10_000)
            .map(|n| Event {
                seq: n,
                at_ms: n as i64,
                app: None,
                target: Some(FaultTarget::ContainerStatus),
                subject: None,
                error: Some(Id::AppRateLimit),
                fingerprint: 7,
            })
            .collect();
        let refs: Vec<&Event> = events.iter().collect();
        let graded = grade(&refs, 1.0);
        assert_eq!(graded.len(), 1, "{graded:?}");
        assert_eq!(graded[0].kind, ReactionKind::IgnoredThrottle);
        assert_eq!(graded[0].requests.len(), MAX_NAMED);
    }

    #[test]
    fn versions_are_current_near_their_end_or_retired() {
        let mut t = AppTally::default();
        for v in ["v19.0", "v21.0", "v26.0"] {
            t.versions.insert(v, 2);
        }
        // 2026-12-06: v19.0 ended in May, v21.0 ends 2027-01-21, v26.0 has no end.
        let now = jiff::Timestamp::from_second(1_796_515_200)
            .unwrap()
            .as_millisecond();
        let states: Vec<(String, VersionState)> = versions_of(&t, now)
            .into_iter()
            .map(|v| (v.version, v.state))
            .collect();
        assert_eq!(
            states,
            [
                ("v19.0".to_owned(), VersionState::Retired),
                ("v21.0".to_owned(), VersionState::SunsetSoon),
                ("v26.0".to_owned(), VersionState::Current),
            ]
        );
    }
}
