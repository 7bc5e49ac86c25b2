//! SASL mechanisms for AUTHENTICATE: PLAIN (RFC 4616), XOAUTH2 (Google,
//! Microsoft) and OAUTHBEARER (RFC 7628).

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

    /// The answer to a challenge after the first message. For the OAuth
    /// mechanisms a challenge there carries an error (JSON); the client
    /// answers with an empty response (XOAUTH2) or `%x01` (OAUTHBEARER) and
    /// the server then fails the command with its NO.
    pub(crate) fn answer_error_challenge(&self) -> Vec<u8> {
        match self {
            Sasl::OAuthBearer { .. } => vec![0x01],
            _ => Vec::new(),
        }
    }
}
