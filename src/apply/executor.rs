//! Carrying out the changes: creates and modifies first, then cancels; each step
//! recorded in the ledger as an intent before the call and a result after it.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use jiff::Timestamp;
use serde_json::Value;

use super::call::call;
use super::gate::Gate;
use super::media::{MediaCache, upload_path};
use super::progress::Progress;
use super::recover::Recovery;
use super::summary::{Failure, Summary};
use crate::ledger::{Event, LedgerError, LedgerWriter, Record};
use crate::plan::PlannedLive;
use crate::plan::changes::with_modifiable;
use crate::wecom::types::status;
use crate::wecom::{ApiError, Client, CreateLiving, ErrorClass, ModifyLiving};

/// One step for the API.
#[derive(Debug, Clone)]
pub enum Task {
    /// `pending`: a crashed run left an intent to create this session, with what it sent.
    Create {
        live: Box<PlannedLive>,
        pending: Option<Value>,
    },
    /// `current`: the live's state as last recorded (a create body).
    Modify {
        live: Box<PlannedLive>,
        livingid: String,
        current: Option<Value>,
    },
    Cancel {
        key: String,
        livingid: String,
    },
    /// WeCom cannot modify the anchor or the pictures: create anew, then cancel `old`.
    Replace {
        live: Box<PlannedLive>,
        old: String,
        pending: Option<Value>,
    },
}

impl Task {
    fn key(&self) -> String {
        match self {
            Task::Create { live, .. } | Task::Modify { live, .. } | Task::Replace { live, .. } => {
                live.key.to_string()
            }
            Task::Cancel { key, .. } => key.clone(),
        }
    }

    fn action(&self) -> &'static str {
        match self {
            Task::Create { .. } => "create",
            Task::Modify { .. } => "modify",
            Task::Cancel { .. } => "cancel",
            Task::Replace { .. } => "replace",
        }
    }
}

/// What became of a task.
enum Outcome {
    Created,
    Adopted,
    Modified,
    Cancelled,
    Replaced,
    Deferred,
    Failed(Failure),
}

pub struct Executor {
    pub client: Client,
    pub gate: Arc<Gate>,
    pub ledger: LedgerWriter,
    pub media: MediaCache,
    pub recovery: Recovery,
    pub progress: Progress,
    /// Set by Ctrl-C or a fatal error: no new task starts.
    pub stop: Arc<AtomicBool>,
    pub fatal: Mutex<Option<String>>,
    /// Tasks in flight at once (each holds its intent open).
    pub concurrency: usize,
    /// Turns true when the calls in flight are given up (a second Ctrl-C, or
    /// the grace after the first ran out); their intents make the next run look them up.
    pub abandon: tokio::sync::watch::Receiver<bool>,
}

impl Executor {
    /// Runs `first` (creates and modifies), then `then` (cancels), and sums up.
    pub async fn run(
        self: Arc<Self>,
        first: Vec<Task>,
        then: Vec<Task>,
        mut summary: Summary,
    ) -> Summary {
        let started = Instant::now();
        for phase in [first, then] {
            let slots = Arc::new(tokio::sync::Semaphore::new(self.concurrency.max(1)));
            let mut running = tokio::task::JoinSet::new();
            for task in phase {
                let slot = Arc::clone(&slots)
                    .acquire_owned()
                    .await
                    .expect("slots stay open");
                if self.stop.load(Ordering::SeqCst) {
                    summary.deferred += 1;
                    continue;
                }
                let me = Arc::clone(&self);
                let abandon = self.abandon.clone();
                running.spawn(async move {
                    let given_up = given_up(abandon);
                    let outcome = tokio::select! {
                        outcome = me.perform(&task) => outcome,
                        () = given_up => Outcome::Deferred,
                    };
                    drop(slot);
                    outcome
                });
                while let Some(done) = running.try_join_next() {
                    self.tally(done, &mut summary);
                }
            }
            while let Some(done) = running.join_next().await {
                self.tally(done, &mut summary);
            }
        }
        summary.interrupted =
            self.stop.load(Ordering::SeqCst) && self.fatal.lock().expect("fatal lock").is_none();
        summary.fatal = self.fatal.lock().expect("fatal lock").clone();
        summary.elapsed_seconds = started.elapsed().as_secs_f64();
        summary
    }

    fn tally(&self, done: Result<Outcome, tokio::task::JoinError>, summary: &mut Summary) {
        match done {
            Ok(Outcome::Created) => summary.created += 1,
            Ok(Outcome::Adopted) => summary.adopted += 1,
            Ok(Outcome::Modified) => summary.modified += 1,
            Ok(Outcome::Cancelled) => summary.cancelled += 1,
            Ok(Outcome::Replaced) => summary.replaced += 1,
            Ok(Outcome::Deferred) => summary.deferred += 1,
            Ok(Outcome::Failed(f)) => {
                self.progress
                    .println(&format!("failed to {} `{}`: {}", f.action, f.key, f.error));
                summary.failed.push(f);
            }
            Err(err) => summary.failed.push(Failure {
                key: String::new(),
                action: "run",
                errcode: None,
                error: format!("a task panicked: {err}"),
            }),
        }
        self.progress.inc(summary.failed.len());
    }

    async fn perform(&self, task: &Task) -> Outcome {
        if self.stop.load(Ordering::SeqCst) {
            return Outcome::Deferred;
        }
        let result = match task {
            Task::Create { live, pending } => self.create(live, pending.as_ref()).await,
            Task::Modify {
                live,
                livingid,
                current,
            } => self.modify(live, livingid, current.as_ref()).await,
            Task::Cancel { key, livingid } => self.cancel(key, livingid).await,
            Task::Replace { live, old, pending } => self.replace(live, old, pending.as_ref()).await,
        };
        match result {
            Ok(outcome) => outcome,
            Err(Stop::Ledger(err)) => {
                self.halt(format!("{err}: the ledger cannot record results"));
                Outcome::Failed(failure(task, None, err.to_string()))
            }
            Err(Stop::Api(err)) => self.fail(task, err, None).await,
            Err(Stop::InDoubt(err, sent)) => self.fail(task, err, Some(sent)).await,
        }
    }

    /// Records the failure; `sent` is the body of a create that may have made the
    /// live, kept on the record so that the next run looks for it before creating.
    async fn fail(&self, task: &Task, err: ApiError, sent: Option<Value>) -> Outcome {
        // Never sent: the intent before it stays, and the next run looks the key up.
        if err.class() == ErrorClass::Stopped {
            return Outcome::Deferred;
        }
        if err.class() == ErrorClass::Config {
            self.halt(err.to_string());
        }
        let message = explain(task, &err);
        let outcome = Outcome::Failed(failure(task, err.errcode(), message.clone()));
        let mut record = Record::new(task.key(), Event::Failed, Timestamp::now())
            .with_action(task.action())
            .with_error(err.errcode(), message);
        if let Some(sent) = sent {
            record = record.with_request(sent);
        }
        if let Err(err) = self.ledger.append(record).await {
            self.halt(format!("{err}: the ledger cannot record results"));
        }
        outcome
    }

    fn halt(&self, reason: String) {
        let mut fatal = self.fatal.lock().expect("fatal lock");
        if fatal.is_none() {
            *fatal = Some(reason);
        }
        self.stop.store(true, Ordering::SeqCst);
    }

    async fn record(&self, record: Record) -> Result<(), Stop> {
        self.ledger.append(record).await.map_err(Stop::Ledger)
    }

    async fn create(&self, live: &PlannedLive, pending: Option<&Value>) -> Result<Outcome, Stop> {
        // What an earlier call (this run's or a crashed one's) may have made: a failure
        // while this is set must leave it on the ledger, or the next run creates blindly.
        let mut doubt = pending.cloned();
        self.try_create(live, pending, &mut doubt)
            .await
            .map_err(|stop| match (stop, doubt) {
                (Stop::Api(err), Some(sent)) => Stop::InDoubt(err, sent),
                (stop, _) => stop,
            })
    }

    async fn try_create(
        &self,
        live: &PlannedLive,
        pending: Option<&Value>,
        doubt: &mut Option<Value>,
    ) -> Result<Outcome, Stop> {
        let request = self.with_media(&live.request()).await?;
        // A crashed run may have created it: look for what that run sent first.
        if let Some(sent) =
            pending.and_then(|v| serde_json::from_value::<CreateLiving>(v.clone()).ok())
        {
            match self.recovery.find(&self.client, &self.gate, &sent).await? {
                Some(id) => {
                    self.record(adopted(&live.key, &id, &sent)).await?;
                    return self.bring_up_to_date(live, &id, &sent, &request).await;
                }
                None => *doubt = None,
            }
        }
        let body = serde_json::to_value(&request).unwrap_or_default();
        self.record(
            Record::new(&live.key, Event::Intent, Timestamp::now())
                .with_action("create")
                .with_request(body.clone()),
        )
        .await?;
        // An ambiguous failure is looked up, never blindly repeated.
        for _ in 0..3 {
            match call(&self.gate, &[], || self.client.create(&request)).await {
                Ok(id) => {
                    self.recovery.claim(&id);
                    self.record(
                        Record::new(&live.key, Event::Created, Timestamp::now())
                            .with_livingid(&id)
                            .with_request(planned_body(live)),
                    )
                    .await?;
                    return Ok(Outcome::Created);
                }
                Err(err) if err.class() == ErrorClass::Ambiguous => {
                    *doubt = Some(body.clone());
                    tracing::info!("`{}`: {err}; looking it up before creating again", live.key);
                    if let Some(id) = self
                        .recovery
                        .find(&self.client, &self.gate, &request)
                        .await?
                    {
                        self.record(adopted(&live.key, &id, &live.request()))
                            .await?;
                        return Ok(Outcome::Adopted);
                    }
                }
                Err(err) => return Err(Stop::Api(err)),
            }
        }
        Err(Stop::Api(ApiError::Protocol {
            api: "living/create",
            reason: "no reply after three tries, and no live found for it".into(),
        }))
    }

    /// After adopting a live made from an older request, modify it to the plan.
    async fn bring_up_to_date(
        &self,
        live: &PlannedLive,
        id: &str,
        sent: &CreateLiving,
        planned: &CreateLiving,
    ) -> Result<Outcome, Stop> {
        let sent_v = serde_json::to_value(sent).unwrap_or_default();
        let planned_v = serde_json::to_value(planned).unwrap_or_default();
        if crate::plan::changes::same_modifiable(&sent_v, &planned_v) {
            return Ok(Outcome::Adopted);
        }
        self.modify(live, id, Some(&sent_v)).await
    }

    async fn modify(
        &self,
        live: &PlannedLive,
        livingid: &str,
        current: Option<&Value>,
    ) -> Result<Outcome, Stop> {
        let r = &live.request();
        let body = ModifyLiving {
            livingid: livingid.to_string(),
            theme: r.theme.clone(),
            living_start: r.living_start,
            living_duration: r.living_duration,
            description: r.description.clone(),
            living_type: r.living_type,
            remind_time: r.remind_time,
        };
        self.record(
            Record::new(&live.key, Event::Intent, Timestamp::now())
                .with_action("modify")
                .with_livingid(livingid)
                .with_request(serde_json::to_value(&body).unwrap_or_default()),
        )
        .await?;
        // Sending the whole intended state twice changes nothing: safe to repeat.
        call(&self.gate, &[ErrorClass::Ambiguous], || {
            self.client.modify(&body)
        })
        .await?;
        // The live's state now: what it was (media ids and all), with the modified fields.
        let planned = planned_body(live);
        let state = with_modifiable(
            current.cloned().unwrap_or_else(|| planned.clone()),
            &planned,
        );
        self.record(
            Record::new(&live.key, Event::Modified, Timestamp::now())
                .with_livingid(livingid)
                .with_request(state),
        )
        .await?;
        Ok(Outcome::Modified)
    }

    /// The old live is named under a tombstone key (`KEY~OLDID`) before anything
    /// else, so that whatever happens next it is never lost from the ledger: a crash
    /// leaves a cancel intent the next run finishes; a failed create marks the
    /// tombstone failed, which keeps the old live (see `plan::changes`).
    async fn replace(
        &self,
        live: &PlannedLive,
        old: &str,
        pending: Option<&Value>,
    ) -> Result<Outcome, Stop> {
        let tomb = crate::plan::changes::tombstone(&live.key, old);
        self.record(cancel_intent(&tomb, old)).await?;
        if let Err(stop) = self.create(live, pending).await {
            if let Stop::Api(err) = &stop {
                self.record(
                    Record::new(&tomb, Event::Failed, Timestamp::now())
                        .with_action("replace")
                        .with_livingid(old)
                        .with_error(
                            err.errcode(),
                            "the replacement was not created; the old live was kept",
                        ),
                )
                .await?;
            }
            return Err(stop);
        }
        self.cancel_recorded(&tomb, old).await?;
        Ok(Outcome::Replaced)
    }

    async fn cancel(&self, key: &str, livingid: &str) -> Result<Outcome, Stop> {
        self.record(cancel_intent(key, livingid)).await?;
        self.cancel_recorded(key, livingid).await
    }

    /// The cancel itself, its intent already recorded.
    async fn cancel_recorded(&self, key: &str, livingid: &str) -> Result<Outcome, Stop> {
        let result = call(&self.gate, &[ErrorClass::Ambiguous], || {
            self.client.cancel(livingid)
        })
        .await;
        match result {
            Ok(()) => {}
            // Already cancelled (by us before a lost reply, or by a person) is done.
            Err(err) if err.errcode() == Some(92006) => {
                let info = call(&self.gate, &[ErrorClass::Ambiguous], || {
                    self.client.living_info(livingid)
                })
                .await?;
                if info.status != status::CANCELLED {
                    return Err(Stop::Api(err));
                }
            }
            Err(err) => return Err(Stop::Api(err)),
        }
        self.record(Record::new(key, Event::Cancelled, Timestamp::now()).with_livingid(livingid))
            .await?;
        Ok(Outcome::Cancelled)
    }

    /// The request with each `upload:PATH` replaced by the file's media_id.
    async fn with_media(&self, request: &CreateLiving) -> Result<CreateLiving, Stop> {
        let mut r = request.clone();
        let upload = |name: String, bytes: Vec<u8>| async move {
            call(&self.gate, &[], || {
                self.client.upload_image(&name, bytes.clone())
            })
            .await
            .map(|m| m.media_id)
        };
        for slot in [&mut r.activity_cover_mediaid, &mut r.activity_share_mediaid]
            .into_iter()
            .flatten()
        {
            if let Some(path) = upload_path(slot) {
                *slot = self.media.media_id(&path, upload).await?;
            }
        }
        if let Some(detail) = &mut r.activity_detail {
            for slot in &mut detail.image_list {
                if let Some(path) = upload_path(slot) {
                    *slot = self.media.media_id(&path, upload).await?;
                }
            }
        }
        Ok(r)
    }
}

/// What a result records as the live's state: the planned body, local images as
/// `upload:PATH`, so that the next plan compares like with like. (The intent
/// before the call records what was actually sent.)
fn planned_body(live: &PlannedLive) -> Value {
    serde_json::to_value(live.request()).unwrap_or_default()
}

fn cancel_intent(key: &str, livingid: &str) -> Record {
    Record::new(key, Event::Intent, Timestamp::now())
        .with_action("cancel")
        .with_livingid(livingid)
}

fn adopted(key: impl Into<String>, id: &str, request: &CreateLiving) -> Record {
    Record::new(key, Event::Adopted, Timestamp::now())
        .with_livingid(id)
        .with_request(serde_json::to_value(request).unwrap_or_default())
}

/// The error, with what in this task WeCom refused when the errcode names it:
/// 40003 means the anchor's userid.
fn explain(task: &Task, err: &ApiError) -> String {
    let anchor = match task {
        Task::Create { live, .. } | Task::Modify { live, .. } | Task::Replace { live, .. } => {
            Some(&live.anchor)
        }
        Task::Cancel { .. } => None,
    };
    match (err.errcode(), anchor) {
        (Some(crate::wecom::errcode::INVALID_USERID), Some(anchor)) => {
            format!("{err}: the anchor `{anchor}` is not a userid of this corp")
        }
        _ => err.to_string(),
    }
}

fn failure(task: &Task, errcode: Option<i64>, error: String) -> Failure {
    Failure {
        key: task.key().to_string(),
        action: task.action(),
        errcode,
        error,
    }
}

/// Resolves once the calls in flight are given up (see [`Executor::abandon`]);
/// never, when nothing can give them up any more (the sender is gone).
pub async fn given_up(mut abandon: tokio::sync::watch::Receiver<bool>) {
    if abandon.wait_for(|given_up| *given_up).await.is_err() {
        std::future::pending::<()>().await;
    }
}

/// Why a task stopped before its result.
enum Stop {
    Api(ApiError),
    /// A create failed after a call that may have made the live; with the body sent.
    InDoubt(ApiError, Value),
    Ledger(LedgerError),
}

impl From<ApiError> for Stop {
    fn from(err: ApiError) -> Stop {
        Stop::Api(err)
    }
}
