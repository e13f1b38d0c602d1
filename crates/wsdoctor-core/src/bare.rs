//! A target written without a scheme (`example.com`, `127.0.0.1:8080`), as curl and browsers
//! accept one: `https://` unless the port given answers plain HTTP rather than TLS, as browsers'
//! HTTPS-first mode falls back. The probe runs once, before the run, blocking and bounded by the
//! connect timeout (connect, and each read), so it needs no runtime and cannot hang.

use crate::settings::SettingsError;
use std::io::{Read, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::sync::Arc;
use std::time::Duration;
use url::Url;

/// The URL chosen for a target written without a scheme, and the sentence that says why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chosen {
    /// The URL to check.
    pub url: String,
    /// One line for people: what was given, what was chosen, and why.
    pub note: String,
}

/// What the port given answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Answer {
    Tls,
    PlainHttp,
    Neither,
}

/// Understands `text` when it has no scheme; `Ok(None)` when it has one (a URL, parsed as such).
/// Only a host with an explicit port is probed: a bare host is `https://`, as curl's and
/// browsers' default, and a server there that does not speak TLS is the run's to diagnose.
pub fn understand(text: &str, connect_timeout: Duration) -> Result<Option<Chosen>, SettingsError> {
    let text = text.trim();
    if text.is_empty() || text.contains("://") {
        return Ok(None);
    }
    let shown = crate::redact::mask_unparsed_url(text);
    let not_a_host = |why: String| {
        SettingsError::new(
            "target",
            format!(
                "{shown:?}: no scheme given, so it was read as a host[:port], and it is not one: {why}; give a URL such as https://example.com/ or http://127.0.0.1:8080/"
            ),
        )
    };
    if let Some(c) = text.chars().find(|c| c.is_whitespace() || c.is_control()) {
        return Err(not_a_host(format!("it contains {:?}", c)));
    }
    let url = Url::parse(&format!("https://{text}")).map_err(|e| not_a_host(e.to_string()))?;
    // Credentials stay in the URL checked, never in the sentence shown.
    let show = |url: &Url| {
        let mut shown = url.clone();
        if shown.password().is_some() {
            let _ = shown.set_password(Some(crate::secret::MASK));
        }
        shown.to_string()
    };
    let Some(host) = url.host_str().filter(|h| !h.is_empty()) else {
        return Err(not_a_host("it names no host".to_string()));
    };
    let Some(port) = url.port() else {
        return Ok(Some(Chosen {
            note: format!(
                "{shown}: no scheme given, so {} (as curl and browsers assume)",
                show(&url)
            ),
            url: url.to_string(),
        }));
    };
    let host = host
        .trim_start_matches('[')
        .trim_end_matches(']')
        .to_string();
    let plain = || {
        let mut http = url.clone();
        // Infallible for an https URL with a host.
        let _ = http.set_scheme("http");
        http
    };
    Ok(Some(match probe(&host, port, connect_timeout) {
        Ok(Answer::Tls) => Chosen {
            note: format!("{shown}: no scheme given; it answered TLS, so {}", show(&url)),
            url: url.to_string(),
        },
        Ok(Answer::PlainHttp) => {
            let http = plain();
            Chosen {
                note: format!(
                    "{shown}: no scheme given; it answered plain HTTP, not TLS, so {}",
                    show(&http)
                ),
                url: http.to_string(),
            }
        }
        Ok(Answer::Neither) => {
            return Err(SettingsError::new(
                "target",
                format!(
                    "{shown}: no scheme given, and port {port} answered neither a TLS handshake nor plain HTTP within {}; give the scheme: {} or {}",
                    humantime::format_duration(connect_timeout),
                    show(&url),
                    show(&plain())
                ),
            ))
        }
        // Nothing to tell TLS from plain HTTP by: the run reaches the same wall and says why.
        Err(e) => Chosen {
            note: format!(
                "{shown}: no scheme given, and it could not be reached to tell TLS from plain HTTP ({e}), so {}",
                show(&url)
            ),
            url: url.to_string(),
        },
    }))
}

/// Sends a TLS ClientHello; a TLS record in answer is TLS, an HTTP status line is plain HTTP.
/// Whatever else (silence, a close) gets a plain `GET /` on a new connection.
fn probe(host: &str, port: u16, timeout: Duration) -> std::io::Result<Answer> {
    let mut first = connect(host, port, timeout)?;
    first.write_all(&client_hello(host)?)?;
    let head = read_head(&mut first, timeout);
    if head.len() >= 2 && matches!(head[0], 0x15 | 0x16) && head[1] == 0x03 {
        return Ok(Answer::Tls);
    }
    if head.starts_with(b"HTTP/") {
        return Ok(Answer::PlainHttp);
    }
    let mut second = connect(host, port, timeout)?;
    let request = format!(
        "GET / HTTP/1.1\r\nHost: {}\r\nConnection: close\r\nUser-Agent: wsdoctor\r\n\r\n",
        crate::settings::bracketed(host)
    );
    second.write_all(request.as_bytes())?;
    Ok(if read_head(&mut second, timeout).starts_with(b"HTTP/") {
        Answer::PlainHttp
    } else {
        Answer::Neither
    })
}

/// The addresses of `host` tried, at most: `localhost` is `::1` then `127.0.0.1`, and a refusal
/// is quick, but a name with many silent addresses must not multiply the timeout.
const ADDRESSES_TRIED: usize = 4;

/// A connection to one of the first addresses `host` resolves to. The lookup and each connect
/// get `timeout`, the lookup on a thread of its own, since the system resolver keeps its own time.
fn connect(host: &str, port: u16, timeout: Duration) -> std::io::Result<TcpStream> {
    let (tx, rx) = std::sync::mpsc::channel();
    let name = host.to_string();
    std::thread::spawn(move || {
        let _ = tx.send(
            (name.as_str(), port)
                .to_socket_addrs()
                .map(|a| a.take(ADDRESSES_TRIED).collect::<Vec<_>>()),
        );
    });
    let timed_out = || {
        std::io::Error::new(
            std::io::ErrorKind::TimedOut,
            format!("no answer from the resolver for {host} within the connect timeout"),
        )
    };
    let addrs = rx.recv_timeout(timeout).map_err(|_| timed_out())??;
    let mut last = None;
    for addr in addrs {
        match TcpStream::connect_timeout(&addr, timeout) {
            Ok(stream) => {
                stream.set_write_timeout(Some(timeout))?;
                return Ok(stream);
            }
            Err(e) => last = Some(e),
        }
    }
    Err(last.unwrap_or_else(|| {
        std::io::Error::new(std::io::ErrorKind::NotFound, "no address for the host")
    }))
}

/// The first bytes of an answer (at most 5: a TLS record header, or `HTTP/`) within `timeout`
/// in all, however they trickle in; empty on silence or a close.
fn read_head(stream: &mut TcpStream, timeout: Duration) -> Vec<u8> {
    let deadline = std::time::Instant::now() + timeout;
    let mut head = [0u8; 5];
    let mut got = 0;
    while got < head.len() {
        let left = deadline.saturating_duration_since(std::time::Instant::now());
        if left.is_zero() || stream.set_read_timeout(Some(left)).is_err() {
            break;
        }
        match stream.read(&mut head[got..]) {
            Ok(0) | Err(_) => break,
            Ok(n) => got += n,
        }
    }
    head[..got].to_vec()
}

/// A real ClientHello for `host`, from rustls: only its first answer is read, so the
/// certificate is never verified (the run does that).
fn client_hello(host: &str) -> std::io::Result<Vec<u8>> {
    let config = rustls::ClientConfig::builder_with_provider(crate::probe::tls::provider())
        .with_safe_default_protocol_versions()
        .map_err(std::io::Error::other)?
        .with_root_certificates(Arc::new(rustls::RootCertStore::empty()))
        .with_no_client_auth();
    let name =
        rustls_pki_types::ServerName::try_from(host.to_string()).map_err(std::io::Error::other)?;
    let mut connection =
        rustls::ClientConnection::new(Arc::new(config), name).map_err(std::io::Error::other)?;
    let mut hello = Vec::new();
    while connection.wants_write() {
        connection.write_tls(&mut hello)?;
    }
    Ok(hello)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_scheme_is_a_url_and_a_bare_host_is_https() {
        assert_eq!(
            understand("ws://a/ws", Duration::from_secs(1)).unwrap(),
            None
        );
        let chosen = understand("example.com", Duration::from_secs(1))
            .unwrap()
            .unwrap();
        assert_eq!(chosen.url, "https://example.com/");
        assert!(chosen.note.contains("no scheme given"), "{}", chosen.note);
    }

    #[test]
    fn what_is_not_a_host_is_refused_naming_what_was_understood() {
        let e = understand("exa mple.com", Duration::from_secs(1)).unwrap_err();
        assert!(e.message.contains("host[:port]"), "{}", e.message);
        assert!(understand("example.com:http", Duration::from_secs(1)).is_err());
    }
}
