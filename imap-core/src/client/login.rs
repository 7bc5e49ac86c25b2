//! The commands about the connection rather than its mail: capabilities,
//! STARTTLS, COMPRESS, the logins, NOOP.

use super::engine::Engine;
use super::link::Link;
use crate::command::Command;
use crate::session::{Error, Mechanism, Sasl};
use crate::types::{Capability, Response};

impl<L: Link> Engine<L> {
    pub(crate) async fn starttls(&mut self) -> Result<(), Error> {
        self.run(Command::StartTls).await?;
        self.tls = true;
        // The handshake happens on the next turns; CAPABILITY goes over TLS.
        self.capabilities().await?;
        Ok(())
    }

    pub(crate) async fn compress(&mut self) -> Result<(), Error> {
        self.run(Command::Compress).await?;
        Ok(())
    }

    pub(crate) async fn capabilities(&mut self) -> Result<Vec<Capability<'static>>, Error> {
        if let Some(caps) = self.session().capabilities() {
            return Ok(caps.to_vec());
        }
        // Submitted directly: `run` may ask for the capabilities first,
        // which CAPABILITY itself never needs.
        let tag = self.session_mut().submit(Command::Capability)?;
        self.wait(&tag).await?;
        Ok(self.session().capabilities().map(<[_]>::to_vec).unwrap_or_default())
    }

    pub(crate) async fn has_capability(&mut self, name: &str) -> Result<bool, Error> {
        self.capabilities().await?;
        // The session's answer also counts what IMAP4rev2 includes.
        Ok(self.session().has_capability(name))
    }

    pub(crate) async fn ensure_capability(&mut self, name: &'static str, command: &'static str) -> Result<(), Error> {
        if self.has_capability(name).await? {
            Ok(())
        } else {
            Err(Error::MissingCapability { command, capability: name })
        }
    }

    async fn check_plaintext(&mut self, command: &'static str) -> Result<(), Error> {
        if !self.tls && !self.options.allow_plaintext_login {
            return Err(Error::Insecure(command));
        }
        if self.has_capability("LOGINDISABLED").await? {
            return Err(Error::MissingCapability { command, capability: "LOGIN (the server says LOGINDISABLED)" });
        }
        Ok(())
    }

    pub(crate) async fn login(&mut self, user: &str, password: &str) -> Result<(), Error> {
        self.check_plaintext("LOGIN").await?;
        self.run(Command::Login { user: user.as_bytes().to_vec(), password: password.as_bytes().to_vec() }).await?;
        Ok(())
    }

    pub(crate) async fn authenticate(&mut self, mechanism: impl Mechanism + 'static) -> Result<(), Error> {
        if mechanism.reveals_secret() {
            self.check_plaintext("AUTHENTICATE").await?;
        }
        let capability = format!("AUTH={}", mechanism.name());
        if !self.has_capability(&capability).await? {
            return Err(Error::MissingCapability { command: "AUTHENTICATE", capability: "AUTH=<the mechanism>" });
        }
        let tag = self.session_mut().authenticate(mechanism)?;
        self.wait(&tag).await?;
        Ok(())
    }

    pub(crate) async fn scram_login(&mut self, user: &str, password: &str) -> Result<(), Error> {
        self.authenticate(crate::session::ScramSha256::new(user, password)).await
    }

    pub(crate) async fn oauth2_login(&mut self, user: &str, token: &str) -> Result<(), Error> {
        self.authenticate(Sasl::XOAuth2 { user: user.into(), token: token.into() }).await
    }

    pub(crate) async fn oauthbearer_login(&mut self, user: &str, token: &str) -> Result<(), Error> {
        let (host, port) = (self.host.clone(), self.port);
        self.authenticate(Sasl::OAuthBearer { user: user.into(), host, port, token: token.into() }).await
    }

    pub(crate) async fn noop(&mut self) -> Result<Vec<Response<'static>>, Error> {
        self.run(Command::Noop).await?;
        Ok(self.unsolicited.iter().cloned().collect())
    }
}
