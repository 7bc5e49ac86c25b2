//! SASL mechanisms for AUTHENTICATE (RFC 4422): the [`Mechanism`] trait,
//! which a crate can implement for its own, and the built-in ones: PLAIN
//! (RFC 4616), XOAUTH2 (Google, Microsoft) and OAUTHBEARER (RFC 7628) as
//! [`Sasl`], and SCRAM-SHA-256 (RFC 7677) as [`ScramSha256`].

#[cfg(feature = "scram")]
mod scram;
#[cfg(feature = "scram")]
pub use scram::ScramSha256;

/// One SASL exchange, from the client's side. The session sends
/// [`initial_response`](Mechanism::initial_response) (in the command under
/// SASL-IR, else after the server's first `+`), then answers each further
/// challenge with [`respond`](Mechanism::respond); the messages travel in
/// base64, which the session adds and removes.
///
/// Implementations hold credentials: their `Debug` must not print them.
pub trait Mechanism: Send + std::fmt::Debug {
    /// The mechanism's name as sent (`PLAIN`, `SCRAM-SHA-256`).
    fn name(&self) -> &str;

    /// The client's first message.
    fn initial_response(&mut self) -> Vec<u8>;

    /// The answer to a challenge of the server (decoded). An error ends the
    /// exchange: the session cancels it (`*`) and the command fails with
    /// [`Error::Sasl`](super::Error::Sasl) naming this reason (a server
    /// whose proof does not verify, a malformed challenge).
    fn respond(&mut self, challenge: &[u8]) -> Result<Vec<u8>, String>;

    /// Called when the server says the exchange succeeded: an error refuses
    /// that (SCRAM, when the server never sent its proof), failing the
    /// command with [`Error::Sasl`](super::Error::Sasl) and closing the
    /// connection. The default accepts.
    fn finish(&mut self) -> Result<(), String> {
        Ok(())
    }

    /// Whether the exchange reveals the secret to whoever reads it (PLAIN's
    /// password, a bearer token): then it is refused over a connection
    /// without TLS unless plaintext logins are allowed. The default says
    /// yes; SCRAM says no.
    fn reveals_secret(&self) -> bool {
        true
    }
}

/// Credentials for one SASL mechanism.
#[derive(Clone, PartialEq, Eq)]
pub enum Sasl {
    /// `PLAIN`: user name and password (and an optional identity to act as).
    Plain {
        /// Identity to act as; usually empty.
        authzid: String,
        /// User name.
        user: String,
        /// Password.
        password: String,
    },
    /// `XOAUTH2`: user and OAuth 2 access token.
    XOAuth2 {
        /// User (e-mail address).
        user: String,
        /// OAuth 2 access token.
        token: String,
    },
    /// `OAUTHBEARER` (RFC 7628): user, the server's host and port, and token.
    OAuthBearer {
        /// User (e-mail address).
        user: String,
        /// The server's host name.
        host: String,
        /// The server's port.
        port: u16,
        /// OAuth 2 access token.
        token: String,
    },
}

impl std::fmt::Debug for Sasl {
    /// Never prints secrets.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Sasl::{}(..)", self.mechanism())
    }
}

impl Sasl {
    /// The mechanism's name as sent.
    pub fn mechanism(&self) -> &'static str {
        match self {
            Sasl::Plain { .. } => "PLAIN",
            Sasl::XOAuth2 { .. } => "XOAUTH2",
            Sasl::OAuthBearer { .. } => "OAUTHBEARER",
        }
    }

    /// The client's first message, raw (it is sent base64-encoded).
    ///
    /// ```
    /// use imap_core::session::Sasl;
    ///
    /// let plain = Sasl::Plain { authzid: String::new(), user: "tim".into(), password: "tanstaaftanstaaf".into() };
    /// assert_eq!(plain.initial_response(), b"\0tim\0tanstaaftanstaaf");
    /// let xoauth2 = Sasl::XOAuth2 { user: "a@b.c".into(), token: "ya29".into() };
    /// assert_eq!(xoauth2.initial_response(), b"user=a@b.c\x01auth=Bearer ya29\x01\x01");
    /// ```
    pub fn initial_response(&self) -> Vec<u8> {
        match self {
            Sasl::Plain { authzid, user, password } => format!("{authzid}\0{user}\0{password}").into_bytes(),
            Sasl::XOAuth2 { user, token } => format!("user={user}\x01auth=Bearer {token}\x01\x01").into_bytes(),
            Sasl::OAuthBearer { user, host, port, token } => {
                format!("n,a={user},\x01host={host}\x01port={port}\x01auth=Bearer {token}\x01\x01").into_bytes()
            }
        }
    }
}

impl Mechanism for Sasl {
    fn name(&self) -> &str {
        self.mechanism()
    }

    fn initial_response(&mut self) -> Vec<u8> {
        Sasl::initial_response(self)
    }

    /// For the OAuth mechanisms a challenge after the first message carries
    /// an error (JSON); the client answers with an empty response (XOAUTH2)
    /// or `%x01` (OAUTHBEARER) and the server then fails the command with
    /// its NO. PLAIN expects none, and answers one with nothing.
    fn respond(&mut self, _challenge: &[u8]) -> Result<Vec<u8>, String> {
        Ok(match self {
            Sasl::OAuthBearer { .. } => vec![0x01],
            _ => Vec::new(),
        })
    }
}
