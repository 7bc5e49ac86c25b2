//! `backup --config FILE`: every account's backup at once, on one thread.
//!
//! One [`Sessions`] reactor holds a connection per account; each account has
//! its own [`Engine`]. The loop hands every engine's commands to its session,
//! polls the reactor, and routes each completion back to the engine whose
//! command it was. An account that fails (refused login, dropped connection)
//! is reported and the others go on; the exit status is that of the first
//! failure.

use super::engine::{Engine, Purpose, Tuning};
use super::progress::Progress;
use crate::commands::config::{self, Account};
use crate::failure::Failure;
use imap_core::client::{ClientOptions, SessionId, Sessions, TlsMode};
use imap_core::command::Command;
use imap_core::reactor::{Timeouts, TlsOptions};
use imap_core::session::{Error, Event, Sasl, Tag};
use serde_json::json;
use std::collections::VecDeque;
use std::path::Path;
use std::time::{Duration, Instant};

/// How long an account may go without any completion.
const STALL: Duration = Duration::from_secs(120);

#[derive(Debug)]
enum Stage {
    Greeting,
    StartTls(Tag),
    /// CAPABILITY, to learn the AUTH= mechanisms before a token login.
    Capability(Tag),
    Login(Tag),
    Running,
    Logout(Tag),
    Done,
    Failed,
}

/// How an account logs in.
enum Secret {
    /// LOGIN.
    Password(String),
    /// AUTHENTICATE OAUTHBEARER or XOAUTH2.
    Token(String),
}

struct Run {
    account: Account,
    secret: Secret,
    id: SessionId,
    engine: Engine,
    stage: Stage,
    pending: VecDeque<(Tag, Purpose)>,
    last: Instant,
    error: Option<Failure>,
}

impl Run {
    fn over(&self) -> bool {
        matches!(self.stage, Stage::Done | Stage::Failed)
    }
}

/// Backs up every account of `file` into `root/<name>`.
pub fn run(file: &Path, root: &Path, tuning: Tuning, prune: bool, progress: &Progress) -> Result<(), Failure> {
    let config = config::load(file)?;
    let mut sessions = Sessions::new()?;
    let mut runs = Vec::new();
    for account in config.accounts {
        // Every secret first: no connection waits on a password or token command.
        let secret = match &account.token_command {
            Some(command) => {
                let what = format!("account {}: token_command", account.name);
                Secret::Token(config::run_secret_command(&what, command)?)
            }
            None => Secret::Password(account.password()?),
        };
        let mut tls = TlsOptions::new();
        if let Some(ca) = &account.ca_file {
            if !ca.is_file() {
                return Err(Failure::Usage(format!(
                    "account {}: ca_file {}: no such file",
                    account.name,
                    ca.display()
                )));
            }
            tls = tls.add_ca_file(ca);
        }
        if account.insecure_accept_any_certificate {
            tls = tls.dangerous_accept_any_certificate();
        }
        let options = ClientOptions::default().with_tls(tls).with_timeouts(Timeouts::default().with_read(Some(STALL)));
        let id = sessions.connect(&account.host, account.port(), account.mode(), &options)?;
        let dir = root.join(&account.name);
        let engine = Engine::new(&account.name, &dir, account.mailboxes.clone(), progress.clone(), tuning).prune(prune);
        runs.push(Run {
            account,
            secret,
            id,
            engine,
            stage: Stage::Greeting,
            pending: VecDeque::new(),
            last: Instant::now(),
            error: None,
        });
    }
    while !runs.iter().all(Run::over) {
        for run in runs.iter_mut().filter(|r| matches!(r.stage, Stage::Running)) {
            if let Err(e) = feed(&mut sessions, run) {
                fail(&mut sessions, run, e);
            }
        }
        let events = sessions.poll(Some(Duration::from_millis(200)))?;
        for (id, event) in events {
            let Some(run) = runs.iter_mut().find(|r| r.id == id && !r.over()) else { continue };
            run.last = Instant::now();
            if let Err(e) = handle(&mut sessions, run, event) {
                fail(&mut sessions, run, e);
            }
        }
        for run in runs.iter_mut().filter(|r| !r.over() && r.last.elapsed() > STALL) {
            fail(&mut sessions, run, Failure::Imap(Error::Timeout));
        }
    }
    let mut first = None;
    for run in &mut runs {
        let report = run.engine.report();
        let error = run.error.as_ref().map(|e| e.to_string());
        progress.event(json!({
            "event": "finished", "action": "backup", "account": run.account.name,
            "ok": error.is_none(), "error": error, "mailboxes": report.mailboxes,
            "new_messages": report.messages, "new_bytes": report.bytes, "flag_updates": report.flag_updates,
            "expunged": report.expunged,
        }));
        if let Some(e) = run.error.take() {
            eprintln!("imap-cli: account {}: {e}", run.account.name);
            first.get_or_insert(e);
        }
    }
    first.map_or(Ok(()), Err)
}

/// Submits what the engine wants now; LOGOUT once it is done.
fn feed(sessions: &mut Sessions, run: &mut Run) -> Result<(), Failure> {
    let session = sessions.session(run.id).ok_or_else(|| Error::Closed("the session is gone".into()))?;
    let commands = run.engine.poll_commands(session)?;
    for (command, purpose) in commands {
        let tag = sessions.submit(run.id, command)?;
        run.pending.push_back((tag, purpose));
    }
    if run.engine.is_done() && run.pending.is_empty() {
        run.stage = Stage::Logout(sessions.submit(run.id, Command::Logout)?);
    }
    Ok(())
}

fn login(sessions: &mut Sessions, run: &mut Run) -> Result<(), Failure> {
    let command_name = match run.secret {
        Secret::Password(_) => "LOGIN",
        Secret::Token(_) => "AUTHENTICATE",
    };
    if run.account.mode() == TlsMode::None && !run.account.allow_plaintext_login {
        return Err(Failure::Imap(Error::Insecure(command_name)));
    }
    let user = run.account.user.clone();
    match &run.secret {
        Secret::Password(password) => {
            let command = Command::Login { user: user.into_bytes(), password: password.clone().into_bytes() };
            run.stage = Stage::Login(sessions.submit(run.id, command)?);
        }
        Secret::Token(token) => {
            let session = sessions.session_mut(run.id).ok_or_else(|| Error::Closed("the session is gone".into()))?;
            if session.capabilities().is_none() {
                // Not in the greeting, or forgotten after STARTTLS.
                run.stage = Stage::Capability(session.submit(Command::Capability)?);
                return Ok(());
            }
            let token = token.clone();
            let sasl = if session.has_capability("AUTH=OAUTHBEARER") {
                Sasl::OAuthBearer { user, host: run.account.host.clone(), port: run.account.port(), token }
            } else if session.has_capability("AUTH=XOAUTH2") {
                Sasl::XOAuth2 { user, token }
            } else {
                return Err(Failure::Imap(Error::MissingCapability {
                    command: "AUTHENTICATE",
                    capability: "AUTH=OAUTHBEARER or AUTH=XOAUTH2",
                }));
            };
            run.stage = Stage::Login(session.authenticate(sasl)?);
        }
    }
    Ok(())
}

fn handle(sessions: &mut Sessions, run: &mut Run, event: Event) -> Result<(), Failure> {
    match event {
        Event::Greeting(_) => {
            if let Stage::Greeting = run.stage {
                if run.account.mode() == TlsMode::StartTls {
                    run.stage = Stage::StartTls(sessions.submit(run.id, Command::StartTls)?);
                } else {
                    login(sessions, run)?;
                }
            }
        }
        Event::Completed { tag, result } => match &run.stage {
            Stage::StartTls(t) if *t == tag => {
                result?;
                login(sessions, run)?;
            }
            Stage::Capability(t) if *t == tag => {
                result?;
                if sessions.session(run.id).and_then(|s| s.capabilities()).is_none() {
                    return Err(Failure::Imap(Error::Protocol("CAPABILITY gave no capabilities".into())));
                }
                login(sessions, run)?;
            }
            Stage::Login(t) if *t == tag => {
                result?;
                run.stage = Stage::Running;
            }
            Stage::Running => {
                let Some(i) = run.pending.iter().position(|(t, _)| *t == tag) else { return Ok(()) };
                let (_, purpose) = run.pending.remove(i).expect("found above");
                let session = sessions.session(run.id).ok_or_else(|| Error::Closed("the session is gone".into()))?;
                run.engine.on_complete(purpose, result, session)?;
            }
            Stage::Logout(t) if *t == tag => {
                run.stage = Stage::Done;
                sessions.remove(run.id);
            }
            _ => {}
        },
        Event::Closed(error) => match run.stage {
            Stage::Logout(_) => {
                run.stage = Stage::Done;
                sessions.remove(run.id);
            }
            _ => return Err(Failure::Imap(error.unwrap_or_else(|| Error::Closed("connection closed".into())))),
        },
        _ => {}
    }
    Ok(())
}

fn fail(sessions: &mut Sessions, run: &mut Run, error: Failure) {
    run.stage = Stage::Failed;
    run.error = Some(error);
    sessions.remove(run.id);
}
