# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_wsdoctor_global_optspecs
    string join \n h/help V/version
end

function __fish_wsdoctor_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_wsdoctor_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_wsdoctor_using_subcommand
    set -l cmd (__fish_wsdoctor_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c wsdoctor -n "__fish_wsdoctor_needs_command" -s h -l help -d 'Print help'
complete -c wsdoctor -n "__fish_wsdoctor_needs_command" -s V -l version -d 'Print version'
complete -c wsdoctor -n "__fish_wsdoctor_needs_command" -f -a "completions" -d 'Print shell completions for SHELL to stdout'
complete -c wsdoctor -n "__fish_wsdoctor_needs_command" -f -a "man" -d 'Print a man page (roff) to stdout: the top page, or a subcommand\'s'
complete -c wsdoctor -n "__fish_wsdoctor_needs_command" -f -a "check" -d 'Run the checklist against a deployment (http(s) base URL or a ws(s) socket URL)'
complete -c wsdoctor -n "__fish_wsdoctor_needs_command" -f -a "demo" -d 'Start the reference backend on loopback and check it: the zero-setup first run'
complete -c wsdoctor -n "__fish_wsdoctor_needs_command" -f -a "lab" -d 'Run the reference backend (with an optional fault) for reproductions and tests'
complete -c wsdoctor -n "__fish_wsdoctor_needs_command" -f -a "explain" -d 'Explain a failure code: what it means, how it looks on the wire, what to do'
complete -c wsdoctor -n "__fish_wsdoctor_needs_command" -f -a "config" -d 'Validate the config file (wsdoctor.toml), or print its JSON Schema'
complete -c wsdoctor -n "__fish_wsdoctor_needs_command" -f -a "serve" -d 'Serve probes to Prometheus: GET /probe?target=NAME&module=MODULE answers with metrics'
complete -c wsdoctor -n "__fish_wsdoctor_needs_command" -f -a "ping" -d 'Round trips on one socket over time (ping frames or echo messages): latency, jitter, loss, cuts'
complete -c wsdoctor -n "__fish_wsdoctor_needs_command" -f -a "watch" -d 'Repeat the checklist every interval: a line a run, a line whenever a check changes state'
complete -c wsdoctor -n "__fish_wsdoctor_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand completions" -s h -l help -d 'Print help'
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand completions" -s V -l version -d 'Print version'
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand man" -s h -l help -d 'Print help'
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand man" -s V -l version -d 'Print version'
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand check" -l config -d 'The config file [default: ./wsdoctor.toml when it exists]' -r -F
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand check" -l target -d 'Run only these targets of the config file, by name (repeatable, or comma-separated)' -r
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand check" -l parallel -d 'How many targets are checked at once' -r
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand check" -l fail-on -d 'Make warnings fail the run too (exit 1; in JUnit the warned check is a failure)' -r -f -a "fail\t'Only failures (warnings exit 0)'
warn\t'Warnings too'"
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand check" -l min-cert-days -d 'Fail the tls check when the certificate has fewer days left than this' -r
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand check" -l max-echo-rtt -d 'Fail the echo check when the round trip (the median with --count) is slower than this' -r
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand check" -l max-first-message -d 'Fail the terminal check when its first message comes later than this after open' -r
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand check" -l max-attempts -d 'Fail the echo and terminal checks when they needed more attempts than this' -r
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand check" -l allow-warning -d 'Accept warnings with these causes (comma-separated, repeatable): still reported, marked allowed, but --fail-on warn does not fail on them' -r -f -a "dns_not_found\t''
dns_failed\t''
offline\t''
tcp_refused\t''
tcp_timeout\t''
tcp_unreachable\t''
connection_reset\t''
tls_unknown_issuer\t''
tls_expired\t''
tls_not_yet_valid\t''
tls_name_mismatch\t''
tls_handshake\t''
tls_timeout\t''
tls_client_cert_required\t''
tls_client_cert_rejected\t''
http_timeout\t''
upgrade_redirected\t''
upgrade_not_forwarded\t''
upgrade_wrong_path\t''
upgrade_forbidden\t''
origin_rejected\t''
app_runner_upgrade_blocked\t''
proxy_no_upstream\t''
handshake_invalid\t''
handshake_timeout\t''
invalid_url\t''
invalid_request\t''
mixed_content\t''
abnormal_close\t''
idle_cut\t''
lifetime_cut\t''
no_route_after_open\t''
upgrade_unanswered\t''
proxy_upstream_timeout\t''
response_truncated\t''
response_too_large\t''
invalid_close_code\t''
protocol_violation\t''
response_malformed\t''
proxy_broken\t''
server_going_away\t''
session_invalid\t''
server_timeout\t''
client_timeout\t''
server_error\t''
echo_mismatch\t''
expect_not_met\t''
retries_exhausted\t''
health_status\t''
health_degraded\t''
health_invalid\t''
cors_origin_not_allowed\t''
cors_incomplete\t''
cert_days_below_minimum\t''
echo_rtt_above_maximum\t''
first_message_above_maximum\t''
attempts_above_maximum\t''
warning_not_allowed\t''
proxy_auth_required\t''
proxy_refused\t''
proxy_upstream_failed\t''
proxy_timeout\t''
store_unreachable\t''
store_tls\t''
store_auth_refused\t''
store_wrong_database\t''
store_not_ready\t''
store_slow\t''
store_disconnected\t''
session_expired_or_never_created\t''
session_expiring\t''
alpn_mismatch\t''
extended_connect_disabled\t''
h2_connect_refused\t''
h2_stream_reset\t''
h2_goaway\t''
internal_error\t''
browser_unavailable\t''
address_denied\t''
local_network_access\t''
origin_not_enforced\t''
origin_unknown\t''
mixed_content_loopback_only\t''
tls_unverified\t''
tls_expiring\t''
health_incomplete\t''
websocket_disabled\t''
echo_loss\t''
server_timeout_below_client\t''
cors_origin_not_listed\t''
terminal_silent\t''
store_evicts_sessions\t''
store_memory_full\t''
hold_shortened\t''
diagnostics_invalid\t''
echo_path_mismatch\t''
session_endpoint_unrecognized\t''
session_key_elsewhere\t''
browser_disagrees\t''
required_check_skipped\t''"
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand check" -l require -d 'Fail when one of these checks is not checked for want of an input (comma-separated ids, e.g. terminal: needs --session)' -r -f -a "target\t''
dns\t''
tcp\t''
tls\t''
health\t''
diagnostics\t''
cors\t''
echo\t''
session\t''
store\t''
terminal\t''
origin\t''
browser\t''
hold\t''"
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand check" -l session -d 'Session id for the session and terminal checks (redacted in output)' -r
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand check" -l origin -d 'The frontend\'s origin, sent as Origin on upgrades and CORS requests [default: $FRONTEND_URL]' -r
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand check" -s H -l header -d 'An extra request header \'Name: value\' (repeatable) [env: WSDOCTOR_HEADER, one header per line]' -r
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand check" -l subprotocol -d 'A subprotocol to offer in Sec-WebSocket-Protocol, as a browser\'s new WebSocket(url, protocols) does (repeatable, or comma-separated)' -r
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand check" -l timeout -d 'Client timeout per WebSocket attempt, as the web client\'s 25 s' -r
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand check" -l connect-timeout -d 'Timeout for each network step before the WebSocket: DNS, TCP, TLS, an HTTP answer' -r
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand check" -l resolve -d 'Use ADDR for HOST:PORT instead of DNS, like curl; ADDR may list several, comma-separated (repeatable)' -r
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand check" -l proxy -d 'HTTP CONNECT proxy (http://[user:pass@]host:port) [default: HTTPS_PROXY / HTTP_PROXY / ALL_PROXY, honouring NO_PROXY]' -r
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand check" -l cacert -d 'Trust the CA certificates in this PEM file too' -r -F
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand check" -l cert -d 'Client certificate chain for mutual TLS (PEM; may hold the key too)' -r -F
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand check" -l key -d 'Private key for --cert (PEM: PKCS#8, PKCS#1 or SEC1) [default: the --cert file]' -r -F
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand check" -l send -d 'A message to send on the terminal socket once it is open' -r
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand check" -l expect -d 'A regular expression a terminal message must match (after --send) for the check to pass (regex syntax; \\w, \\d, \\s and case folding are ASCII)' -r
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand check" -l count -d 'Echo round trips on one socket, for latency statistics (min/median/p90/p99/max, loss, jitter)' -r
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand check" -l hold -d 'After the echo works, hold sockets open this long to find idle and lifetime cuts (the hold check)' -r
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand check" -l ping-interval -d 'Interval of the pinging and messaging sockets during --hold' -r
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand check" -l only -d 'Run only these checks (comma-separated ids, e.g. health,echo)' -r -f -a "target\t''
dns\t''
tcp\t''
tls\t''
health\t''
diagnostics\t''
cors\t''
echo\t''
session\t''
store\t''
terminal\t''
origin\t''
browser\t''
hold\t''"
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand check" -l skip -d 'Skip these checks (comma-separated ids)' -r -f -a "target\t''
dns\t''
tcp\t''
tls\t''
health\t''
diagnostics\t''
cors\t''
echo\t''
session\t''
store\t''
terminal\t''
origin\t''
browser\t''
hold\t''"
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand check" -l health-path -d 'Health endpoint path' -r
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand check" -l diagnostics-path -d 'Diagnostics endpoint path' -r
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand check" -l echo-path -d 'WebSocket echo endpoint path' -r
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand check" -l terminal-path -d 'Terminal socket path template; {session} is replaced by the session id [default: from /health\'s endpoints, else /terminal/{session}]' -r
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand check" -l session-path -d 'Session validation path template, e.g. /api/sessions/{session} [default: from /health\'s endpoints]' -r
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand check" -l attempts -d 'WebSocket attempts before giving up (1 = no retry), as the web client\'s 5. Given, they run exactly as the web client makes them, one after another; by default a hang is not waited out again: one overlapping attempt tells a hang from an intermittent one, within one timeout' -r
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand check" -l retry-delay -d 'First retry delay; it doubles each attempt (capped at 8 s) with jitter' -r
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand check" -l accept-silence -d 'For servers that never greet: a terminal that stays open and silent this long passes (with a warning). Without it, the terminal must send a first message within --timeout, as the web client waits for one' -r
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand check" -l observe -d 'How long a socket is watched after it did its job (greeted, echoed, matched --expect); a session that dies in this window fails' -r
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand check" -l deadline -d 'Bound on the whole run; checks still running then fail with a timeout [default: 5m, plus --hold]' -r
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand check" -l cert-warn-days -d 'Warn when the certificate has fewer days left than this (or, for a certificate that lives shorter, less than a third of its lifetime)' -r
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand check" -l browser-path -d 'The Chromium (or Chrome) to run for --browser: a path, or a name on PATH [default: the first of chromium, chromium-browser, google-chrome, google-chrome-stable, chrome on PATH]' -r -F
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand check" -l redis-url -d 'The session store to check, redis://[[user]:password@]host:6379/DB or rediss:// for TLS (--cacert applies); its credentials are redacted [default: $REDIS_URL]' -r
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand check" -l session-key -d 'The session\'s key in the store, with {session} for the id (e.g. \'session:{session}\') [default: as the diagnostics endpoint advertises it]' -r
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand check" -l store-pings -d 'PINGs the store check times (min/median/p99)' -r
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand check" -l store-slow -d 'A median PING above this warns that the store is slow (a failure when a session validation times out)' -r
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand check" -l session-min-ttl -d 'The session\'s expected use: a key that expires sooner warns' -r
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand check" -l format -d 'Output format [default: human, or html when --output names a .html/.htm file]' -r -f -a "human\t'A checklist for people, with timings, evidence and hints'
json\t'One JSON document (schema wsdoctor.report.v1)'
ndjson\t'One JSON event a line as the run progresses, ending with the report'
junit\t'JUnit XML: a testsuite per target, a testcase per check'
markdown\t'A Markdown summary: a table per run, for job summaries and pull requests'
github\t'GitHub Actions annotations (::error / ::warning) and the verdict line; the Markdown summary goes to $GITHUB_STEP_SUMMARY'
html\t'One self-contained HTML page to attach to a ticket: the verdict, the checklist with evidence and hints, the waterfall as SVG, the trace with --trace; no scripts, nothing fetched (one target)'"
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand check" -s o -l output -d 'Write the chosen format to FILE (written whole, or not at all); the terminal still shows the human view. `-` is standard output' -r -F
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand check" -l color -d 'When to use colour (NO_COLOR and CI turn it off in auto)' -r -f -a "auto\t'Colour when the output is a terminal and neither NO_COLOR nor CI is set'
always\t'Always colour'
never\t'Never colour'"
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand check" -l trace-file -d 'Write the trace to FILE as well as stderr (implies --trace)' -r -F
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand check" -s w -l write-out -d 'Print FORMAT once per target after the run, as curl\'s -w: %{verdict} %{code} %{cause} %{check} %{target} %{time_total} %{time_dns} %{time_connect} %{time_tls} %{time_upgrade} %{time_first_message} (seconds; 0.000000 for a phase not timed) %{http_version} %{close_code} %{platform}; \\n \\t and %% escapes. With the human format it replaces the report on stdout; other formats print their document first' -r
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand check" -l no-config -d 'Read no config file, not even ./wsdoctor.toml: the command line and the environment only'
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand check" -l dry-run -d 'Print what the run would do (target, route, limits, the checks and their order) and exit without sending anything'
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand check" -l no-proxy -d 'Connect directly even when a proxy variable is set'
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand check" -s 4 -l ipv4 -d 'Use IPv4 addresses only'
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand check" -s 6 -l ipv6 -d 'Use IPv6 addresses only'
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand check" -l insecure -d 'Do not verify TLS certificates (the report says so, loudly)'
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand check" -l http1-only -d 'Only the HTTP/1.1 road, as a browser without an HTTP/2 connection to the origin: ALPN offers http/1.1 alone and no socket is opened over HTTP/2'
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand check" -l http2 -d 'Require the HTTP/2 road (RFC 8441 extended CONNECT) for the echo and terminal sockets, as a browser holding an HTTP/2 connection takes it; a server that cannot carry them that way fails'
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand check" -l all-addresses -d 'Connect to every resolved address (not just the first that answers), to find a bad node'
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand check" -l browser -d 'Also run the page, /health and the sockets in a headless Chromium on the frontend origin, and put what the browser saw beside the command line\'s verdict (the browser check)'
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand check" -s q -l quiet -d 'Print nothing on stdout but one verdict line, whatever the format (the document goes to --output if given)'
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand check" -s v -l verbose -d 'Print the connection log to stderr, as the web client\'s console does; twice (-vv) also traces the wire, as --trace'
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand check" -l trace -d 'Trace the wire on stderr, in order, timed from the start: DNS answers, connects, TLS (version, ALPN, SNI, the chain\'s subjects and dates), every request and response head, HTTP/2 frames, every WebSocket frame and the close; secrets redacted, server text escaped, bounded; `wire` events with --format ndjson'
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand check" -l show-secrets -d 'Show session ids, tokens and credentials instead of redacting them'
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand check" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand check" -s V -l version -d 'Print version'
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand demo" -l fault -d 'Make the embedded backend misbehave this way (see `wsdoctor lab --list-faults`)' -r -f -a "app-runner\t'Envoy edge (AWS App Runner): HTTP works, every upgrade gets a bare 403 from server: envoy'
strip-upgrade\t'proxy drops Upgrade/Connection headers: the app answers the upgrade as a plain GET (404)'
proxy-502\t'load balancer (awselb/2.0) answers upgrades with 502 Bad Gateway'
redirect\t'upgrade requests are redirected (301) to the https URL'
idle-cut\t'proxy idle timeout: sockets are reset after DUR without a frame (default 5s), no server pings'
lifetime-cut\t'proxy request cap: every socket is reset DUR after it opened (default 5s)'
edge-403\t'the application refuses every WebSocket upgrade with a JSON 403'
origin-check\t'upgrades from an Origin outside the allow list get 403, on every path'
origin-close\t'upgrades from an Origin outside the allow list get a 101, then an empty close frame (1005) at once, on every path'
origin-silent\t'upgrades from an Origin outside the allow list get a 101, then nothing: no greeting, no answer, and the refusal\'s close never arrives, on every path'
origin-any\t'the terminal accepts upgrades from any Origin (cross-site WebSocket hijacking risk)'
handshake-hang\t'upgrade requests are read and never answered'
bad-accept\t'101 response with a wrong Sec-WebSocket-Accept'
no-route\t'every path upgrades, then closes at once with an empty close frame (1005)'
upgrade-close\t'upgrade requests are read, then the connection is closed without an answer'
http10-refusal\t'upgrades get an HTTP/1.0 404 from a server that knows nothing of WebSockets'
proxy-504\t'load balancer (awselb/2.0) answers upgrades with 504 Gateway Timeout'
trickle-101\t'the 101 is valid but trickles in one byte every DUR (default 2ms); then the socket works'
subprotocol\t'every 101 selects the subprotocol NAME (default chat), whether or not the client offered it'
huge-head\t'every answer\'s head grows without end (header after header)'
truncated-body\t'/health announces Content-Length 100, sends 10 bytes and closes'
drop-after-open\t'the socket opens, then TCP is reset without a close frame (1006)'
flaky\t'the first N upgrade attempts per route open and are reset (default 1), later ones work'
flaky-hang\t'the first N upgrade attempts per route are read and never answered (default 1), later ones work'
going-away\t'the server closes each socket with 1001 "Server restarting" right after open'
echo-mismatch\t'/ws-test echoes something other than what was sent'
bad-close\t'each socket is closed at once with a close code that may never be sent (default 1005)'
bad-utf8\t'each socket gets a text frame that is not UTF-8 (a protocol violation)'
greet-then-close\t'the terminal greets ({"type":"connected"}), then closes with CODE after DELAY (default 4500@100ms)'
greet-then-drop\t'the terminal greets, then TCP is reset without a close frame after DUR (default 100ms)'
session-takeover\t'a session has one terminal socket at a time: a second one ends the first with close 4001 "Session opened elsewhere"'
invalid-session\t'every session is unknown: error message, then close 4000; the session endpoint says 404'
server-error\t'the terminal fails after the session is accepted: error message, then close 4500'
policy-timeout\t'session validation hangs; the server closes with 1008 "Connection timeout" after DUR (default 300ms)'
store-hang\t'the terminal\'s session lookup hangs in the store (a blocking Redis command) while the store answers; 1008 after DUR (default 300ms)'
store-down\t'the app has lost its session store: diagnostics say disconnected, lookups wait; 503 and 1008 after DUR (default 300ms)'
health-degraded\t'/health answers 503 with status degraded and websocket unavailable'
health-redirect\t'/health redirects (301) to /healthz; diagnostics redirect (302, absolute) to a /v2 path'
health-redirect-offsite\t'/health redirects (302) to another host, where credentials must not follow'
blackhole\t'connections are accepted, then nothing is ever read or written'
plain-app\t'a plain app, not the platform: /health and diagnostics are 404, /ws-test echoes raw'
tls-self-signed\t'TLS with a self-signed certificate (not issued by the lab CA)'
tls-expired\t'TLS with an expired certificate issued by the lab CA'
tls-wrong-name\t'TLS with a certificate for wrong-name.invalid, issued by the lab CA'
tls-not-yet-valid\t'TLS with a certificate issued by the lab CA that only becomes valid in 30 days'
tls-expiring\t'TLS with a certificate issued by the lab CA that expires in DAYS days (default 3)'
tls-short-lived\t'TLS with a short-lived certificate (HOURS hours, default 12), half-way through its life'
tls-client-cert\t'mutual TLS: the server demands a client certificate issued by the lab CA (see Lab::client_identity_pem)'
h2-no-connect\t'HTTP/2 beside HTTP/1.1 without extended CONNECT (no SETTINGS_ENABLE_CONNECT_PROTOCOL): sockets go over HTTP/1.1'
h2-only\t'HTTP/2 only (ALPN h2 alone) with extended CONNECT: an HTTP/1.1 client is refused (no_application_protocol)'
h2-only-no-connect\t'HTTP/2 only and without extended CONNECT: no browser can open a WebSocket at all'
h2-connect-403\t'HTTP/2 announces extended CONNECT, then answers every one with 403; HTTP/1.1 upgrades work'
h2-stream-reset\t'HTTP/2 sockets open (200), then their stream is reset (RST_STREAM CANCEL) without a close frame'
h2-goaway\t'HTTP/2 answers an extended CONNECT with GOAWAY (NO_ERROR) and closes the connection'
h2-idle-cut\t'HTTP/2 stream idle timeout: HTTP/2 sockets are reset (RST_STREAM CANCEL) after DUR without a frame (default 5s); HTTP/1.1 sockets stay up'"
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand demo" -l fail-on -d 'Make warnings fail the run too (exit 1; in JUnit the warned check is a failure)' -r -f -a "fail\t'Only failures (warnings exit 0)'
warn\t'Warnings too'"
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand demo" -l min-cert-days -d 'Fail the tls check when the certificate has fewer days left than this' -r
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand demo" -l max-echo-rtt -d 'Fail the echo check when the round trip (the median with --count) is slower than this' -r
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand demo" -l max-first-message -d 'Fail the terminal check when its first message comes later than this after open' -r
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand demo" -l max-attempts -d 'Fail the echo and terminal checks when they needed more attempts than this' -r
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand demo" -l allow-warning -d 'Accept warnings with these causes (comma-separated, repeatable): still reported, marked allowed, but --fail-on warn does not fail on them' -r -f -a "dns_not_found\t''
dns_failed\t''
offline\t''
tcp_refused\t''
tcp_timeout\t''
tcp_unreachable\t''
connection_reset\t''
tls_unknown_issuer\t''
tls_expired\t''
tls_not_yet_valid\t''
tls_name_mismatch\t''
tls_handshake\t''
tls_timeout\t''
tls_client_cert_required\t''
tls_client_cert_rejected\t''
http_timeout\t''
upgrade_redirected\t''
upgrade_not_forwarded\t''
upgrade_wrong_path\t''
upgrade_forbidden\t''
origin_rejected\t''
app_runner_upgrade_blocked\t''
proxy_no_upstream\t''
handshake_invalid\t''
handshake_timeout\t''
invalid_url\t''
invalid_request\t''
mixed_content\t''
abnormal_close\t''
idle_cut\t''
lifetime_cut\t''
no_route_after_open\t''
upgrade_unanswered\t''
proxy_upstream_timeout\t''
response_truncated\t''
response_too_large\t''
invalid_close_code\t''
protocol_violation\t''
response_malformed\t''
proxy_broken\t''
server_going_away\t''
session_invalid\t''
server_timeout\t''
client_timeout\t''
server_error\t''
echo_mismatch\t''
expect_not_met\t''
retries_exhausted\t''
health_status\t''
health_degraded\t''
health_invalid\t''
cors_origin_not_allowed\t''
cors_incomplete\t''
cert_days_below_minimum\t''
echo_rtt_above_maximum\t''
first_message_above_maximum\t''
attempts_above_maximum\t''
warning_not_allowed\t''
proxy_auth_required\t''
proxy_refused\t''
proxy_upstream_failed\t''
proxy_timeout\t''
store_unreachable\t''
store_tls\t''
store_auth_refused\t''
store_wrong_database\t''
store_not_ready\t''
store_slow\t''
store_disconnected\t''
session_expired_or_never_created\t''
session_expiring\t''
alpn_mismatch\t''
extended_connect_disabled\t''
h2_connect_refused\t''
h2_stream_reset\t''
h2_goaway\t''
internal_error\t''
browser_unavailable\t''
address_denied\t''
local_network_access\t''
origin_not_enforced\t''
origin_unknown\t''
mixed_content_loopback_only\t''
tls_unverified\t''
tls_expiring\t''
health_incomplete\t''
websocket_disabled\t''
echo_loss\t''
server_timeout_below_client\t''
cors_origin_not_listed\t''
terminal_silent\t''
store_evicts_sessions\t''
store_memory_full\t''
hold_shortened\t''
diagnostics_invalid\t''
echo_path_mismatch\t''
session_endpoint_unrecognized\t''
session_key_elsewhere\t''
browser_disagrees\t''
required_check_skipped\t''"
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand demo" -l require -d 'Fail when one of these checks is not checked for want of an input (comma-separated ids, e.g. terminal: needs --session)' -r -f -a "target\t''
dns\t''
tcp\t''
tls\t''
health\t''
diagnostics\t''
cors\t''
echo\t''
session\t''
store\t''
terminal\t''
origin\t''
browser\t''
hold\t''"
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand demo" -l session -d 'Session id for the session and terminal checks (redacted in output)' -r
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand demo" -l origin -d 'The frontend\'s origin, sent as Origin on upgrades and CORS requests [default: $FRONTEND_URL]' -r
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand demo" -s H -l header -d 'An extra request header \'Name: value\' (repeatable) [env: WSDOCTOR_HEADER, one header per line]' -r
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand demo" -l subprotocol -d 'A subprotocol to offer in Sec-WebSocket-Protocol, as a browser\'s new WebSocket(url, protocols) does (repeatable, or comma-separated)' -r
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand demo" -l timeout -d 'Client timeout per WebSocket attempt, as the web client\'s 25 s' -r
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand demo" -l connect-timeout -d 'Timeout for each network step before the WebSocket: DNS, TCP, TLS, an HTTP answer' -r
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand demo" -l resolve -d 'Use ADDR for HOST:PORT instead of DNS, like curl; ADDR may list several, comma-separated (repeatable)' -r
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand demo" -l proxy -d 'HTTP CONNECT proxy (http://[user:pass@]host:port) [default: HTTPS_PROXY / HTTP_PROXY / ALL_PROXY, honouring NO_PROXY]' -r
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand demo" -l cacert -d 'Trust the CA certificates in this PEM file too' -r -F
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand demo" -l cert -d 'Client certificate chain for mutual TLS (PEM; may hold the key too)' -r -F
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand demo" -l key -d 'Private key for --cert (PEM: PKCS#8, PKCS#1 or SEC1) [default: the --cert file]' -r -F
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand demo" -l send -d 'A message to send on the terminal socket once it is open' -r
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand demo" -l expect -d 'A regular expression a terminal message must match (after --send) for the check to pass (regex syntax; \\w, \\d, \\s and case folding are ASCII)' -r
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand demo" -l count -d 'Echo round trips on one socket, for latency statistics (min/median/p90/p99/max, loss, jitter)' -r
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand demo" -l hold -d 'After the echo works, hold sockets open this long to find idle and lifetime cuts (the hold check)' -r
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand demo" -l ping-interval -d 'Interval of the pinging and messaging sockets during --hold' -r
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand demo" -l only -d 'Run only these checks (comma-separated ids, e.g. health,echo)' -r -f -a "target\t''
dns\t''
tcp\t''
tls\t''
health\t''
diagnostics\t''
cors\t''
echo\t''
session\t''
store\t''
terminal\t''
origin\t''
browser\t''
hold\t''"
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand demo" -l skip -d 'Skip these checks (comma-separated ids)' -r -f -a "target\t''
dns\t''
tcp\t''
tls\t''
health\t''
diagnostics\t''
cors\t''
echo\t''
session\t''
store\t''
terminal\t''
origin\t''
browser\t''
hold\t''"
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand demo" -l health-path -d 'Health endpoint path' -r
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand demo" -l diagnostics-path -d 'Diagnostics endpoint path' -r
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand demo" -l echo-path -d 'WebSocket echo endpoint path' -r
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand demo" -l terminal-path -d 'Terminal socket path template; {session} is replaced by the session id [default: from /health\'s endpoints, else /terminal/{session}]' -r
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand demo" -l session-path -d 'Session validation path template, e.g. /api/sessions/{session} [default: from /health\'s endpoints]' -r
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand demo" -l attempts -d 'WebSocket attempts before giving up (1 = no retry), as the web client\'s 5. Given, they run exactly as the web client makes them, one after another; by default a hang is not waited out again: one overlapping attempt tells a hang from an intermittent one, within one timeout' -r
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand demo" -l retry-delay -d 'First retry delay; it doubles each attempt (capped at 8 s) with jitter' -r
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand demo" -l accept-silence -d 'For servers that never greet: a terminal that stays open and silent this long passes (with a warning). Without it, the terminal must send a first message within --timeout, as the web client waits for one' -r
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand demo" -l observe -d 'How long a socket is watched after it did its job (greeted, echoed, matched --expect); a session that dies in this window fails' -r
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand demo" -l deadline -d 'Bound on the whole run; checks still running then fail with a timeout [default: 5m, plus --hold]' -r
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand demo" -l cert-warn-days -d 'Warn when the certificate has fewer days left than this (or, for a certificate that lives shorter, less than a third of its lifetime)' -r
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand demo" -l browser-path -d 'The Chromium (or Chrome) to run for --browser: a path, or a name on PATH [default: the first of chromium, chromium-browser, google-chrome, google-chrome-stable, chrome on PATH]' -r -F
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand demo" -l redis-url -d 'The session store to check, redis://[[user]:password@]host:6379/DB or rediss:// for TLS (--cacert applies); its credentials are redacted [default: $REDIS_URL]' -r
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand demo" -l session-key -d 'The session\'s key in the store, with {session} for the id (e.g. \'session:{session}\') [default: as the diagnostics endpoint advertises it]' -r
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand demo" -l store-pings -d 'PINGs the store check times (min/median/p99)' -r
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand demo" -l store-slow -d 'A median PING above this warns that the store is slow (a failure when a session validation times out)' -r
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand demo" -l session-min-ttl -d 'The session\'s expected use: a key that expires sooner warns' -r
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand demo" -l format -d 'Output format [default: human, or html when --output names a .html/.htm file]' -r -f -a "human\t'A checklist for people, with timings, evidence and hints'
json\t'One JSON document (schema wsdoctor.report.v1)'
ndjson\t'One JSON event a line as the run progresses, ending with the report'
junit\t'JUnit XML: a testsuite per target, a testcase per check'
markdown\t'A Markdown summary: a table per run, for job summaries and pull requests'
github\t'GitHub Actions annotations (::error / ::warning) and the verdict line; the Markdown summary goes to $GITHUB_STEP_SUMMARY'
html\t'One self-contained HTML page to attach to a ticket: the verdict, the checklist with evidence and hints, the waterfall as SVG, the trace with --trace; no scripts, nothing fetched (one target)'"
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand demo" -s o -l output -d 'Write the chosen format to FILE (written whole, or not at all); the terminal still shows the human view. `-` is standard output' -r -F
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand demo" -l color -d 'When to use colour (NO_COLOR and CI turn it off in auto)' -r -f -a "auto\t'Colour when the output is a terminal and neither NO_COLOR nor CI is set'
always\t'Always colour'
never\t'Never colour'"
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand demo" -l trace-file -d 'Write the trace to FILE as well as stderr (implies --trace)' -r -F
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand demo" -s w -l write-out -d 'Print FORMAT once per target after the run, as curl\'s -w: %{verdict} %{code} %{cause} %{check} %{target} %{time_total} %{time_dns} %{time_connect} %{time_tls} %{time_upgrade} %{time_first_message} (seconds; 0.000000 for a phase not timed) %{http_version} %{close_code} %{platform}; \\n \\t and %% escapes. With the human format it replaces the report on stdout; other formats print their document first' -r
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand demo" -l tls -d 'Serve the embedded backend over TLS with a certificate from a throwaway CA, speaking HTTP/2 (with extended CONNECT) beside HTTP/1.1 as modern edges do'
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand demo" -l dry-run -d 'Print what the run would do (target, route, limits, the checks and their order) and exit without sending anything'
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand demo" -l no-proxy -d 'Connect directly even when a proxy variable is set'
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand demo" -s 4 -l ipv4 -d 'Use IPv4 addresses only'
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand demo" -s 6 -l ipv6 -d 'Use IPv6 addresses only'
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand demo" -l insecure -d 'Do not verify TLS certificates (the report says so, loudly)'
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand demo" -l http1-only -d 'Only the HTTP/1.1 road, as a browser without an HTTP/2 connection to the origin: ALPN offers http/1.1 alone and no socket is opened over HTTP/2'
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand demo" -l http2 -d 'Require the HTTP/2 road (RFC 8441 extended CONNECT) for the echo and terminal sockets, as a browser holding an HTTP/2 connection takes it; a server that cannot carry them that way fails'
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand demo" -l all-addresses -d 'Connect to every resolved address (not just the first that answers), to find a bad node'
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand demo" -l browser -d 'Also run the page, /health and the sockets in a headless Chromium on the frontend origin, and put what the browser saw beside the command line\'s verdict (the browser check)'
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand demo" -s q -l quiet -d 'Print nothing on stdout but one verdict line, whatever the format (the document goes to --output if given)'
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand demo" -s v -l verbose -d 'Print the connection log to stderr, as the web client\'s console does; twice (-vv) also traces the wire, as --trace'
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand demo" -l trace -d 'Trace the wire on stderr, in order, timed from the start: DNS answers, connects, TLS (version, ALPN, SNI, the chain\'s subjects and dates), every request and response head, HTTP/2 frames, every WebSocket frame and the close; secrets redacted, server text escaped, bounded; `wire` events with --format ndjson'
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand demo" -l show-secrets -d 'Show session ids, tokens and credentials instead of redacting them'
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand demo" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand demo" -s V -l version -d 'Print version'
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand lab" -l fault -d 'Make the backend misbehave this way (see --list-faults)' -r -f -a "app-runner\t'Envoy edge (AWS App Runner): HTTP works, every upgrade gets a bare 403 from server: envoy'
strip-upgrade\t'proxy drops Upgrade/Connection headers: the app answers the upgrade as a plain GET (404)'
proxy-502\t'load balancer (awselb/2.0) answers upgrades with 502 Bad Gateway'
redirect\t'upgrade requests are redirected (301) to the https URL'
idle-cut\t'proxy idle timeout: sockets are reset after DUR without a frame (default 5s), no server pings'
lifetime-cut\t'proxy request cap: every socket is reset DUR after it opened (default 5s)'
edge-403\t'the application refuses every WebSocket upgrade with a JSON 403'
origin-check\t'upgrades from an Origin outside the allow list get 403, on every path'
origin-close\t'upgrades from an Origin outside the allow list get a 101, then an empty close frame (1005) at once, on every path'
origin-silent\t'upgrades from an Origin outside the allow list get a 101, then nothing: no greeting, no answer, and the refusal\'s close never arrives, on every path'
origin-any\t'the terminal accepts upgrades from any Origin (cross-site WebSocket hijacking risk)'
handshake-hang\t'upgrade requests are read and never answered'
bad-accept\t'101 response with a wrong Sec-WebSocket-Accept'
no-route\t'every path upgrades, then closes at once with an empty close frame (1005)'
upgrade-close\t'upgrade requests are read, then the connection is closed without an answer'
http10-refusal\t'upgrades get an HTTP/1.0 404 from a server that knows nothing of WebSockets'
proxy-504\t'load balancer (awselb/2.0) answers upgrades with 504 Gateway Timeout'
trickle-101\t'the 101 is valid but trickles in one byte every DUR (default 2ms); then the socket works'
subprotocol\t'every 101 selects the subprotocol NAME (default chat), whether or not the client offered it'
huge-head\t'every answer\'s head grows without end (header after header)'
truncated-body\t'/health announces Content-Length 100, sends 10 bytes and closes'
drop-after-open\t'the socket opens, then TCP is reset without a close frame (1006)'
flaky\t'the first N upgrade attempts per route open and are reset (default 1), later ones work'
flaky-hang\t'the first N upgrade attempts per route are read and never answered (default 1), later ones work'
going-away\t'the server closes each socket with 1001 "Server restarting" right after open'
echo-mismatch\t'/ws-test echoes something other than what was sent'
bad-close\t'each socket is closed at once with a close code that may never be sent (default 1005)'
bad-utf8\t'each socket gets a text frame that is not UTF-8 (a protocol violation)'
greet-then-close\t'the terminal greets ({"type":"connected"}), then closes with CODE after DELAY (default 4500@100ms)'
greet-then-drop\t'the terminal greets, then TCP is reset without a close frame after DUR (default 100ms)'
session-takeover\t'a session has one terminal socket at a time: a second one ends the first with close 4001 "Session opened elsewhere"'
invalid-session\t'every session is unknown: error message, then close 4000; the session endpoint says 404'
server-error\t'the terminal fails after the session is accepted: error message, then close 4500'
policy-timeout\t'session validation hangs; the server closes with 1008 "Connection timeout" after DUR (default 300ms)'
store-hang\t'the terminal\'s session lookup hangs in the store (a blocking Redis command) while the store answers; 1008 after DUR (default 300ms)'
store-down\t'the app has lost its session store: diagnostics say disconnected, lookups wait; 503 and 1008 after DUR (default 300ms)'
health-degraded\t'/health answers 503 with status degraded and websocket unavailable'
health-redirect\t'/health redirects (301) to /healthz; diagnostics redirect (302, absolute) to a /v2 path'
health-redirect-offsite\t'/health redirects (302) to another host, where credentials must not follow'
blackhole\t'connections are accepted, then nothing is ever read or written'
plain-app\t'a plain app, not the platform: /health and diagnostics are 404, /ws-test echoes raw'
tls-self-signed\t'TLS with a self-signed certificate (not issued by the lab CA)'
tls-expired\t'TLS with an expired certificate issued by the lab CA'
tls-wrong-name\t'TLS with a certificate for wrong-name.invalid, issued by the lab CA'
tls-not-yet-valid\t'TLS with a certificate issued by the lab CA that only becomes valid in 30 days'
tls-expiring\t'TLS with a certificate issued by the lab CA that expires in DAYS days (default 3)'
tls-short-lived\t'TLS with a short-lived certificate (HOURS hours, default 12), half-way through its life'
tls-client-cert\t'mutual TLS: the server demands a client certificate issued by the lab CA (see Lab::client_identity_pem)'
h2-no-connect\t'HTTP/2 beside HTTP/1.1 without extended CONNECT (no SETTINGS_ENABLE_CONNECT_PROTOCOL): sockets go over HTTP/1.1'
h2-only\t'HTTP/2 only (ALPN h2 alone) with extended CONNECT: an HTTP/1.1 client is refused (no_application_protocol)'
h2-only-no-connect\t'HTTP/2 only and without extended CONNECT: no browser can open a WebSocket at all'
h2-connect-403\t'HTTP/2 announces extended CONNECT, then answers every one with 403; HTTP/1.1 upgrades work'
h2-stream-reset\t'HTTP/2 sockets open (200), then their stream is reset (RST_STREAM CANCEL) without a close frame'
h2-goaway\t'HTTP/2 answers an extended CONNECT with GOAWAY (NO_ERROR) and closes the connection'
h2-idle-cut\t'HTTP/2 stream idle timeout: HTTP/2 sockets are reset (RST_STREAM CANCEL) after DUR without a frame (default 5s); HTTP/1.1 sockets stay up'"
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand lab" -l listen -d 'The address to listen on; loopback by default' -r
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand lab" -l ca-out -d 'Write the throwaway CA\'s certificate (PEM) here, for `check --cacert`' -r -F
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand lab" -l client-cert-out -d 'Under --fault tls-client-cert, write a client certificate and key the lab accepts (PEM), for `check --cert`' -r -F
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand lab" -l session -d 'A valid session id (repeatable); `POST /api/sessions` creates more' -r
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand lab" -l allow-origin -d 'An origin allowed by CORS and the Origin check (repeatable)' -r
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand lab" -l ping-interval -d 'Interval of the server\'s WebSocket pings on open sockets' -r
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand lab" -l redis-url -d 'Keep sessions in this Redis (redis:// only) under session:{id}, as the platform does, instead of memory' -r
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand lab" -l session-ttl -d 'With --redis-url: the TTL each session key gets' -r
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand lab" -l connect-proxy -d 'Also run an HTTP CONNECT proxy on this address (loopback targets only), for proxied runs' -r
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand lab" -l proxy-credentials -d 'Credentials the proxy requires, as USER:PASSWORD' -r
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand lab" -l tls -d 'Serve https/wss with a certificate from a throwaway CA'
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand lab" -l http2 -d 'Serve HTTP/2 beside HTTP/1.1 (ALPN h2, http/1.1), with RFC 8441 extended CONNECT for WebSockets; implies --tls'
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand lab" -l list-faults -d 'List the faults, one line each, and exit'
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand lab" -l dry-run -d 'Print what would be served and exit without listening'
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand lab" -s h -l help -d 'Print help'
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand lab" -s V -l version -d 'Print version'
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand explain" -l format -d 'human or json' -r -f -a "human\t'Text for people'
json\t'One JSON document'"
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand explain" -l markdown -d 'Print the table of codes as Markdown (the README\'s table)'
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand explain" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand explain" -s V -l version -d 'Print version'
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand config; and not __fish_seen_subcommand_from check schema help" -s h -l help -d 'Print help'
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand config; and not __fish_seen_subcommand_from check schema help" -s V -l version -d 'Print version'
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand config; and not __fish_seen_subcommand_from check schema help" -f -a "check" -d 'Validate a file without running it: syntax, keys, values, environment references, every target\'s options'
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand config; and not __fish_seen_subcommand_from check schema help" -f -a "schema" -d 'Print the JSON Schema of the file (schema/config.v1.json), for editors'
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand config; and not __fish_seen_subcommand_from check schema help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand config; and __fish_seen_subcommand_from check" -l config -d 'The file [default: ./wsdoctor.toml]' -r -F
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand config; and __fish_seen_subcommand_from check" -s h -l help -d 'Print help'
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand config; and __fish_seen_subcommand_from check" -s V -l version -d 'Print version'
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand config; and __fish_seen_subcommand_from schema" -s h -l help -d 'Print help'
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand config; and __fish_seen_subcommand_from schema" -s V -l version -d 'Print version'
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand config; and __fish_seen_subcommand_from help" -f -a "check" -d 'Validate a file without running it: syntax, keys, values, environment references, every target\'s options'
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand config; and __fish_seen_subcommand_from help" -f -a "schema" -d 'Print the JSON Schema of the file (schema/config.v1.json), for editors'
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand config; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand serve" -l listen -d 'The address to serve on' -r
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand serve" -l config -d 'The config file with the targets, modules and allowed URL patterns [default: ./wsdoctor.toml]' -r -F
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand serve" -l max-concurrent -d 'Probes at once; more get 503' -r
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand serve" -l shutdown-grace -d 'How long probes in flight may finish after SIGINT or SIGTERM' -r
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand serve" -l log-format -d 'One log line per probe on stderr, as text or JSON' -r -f -a "text\t'`key=value` words'
json\t'One JSON object a line'"
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand serve" -l listen-public -d 'Allow a --listen address that is not loopback (the probes then answer the network)'
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand serve" -l allow-any-target -d 'Probe any URL a request names, not only the file\'s targets and allowed patterns. This turns the exporter into a request-forgery tool for anyone who can reach it (on public addresses only, unless the file\'s [serve] deny_private = false); the log and the page say so'
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand serve" -l dry-run -d 'Check the config and print what would be served, without listening'
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand serve" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand serve" -s V -l version -d 'Print version'
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand ping" -s c -l count -d 'Stop after N samples [default: until Ctrl-C]' -r
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand ping" -s i -l interval -d 'Time between two samples; 0s sends the next as soon as one is answered' -r
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand ping" -l sample-timeout -d 'How long a sample waits for its answer before it counts as lost [default: 2 × --interval, at least 1s, at most --timeout]' -r
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand ping" -l max-loss -d 'Exit 0 despite lost samples while the loss stays at or below this percentage' -r
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand ping" -l max-cuts -d 'Exit 0 despite this many cut (and reopened) sockets' -r
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand ping" -l max-reconnects -d 'New sockets tried in a row after a cut, without an answered sample in between, before giving up' -r
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand ping" -l format -d 'Output: a line a sample and a summary (human), the summary as one JSON document (json), or one JSON event a line (ndjson)' -r -f -a "human\t'A line a sample, then the statistics and a picture of the latency over time'
json\t'The summary as one JSON document (schema wsdoctor.ping.v1)'
ndjson\t'One JSON event a line: open, sample, late, cut, reconnect, and the summary last'"
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand ping" -l color -d 'When to use colour' -r -f -a "auto\t'Colour when the output is a terminal and neither NO_COLOR nor CI is set'
always\t'Always colour'
never\t'Never colour'"
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand ping" -l origin -d 'The frontend\'s origin, sent as Origin on upgrades and CORS requests [default: $FRONTEND_URL]' -r
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand ping" -s H -l header -d 'An extra request header \'Name: value\' (repeatable) [env: WSDOCTOR_HEADER, one header per line]' -r
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand ping" -l subprotocol -d 'A subprotocol to offer in Sec-WebSocket-Protocol, as a browser\'s new WebSocket(url, protocols) does (repeatable, or comma-separated)' -r
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand ping" -l timeout -d 'Client timeout per WebSocket attempt, as the web client\'s 25 s' -r
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand ping" -l connect-timeout -d 'Timeout for each network step before the WebSocket: DNS, TCP, TLS, an HTTP answer' -r
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand ping" -l resolve -d 'Use ADDR for HOST:PORT instead of DNS, like curl; ADDR may list several, comma-separated (repeatable)' -r
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand ping" -l proxy -d 'HTTP CONNECT proxy (http://[user:pass@]host:port) [default: HTTPS_PROXY / HTTP_PROXY / ALL_PROXY, honouring NO_PROXY]' -r
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand ping" -l cacert -d 'Trust the CA certificates in this PEM file too' -r -F
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand ping" -l cert -d 'Client certificate chain for mutual TLS (PEM; may hold the key too)' -r -F
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand ping" -l key -d 'Private key for --cert (PEM: PKCS#8, PKCS#1 or SEC1) [default: the --cert file]' -r -F
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand ping" -l echo -d 'Measure with echo messages (the platform\'s JSON envelope, or a plain echo) instead of WebSocket ping frames'
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand ping" -s q -l quiet -d 'Print only the summary (human format)'
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand ping" -l show-secrets -d 'Show session ids, tokens and credentials instead of redacting them'
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand ping" -l no-proxy -d 'Connect directly even when a proxy variable is set'
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand ping" -s 4 -l ipv4 -d 'Use IPv4 addresses only'
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand ping" -s 6 -l ipv6 -d 'Use IPv6 addresses only'
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand ping" -l insecure -d 'Do not verify TLS certificates (the report says so, loudly)'
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand ping" -l http1-only -d 'Only the HTTP/1.1 road, as a browser without an HTTP/2 connection to the origin: ALPN offers http/1.1 alone and no socket is opened over HTTP/2'
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand ping" -l http2 -d 'Require the HTTP/2 road (RFC 8441 extended CONNECT) for the echo and terminal sockets, as a browser holding an HTTP/2 connection takes it; a server that cannot carry them that way fails'
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand ping" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand ping" -s V -l version -d 'Print version'
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand watch" -l config -d 'The config file [default: ./wsdoctor.toml when it exists]' -r -F
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand watch" -l target -d 'Run only these targets of the config file, by name (repeatable, or comma-separated)' -r
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand watch" -l parallel -d 'How many targets are checked at once' -r
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand watch" -l interval -d 'Time between the starts of two runs' -r
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand watch" -l runs -d 'Stop after this many runs (default: until Ctrl-C)' -r
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand watch" -l fail-on -d 'Make warnings fail the run too (exit 1; in JUnit the warned check is a failure)' -r -f -a "fail\t'Only failures (warnings exit 0)'
warn\t'Warnings too'"
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand watch" -l min-cert-days -d 'Fail the tls check when the certificate has fewer days left than this' -r
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand watch" -l max-echo-rtt -d 'Fail the echo check when the round trip (the median with --count) is slower than this' -r
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand watch" -l max-first-message -d 'Fail the terminal check when its first message comes later than this after open' -r
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand watch" -l max-attempts -d 'Fail the echo and terminal checks when they needed more attempts than this' -r
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand watch" -l allow-warning -d 'Accept warnings with these causes (comma-separated, repeatable): still reported, marked allowed, but --fail-on warn does not fail on them' -r -f -a "dns_not_found\t''
dns_failed\t''
offline\t''
tcp_refused\t''
tcp_timeout\t''
tcp_unreachable\t''
connection_reset\t''
tls_unknown_issuer\t''
tls_expired\t''
tls_not_yet_valid\t''
tls_name_mismatch\t''
tls_handshake\t''
tls_timeout\t''
tls_client_cert_required\t''
tls_client_cert_rejected\t''
http_timeout\t''
upgrade_redirected\t''
upgrade_not_forwarded\t''
upgrade_wrong_path\t''
upgrade_forbidden\t''
origin_rejected\t''
app_runner_upgrade_blocked\t''
proxy_no_upstream\t''
handshake_invalid\t''
handshake_timeout\t''
invalid_url\t''
invalid_request\t''
mixed_content\t''
abnormal_close\t''
idle_cut\t''
lifetime_cut\t''
no_route_after_open\t''
upgrade_unanswered\t''
proxy_upstream_timeout\t''
response_truncated\t''
response_too_large\t''
invalid_close_code\t''
protocol_violation\t''
response_malformed\t''
proxy_broken\t''
server_going_away\t''
session_invalid\t''
server_timeout\t''
client_timeout\t''
server_error\t''
echo_mismatch\t''
expect_not_met\t''
retries_exhausted\t''
health_status\t''
health_degraded\t''
health_invalid\t''
cors_origin_not_allowed\t''
cors_incomplete\t''
cert_days_below_minimum\t''
echo_rtt_above_maximum\t''
first_message_above_maximum\t''
attempts_above_maximum\t''
warning_not_allowed\t''
proxy_auth_required\t''
proxy_refused\t''
proxy_upstream_failed\t''
proxy_timeout\t''
store_unreachable\t''
store_tls\t''
store_auth_refused\t''
store_wrong_database\t''
store_not_ready\t''
store_slow\t''
store_disconnected\t''
session_expired_or_never_created\t''
session_expiring\t''
alpn_mismatch\t''
extended_connect_disabled\t''
h2_connect_refused\t''
h2_stream_reset\t''
h2_goaway\t''
internal_error\t''
browser_unavailable\t''
address_denied\t''
local_network_access\t''
origin_not_enforced\t''
origin_unknown\t''
mixed_content_loopback_only\t''
tls_unverified\t''
tls_expiring\t''
health_incomplete\t''
websocket_disabled\t''
echo_loss\t''
server_timeout_below_client\t''
cors_origin_not_listed\t''
terminal_silent\t''
store_evicts_sessions\t''
store_memory_full\t''
hold_shortened\t''
diagnostics_invalid\t''
echo_path_mismatch\t''
session_endpoint_unrecognized\t''
session_key_elsewhere\t''
browser_disagrees\t''
required_check_skipped\t''"
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand watch" -l require -d 'Fail when one of these checks is not checked for want of an input (comma-separated ids, e.g. terminal: needs --session)' -r -f -a "target\t''
dns\t''
tcp\t''
tls\t''
health\t''
diagnostics\t''
cors\t''
echo\t''
session\t''
store\t''
terminal\t''
origin\t''
browser\t''
hold\t''"
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand watch" -l session -d 'Session id for the session and terminal checks (redacted in output)' -r
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand watch" -l origin -d 'The frontend\'s origin, sent as Origin on upgrades and CORS requests [default: $FRONTEND_URL]' -r
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand watch" -s H -l header -d 'An extra request header \'Name: value\' (repeatable) [env: WSDOCTOR_HEADER, one header per line]' -r
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand watch" -l subprotocol -d 'A subprotocol to offer in Sec-WebSocket-Protocol, as a browser\'s new WebSocket(url, protocols) does (repeatable, or comma-separated)' -r
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand watch" -l timeout -d 'Client timeout per WebSocket attempt, as the web client\'s 25 s' -r
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand watch" -l connect-timeout -d 'Timeout for each network step before the WebSocket: DNS, TCP, TLS, an HTTP answer' -r
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand watch" -l resolve -d 'Use ADDR for HOST:PORT instead of DNS, like curl; ADDR may list several, comma-separated (repeatable)' -r
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand watch" -l proxy -d 'HTTP CONNECT proxy (http://[user:pass@]host:port) [default: HTTPS_PROXY / HTTP_PROXY / ALL_PROXY, honouring NO_PROXY]' -r
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand watch" -l cacert -d 'Trust the CA certificates in this PEM file too' -r -F
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand watch" -l cert -d 'Client certificate chain for mutual TLS (PEM; may hold the key too)' -r -F
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand watch" -l key -d 'Private key for --cert (PEM: PKCS#8, PKCS#1 or SEC1) [default: the --cert file]' -r -F
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand watch" -l send -d 'A message to send on the terminal socket once it is open' -r
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand watch" -l expect -d 'A regular expression a terminal message must match (after --send) for the check to pass (regex syntax; \\w, \\d, \\s and case folding are ASCII)' -r
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand watch" -l count -d 'Echo round trips on one socket, for latency statistics (min/median/p90/p99/max, loss, jitter)' -r
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand watch" -l hold -d 'After the echo works, hold sockets open this long to find idle and lifetime cuts (the hold check)' -r
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand watch" -l ping-interval -d 'Interval of the pinging and messaging sockets during --hold' -r
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand watch" -l only -d 'Run only these checks (comma-separated ids, e.g. health,echo)' -r -f -a "target\t''
dns\t''
tcp\t''
tls\t''
health\t''
diagnostics\t''
cors\t''
echo\t''
session\t''
store\t''
terminal\t''
origin\t''
browser\t''
hold\t''"
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand watch" -l skip -d 'Skip these checks (comma-separated ids)' -r -f -a "target\t''
dns\t''
tcp\t''
tls\t''
health\t''
diagnostics\t''
cors\t''
echo\t''
session\t''
store\t''
terminal\t''
origin\t''
browser\t''
hold\t''"
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand watch" -l health-path -d 'Health endpoint path' -r
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand watch" -l diagnostics-path -d 'Diagnostics endpoint path' -r
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand watch" -l echo-path -d 'WebSocket echo endpoint path' -r
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand watch" -l terminal-path -d 'Terminal socket path template; {session} is replaced by the session id [default: from /health\'s endpoints, else /terminal/{session}]' -r
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand watch" -l session-path -d 'Session validation path template, e.g. /api/sessions/{session} [default: from /health\'s endpoints]' -r
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand watch" -l attempts -d 'WebSocket attempts before giving up (1 = no retry), as the web client\'s 5. Given, they run exactly as the web client makes them, one after another; by default a hang is not waited out again: one overlapping attempt tells a hang from an intermittent one, within one timeout' -r
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand watch" -l retry-delay -d 'First retry delay; it doubles each attempt (capped at 8 s) with jitter' -r
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand watch" -l accept-silence -d 'For servers that never greet: a terminal that stays open and silent this long passes (with a warning). Without it, the terminal must send a first message within --timeout, as the web client waits for one' -r
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand watch" -l observe -d 'How long a socket is watched after it did its job (greeted, echoed, matched --expect); a session that dies in this window fails' -r
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand watch" -l deadline -d 'Bound on the whole run; checks still running then fail with a timeout [default: 5m, plus --hold]' -r
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand watch" -l cert-warn-days -d 'Warn when the certificate has fewer days left than this (or, for a certificate that lives shorter, less than a third of its lifetime)' -r
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand watch" -l browser-path -d 'The Chromium (or Chrome) to run for --browser: a path, or a name on PATH [default: the first of chromium, chromium-browser, google-chrome, google-chrome-stable, chrome on PATH]' -r -F
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand watch" -l redis-url -d 'The session store to check, redis://[[user]:password@]host:6379/DB or rediss:// for TLS (--cacert applies); its credentials are redacted [default: $REDIS_URL]' -r
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand watch" -l session-key -d 'The session\'s key in the store, with {session} for the id (e.g. \'session:{session}\') [default: as the diagnostics endpoint advertises it]' -r
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand watch" -l store-pings -d 'PINGs the store check times (min/median/p99)' -r
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand watch" -l store-slow -d 'A median PING above this warns that the store is slow (a failure when a session validation times out)' -r
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand watch" -l session-min-ttl -d 'The session\'s expected use: a key that expires sooner warns' -r
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand watch" -s o -l output -d 'Write the chosen format to FILE (written whole, or not at all); the terminal still shows the human view. `-` is standard output' -r -F
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand watch" -l color -d 'When to use colour (NO_COLOR and CI turn it off in auto)' -r -f -a "auto\t'Colour when the output is a terminal and neither NO_COLOR nor CI is set'
always\t'Always colour'
never\t'Never colour'"
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand watch" -l trace-file -d 'Write the trace to FILE as well as stderr (implies --trace)' -r -F
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand watch" -s w -l write-out -d 'Print FORMAT once per target after the run, as curl\'s -w: %{verdict} %{code} %{cause} %{check} %{target} %{time_total} %{time_dns} %{time_connect} %{time_tls} %{time_upgrade} %{time_first_message} (seconds; 0.000000 for a phase not timed) %{http_version} %{close_code} %{platform}; \\n \\t and %% escapes. With the human format it replaces the report on stdout; other formats print their document first' -r
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand watch" -l format -d 'Output format [default: human]' -r -f -a "human\t'A checklist for people, with timings, evidence and hints'
ndjson\t'One JSON event a line as the run progresses, ending with the report'"
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand watch" -l no-config -d 'Read no config file, not even ./wsdoctor.toml: the command line and the environment only'
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand watch" -l dry-run -d 'Print what the run would do (target, route, limits, the checks and their order) and exit without sending anything'
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand watch" -l no-proxy -d 'Connect directly even when a proxy variable is set'
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand watch" -s 4 -l ipv4 -d 'Use IPv4 addresses only'
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand watch" -s 6 -l ipv6 -d 'Use IPv6 addresses only'
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand watch" -l insecure -d 'Do not verify TLS certificates (the report says so, loudly)'
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand watch" -l http1-only -d 'Only the HTTP/1.1 road, as a browser without an HTTP/2 connection to the origin: ALPN offers http/1.1 alone and no socket is opened over HTTP/2'
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand watch" -l http2 -d 'Require the HTTP/2 road (RFC 8441 extended CONNECT) for the echo and terminal sockets, as a browser holding an HTTP/2 connection takes it; a server that cannot carry them that way fails'
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand watch" -l all-addresses -d 'Connect to every resolved address (not just the first that answers), to find a bad node'
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand watch" -l browser -d 'Also run the page, /health and the sockets in a headless Chromium on the frontend origin, and put what the browser saw beside the command line\'s verdict (the browser check)'
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand watch" -s q -l quiet -d 'Print nothing on stdout but one verdict line, whatever the format (the document goes to --output if given)'
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand watch" -s v -l verbose -d 'Print the connection log to stderr, as the web client\'s console does; twice (-vv) also traces the wire, as --trace'
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand watch" -l trace -d 'Trace the wire on stderr, in order, timed from the start: DNS answers, connects, TLS (version, ALPN, SNI, the chain\'s subjects and dates), every request and response head, HTTP/2 frames, every WebSocket frame and the close; secrets redacted, server text escaped, bounded; `wire` events with --format ndjson'
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand watch" -l show-secrets -d 'Show session ids, tokens and credentials instead of redacting them'
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand watch" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand watch" -s V -l version -d 'Print version'
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand help; and not __fish_seen_subcommand_from completions man check demo lab explain config serve ping watch help" -f -a "completions" -d 'Print shell completions for SHELL to stdout'
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand help; and not __fish_seen_subcommand_from completions man check demo lab explain config serve ping watch help" -f -a "man" -d 'Print a man page (roff) to stdout: the top page, or a subcommand\'s'
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand help; and not __fish_seen_subcommand_from completions man check demo lab explain config serve ping watch help" -f -a "check" -d 'Run the checklist against a deployment (http(s) base URL or a ws(s) socket URL)'
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand help; and not __fish_seen_subcommand_from completions man check demo lab explain config serve ping watch help" -f -a "demo" -d 'Start the reference backend on loopback and check it: the zero-setup first run'
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand help; and not __fish_seen_subcommand_from completions man check demo lab explain config serve ping watch help" -f -a "lab" -d 'Run the reference backend (with an optional fault) for reproductions and tests'
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand help; and not __fish_seen_subcommand_from completions man check demo lab explain config serve ping watch help" -f -a "explain" -d 'Explain a failure code: what it means, how it looks on the wire, what to do'
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand help; and not __fish_seen_subcommand_from completions man check demo lab explain config serve ping watch help" -f -a "config" -d 'Validate the config file (wsdoctor.toml), or print its JSON Schema'
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand help; and not __fish_seen_subcommand_from completions man check demo lab explain config serve ping watch help" -f -a "serve" -d 'Serve probes to Prometheus: GET /probe?target=NAME&module=MODULE answers with metrics'
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand help; and not __fish_seen_subcommand_from completions man check demo lab explain config serve ping watch help" -f -a "ping" -d 'Round trips on one socket over time (ping frames or echo messages): latency, jitter, loss, cuts'
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand help; and not __fish_seen_subcommand_from completions man check demo lab explain config serve ping watch help" -f -a "watch" -d 'Repeat the checklist every interval: a line a run, a line whenever a check changes state'
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand help; and not __fish_seen_subcommand_from completions man check demo lab explain config serve ping watch help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand help; and __fish_seen_subcommand_from config" -f -a "check" -d 'Validate a file without running it: syntax, keys, values, environment references, every target\'s options'
complete -c wsdoctor -n "__fish_wsdoctor_using_subcommand help; and __fish_seen_subcommand_from config" -f -a "schema" -d 'Print the JSON Schema of the file (schema/config.v1.json), for editors'
