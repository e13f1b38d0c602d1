//! `--format html` (and `-o report.html`): one self-contained page for an incident ticket, through
//! the built binary against the lab and a server whose words are hostile HTML, and rendered in a
//! real headless Chromium.

use crate::support::{refusing_port, run, Run};
use std::io::{Read, Write};
use std::net::TcpListener;
use std::process::Command;

/// The demo's session id: it goes over the wire in every run and must not reach the page.
const SESSION: &str = wsdoctor_lab::DEFAULT_SESSION;

/// What a page must not contain to stay self-contained and inert.
fn assert_self_contained(page: &str) {
    let lower = page.to_ascii_lowercase();
    for bad in [
        "<script",
        "src=\"http",
        "href=\"http",
        "url(",
        "@import",
        "<link",
        "<iframe",
        "<img",
        "<object",
    ] {
        assert!(!lower.contains(bad), "the page contains {bad:?}:\n{page}");
    }
    // No event handler attribute anywhere (` onload=`, ` onerror=`…).
    let handler = regex_lite::Regex::new(r#"<[^>]*\son[a-z]+\s*="#).unwrap();
    assert!(!handler.is_match(&lower), "an event handler:\n{page}");
}

fn demo(extra: &[&str]) -> Run {
    let mut args = vec!["demo", "--fault", "server-error", "--attempts", "1"];
    args.extend(extra);
    run(&args)
}

#[test]
fn a_failing_run_is_one_self_contained_page_with_verdict_hint_waterfall_and_trace() {
    let json = demo(&["--format", "json"]).json();
    let html = demo(&["--format", "html", "--trace"]);
    assert_eq!(html.code, 1, "{}", html.stderr);
    let page = &html.stdout;
    assert!(page.starts_with("<!DOCTYPE html>"), "{page}");
    assert!(page.trim_end().ends_with("</html>"), "{page}");
    // The banner says what the human verdict line says.
    assert!(page.contains("<header class=\"verdict fail\""), "{page}");
    assert!(page.contains("FAIL SERVER_ERROR — "), "{page}");
    // Each failure's code, cause and hint, as the JSON report has them (escaped).
    let failed: Vec<&serde_json::Value> = json["checks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["status"] == "fail")
        .collect();
    assert!(!failed.is_empty());
    for check in failed {
        let failure = &check["failure"];
        let id = check["id"].as_str().unwrap();
        assert!(page.contains(&format!("id=\"check-{id}\"")), "{id}: {page}");
        assert!(
            page.contains(&format!(
                "{}</span> ({})",
                failure["code"].as_str().unwrap(),
                failure["cause"].as_str().unwrap()
            )) || page.contains(&format!("{}, ", failure["code"].as_str().unwrap())),
            "{id}'s code: {page}"
        );
        let hint = failure["hint"].as_str().unwrap();
        assert!(page.contains(&escape(hint)), "{id}'s hint {hint:?}: {page}");
    }
    // The waterfall as SVG, a rectangle per timed phase.
    assert!(page.contains("<svg class=\"waterfall\""), "{page}");
    assert!(page.matches("<rect ").count() >= 3, "{page}");
    // The trace, the 4500 close with its reason among it.
    assert!(page.contains("id=\"trace\""), "{page}");
    assert!(page.contains("4500"), "{page}");
    assert_self_contained(page);
    assert!(!page.contains(SESSION), "the session id leaked:\n{page}");
    // The demo names its own session on its first line; the trace redacts it.
    assert!(
        html.stderr
            .lines()
            .filter(|l| l.starts_with('['))
            .all(|l| !l.contains(SESSION)),
        "{}",
        html.stderr
    );
}

/// The page's escaping of text, as a test sees it.
fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

#[test]
fn an_output_file_named_html_gets_the_page_and_other_names_keep_the_human_view() {
    let dir = tempfile::tempdir().unwrap();
    let page_path = dir.path().join("report.HTML");
    let text_path = dir.path().join("report.txt");
    let page_run = demo(&["-o", page_path.to_str().unwrap()]);
    assert_eq!(page_run.code, 1, "{}", page_run.stderr);
    let page = std::fs::read_to_string(&page_path).unwrap();
    assert!(page.starts_with("<!DOCTYPE html>"), "{page}");
    assert!(page.contains("FAIL SERVER_ERROR"), "{page}");
    // The terminal still gets the human view.
    assert!(
        page_run.stdout.contains("FAIL SERVER_ERROR —"),
        "{}",
        page_run.stdout
    );
    assert!(!page_run.stdout.contains("<html"), "{}", page_run.stdout);

    let text_run = demo(&["--output", text_path.to_str().unwrap()]);
    assert_eq!(text_run.code, 1, "{}", text_run.stderr);
    let text = std::fs::read_to_string(&text_path).unwrap();
    assert!(!text.contains("<html"), "{text}");
    assert!(text.contains("FAIL SERVER_ERROR —"), "{text}");

    // An explicit --format wins over the name.
    let json_run = demo(&["--format", "json", "-o", page_path.to_str().unwrap()]);
    assert_eq!(json_run.code, 1, "{}", json_run.stderr);
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&page_path).unwrap()).unwrap();
    assert_eq!(json["verdict"], "fail");

    // watch streams lines: a log named .html still gets them.
    let log = dir.path().join("watch.html");
    let refusing = refusing_port();
    let watched = run(&[
        "watch",
        &format!("ws://127.0.0.1:{}/", refusing.port),
        "--runs",
        "1",
        "-o",
        log.to_str().unwrap(),
    ]);
    assert_eq!(watched.code, 1, "{}", watched.stderr);
    let lines = std::fs::read_to_string(&log).unwrap();
    assert!(lines.contains("run    1  FAIL"), "{lines}");
    assert!(!lines.contains("<html"), "{lines}");

    // `-o html` means the format, as `-o json` does.
    let word = demo(&["-o", "html"]);
    assert_eq!(word.code, 2, "{}", word.stderr);
    assert!(word.stderr.contains("--format html"), "{}", word.stderr);
}

#[test]
fn a_fleet_is_told_the_html_report_is_for_one_target() {
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("fleet.html");
    for args in [vec!["--format", "html"], vec!["-o", page.to_str().unwrap()]] {
        let mut all = vec![
            "check",
            "ws://127.0.0.1:9/a",
            "ws://127.0.0.1:9/b",
            "--connect-timeout",
            "1s",
        ];
        all.extend(&args);
        let out = run(&all);
        assert_eq!(out.code, 2, "{args:?}: {}", out.stderr);
        assert!(out.stderr.contains("one target"), "{}", out.stderr);
        assert!(!page.exists());
    }
}

/// The words a hostile server answers with: markup, quotes, an attribute break-out.
const HOSTILE: &str = r#"<script>alert("pwned")</script><img src=x onerror='alert(1)'>"#;

/// A server that answers every request with a 500 whose `Server` header and body are [`HOSTILE`].
fn hostile_server() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            stream
                .set_read_timeout(Some(std::time::Duration::from_secs(2)))
                .ok();
            let mut head = Vec::new();
            let mut byte = [0u8; 1];
            while !head.ends_with(b"\r\n\r\n") && head.len() < 16_384 {
                match stream.read(&mut byte) {
                    Ok(1) => head.push(byte[0]),
                    _ => break,
                }
            }
            let body = format!("{HOSTILE}\n");
            let _ = write!(
                stream,
                "HTTP/1.1 500 Internal Server Error\r\nServer: {HOSTILE}\r\nContent-Type: text/html\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
        }
    });
    port
}

#[test]
fn hostile_server_text_is_escaped_in_the_page() {
    let port = hostile_server();
    let url = format!("http://127.0.0.1:{port}/");
    let out = run(&[
        "check", &url, "--only", "health", "--format", "html", "--trace",
    ]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    let page = &out.stdout;
    assert_self_contained(page);
    assert!(!page.contains("<img"), "{page}");
    // The server's words are there, as text: in the evidence and in the trace.
    let shown = "&lt;script&gt;alert(&quot;pwned&quot;)&lt;/script&gt;";
    assert!(page.matches(shown).count() >= 2, "{page}");
    assert!(page.contains("onerror=&#39;alert(1)&#39;"), "{page}");
}

/// Renders `page` in headless Chromium, as the exporter's status page test does; the screenshot's
/// pixels as (width, height, channels, bytes).
fn screenshot(page: &std::path::Path, dir: &std::path::Path) -> (u32, u32, usize, Vec<u8>) {
    let shot = dir.join("page.png");
    let out = Command::new("chromium")
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--hide-scrollbars",
            "--window-size=1200,2400",
            &format!("--user-data-dir={}", dir.join("profile").display()),
            &format!("--screenshot={}", shot.display()),
            &format!("file://{}", page.display()),
        ])
        .output()
        .expect("chromium is needed (Debian: chromium; .ci/run installs it)");
    assert!(
        shot.exists(),
        "no screenshot: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let decoder = png::Decoder::new(std::io::BufReader::new(std::fs::File::open(&shot).unwrap()));
    let mut reader = decoder.read_info().unwrap();
    let mut pixels = vec![0; reader.output_buffer_size()];
    let frame = reader.next_frame(&mut pixels).unwrap();
    pixels.truncate(frame.buffer_size());
    (
        frame.width,
        frame.height,
        frame.color_type.samples(),
        pixels,
    )
}

/// Pixels within a small distance of `rgb` (anti-aliasing and colour management blur edges).
fn near(pixels: &[u8], channels: usize, rgb: [u8; 3]) -> usize {
    pixels
        .chunks(channels)
        .filter(|p| (0..3).all(|i| (i32::from(p[i]) - i32::from(rgb[i])).abs() <= 24))
        .count()
}

#[test]
fn the_page_renders_in_a_real_browser_with_the_verdict_and_the_waterfall() {
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("report.html");
    let out = demo(&["-o", page.to_str().unwrap()]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    let (width, height, channels, pixels) = screenshot(&page, dir.path());
    assert_eq!((width, height), (1200, 2400));
    // The verdict banner: a full-width band of the FAIL red, with white text on it.
    let banner = near(&pixels, channels, [0xb9, 0x1c, 0x1c]);
    let banner_rows = pixels
        .chunks(channels * width as usize)
        .filter(|row| near(row, channels, [0xb9, 0x1c, 0x1c]) > width as usize / 2)
        .count();
    assert!(
        banner_rows >= 30,
        "the verdict banner: {banner_rows} red rows ({banner} pixels)"
    );
    // The waterfall: bars in the phases' colours (cyan, magenta) and the rest's grey.
    // A phase is at least one unit wide and 14 high, and several rows have two phases (tcp_connect
    // then http_ttfb or ws_handshake), however fast the run: 40 pixels is three rows' worth.
    let cyan = near(&pixels, channels, [0x08, 0x91, 0xb2]);
    let magenta = near(&pixels, channels, [0xc0, 0x26, 0xd3]);
    let grey = near(&pixels, channels, [0xcb, 0xd5, 0xe1]);
    assert!(
        cyan > 40,
        "the waterfall's first phases: {cyan} cyan pixels"
    );
    assert!(
        magenta > 40,
        "the waterfall's second phases: {magenta} magenta pixels"
    );
    assert!(
        grey > 200,
        "the waterfall's rest of the time: {grey} grey pixels"
    );
    // And text was drawn (the checklist).
    let dark = pixels
        .chunks(channels)
        .filter(|p| p[0] < 80 && p[1] < 80 && p[2] < 80)
        .count();
    assert!(dark > 5_000, "the page has text: {dark} dark pixels");
}
