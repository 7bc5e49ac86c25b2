//! TLS client configuration: [`TlsOptions`] builds a rustls [`ClientConfig`]
//! with the `ring` provider installed explicitly (no process-wide default).

use std::error::Error as StdError;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::CryptoProvider;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{ClientConfig, DigitallySignedStruct, RootCertStore, SignatureScheme};

/// How to verify servers' certificates, built into a rustls [`ClientConfig`]
/// by [`client_config`](TlsOptions::client_config).
///
/// The default verifies certificates against the operating system's trusted
/// roots (loaded with `rustls-native-certs`) and checks that the certificate
/// names the host given as the server name. [`add_ca_file`](TlsOptions::add_ca_file)
/// (and [`add_ca_der`](TlsOptions::add_ca_der), [`add_ca_pem`](TlsOptions::add_ca_pem))
/// trusts a private CA as well; [`system_roots(false)`](TlsOptions::system_roots)
/// trusts only those. Verification is turned off only by the loudly named
/// [`dangerous_accept_any_certificate`](TlsOptions::dangerous_accept_any_certificate).
///
/// Building a config reads the system's certificate store, which takes a few
/// milliseconds: build it once and share the `Arc` between connections.
///
/// ```no_run
/// use imap_core::reactor::TlsOptions;
///
/// // Verified against the system roots and a private CA:
/// let config = TlsOptions::new().add_ca_file("/etc/imap/private-ca.pem").client_config()?;
/// // Only the private CA:
/// let strict = TlsOptions::new().system_roots(false).add_ca_file("/etc/imap/private-ca.pem").client_config()?;
/// # let _ = (config, strict);
/// # Ok::<(), imap_core::reactor::TlsError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TlsOptions {
    system_roots: bool,
    ca_files: Vec<PathBuf>,
    extra_roots: Vec<CertificateDer<'static>>,
    accept_any: bool,
    /// The operating system's verifier (feature `platform-verifier`).
    platform: bool,
    custom: Option<CustomConfig>,
}

impl Default for TlsOptions {
    fn default() -> Self {
        TlsOptions {
            system_roots: true,
            ca_files: Vec::new(),
            extra_roots: Vec::new(),
            accept_any: false,
            platform: false,
            custom: None,
        }
    }
}

/// A rustls configuration given whole: equal when it is the same one.
#[derive(Clone)]
struct CustomConfig(Arc<ClientConfig>);

impl PartialEq for CustomConfig {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

impl Eq for CustomConfig {}

impl fmt::Debug for CustomConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("CustomConfig(..)")
    }
}

impl TlsOptions {
    /// Verification on, against the system roots, with the host name checked.
    pub fn new() -> Self {
        Self::default()
    }

    /// Uses this rustls configuration as it is, instead of one built from
    /// the other options: for client certificates, a custom verifier
    /// (rustls-platform-verifier, certificate pinning), other protocol
    /// versions or providers. The server name is still checked by whatever
    /// verifier it holds.
    ///
    /// ```
    /// use imap_core::reactor::TlsOptions;
    ///
    /// let mine = TlsOptions::new().client_config()?; // or built with rustls directly
    /// let options = TlsOptions::new().with_config(mine.clone());
    /// assert!(std::sync::Arc::ptr_eq(&options.client_config()?, &mine));
    /// # Ok::<(), imap_core::reactor::TlsError>(())
    /// ```
    pub fn with_config(mut self, config: Arc<ClientConfig>) -> Self {
        self.custom = Some(CustomConfig(config));
        self
    }

    /// Whether to trust the operating system's roots (default `true`).
    pub fn system_roots(mut self, yes: bool) -> Self {
        self.system_roots = yes;
        self
    }

    /// Also trusts every certificate in the PEM file at `path` as a root
    /// (a private CA). The file is read by [`client_config`](TlsOptions::client_config).
    pub fn add_ca_file(mut self, path: impl Into<PathBuf>) -> Self {
        self.ca_files.push(path.into());
        self
    }

    /// Also trusts this DER-encoded certificate as a root.
    pub fn add_ca_der(mut self, der: impl Into<CertificateDer<'static>>) -> Self {
        self.extra_roots.push(der.into());
        self
    }

    /// Also trusts every certificate in this PEM text as a root.
    pub fn add_ca_pem(mut self, pem: &[u8]) -> Result<Self, TlsError> {
        let mut found = false;
        for cert in CertificateDer::pem_slice_iter(pem) {
            let cert = cert.map_err(|e| TlsError::Pem { path: None, error: e.to_string() })?;
            self.extra_roots.push(cert);
            found = true;
        }
        if !found {
            return Err(TlsError::Pem { path: None, error: "no CERTIFICATE section".into() });
        }
        Ok(self)
    }

    /// Verifies certificates with the operating system's own verifier
    /// (rustls-platform-verifier; feature `platform-verifier`): on macOS,
    /// iOS, Windows and Android the platform's checks (its trust settings,
    /// revocation where it does it); elsewhere WebPKI over the system's
    /// roots. CAs added with [`add_ca_file`](TlsOptions::add_ca_file) and
    /// the like are trusted too; [`system_roots`](TlsOptions::system_roots)
    /// does not apply (the platform decides).
    ///
    /// ```no_run
    /// use imap_core::reactor::TlsOptions;
    ///
    /// let config = TlsOptions::new().platform_verifier(true).client_config()?;
    /// # let _ = config;
    /// # Ok::<(), imap_core::reactor::TlsError>(())
    /// ```
    #[cfg(feature = "platform-verifier")]
    pub fn platform_verifier(mut self, yes: bool) -> Self {
        self.platform = yes;
        self
    }

    /// **Turns certificate verification off**: any certificate, from any
    /// issuer, for any name, expired or not, is accepted. The connection is
    /// then encrypted but not authenticated: anyone on the path can read and
    /// change it. Only for tests and servers you reach over a trusted link.
    /// (Handshake signatures are still checked, so the peer must hold the key
    /// of the certificate it shows.)
    pub fn dangerous_accept_any_certificate(mut self) -> Self {
        self.accept_any = true;
        self
    }

    /// Whether [`dangerous_accept_any_certificate`](TlsOptions::dangerous_accept_any_certificate) was called.
    pub fn accepts_any_certificate(&self) -> bool {
        self.accept_any
    }

    /// Builds the rustls client configuration (TLS 1.2 and 1.3, the `ring`
    /// provider, no client certificate), or gives the one of
    /// [`with_config`](TlsOptions::with_config).
    ///
    /// Fails when a CA file cannot be read or holds no certificate, or when
    /// verification is on and no root at all could be loaded.
    pub fn client_config(&self) -> Result<Arc<ClientConfig>, TlsError> {
        if let Some(CustomConfig(config)) = &self.custom {
            return Ok(config.clone());
        }
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let builder = ClientConfig::builder_with_provider(provider.clone())
            .with_safe_default_protocol_versions()
            .map_err(TlsError::Rustls)?;
        let config = match self.custom_verifier(provider)? {
            Some(verifier) => builder.dangerous().with_custom_certificate_verifier(verifier).with_no_client_auth(),
            None => builder.with_root_certificates(self.root_store()?).with_no_client_auth(),
        };
        Ok(Arc::new(config))
    }

    /// The verifier to use instead of WebPKI over a root store, if any: the
    /// one that accepts anything, or the platform's (trusting the added CAs
    /// too).
    fn custom_verifier(&self, provider: Arc<CryptoProvider>) -> Result<Option<Arc<dyn ServerCertVerifier>>, TlsError> {
        if self.accept_any {
            return Ok(Some(Arc::new(AcceptAnyCertificate(provider))));
        }
        #[cfg(feature = "platform-verifier")]
        if self.platform {
            let verifier = rustls_platform_verifier::Verifier::new_with_extra_roots(self.added_cas()?, provider)
                .map_err(TlsError::Rustls)?;
            return Ok(Some(Arc::new(verifier)));
        }
        Ok(None)
    }

    /// The CAs added to the system's: from files, DER and PEM.
    fn added_cas(&self) -> Result<Vec<CertificateDer<'static>>, TlsError> {
        let mut cas = Vec::new();
        for path in &self.ca_files {
            cas.extend(load_ca_file(path)?);
        }
        cas.extend(self.extra_roots.iter().cloned());
        Ok(cas)
    }

    fn root_store(&self) -> Result<RootCertStore, TlsError> {
        let mut roots = RootCertStore::empty();
        for ca in self.added_cas()? {
            roots.add(ca).map_err(TlsError::Rustls)?;
        }
        if self.system_roots {
            let native = rustls_native_certs::load_native_certs();
            // Certificates that do not parse are skipped, as every TLS stack does.
            let (_added, _ignored) = roots.add_parsable_certificates(native.certs);
            if roots.is_empty() {
                let detail = native.errors.iter().map(|e| e.to_string()).collect::<Vec<_>>().join("; ");
                return Err(TlsError::NoRoots(detail));
            }
        } else if roots.is_empty() {
            return Err(TlsError::NoRoots("system roots disabled and no CA added".into()));
        }
        Ok(roots)
    }
}

/// The certificates of a PEM file; at least one.
fn load_ca_file(path: &Path) -> Result<Vec<CertificateDer<'static>>, TlsError> {
    let pem_error = |error: String| TlsError::Pem { path: Some(path.to_path_buf()), error };
    let mut certs = Vec::new();
    for cert in CertificateDer::pem_file_iter(path).map_err(|e| pem_error(e.to_string()))? {
        certs.push(cert.map_err(|e| pem_error(e.to_string()))?);
    }
    if certs.is_empty() {
        return Err(pem_error("no CERTIFICATE section".into()));
    }
    Ok(certs)
}

/// Why a TLS configuration could not be built.
#[derive(Debug)]
#[non_exhaustive]
pub enum TlsError {
    /// A CA file (or PEM text, `path: None`) could not be read or parsed.
    Pem {
        /// The file, if the PEM came from one.
        path: Option<PathBuf>,
        /// What went wrong.
        error: String,
    },
    /// Verification is on but there is no trusted root (the system store is
    /// empty or unreadable; its loading errors follow).
    NoRoots(String),
    /// rustls refused the configuration or a certificate.
    Rustls(rustls::Error),
}

impl fmt::Display for TlsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TlsError::Pem { path: Some(path), error } => write!(f, "CA file {}: {error}", path.display()),
            TlsError::Pem { path: None, error } => write!(f, "CA PEM: {error}"),
            TlsError::NoRoots(detail) if detail.is_empty() => write!(f, "no trusted root certificate found"),
            TlsError::NoRoots(detail) => write!(f, "no trusted root certificate found: {detail}"),
            TlsError::Rustls(e) => write!(f, "TLS configuration: {e}"),
        }
    }
}

impl StdError for TlsError {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        match self {
            TlsError::Rustls(e) => Some(e),
            _ => None,
        }
    }
}

impl From<TlsError> for std::io::Error {
    fn from(e: TlsError) -> Self {
        std::io::Error::other(e)
    }
}

/// The verifier behind `dangerous_accept_any_certificate`: accepts every
/// certificate but still checks handshake signatures with the provider's
/// algorithms.
#[derive(Debug)]
struct AcceptAnyCertificate(Arc<CryptoProvider>);

impl ServerCertVerifier for AcceptAnyCertificate {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(message, cert, dss, &self.0.signature_verification_algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(message, cert, dss, &self.0.signature_verification_algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.signature_verification_algorithms.supported_schemes()
    }
}
