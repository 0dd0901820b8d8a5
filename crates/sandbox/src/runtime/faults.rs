//! Fault injection, in the style of LocalStack's chaos API: rules matched by endpoint, account
//! and media type, firing a number of times or with a probability, answering with an exact
//! catalog error and/or added latency, or breaking the connection the way networks do.
//!
//! Rules are checked in creation order after authentication; the first that matches and fires
//! wins. A rule with `times` stops matching once used up.
//!
//! A rule with `webhook` set is a fault of webhook deliveries instead (`crate::webhooks`):
//! matched by the delivery's fields (`match.field`), it duplicates, reorders, delays, drops,
//! mis-signs or times out a delivery attempt; requests never match it.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::Duration;

use instapub_errors::{classify, lookup, lookup_subcode, Id};
use serde::{Deserialize, Serialize};

use crate::route::FaultTarget;

/// What a request looks like to the matcher.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subject {
    pub endpoint: FaultTarget,
    pub user_id: String,
    /// `media_type` as sent (create) or of the container (publish), when known.
    pub media_type: Option<String>,
}

/// Conditions; every given one must hold.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Match {
    pub endpoint: Option<FaultTarget>,
    pub user_id: Option<String>,
    pub media_type: Option<String>,
    /// Webhook rules: a field the delivery carries (`comments`, `mentions`, ...).
    pub field: Option<String>,
}

/// The error a rule answers with: a catalog entry named by subcode or by code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FaultError {
    pub subcode: Option<i64>,
    pub code: Option<i64>,
}

/// Ways a connection goes wrong.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Network {
    /// The connection closes before any response byte.
    Reset,
    /// The response announces its full length and stops halfway.
    Truncate,
    /// The response body trickles out over a few seconds.
    SlowBody,
}

/// Ways a webhook delivery goes wrong, as Meta's deliveries do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum WebhookFault {
    /// The delivery is sent twice.
    Duplicate,
    /// The delivery is held back a minute (virtual), so later ones overtake it.
    OutOfOrder,
    /// The delivery is held back `latency_ms` (virtual clock; default a minute).
    Delay,
    /// The delivery is signed with another key: the signature check must refuse it.
    BadSignature,
    /// The delivery is lost: never sent, never retried (Meta's unexplained gaps).
    Drop,
    /// The callback is treated as timed out whatever it answered, so Meta retries a delivery
    /// the app may already have processed.
    Timeout,
}

/// A rule as submitted.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NewRule {
    #[serde(default, rename = "match")]
    pub matcher: Match,
    pub error: Option<FaultError>,
    pub network: Option<Network>,
    /// A fault of webhook deliveries instead of requests.
    pub webhook: Option<WebhookFault>,
    /// Fire at most this many times.
    pub times: Option<u32>,
    /// Chance in [0, 1] that a matching request is hit (default 1).
    pub probability: Option<f64>,
    /// Delay added before answering (webhook `delay`: virtual time the delivery is held).
    pub latency_ms: Option<u64>,
}

/// A stored rule.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Rule {
    pub id: String,
    #[serde(rename = "match")]
    pub matcher: Match,
    pub error: Option<FaultError>,
    /// The catalog entry `error` resolved to.
    #[schemars(with = "Option<String>")]
    pub entry: Option<Id>,
    pub network: Option<Network>,
    pub webhook: Option<WebhookFault>,
    pub times: Option<u32>,
    pub probability: f64,
    pub latency_ms: u64,
    /// How often it fired.
    pub hits: u32,
}

/// What a fired rule does to a request.
#[derive(Debug, Clone, PartialEq)]
pub struct Effect {
    pub latency: Duration,
    pub error: Option<Id>,
    pub network: Option<Network>,
}

/// The rule set.
#[derive(Debug, Default)]
pub struct Faults {
    rules: Mutex<Vec<Rule>>,
    next: AtomicU64,
}

impl Faults {
    /// Validates and adds a rule.
    pub fn add(&self, new: NewRule) -> Result<Rule, String> {
        let entry = match new.error {
            None => None,
            Some(FaultError {
                subcode: Some(s),
                code,
            }) => {
                let id = match code {
                    Some(c) => lookup(c, Some(s)).or_else(|| classify(Some(c), Some(s)).id),
                    None => lookup_subcode(s),
                };
                Some(id.ok_or_else(|| format!("no catalog entry has subcode {s}"))?)
            }
            Some(FaultError {
                subcode: None,
                code: Some(c),
            }) => Some(lookup(c, None).ok_or_else(|| {
                format!("no catalog entry has code {c} without a subcode; give a subcode")
            })?),
            Some(FaultError {
                subcode: None,
                code: None,
            }) => return Err("error needs a subcode or a code".into()),
        };
        let probability = new.probability.unwrap_or(1.0);
        if !(0.0..=1.0).contains(&probability) {
            return Err("probability must be between 0 and 1".into());
        }
        if new.webhook.is_some() {
            let m = &new.matcher;
            if entry.is_some() || new.network.is_some() {
                return Err("a webhook rule takes no error or network fault".into());
            }
            if m.endpoint.is_some() || m.user_id.is_some() || m.media_type.is_some() {
                return Err("a webhook rule matches by match.field only".into());
            }
        } else if new.matcher.field.is_some() {
            return Err("match.field is for webhook rules (give webhook)".into());
        } else if entry.is_none() && new.network.is_none() && new.latency_ms.is_none() {
            return Err("a rule needs an error, a network fault, latency_ms or webhook".into());
        }
        let rule = Rule {
            id: format!("fault-{}", self.next.fetch_add(1, Ordering::SeqCst) + 1),
            matcher: new.matcher,
            error: new.error,
            entry,
            network: new.network,
            webhook: new.webhook,
            times: new.times,
            probability,
            latency_ms: match new.webhook {
                // Virtual time: up to a day.
                Some(_) => new.latency_ms.unwrap_or(60_000).min(86_400_000),
                None => new.latency_ms.unwrap_or(0).min(60_000),
            },
            hits: 0,
        };
        self.lock().push(rule.clone());
        Ok(rule)
    }

    pub fn list(&self) -> Vec<Rule> {
        self.lock().clone()
    }

    /// The first rule that fires for `subject`: its latency waited out, then its error, or the
    /// network fault the server is to apply to the answer.
    pub async fn fire(&self, subject: &Subject) -> Result<Option<Network>, Id> {
        let Some(effect) = self.check(subject) else {
            return Ok(None);
        };
        if !effect.latency.is_zero() {
            tokio::time::sleep(effect.latency).await;
        }
        match effect.error {
            Some(id) => Err(id),
            None => Ok(effect.network),
        }
    }

    pub fn remove(&self, id: &str) -> bool {
        let mut rules = self.lock();
        let before = rules.len();
        rules.retain(|r| r.id != id);
        rules.len() != before
    }

    pub fn clear(&self) {
        self.lock().clear();
    }

    /// The effect of the first rule that matches and fires, if any.
    pub fn check(&self, subject: &Subject) -> Option<Effect> {
        let mut rules = self.lock();
        for rule in rules.iter_mut() {
            if rule.webhook.is_some()
                || rule.times.is_some_and(|t| rule.hits >= t)
                || !matches(&rule.matcher, subject)
            {
                continue;
            }
            if rule.probability < 1.0 && fastrand::f64() >= rule.probability {
                continue;
            }
            rule.hits += 1;
            return Some(Effect {
                latency: Duration::from_millis(rule.latency_ms),
                error: rule.entry,
                network: rule.network,
            });
        }
        None
    }

    /// The first webhook rule that matches a delivery of `fields` and fires: its fault and
    /// its delay (ms, virtual).
    pub fn fire_webhook(&self, fields: &[String]) -> Option<(WebhookFault, u64)> {
        let mut rules = self.lock();
        for rule in rules.iter_mut() {
            let Some(fault) = rule.webhook else {
                continue;
            };
            if rule.times.is_some_and(|t| rule.hits >= t)
                || rule
                    .matcher
                    .field
                    .as_ref()
                    .is_some_and(|f| !fields.contains(f))
            {
                continue;
            }
            if rule.probability < 1.0 && fastrand::f64() >= rule.probability {
                continue;
            }
            rule.hits += 1;
            return Some((fault, rule.latency_ms));
        }
        None
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<Rule>> {
        self.rules.lock().unwrap_or_else(|p| p.into_inner())
    }
}

fn matches(m: &Match, s: &Subject) -> bool {
    m.endpoint.is_none_or(|e| e == s.endpoint)
        && m.user_id.as_ref().is_none_or(|u| *u == s.user_id)
        && m.media_type.as_ref().is_none_or(|t| {
            s.media_type
                .as_ref()
                .is_some_and(|mt| mt.eq_ignore_ascii_case(t))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn subject() -> Subject {
        Subject {
            endpoint: FaultTarget::MediaPublish,
            user_id: "1".into(),
            media_type: Some("REELS".into()),
        }
    }

    fn rule(json: &str) -> NewRule {
        serde_json::from_str(json).expect("valid rule")
    }

    #[test]
    fn times_and_matching() {
        let f = Faults::default();
        let r = f
            .add(rule(r#"{"match":{"endpoint":"media_publish","media_type":"reels"},"error":{"subcode":2207001},"times":2}"#))
            .expect("added");
        assert_eq!(r.entry, Some(Id::ServerError));
        assert_eq!(
            f.check(&subject()).and_then(|e| e.error),
            Some(Id::ServerError)
        );
        assert!(f.check(&subject()).is_some());
        assert!(f.check(&subject()).is_none(), "used up");
        let other = Subject {
            endpoint: FaultTarget::CreateMedia,
            ..subject()
        };
        f.add(rule(
            r#"{"match":{"endpoint":"media_publish"},"error":{"code":2}}"#,
        ))
        .expect("added");
        assert!(f.check(&other).is_none());
        assert_eq!(
            f.check(&subject()).and_then(|e| e.error),
            Some(Id::ServiceUnavailable)
        );
    }

    #[test]
    fn probability_is_respected() {
        let f = Faults::default();
        f.add(rule(r#"{"error":{"subcode":2207032},"probability":0.3}"#))
            .expect("added");
        let hits = (0..2000).filter(|_| f.check(&subject()).is_some()).count();
        assert!((450..750).contains(&hits), "{hits} of 2000 at p=0.3");
    }

    #[test]
    fn bad_rules_are_refused() {
        let f = Faults::default();
        for bad in [
            r#"{"error":{"subcode":1234}}"#,
            r#"{"error":{"code":24}}"#,
            r#"{"error":{}}"#,
            r#"{"error":{"subcode":2207001},"probability":2}"#,
            r#"{}"#,
        ] {
            assert!(f.add(rule(bad)).is_err(), "{bad}");
        }
        assert!(serde_json::from_str::<NewRule>(r#"{"match":{"endpoint":"nope"}}"#).is_err());
    }
}
