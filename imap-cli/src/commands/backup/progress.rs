//! Progress of a backup or restore: a bar per mailbox on stderr when it is a
//! terminal (not with `--quiet` or `TERM=dumb`; no colours with `NO_COLOR`),
//! JSON lines with `--json`, nothing otherwise.

use crate::commands::output::say;
use indicatif::{HumanBytes, MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};
use serde_json::json;
use std::io::IsTerminal;
use std::time::Instant;

/// Where progress goes.
#[derive(Clone)]
pub enum Progress {
    /// Bars on the terminal (stderr).
    Bars(MultiProgress),
    /// One JSON object per line on stdout.
    Json,
    /// Nothing (stderr is not a terminal, or `--quiet`).
    Quiet,
}

impl Progress {
    /// JSON lines with `json`; else bars when stderr is a terminal that can
    /// draw them and `quiet` is not asked; else nothing.
    pub fn new(json: bool, quiet: bool) -> Progress {
        if json {
            Progress::Json
        } else if !quiet && std::io::stderr().is_terminal() && std::env::var_os("TERM").is_none_or(|t| t != "dumb") {
            Progress::Bars(MultiProgress::with_draw_target(ProgressDrawTarget::stderr()))
        } else {
            Progress::Quiet
        }
    }

    /// A line for people (text mode only), printed above the bars.
    pub fn note(&self, text: &str) {
        match self {
            // A result, not progress: on stdout, with the bars out of the way.
            Progress::Bars(multi) => multi.suspend(|| say(text)),
            Progress::Quiet => say(text),
            Progress::Json => {}
        }
    }

    /// An event for `--json` (nothing in text mode).
    pub fn event(&self, value: serde_json::Value) {
        if let Progress::Json = self {
            say(value);
        }
    }

    /// Starts a mailbox's progress: `messages` to do, `bytes` in all.
    pub fn mailbox(
        &self,
        verb: &'static str,
        account: &str,
        mailbox: &str,
        messages: u64,
        bytes: u64,
    ) -> MailboxProgress {
        let bar = match self {
            Progress::Bars(multi) => {
                let bar = multi.add(ProgressBar::new(messages));
                let template = if no_color() {
                    "{prefix} [{bar:30}] {pos}/{len} msgs {msg} {per_sec} {elapsed_precise}"
                } else {
                    "{prefix:.bold} [{bar:30.cyan/blue}] {pos}/{len} msgs {msg} {per_sec} {elapsed_precise}"
                };
                bar.set_style(ProgressStyle::with_template(template).expect("a valid template").progress_chars("=> "));
                let name = if account.is_empty() { mailbox.to_owned() } else { format!("{account}: {mailbox}") };
                bar.set_prefix(name);
                Some(bar)
            }
            _ => None,
        };
        let p = MailboxProgress {
            progress: self.clone(),
            bar,
            verb,
            account: account.to_owned(),
            mailbox: mailbox.to_owned(),
            messages,
            bytes,
            done_messages: 0,
            done_bytes: 0,
            started: Instant::now(),
        };
        self.event(json!({
            "event": "start", "action": verb, "account": account, "mailbox": mailbox,
            "messages": messages, "bytes": bytes,
        }));
        p.redraw();
        p
    }
}

/// One mailbox's progress.
pub struct MailboxProgress {
    progress: Progress,
    bar: Option<ProgressBar>,
    verb: &'static str,
    account: String,
    mailbox: String,
    messages: u64,
    bytes: u64,
    done_messages: u64,
    done_bytes: u64,
    started: Instant,
}

impl MailboxProgress {
    /// `messages` more done, `bytes` more bytes.
    pub fn advance(&mut self, messages: u64, bytes: u64) {
        self.done_messages += messages;
        self.done_bytes += bytes;
        self.redraw();
        let seconds = self.started.elapsed().as_secs_f64();
        self.progress.event(json!({
            "event": "progress", "action": self.verb, "account": self.account, "mailbox": self.mailbox,
            "messages_done": self.done_messages, "messages": self.messages,
            "bytes_done": self.done_bytes, "bytes": self.bytes,
            "bytes_per_second": rate(self.done_bytes, seconds),
        }));
    }

    fn redraw(&self) {
        if let Some(bar) = &self.bar {
            bar.set_position(self.done_messages);
            let seconds = self.started.elapsed().as_secs_f64();
            bar.set_message(format!(
                "{}/{} {}/s",
                HumanBytes(self.done_bytes),
                HumanBytes(self.bytes),
                HumanBytes(rate(self.done_bytes, seconds) as u64)
            ));
        }
    }

    /// The mailbox is done; `summary` says what happened (also in the JSON event).
    pub fn finish(self, summary: serde_json::Value, text: String) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
        let mut event = json!({
            "event": "done", "action": self.verb, "account": self.account, "mailbox": self.mailbox,
            "seconds": self.started.elapsed().as_secs_f64(),
        });
        if let (Some(event), Some(summary)) = (event.as_object_mut(), summary.as_object()) {
            event.extend(summary.clone());
        }
        self.progress.event(event);
        self.progress.note(&text);
    }
}

/// Whether the user asked for no colours (<https://no-color.org>: set and not empty).
fn no_color() -> bool {
    std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty())
}

fn rate(bytes: u64, seconds: f64) -> f64 {
    if seconds > 0.0 {
        bytes as f64 / seconds
    } else {
        0.0
    }
}
