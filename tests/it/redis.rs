//! Real Redis servers for the store tests: Debian's `redis-server` on a free loopback port, with
//! a password, plain or TLS (certificates made here with rcgen), ready once it answers PING.
//! No mock: every store behaviour the tests teach is a real server's.

use crate::support::free_port;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// How long a server may take to answer its first PING.
const READY_WITHIN: Duration = Duration::from_secs(10);

/// A redis-server child, killed (and its files removed) on drop.
pub struct TestRedis {
    child: Option<Child>,
    dir: tempfile::TempDir,
    /// Its port on 127.0.0.1.
    pub port: u16,
    /// Its password.
    pub password: String,
    /// Whether it speaks TLS only.
    pub tls: bool,
}

impl TestRedis {
    /// A plain server with `password`, and `extra` arguments for redis-server.
    pub fn start(password: &str, extra: &[&str]) -> TestRedis {
        TestRedis::launch(password, false, extra)
    }

    /// A TLS-only server with `password`; its CA is [`TestRedis::ca_file`].
    pub fn start_tls(password: &str) -> TestRedis {
        TestRedis::launch(password, true, &[])
    }

    fn launch(password: &str, tls: bool, extra: &[&str]) -> TestRedis {
        let mut last = String::new();
        for _ in 0..5 {
            let dir = tempfile::tempdir().expect("a temporary directory");
            if tls {
                write_certificates(dir.path());
            }
            let port = free_port();
            let mut args: Vec<String> = vec![
                "--bind".into(),
                "127.0.0.1".into(),
                "--requirepass".into(),
                password.into(),
                "--save".into(),
                String::new(),
                "--appendonly".into(),
                "no".into(),
                "--dir".into(),
                dir.path().display().to_string(),
                "--logfile".into(),
                dir.path().join("redis.log").display().to_string(),
            ];
            if tls {
                let file = |name: &str| dir.path().join(name).display().to_string();
                args.extend([
                    "--port".into(),
                    "0".into(),
                    "--tls-port".into(),
                    port.to_string(),
                    "--tls-cert-file".into(),
                    file("server.pem"),
                    "--tls-key-file".into(),
                    file("server.key"),
                    "--tls-ca-cert-file".into(),
                    file("ca.pem"),
                    "--tls-auth-clients".into(),
                    "no".into(),
                ]);
            } else {
                args.extend(["--port".into(), port.to_string()]);
            }
            args.extend(extra.iter().map(|a| a.to_string()));
            let child = Command::new("redis-server")
                .args(&args)
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .expect("redis-server runs (apt-get install redis-server; .ci/run installs it)");
            let mut redis = TestRedis {
                child: Some(child),
                dir,
                port,
                password: password.to_string(),
                tls,
            };
            match redis.wait_ready() {
                Ok(()) => return redis,
                Err(why) => last = why,
            }
        }
        panic!("redis-server never became ready: {last}");
    }

    /// Polls PING until the server answers, or says why it never will.
    fn wait_ready(&mut self) -> Result<(), String> {
        let deadline = Instant::now() + READY_WITHIN;
        loop {
            if let Some(child) = self.child.as_mut() {
                if let Ok(Some(status)) = child.try_wait() {
                    self.child = None;
                    let log = std::fs::read_to_string(self.dir.path().join("redis.log"))
                        .unwrap_or_default();
                    return Err(format!("exited with {status}: {log}"));
                }
            }
            if self.pings() {
                return Ok(());
            }
            if Instant::now() > deadline {
                return Err("no PONG in time".into());
            }
            // Between two polls, not instead of one.
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    fn pings(&self) -> bool {
        if self.tls {
            let out = Command::new("redis-cli")
                .args(["--tls", "--cacert"])
                .arg(self.dir.path().join("ca.pem"))
                .args([
                    "-h",
                    "127.0.0.1",
                    "-p",
                    &self.port.to_string(),
                    "--no-auth-warning",
                    "-a",
                ])
                .arg(&self.password)
                .arg("PING")
                .output();
            return out.is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "PONG");
        }
        self.client()
            .get_connection_with_timeout(Duration::from_millis(200))
            .and_then(|mut c| redis::cmd("PING").query::<String>(&mut c))
            .is_ok()
    }

    /// `redis[s]://:PASSWORD@127.0.0.1:PORT/DB`.
    pub fn url(&self, db: i64) -> String {
        let scheme = if self.tls { "rediss" } else { "redis" };
        format!("{scheme}://:{}@127.0.0.1:{}/{db}", self.password, self.port)
    }

    /// A client for setting the scene (plain servers only).
    pub fn client(&self) -> redis::Client {
        redis::Client::open(format!(
            "redis://:{}@127.0.0.1:{}/0",
            self.password, self.port
        ))
        .expect("a client")
    }

    /// Runs one command on database `db` (plain servers only).
    pub fn cmd<T: redis::FromRedisValue>(&self, db: i64, command: &mut redis::Cmd) -> T {
        let mut connection = self
            .client()
            .get_connection_with_timeout(Duration::from_secs(5))
            .expect("a connection");
        if db != 0 {
            redis::cmd("SELECT")
                .arg(db)
                .query::<()>(&mut connection)
                .expect("SELECT");
        }
        command.query(&mut connection).expect("the command works")
    }

    /// The CA that issued a TLS server's certificate.
    pub fn ca_file(&self) -> std::path::PathBuf {
        self.dir.path().join("ca.pem")
    }

    /// Kills the server at once (SIGKILL): what a crash or an OOM kill does.
    pub fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

impl Drop for TestRedis {
    fn drop(&mut self) {
        self.kill();
    }
}

/// A CA, and a certificate it issued for 127.0.0.1 and localhost, as PEM files in `dir`.
fn write_certificates(dir: &Path) {
    use rcgen::{BasicConstraints, CertificateParams, CertifiedIssuer, DnType, IsCa, KeyPair};
    let ca_key = KeyPair::generate().expect("a CA key");
    let mut ca = CertificateParams::new(Vec::<String>::new()).expect("CA params");
    ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca.distinguished_name
        .push(DnType::CommonName, "wsdoctor test store CA");
    let issuer = CertifiedIssuer::self_signed(ca, ca_key).expect("a CA certificate");
    let key = KeyPair::generate().expect("a server key");
    let mut params = CertificateParams::new(vec!["127.0.0.1".to_string(), "localhost".to_string()])
        .expect("server params");
    params
        .distinguished_name
        .push(DnType::CommonName, "wsdoctor test store");
    let cert = params
        .signed_by(&key, &issuer)
        .expect("a server certificate");
    std::fs::write(dir.join("ca.pem"), issuer.pem()).expect("write the CA");
    std::fs::write(dir.join("server.pem"), cert.pem()).expect("write the certificate");
    std::fs::write(dir.join("server.key"), key.serialize_pem()).expect("write the key");
}

/// A TCP relay to `upstream` that holds every chunk for `delay` each way: a slow network path to a
/// real store. It runs until dropped; when the store goes away it closes the client's side too.
pub struct SlowPath {
    /// The relay's port on 127.0.0.1.
    pub port: u16,
    stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
}

impl SlowPath {
    pub fn to(upstream: u16, delay: Duration) -> SlowPath {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind the relay");
        let port = listener.local_addr().expect("its address").port();
        let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let stopping = stop.clone();
        std::thread::spawn(move || {
            for client in listener.incoming() {
                if stopping.load(std::sync::atomic::Ordering::Relaxed) {
                    return;
                }
                let Ok(client) = client else { continue };
                let Ok(server) = TcpStream::connect(SocketAddr::from(([127, 0, 0, 1], upstream)))
                else {
                    continue;
                };
                for (from, to) in [
                    (client.try_clone(), server.try_clone()),
                    (server.try_clone(), client.try_clone()),
                ] {
                    let (Ok(mut from), Ok(mut to)) = (from, to) else {
                        continue;
                    };
                    std::thread::spawn(move || {
                        let mut buffer = [0u8; 16 * 1024];
                        loop {
                            match from.read(&mut buffer) {
                                Ok(0) | Err(_) => break,
                                Ok(n) => {
                                    std::thread::sleep(delay);
                                    if to.write_all(&buffer[..n]).is_err() {
                                        break;
                                    }
                                }
                            }
                        }
                        let _ = to.shutdown(std::net::Shutdown::Both);
                        let _ = from.shutdown(std::net::Shutdown::Both);
                    });
                }
            }
        });
        SlowPath { port, stop }
    }
}

impl Drop for SlowPath {
    fn drop(&mut self) {
        self.stop.store(true, std::sync::atomic::Ordering::Relaxed);
        // Wake the accept loop so it sees the flag.
        let _ = TcpStream::connect(SocketAddr::from(([127, 0, 0, 1], self.port)));
    }
}
