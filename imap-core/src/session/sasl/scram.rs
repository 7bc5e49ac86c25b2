//! SCRAM-SHA-256 (RFC 5802, RFC 7677): the password never leaves the
//! client, and the server proves it knows it too.

use super::Mechanism;
use ring::{digest, hmac, pbkdf2, rand::SecureRandom};
use std::num::NonZeroU32;

/// Most PBKDF2 iterations a server may ask for: a hostile server could
/// otherwise keep the client hashing for hours (RFC 7677 asks at least
/// 4,096; servers use 4,096 to 100,000 or so).
const MAX_ITERATIONS: u32 = 1_000_000;

/// SCRAM-SHA-256 for a user and password, without channel binding.
///
/// ```
/// use imap_core::session::{Mechanism, ScramSha256};
///
/// let mut scram = ScramSha256::new("user", "pencil");
/// assert_eq!(scram.name(), "SCRAM-SHA-256");
/// assert!(String::from_utf8(scram.initial_response()).unwrap().starts_with("n,,n=user,r="));
/// ```
pub struct ScramSha256 {
    user: String,
    password: String,
    nonce: String,
    step: Step,
}

/// Where the exchange is.
enum Step {
    /// The client's first message is next.
    Start,
    /// Sent `client-first-message-bare`; the server's first is next.
    SentFirst { bare: String },
    /// Sent the proof; the server's signature is next.
    SentProof { server_signature: Vec<u8> },
    /// The server proved itself.
    Verified,
}

impl std::fmt::Debug for ScramSha256 {
    /// Never prints the password.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ScramSha256").field("user", &self.user).finish_non_exhaustive()
    }
}

impl ScramSha256 {
    /// The mechanism for `user` and `password`, with a fresh random nonce.
    pub fn new(user: &str, password: &str) -> ScramSha256 {
        let mut bytes = [0u8; 18];
        // The system's generator; it does not fail on the systems ring runs on.
        ring::rand::SystemRandom::new().fill(&mut bytes).expect("system randomness");
        ScramSha256::with_nonce(user, password, &crate::command::encode::base64(&bytes))
    }

    /// With a given client nonce (printable, no comma): for tests against
    /// the RFC's examples.
    pub fn with_nonce(user: &str, password: &str, nonce: &str) -> ScramSha256 {
        ScramSha256 { user: user.into(), password: password.into(), nonce: nonce.into(), step: Step::Start }
    }

    /// Whether the server proved it knows the password (its final message
    /// verified).
    pub fn server_verified(&self) -> bool {
        matches!(self.step, Step::Verified)
    }

    /// The proof for the server's first message.
    fn proof(&mut self, bare: &str, server_first: &[u8]) -> Result<Vec<u8>, String> {
        let server_first = std::str::from_utf8(server_first).map_err(|_| "server-first-message is not UTF-8")?;
        let (mut nonce, mut salt, mut iterations) = (None, None, None);
        for attribute in server_first.split(',') {
            match attribute.split_once('=') {
                Some(("r", v)) => nonce = Some(v),
                Some(("s", v)) => salt = Some(v),
                Some(("i", v)) => iterations = Some(v),
                Some(("m", _)) => return Err("server-first-message has a mandatory extension".into()),
                _ => {}
            }
        }
        let nonce = nonce.ok_or("server-first-message has no nonce")?;
        if !nonce.starts_with(&self.nonce) || nonce.len() == self.nonce.len() {
            return Err("the server's nonce does not extend the client's".into());
        }
        let salt = base64_decode(salt.ok_or("server-first-message has no salt")?).ok_or("the salt is not base64")?;
        let iterations: u32 = iterations
            .ok_or("server-first-message has no iteration count")?
            .parse()
            .map_err(|_| "bad iteration count")?;
        let iterations = NonZeroU32::new(iterations)
            .filter(|i| i.get() <= MAX_ITERATIONS)
            .ok_or_else(|| format!("the server asks for {iterations} iterations (accepted: 1 to {MAX_ITERATIONS})"))?;
        let mut salted = [0u8; 32];
        pbkdf2::derive(pbkdf2::PBKDF2_HMAC_SHA256, iterations, &salt, self.password.as_bytes(), &mut salted);
        let salted = hmac::Key::new(hmac::HMAC_SHA256, &salted);
        let client_key = hmac::sign(&salted, b"Client Key");
        let stored_key = digest::digest(&digest::SHA256, client_key.as_ref());
        let without_proof = format!("c=biws,r={nonce}");
        let auth_message = format!("{bare},{server_first},{without_proof}");
        let client_signature =
            hmac::sign(&hmac::Key::new(hmac::HMAC_SHA256, stored_key.as_ref()), auth_message.as_bytes());
        let proof: Vec<u8> = client_key.as_ref().iter().zip(client_signature.as_ref()).map(|(k, s)| k ^ s).collect();
        let server_key = hmac::sign(&salted, b"Server Key");
        let server_signature =
            hmac::sign(&hmac::Key::new(hmac::HMAC_SHA256, server_key.as_ref()), auth_message.as_bytes());
        self.step = Step::SentProof { server_signature: server_signature.as_ref().to_vec() };
        Ok(format!("{without_proof},p={}", crate::command::encode::base64(&proof)).into_bytes())
    }
}

impl Mechanism for ScramSha256 {
    fn name(&self) -> &str {
        "SCRAM-SHA-256"
    }

    fn initial_response(&mut self) -> Vec<u8> {
        // saslname: `=` and `,` escaped (RFC 5802 section 5.1).
        let user = self.user.replace('=', "=3D").replace(',', "=2C");
        let bare = format!("n={user},r={}", self.nonce);
        let first = format!("n,,{bare}");
        self.step = Step::SentFirst { bare };
        first.into_bytes()
    }

    fn respond(&mut self, challenge: &[u8]) -> Result<Vec<u8>, String> {
        match std::mem::replace(&mut self.step, Step::Start) {
            Step::SentFirst { bare } => self.proof(&bare, challenge),
            Step::SentProof { server_signature } => {
                let text = String::from_utf8_lossy(challenge);
                if let Some(error) = text.strip_prefix("e=") {
                    return Err(format!("the server refused: {error}"));
                }
                let given =
                    text.strip_prefix("v=").and_then(base64_decode).ok_or("server-final-message has no signature")?;
                if given != server_signature {
                    return Err("the server's signature does not verify: it does not know the password".into());
                }
                self.step = Step::Verified;
                Ok(Vec::new())
            }
            Step::Start | Step::Verified => Err("a challenge where none belongs".into()),
        }
    }

    fn finish(&mut self) -> Result<(), String> {
        if self.server_verified() {
            Ok(())
        } else {
            Err("the server said OK without proving it knows the password".into())
        }
    }

    fn reveals_secret(&self) -> bool {
        false
    }
}

fn base64_decode(text: &str) -> Option<Vec<u8>> {
    crate::command::encode::base64_decode(text.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::{Mechanism, ScramSha256};

    /// RFC 7677 section 3's example exchange.
    #[test]
    fn the_rfc_7677_example() {
        let mut scram = ScramSha256::with_nonce("user", "pencil", "rOprNGfwEbeRWgbNEkqO");
        assert_eq!(scram.initial_response(), b"n,,n=user,r=rOprNGfwEbeRWgbNEkqO");
        let server_first = b"r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096";
        let client_final = scram.respond(server_first).unwrap();
        assert_eq!(
            String::from_utf8(client_final).unwrap(),
            "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ="
        );
        assert!(!scram.server_verified());
        assert_eq!(scram.respond(b"v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=").unwrap(), b"");
        assert!(scram.server_verified());
    }

    #[test]
    fn a_server_that_does_not_know_the_password_is_refused() {
        let mut scram = ScramSha256::with_nonce("user", "pencil", "rOprNGfwEbeRWgbNEkqO");
        scram.initial_response();
        scram.respond(b"r=rOprNGfwEbeRWgbNEkqOxyz,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096").unwrap();
        let error = scram.respond(b"v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=").unwrap_err();
        assert!(error.contains("does not verify"), "{error}");
        assert!(!scram.server_verified());
    }

    #[test]
    fn hostile_first_messages_are_errors() {
        for (challenge, what) in [
            (&b"r=someone-else,s=AAAA,i=4096"[..], "nonce"),
            (b"r=rOprNGfwEbeRWgbNEkqO", "nonce does not extend"),
            (b"r=rOprNGfwEbeRWgbNEkqOx,s=AAAA,i=4000000000", "iterations"),
            (b"r=rOprNGfwEbeRWgbNEkqOx,s=AAAA,i=0", "iterations"),
            (b"r=rOprNGfwEbeRWgbNEkqOx,s=!!,i=4096", "salt"),
            (b"m=ext,r=rOprNGfwEbeRWgbNEkqOx,s=AAAA,i=4096", "mandatory"),
            (b"\xff", "UTF-8"),
        ] {
            let mut scram = ScramSha256::with_nonce("user", "pencil", "rOprNGfwEbeRWgbNEkqO");
            scram.initial_response();
            let error = scram.respond(challenge).unwrap_err();
            assert!(error.contains(what) || what == "nonce", "{challenge:?}: {error}");
        }
    }

    #[test]
    fn user_names_are_escaped_and_the_password_never_printed() {
        let mut scram = ScramSha256::with_nonce("a=b,c", "pencil", "n");
        assert_eq!(scram.initial_response(), b"n,,n=a=3Db=2Cc,r=n");
        assert!(!format!("{scram:?}").contains("pencil"));
    }
}
