//! Progress of a backup or restore: a bar per mailbox on a terminal, JSON
//! lines with `--json`, nothing otherwise.

use crate::commands::output::say;
use indicatif::{HumanBytes, MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};
use serde_json::json;
use std::io::IsTerminal;
use std::time::Instant;

/// Where progress goes.
#[derive(Clone)]
pub enum Progress {
    /// Bars on the terminal (stdout).
    Bars(MultiProgress),
    /// One JSON object per line on stdout.
    Json,
    /// Nothing (stdout is not a terminal).
    Quiet,
}

impl Progress {
    /// Bars when stdout is a terminal, JSON lines with `json`, else quiet.
    pub fn new(json: bool) -> Progress {
        if json {
            Progress::Json
        } else if std::io::stdout().is_terminal() {
            Progress::Bars(MultiProgress::with_draw_target(ProgressDrawTarget::stdout()))
        } else {
            Progress::Quiet
        }
    }

    /// A line for people (text mode only), printed above the bars.
    pub fn note(&self, text: &str) {
        match self {
            Progress::Bars(multi) => {
                let _ = multi.println(text);
            }
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
                bar.set_style(
                    ProgressStyle::with_template(
                        "{prefix:.bold} [{bar:30.cyan/blue}] {pos}/{len} msgs {msg} {per_sec} {elapsed_precise}",
                    )
                    .expect("a valid template")
                    .progress_chars("=> "),
                );
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

fn rate(bytes: u64, seconds: f64) -> f64 {
    if seconds > 0.0 {
        bytes as f64 / seconds
    } else {
        0.0
    }
}
