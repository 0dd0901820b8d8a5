//! The delivery worker: one task per sandbox. It wakes when a write put changes in the outbox
//! (the store notifies it), when the clock moves, and when the next retry is due; it batches
//! waiting changes into deliveries, starts each due attempt as a task of its own (a slow
//! callback holds up nobody else), and records what happened by [`super::policy`].

use std::sync::{Arc, Weak};
use std::time::Duration;

use rusqlite::Connection;

use super::emit;
use super::payload;
use super::policy;
use super::send::{delivery_headers, Answer};
use crate::app::App;
use crate::runtime::faults::WebhookFault;
use crate::store::webhooks::{
    self as hooks, Attempt, Change, Delivery, DeliveryState, NewDelivery,
};
use crate::store::{self, StoreError};

/// How many changes one pass takes out of the outbox.
const OUTBOX_BATCH: u32 = 5000;
/// How many due deliveries one pass starts.
const DUE_BATCH: u32 = 64;
/// The longest the worker sleeps without looking (everything that makes a delivery due wakes
/// it; this is how it notices the sandbox is gone).
const IDLE: Duration = Duration::from_secs(30);

/// The deliveries whose attempt is under way. The lease in the store keeps a delivery from
/// being started twice across a restart; this keeps it so when the virtual clock jumps past a
/// lease while the attempt is still waiting for the callback.
type InFlight = Arc<std::sync::Mutex<std::collections::HashSet<i64>>>;

/// How soon the worker looks again while a due delivery is still in flight (its end wakes the
/// worker anyway).
const IN_FLIGHT_RECHECK: Duration = Duration::from_millis(250);

/// Runs until the sandbox is dropped.
pub async fn run(app: Weak<App>, outbox: Arc<tokio::sync::Notify>) {
    let in_flight = InFlight::default();
    loop {
        let Some(strong) = app.upgrade() else {
            return;
        };
        let wait = match pass(&strong, &in_flight).await {
            Ok(wait) => wait,
            Err(e) => {
                tracing::error!(error = %e, "the webhook worker failed a pass");
                IDLE
            }
        };
        drop(strong);
        tokio::select! {
            _ = outbox.notified() => {}
            _ = tokio::time::sleep(wait) => {}
        }
    }
}

/// One pass: batch the outbox, start what is due; how long until the next due attempt. An
/// idle pass only reads (a write would bump the store's generation and empty the read cache).
async fn pass(app: &Arc<App>, in_flight: &InFlight) -> Result<Duration, StoreError> {
    let now = app.clock.now_ms();
    let story_due = app.store.read(emit::next_story_due).await?;
    if story_due.is_some_and(|at| at <= now) {
        app.store
            .write(move |c| {
                let tx = c.transaction()?;
                emit::stories_ended(&tx, now)?;
                tx.commit()?;
                Ok(())
            })
            .await?;
    }
    let waiting = app
        .store
        .read(|c| Ok(!hooks::outbox(c, 1)?.is_empty()))
        .await?;
    if waiting {
        app.store.write(move |c| batch_outbox(c, now)).await?;
    }
    let mut due = app
        .store
        .read(move |c| hooks::due_deliveries(c, now, DUE_BATCH))
        .await?;
    {
        let mut flying = lock(in_flight);
        // Only those not already under way, each marked as it starts.
        due.retain(|d| flying.insert(d.id));
    }
    if !due.is_empty() {
        let lease = now
            .saturating_add(app.webhooks.timeout().as_millis() as i64)
            .saturating_add(1000);
        let ids: Vec<i64> = due.iter().map(|d| d.id).collect();
        let held = app
            .store
            .write(move |c| {
                let tx = c.transaction()?;
                let mut held = Vec::new();
                for id in ids {
                    if hooks::lease(&tx, id, now, lease)? {
                        held.push(id);
                    }
                }
                tx.commit()?;
                Ok(held)
            })
            .await?;
        // An attempt that ended between the read and the lease has planned its own next one.
        let mut flying = lock(in_flight);
        for d in due.iter().filter(|d| !held.contains(&d.id)) {
            flying.remove(&d.id);
        }
        drop(flying);
        due.retain(|d| held.contains(&d.id));
    }
    for d in due {
        let (app, in_flight) = (Arc::clone(app), Arc::clone(in_flight));
        tokio::spawn(async move {
            let id = d.id;
            attempt(Arc::clone(&app), d).await;
            lock(&in_flight).remove(&id);
            app.store.outbox().notify_one();
        });
    }
    let next = app
        .store
        .read(|c| {
            let delivery = hooks::next_due(c)?;
            let story = emit::next_story_due(c)?;
            Ok(delivery.into_iter().chain(story).min())
        })
        .await?;
    let now = app.clock.now_ms();
    Ok(match next {
        // Due already: a delivery still in flight (the clock jumped past its lease), which
        // the worker must not start again; its end wakes the worker.
        Some(at) if at <= now && !lock(in_flight).is_empty() => IN_FLIGHT_RECHECK,
        Some(at) => {
            Duration::from_millis(at.saturating_sub(now).clamp(0, IDLE.as_millis() as i64) as u64)
        }
        None => IDLE,
    })
}

fn lock(set: &InFlight) -> std::sync::MutexGuard<'_, std::collections::HashSet<i64>> {
    set.lock().unwrap_or_else(|p| p.into_inner())
}

/// Turns the outbox into deliveries: per app, object and version, up to Meta's 1000 changes
/// each. Changes whose app no longer has an active subscription are dropped.
fn batch_outbox(c: &mut Connection, now: i64) -> Result<(), StoreError> {
    let tx = c.transaction()?;
    let changes = hooks::outbox(&tx, OUTBOX_BATCH)?;
    if changes.is_empty() {
        return Ok(());
    }
    let mut groups: Vec<(&str, &str, &str, Vec<Change>)> = Vec::new();
    for k in &changes {
        match groups
            .iter_mut()
            .find(|(a, o, v, _)| *a == k.app_id && *o == k.object && *v == k.version)
        {
            Some(g) => g.3.push(k.clone()),
            None => groups.push((&k.app_id, &k.object, &k.version, vec![k.clone()])),
        }
    }
    for (app_id, object, version, group) in &groups {
        let Some(sub) = hooks::subscription(&tx, app_id, object)?.filter(|s| s.active) else {
            continue;
        };
        let waiting = hooks::pending_count(&tx, app_id, policy::MAX_PENDING_PER_APP)?;
        if waiting >= policy::MAX_PENDING_PER_APP {
            tracing::warn!(
                app = %app_id,
                dropped = group.len(),
                "the app has {waiting} deliveries waiting: new changes are dropped"
            );
            continue;
        }
        for chunk in group.chunks(policy::MAX_CHANGES_PER_DELIVERY) {
            let mut fields: Vec<String> = Vec::new();
            for k in chunk {
                if !fields.contains(&k.field) {
                    fields.push(k.field.clone());
                }
            }
            hooks::insert_delivery(
                &tx,
                &NewDelivery {
                    app_id: (*app_id).to_owned(),
                    object: (*object).to_owned(),
                    callback_url: sub.callback_url.clone(),
                    version: (*version).to_owned(),
                    body: payload::body(object, chunk, sub.include_values, now.div_euclid(1000)),
                    fields,
                    created_at: now,
                    redelivery_of: None,
                    test: false,
                },
            )?;
        }
    }
    let ids: Vec<i64> = changes.iter().map(|k| k.id).collect();
    hooks::remove_changes(&tx, &ids)?;
    tx.commit()?;
    Ok(())
}

/// How long an `out_of_order` fault holds a delivery back (virtual), so later ones pass it.
const OUT_OF_ORDER_HOLD_MS: i64 = 60_000;

/// The key a `bad_signature` fault signs with instead of the app secret.
const WRONG_KEY: &str = "not-the-app-secret";

/// One attempt at a delivery, with the webhook fault rules applied, recorded with its
/// consequences.
async fn attempt(app: Arc<App>, d: Delivery) {
    let fault = app.faults.fire_webhook(&d.fields);
    let hold = match fault {
        Some((WebhookFault::OutOfOrder, _)) => Some(OUT_OF_ORDER_HOLD_MS),
        Some((WebhookFault::Delay, ms)) => Some(i64::try_from(ms).unwrap_or(i64::MAX)),
        _ => None,
    };
    if let Some(hold) = hold {
        let until = app.clock.now_ms().saturating_add(hold);
        let id = d.id;
        if let Err(e) = app.store.write(move |c| hooks::hold(c, id, until)).await {
            tracing::error!(error = %e, "holding a webhook delivery back failed");
        }
        app.store.outbox().notify_one();
        return;
    }
    let app_id = d.app_id.clone();
    let secret = app
        .store
        .read(move |c| store::app(c, &app_id))
        .await
        .ok()
        .flatten()
        .map(|a| a.secret)
        .unwrap_or_default();
    let key = match fault {
        Some((WebhookFault::BadSignature, _)) => WRONG_KEY,
        _ => secret.as_str(),
    };
    let headers = delivery_headers(key, &d.body, &d.version);
    let started = app.clock.now_ms();
    let mut sent = Vec::new();
    let mut answer = match fault {
        Some((WebhookFault::Drop, _)) => Answer {
            status: None,
            latency_ms: 0,
            headers: Vec::new(),
            body: String::new(),
            error: Some("dropped by a fault rule: never sent and never retried".into()),
        },
        _ => app.webhooks.post(&d.callback_url, &headers, &d.body).await,
    };
    if let Some((WebhookFault::Duplicate, _)) = fault {
        sent.push(answer);
        answer = app.webhooks.post(&d.callback_url, &headers, &d.body).await;
    }
    if let Some((WebhookFault::Timeout, _)) = fault {
        answer.error = Some(format!(
            "curl_errno = 28; curl_error = Operation timed out (a fault rule: the callback answered {}, too late)",
            answer.status.map_or_else(|| "nothing".to_owned(), |s| s.to_string())
        ));
        answer.status = None;
    }
    let now = app.clock.now_ms();
    let record = |n: u32, a: Answer| Attempt {
        n,
        at: started,
        url: d.callback_url.clone(),
        request_headers: headers.clone(),
        status: a.status,
        latency_ms: a.latency_ms,
        response_headers: a.headers,
        response_body: a.body,
        error: a.error,
    };
    let mut n = d.attempts;
    let earlier: Vec<Attempt> = sent
        .into_iter()
        .map(|a| {
            n += 1;
            record(n, a)
        })
        .collect();
    let acknowledged = answer.acknowledged();
    let last = record(n + 1, answer);
    let dropped = matches!(fault, Some((WebhookFault::Drop, _)));
    let result = app
        .store
        .write(move |c| {
            let tx = c.transaction()?;
            for a in &earlier {
                hooks::record_attempt(&tx, d.id, a, DeliveryState::Pending, d.next_attempt_at)?;
            }
            if dropped {
                hooks::record_attempt(&tx, d.id, &last, DeliveryState::Dropped, None)?;
            } else {
                settle(&tx, &d, last, acknowledged, now)?;
            }
            tx.commit()?;
            Ok(())
        })
        .await;
    if let Err(e) = result {
        tracing::error!(error = %e, "recording a webhook attempt failed");
    }
}

/// Records an attempt: delivered, retried later, dropped, and the app's failing streak with
/// Meta's alert and automatic unsubscribe.
fn settle(
    c: &Connection,
    d: &Delivery,
    mut a: Attempt,
    acknowledged: bool,
    now: i64,
) -> Result<(), StoreError> {
    if acknowledged {
        hooks::record_attempt(c, d.id, &a, DeliveryState::Delivered, None)?;
        hooks::clear_failure(c, &d.app_id)?;
        return Ok(());
    }
    hooks::note_failure(c, &d.app_id, now)?;
    let (since, alerted) = hooks::failing_since(c, &d.app_id)?.unwrap_or((now, false));
    if now.saturating_sub(since) >= policy::UNSUBSCRIBE_AFTER_MS {
        let nodes = hooks::delete_installs_of(c, &d.app_id)?;
        hooks::drop_pending(c, &d.app_id)?;
        hooks::clear_failure(c, &d.app_id)?;
        let note = format!(
            "Webhooks Disabled: the callback failed for an hour, so the app was unsubscribed from {} account(s); subscribe them again",
            nodes.len()
        );
        tracing::warn!(app = %d.app_id, "{note}");
        a.error = Some(match a.error.take() {
            Some(e) => format!("{e}; {note}"),
            None => note,
        });
        hooks::record_attempt(c, d.id, &a, DeliveryState::Dropped, None)?;
        return Ok(());
    }
    if !alerted && now.saturating_sub(since) >= policy::ALERT_AFTER_MS {
        hooks::note_alerted(c, &d.app_id)?;
        tracing::warn!(app = %d.app_id, "webhook deliveries have failed for 15 minutes");
    }
    match policy::next_attempt(a.n, d.created_at, now) {
        Some(at) => hooks::record_attempt(c, d.id, &a, DeliveryState::Pending, Some(at)),
        None => hooks::record_attempt(c, d.id, &a, DeliveryState::Dropped, None),
    }
}
