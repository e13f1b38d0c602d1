
use builtin;
use str;

set edit:completion:arg-completer[wsdoctor] = {|@words|
    fn spaces {|n|
        builtin:repeat $n ' ' | str:join ''
    }
    fn cand {|text desc|
        edit:complex-candidate $text &display=$text' '(spaces (- 14 (wcswidth $text)))$desc
    }
    var command = 'wsdoctor'
    for word $words[1..-1] {
        if (str:has-prefix $word '-') {
            break
        }
        set command = $command';'$word
    }
    var completions = [
        &'wsdoctor'= {
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand completions 'Print shell completions for SHELL to stdout'
            cand man 'Print a man page (roff) to stdout: the top page, or a subcommand''s'
            cand check 'Run the checklist against a deployment (http(s) base URL or a ws(s) socket URL)'
            cand demo 'Start the reference backend on loopback and check it: the zero-setup first run'
            cand lab 'Run the reference backend (with an optional fault) for reproductions and tests'
            cand explain 'Explain a failure code: what it means, how it looks on the wire, what to do'
            cand config 'Validate the config file (wsdoctor.toml), or print its JSON Schema'
            cand serve 'Serve probes to Prometheus: GET /probe?target=NAME&module=MODULE answers with metrics'
            cand watch 'Repeat the checklist every interval: a line a run, a line whenever a check changes state'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'wsdoctor;completions'= {
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'wsdoctor;man'= {
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'wsdoctor;check'= {
            cand --config 'The config file [default: ./wsdoctor.toml when it exists]'
            cand --target 'Run only these targets of the config file, by name (repeatable, or comma-separated)'
            cand --parallel 'How many targets are checked at once'
            cand --fail-on 'Make warnings fail the run too (exit 1; in JUnit the warned check is a failure)'
            cand --min-cert-days 'Fail the tls check when the certificate has fewer days left than this'
            cand --max-echo-rtt 'Fail the echo check when the round trip (the median with --count) is slower than this'
            cand --max-first-message 'Fail the terminal check when its first message comes later than this after open'
            cand --max-attempts 'Fail the echo and terminal checks when they needed more attempts than this'
            cand --allow-warning 'Accept warnings with these causes (comma-separated, repeatable): still reported, marked allowed, but --fail-on warn does not fail on them'
            cand --require 'Fail when one of these checks is not checked for want of an input (comma-separated ids, e.g. terminal: needs --session)'
            cand --session 'Session id for the session and terminal checks (redacted in output)'
            cand --origin 'The frontend''s origin, sent as Origin on upgrades and CORS requests [default: $FRONTEND_URL]'
            cand -H 'An extra request header ''Name: value'' (repeatable) [env: WSDOCTOR_HEADER, one header per line]'
            cand --header 'An extra request header ''Name: value'' (repeatable) [env: WSDOCTOR_HEADER, one header per line]'
            cand --subprotocol 'A subprotocol to offer in Sec-WebSocket-Protocol, as a browser''s new WebSocket(url, protocols) does (repeatable, or comma-separated)'
            cand --send 'A message to send on the terminal socket once it is open'
            cand --expect 'A regular expression a terminal message must match (after --send) for the check to pass (regex syntax; \w, \d, \s and case folding are ASCII)'
            cand --count 'Echo round trips on one socket, for latency statistics (min/median/p90/p99/max, loss, jitter)'
            cand --hold 'After the echo works, hold sockets open this long to find idle and lifetime cuts (the hold check)'
            cand --ping-interval 'Interval of the pinging and messaging sockets during --hold'
            cand --only 'Run only these checks (comma-separated ids, e.g. health,echo)'
            cand --skip 'Skip these checks (comma-separated ids)'
            cand --health-path 'Health endpoint path'
            cand --diagnostics-path 'Diagnostics endpoint path'
            cand --echo-path 'WebSocket echo endpoint path'
            cand --terminal-path 'Terminal socket path template; {session} is replaced by the session id [default: from /health''s endpoints, else /terminal/{session}]'
            cand --session-path 'Session validation path template, e.g. /api/sessions/{session} [default: from /health''s endpoints]'
            cand --timeout 'Client timeout per WebSocket attempt, as the web client''s 25 s'
            cand --connect-timeout 'Timeout for each network step before the WebSocket: DNS, TCP, TLS, an HTTP answer'
            cand --attempts 'WebSocket attempts before giving up (1 = no retry), as the web client''s 5. Given, they run exactly as the web client makes them, one after another; by default a hang is not waited out again: one overlapping attempt tells a hang from an intermittent one, within one timeout'
            cand --retry-delay 'First retry delay; it doubles each attempt (capped at 8 s) with jitter'
            cand --accept-silence 'For servers that never greet: a terminal that stays open and silent this long passes (with a warning). Without it, the terminal must send a first message within --timeout, as the web client waits for one'
            cand --observe 'How long a socket is watched after it did its job (greeted, echoed, matched --expect); a session that dies in this window fails'
            cand --deadline 'Bound on the whole run; checks still running then fail with a timeout [default: 5m, plus --hold]'
            cand --resolve 'Use ADDR for HOST:PORT instead of DNS, like curl; ADDR may list several, comma-separated (repeatable)'
            cand --proxy 'HTTP CONNECT proxy (http://[user:pass@]host:port) [default: HTTPS_PROXY / HTTP_PROXY / ALL_PROXY, honouring NO_PROXY]'
            cand --cert-warn-days 'Warn when the certificate has fewer days left than this (or, for a certificate that lives shorter, less than a third of its lifetime)'
            cand --cacert 'Trust the CA certificates in this PEM file too'
            cand --cert 'Client certificate chain for mutual TLS (PEM; may hold the key too)'
            cand --key 'Private key for --cert (PEM: PKCS#8, PKCS#1 or SEC1) [default: the --cert file]'
            cand --browser-path 'The Chromium (or Chrome) to run for --browser: a path, or a name on PATH [default: the first of chromium, chromium-browser, google-chrome, google-chrome-stable, chrome on PATH]'
            cand --redis-url 'The session store to check, redis://[[user]:password@]host:6379/DB or rediss:// for TLS (--cacert applies); its credentials are redacted [default: $REDIS_URL]'
            cand --session-key 'The session''s key in the store, with {session} for the id (e.g. ''session:{session}'') [default: as the diagnostics endpoint advertises it]'
            cand --store-pings 'PINGs the store check times (min/median/p99)'
            cand --store-slow 'A median PING above this warns that the store is slow (a failure when a session validation times out)'
            cand --session-min-ttl 'The session''s expected use: a key that expires sooner warns'
            cand --format 'Output format [default: human, or html when --output names a .html/.htm file]'
            cand -o 'Write the chosen format to FILE (written whole, or not at all); the terminal still shows the human view. `-` is standard output'
            cand --output 'Write the chosen format to FILE (written whole, or not at all); the terminal still shows the human view. `-` is standard output'
            cand --color 'When to use colour (NO_COLOR and CI turn it off in auto)'
            cand --trace-file 'Write the trace to FILE as well as stderr (implies --trace)'
            cand --no-config 'Read no config file, not even ./wsdoctor.toml: the command line and the environment only [env: WSDOCTOR_NO_CONFIG]'
            cand --dry-run 'Print what the run would do (target, route, limits, the checks and their order) and exit without sending anything'
            cand --all-addresses 'Connect to every resolved address (not just the first that answers), to find a bad node [env: WSDOCTOR_ALL_ADDRESSES]'
            cand --no-proxy 'Connect directly even when a proxy variable is set [env: WSDOCTOR_NO_PROXY]'
            cand -4 'Use IPv4 addresses only'
            cand --ipv4 'Use IPv4 addresses only'
            cand -6 'Use IPv6 addresses only'
            cand --ipv6 'Use IPv6 addresses only'
            cand --insecure 'Do not verify TLS certificates (the report says so, loudly) [env: WSDOCTOR_INSECURE]'
            cand --http1-only 'Only the HTTP/1.1 road, as a browser without an HTTP/2 connection to the origin: ALPN offers http/1.1 alone and no socket is opened over HTTP/2 [env: WSDOCTOR_HTTP1_ONLY]'
            cand --http2 'Require the HTTP/2 road (RFC 8441 extended CONNECT) for the echo and terminal sockets, as a browser holding an HTTP/2 connection takes it; a server that cannot carry them that way fails [env: WSDOCTOR_HTTP2]'
            cand --browser 'Also run the page, /health and the sockets in a headless Chromium on the frontend origin, and put what the browser saw beside the command line''s verdict (the browser check) [env: WSDOCTOR_BROWSER]'
            cand -q 'Print nothing on stdout but one verdict line, whatever the format (the document goes to --output if given) [env: WSDOCTOR_QUIET]'
            cand --quiet 'Print nothing on stdout but one verdict line, whatever the format (the document goes to --output if given) [env: WSDOCTOR_QUIET]'
            cand -v 'Print the connection log to stderr, as the web client''s console does; twice (-vv) also traces the wire, as --trace [env: WSDOCTOR_VERBOSE]'
            cand --verbose 'Print the connection log to stderr, as the web client''s console does; twice (-vv) also traces the wire, as --trace [env: WSDOCTOR_VERBOSE]'
            cand --trace 'Trace the wire on stderr, in order, timed from the start: DNS answers, connects, TLS (version, ALPN, SNI, the chain''s subjects and dates), every request and response head, HTTP/2 frames, every WebSocket frame and the close; secrets redacted, server text escaped, bounded; `wire` events with --format ndjson [env: WSDOCTOR_TRACE]'
            cand --show-secrets 'Show session ids, tokens and credentials instead of redacting them [env: WSDOCTOR_SHOW_SECRETS]'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'wsdoctor;demo'= {
            cand --fault 'Make the embedded backend misbehave this way (see `wsdoctor lab --list-faults`)'
            cand --fail-on 'Make warnings fail the run too (exit 1; in JUnit the warned check is a failure)'
            cand --min-cert-days 'Fail the tls check when the certificate has fewer days left than this'
            cand --max-echo-rtt 'Fail the echo check when the round trip (the median with --count) is slower than this'
            cand --max-first-message 'Fail the terminal check when its first message comes later than this after open'
            cand --max-attempts 'Fail the echo and terminal checks when they needed more attempts than this'
            cand --allow-warning 'Accept warnings with these causes (comma-separated, repeatable): still reported, marked allowed, but --fail-on warn does not fail on them'
            cand --require 'Fail when one of these checks is not checked for want of an input (comma-separated ids, e.g. terminal: needs --session)'
            cand --session 'Session id for the session and terminal checks (redacted in output)'
            cand --origin 'The frontend''s origin, sent as Origin on upgrades and CORS requests [default: $FRONTEND_URL]'
            cand -H 'An extra request header ''Name: value'' (repeatable) [env: WSDOCTOR_HEADER, one header per line]'
            cand --header 'An extra request header ''Name: value'' (repeatable) [env: WSDOCTOR_HEADER, one header per line]'
            cand --subprotocol 'A subprotocol to offer in Sec-WebSocket-Protocol, as a browser''s new WebSocket(url, protocols) does (repeatable, or comma-separated)'
            cand --send 'A message to send on the terminal socket once it is open'
            cand --expect 'A regular expression a terminal message must match (after --send) for the check to pass (regex syntax; \w, \d, \s and case folding are ASCII)'
            cand --count 'Echo round trips on one socket, for latency statistics (min/median/p90/p99/max, loss, jitter)'
            cand --hold 'After the echo works, hold sockets open this long to find idle and lifetime cuts (the hold check)'
            cand --ping-interval 'Interval of the pinging and messaging sockets during --hold'
            cand --only 'Run only these checks (comma-separated ids, e.g. health,echo)'
            cand --skip 'Skip these checks (comma-separated ids)'
            cand --health-path 'Health endpoint path'
            cand --diagnostics-path 'Diagnostics endpoint path'
            cand --echo-path 'WebSocket echo endpoint path'
            cand --terminal-path 'Terminal socket path template; {session} is replaced by the session id [default: from /health''s endpoints, else /terminal/{session}]'
            cand --session-path 'Session validation path template, e.g. /api/sessions/{session} [default: from /health''s endpoints]'
            cand --timeout 'Client timeout per WebSocket attempt, as the web client''s 25 s'
            cand --connect-timeout 'Timeout for each network step before the WebSocket: DNS, TCP, TLS, an HTTP answer'
            cand --attempts 'WebSocket attempts before giving up (1 = no retry), as the web client''s 5. Given, they run exactly as the web client makes them, one after another; by default a hang is not waited out again: one overlapping attempt tells a hang from an intermittent one, within one timeout'
            cand --retry-delay 'First retry delay; it doubles each attempt (capped at 8 s) with jitter'
            cand --accept-silence 'For servers that never greet: a terminal that stays open and silent this long passes (with a warning). Without it, the terminal must send a first message within --timeout, as the web client waits for one'
            cand --observe 'How long a socket is watched after it did its job (greeted, echoed, matched --expect); a session that dies in this window fails'
            cand --deadline 'Bound on the whole run; checks still running then fail with a timeout [default: 5m, plus --hold]'
            cand --resolve 'Use ADDR for HOST:PORT instead of DNS, like curl; ADDR may list several, comma-separated (repeatable)'
            cand --proxy 'HTTP CONNECT proxy (http://[user:pass@]host:port) [default: HTTPS_PROXY / HTTP_PROXY / ALL_PROXY, honouring NO_PROXY]'
            cand --cert-warn-days 'Warn when the certificate has fewer days left than this (or, for a certificate that lives shorter, less than a third of its lifetime)'
            cand --cacert 'Trust the CA certificates in this PEM file too'
            cand --cert 'Client certificate chain for mutual TLS (PEM; may hold the key too)'
            cand --key 'Private key for --cert (PEM: PKCS#8, PKCS#1 or SEC1) [default: the --cert file]'
            cand --browser-path 'The Chromium (or Chrome) to run for --browser: a path, or a name on PATH [default: the first of chromium, chromium-browser, google-chrome, google-chrome-stable, chrome on PATH]'
            cand --redis-url 'The session store to check, redis://[[user]:password@]host:6379/DB or rediss:// for TLS (--cacert applies); its credentials are redacted [default: $REDIS_URL]'
            cand --session-key 'The session''s key in the store, with {session} for the id (e.g. ''session:{session}'') [default: as the diagnostics endpoint advertises it]'
            cand --store-pings 'PINGs the store check times (min/median/p99)'
            cand --store-slow 'A median PING above this warns that the store is slow (a failure when a session validation times out)'
            cand --session-min-ttl 'The session''s expected use: a key that expires sooner warns'
            cand --format 'Output format [default: human, or html when --output names a .html/.htm file]'
            cand -o 'Write the chosen format to FILE (written whole, or not at all); the terminal still shows the human view. `-` is standard output'
            cand --output 'Write the chosen format to FILE (written whole, or not at all); the terminal still shows the human view. `-` is standard output'
            cand --color 'When to use colour (NO_COLOR and CI turn it off in auto)'
            cand --trace-file 'Write the trace to FILE as well as stderr (implies --trace)'
            cand --tls 'Serve the embedded backend over TLS with a certificate from a throwaway CA, speaking HTTP/2 (with extended CONNECT) beside HTTP/1.1 as modern edges do'
            cand --dry-run 'Print what the run would do (target, route, limits, the checks and their order) and exit without sending anything'
            cand --all-addresses 'Connect to every resolved address (not just the first that answers), to find a bad node [env: WSDOCTOR_ALL_ADDRESSES]'
            cand --no-proxy 'Connect directly even when a proxy variable is set [env: WSDOCTOR_NO_PROXY]'
            cand -4 'Use IPv4 addresses only'
            cand --ipv4 'Use IPv4 addresses only'
            cand -6 'Use IPv6 addresses only'
            cand --ipv6 'Use IPv6 addresses only'
            cand --insecure 'Do not verify TLS certificates (the report says so, loudly) [env: WSDOCTOR_INSECURE]'
            cand --http1-only 'Only the HTTP/1.1 road, as a browser without an HTTP/2 connection to the origin: ALPN offers http/1.1 alone and no socket is opened over HTTP/2 [env: WSDOCTOR_HTTP1_ONLY]'
            cand --http2 'Require the HTTP/2 road (RFC 8441 extended CONNECT) for the echo and terminal sockets, as a browser holding an HTTP/2 connection takes it; a server that cannot carry them that way fails [env: WSDOCTOR_HTTP2]'
            cand --browser 'Also run the page, /health and the sockets in a headless Chromium on the frontend origin, and put what the browser saw beside the command line''s verdict (the browser check) [env: WSDOCTOR_BROWSER]'
            cand -q 'Print nothing on stdout but one verdict line, whatever the format (the document goes to --output if given) [env: WSDOCTOR_QUIET]'
            cand --quiet 'Print nothing on stdout but one verdict line, whatever the format (the document goes to --output if given) [env: WSDOCTOR_QUIET]'
            cand -v 'Print the connection log to stderr, as the web client''s console does; twice (-vv) also traces the wire, as --trace [env: WSDOCTOR_VERBOSE]'
            cand --verbose 'Print the connection log to stderr, as the web client''s console does; twice (-vv) also traces the wire, as --trace [env: WSDOCTOR_VERBOSE]'
            cand --trace 'Trace the wire on stderr, in order, timed from the start: DNS answers, connects, TLS (version, ALPN, SNI, the chain''s subjects and dates), every request and response head, HTTP/2 frames, every WebSocket frame and the close; secrets redacted, server text escaped, bounded; `wire` events with --format ndjson [env: WSDOCTOR_TRACE]'
            cand --show-secrets 'Show session ids, tokens and credentials instead of redacting them [env: WSDOCTOR_SHOW_SECRETS]'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'wsdoctor;lab'= {
            cand --fault 'Make the backend misbehave this way (see --list-faults)'
            cand --listen 'The address to listen on; loopback by default'
            cand --ca-out 'Write the throwaway CA''s certificate (PEM) here, for `check --cacert`'
            cand --client-cert-out 'Under --fault tls-client-cert, write a client certificate and key the lab accepts (PEM), for `check --cert`'
            cand --session 'A valid session id (repeatable); `POST /api/sessions` creates more'
            cand --allow-origin 'An origin allowed by CORS and the Origin check (repeatable)'
            cand --ping-interval 'Interval of the server''s WebSocket pings on open sockets'
            cand --redis-url 'Keep sessions in this Redis (redis:// only) under session:{id}, as the platform does, instead of memory'
            cand --session-ttl 'With --redis-url: the TTL each session key gets'
            cand --connect-proxy 'Also run an HTTP CONNECT proxy on this address (loopback targets only), for proxied runs'
            cand --proxy-credentials 'Credentials the proxy requires, as USER:PASSWORD'
            cand --tls 'Serve https/wss with a certificate from a throwaway CA'
            cand --http2 'Serve HTTP/2 beside HTTP/1.1 (ALPN h2, http/1.1), with RFC 8441 extended CONNECT for WebSockets; implies --tls'
            cand --list-faults 'List the faults, one line each, and exit'
            cand --dry-run 'Print what would be served and exit without listening'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'wsdoctor;explain'= {
            cand --format 'human or json'
            cand --markdown 'Print the table of codes as Markdown (the README''s table)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'wsdoctor;config'= {
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand check 'Validate a file without running it: syntax, keys, values, environment references, every target''s options'
            cand schema 'Print the JSON Schema of the file (schema/config.v1.json), for editors'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'wsdoctor;config;check'= {
            cand --config 'The file [default: ./wsdoctor.toml]'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'wsdoctor;config;schema'= {
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'wsdoctor;config;help'= {
            cand check 'Validate a file without running it: syntax, keys, values, environment references, every target''s options'
            cand schema 'Print the JSON Schema of the file (schema/config.v1.json), for editors'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'wsdoctor;config;help;check'= {
        }
        &'wsdoctor;config;help;schema'= {
        }
        &'wsdoctor;config;help;help'= {
        }
        &'wsdoctor;serve'= {
            cand --listen 'The address to serve on'
            cand --config 'The config file with the targets, modules and allowed URL patterns [default: ./wsdoctor.toml]'
            cand --max-concurrent 'Probes at once; more get 503'
            cand --shutdown-grace 'How long probes in flight may finish after SIGINT or SIGTERM'
            cand --log-format 'One log line per probe on stderr, as text or JSON'
            cand --listen-public 'Allow a --listen address that is not loopback (the probes then answer the network)'
            cand --allow-any-target 'Probe any URL a request names, not only the file''s targets and allowed patterns. This turns the exporter into a request-forgery tool for anyone who can reach it (on public addresses only, unless the file''s [serve] deny_private = false); the log and the page say so'
            cand --dry-run 'Check the config and print what would be served, without listening'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'wsdoctor;watch'= {
            cand --config 'The config file [default: ./wsdoctor.toml when it exists]'
            cand --target 'Run only these targets of the config file, by name (repeatable, or comma-separated)'
            cand --parallel 'How many targets are checked at once'
            cand --interval 'Time between the starts of two runs'
            cand --runs 'Stop after this many runs (default: until Ctrl-C)'
            cand --fail-on 'Make warnings fail the run too (exit 1; in JUnit the warned check is a failure)'
            cand --min-cert-days 'Fail the tls check when the certificate has fewer days left than this'
            cand --max-echo-rtt 'Fail the echo check when the round trip (the median with --count) is slower than this'
            cand --max-first-message 'Fail the terminal check when its first message comes later than this after open'
            cand --max-attempts 'Fail the echo and terminal checks when they needed more attempts than this'
            cand --allow-warning 'Accept warnings with these causes (comma-separated, repeatable): still reported, marked allowed, but --fail-on warn does not fail on them'
            cand --require 'Fail when one of these checks is not checked for want of an input (comma-separated ids, e.g. terminal: needs --session)'
            cand --session 'Session id for the session and terminal checks (redacted in output)'
            cand --origin 'The frontend''s origin, sent as Origin on upgrades and CORS requests [default: $FRONTEND_URL]'
            cand -H 'An extra request header ''Name: value'' (repeatable) [env: WSDOCTOR_HEADER, one header per line]'
            cand --header 'An extra request header ''Name: value'' (repeatable) [env: WSDOCTOR_HEADER, one header per line]'
            cand --subprotocol 'A subprotocol to offer in Sec-WebSocket-Protocol, as a browser''s new WebSocket(url, protocols) does (repeatable, or comma-separated)'
            cand --send 'A message to send on the terminal socket once it is open'
            cand --expect 'A regular expression a terminal message must match (after --send) for the check to pass (regex syntax; \w, \d, \s and case folding are ASCII)'
            cand --count 'Echo round trips on one socket, for latency statistics (min/median/p90/p99/max, loss, jitter)'
            cand --hold 'After the echo works, hold sockets open this long to find idle and lifetime cuts (the hold check)'
            cand --ping-interval 'Interval of the pinging and messaging sockets during --hold'
            cand --only 'Run only these checks (comma-separated ids, e.g. health,echo)'
            cand --skip 'Skip these checks (comma-separated ids)'
            cand --health-path 'Health endpoint path'
            cand --diagnostics-path 'Diagnostics endpoint path'
            cand --echo-path 'WebSocket echo endpoint path'
            cand --terminal-path 'Terminal socket path template; {session} is replaced by the session id [default: from /health''s endpoints, else /terminal/{session}]'
            cand --session-path 'Session validation path template, e.g. /api/sessions/{session} [default: from /health''s endpoints]'
            cand --timeout 'Client timeout per WebSocket attempt, as the web client''s 25 s'
            cand --connect-timeout 'Timeout for each network step before the WebSocket: DNS, TCP, TLS, an HTTP answer'
            cand --attempts 'WebSocket attempts before giving up (1 = no retry), as the web client''s 5. Given, they run exactly as the web client makes them, one after another; by default a hang is not waited out again: one overlapping attempt tells a hang from an intermittent one, within one timeout'
            cand --retry-delay 'First retry delay; it doubles each attempt (capped at 8 s) with jitter'
            cand --accept-silence 'For servers that never greet: a terminal that stays open and silent this long passes (with a warning). Without it, the terminal must send a first message within --timeout, as the web client waits for one'
            cand --observe 'How long a socket is watched after it did its job (greeted, echoed, matched --expect); a session that dies in this window fails'
            cand --deadline 'Bound on the whole run; checks still running then fail with a timeout [default: 5m, plus --hold]'
            cand --resolve 'Use ADDR for HOST:PORT instead of DNS, like curl; ADDR may list several, comma-separated (repeatable)'
            cand --proxy 'HTTP CONNECT proxy (http://[user:pass@]host:port) [default: HTTPS_PROXY / HTTP_PROXY / ALL_PROXY, honouring NO_PROXY]'
            cand --cert-warn-days 'Warn when the certificate has fewer days left than this (or, for a certificate that lives shorter, less than a third of its lifetime)'
            cand --cacert 'Trust the CA certificates in this PEM file too'
            cand --cert 'Client certificate chain for mutual TLS (PEM; may hold the key too)'
            cand --key 'Private key for --cert (PEM: PKCS#8, PKCS#1 or SEC1) [default: the --cert file]'
            cand --browser-path 'The Chromium (or Chrome) to run for --browser: a path, or a name on PATH [default: the first of chromium, chromium-browser, google-chrome, google-chrome-stable, chrome on PATH]'
            cand --redis-url 'The session store to check, redis://[[user]:password@]host:6379/DB or rediss:// for TLS (--cacert applies); its credentials are redacted [default: $REDIS_URL]'
            cand --session-key 'The session''s key in the store, with {session} for the id (e.g. ''session:{session}'') [default: as the diagnostics endpoint advertises it]'
            cand --store-pings 'PINGs the store check times (min/median/p99)'
            cand --store-slow 'A median PING above this warns that the store is slow (a failure when a session validation times out)'
            cand --session-min-ttl 'The session''s expected use: a key that expires sooner warns'
            cand -o 'Write the chosen format to FILE (written whole, or not at all); the terminal still shows the human view. `-` is standard output'
            cand --output 'Write the chosen format to FILE (written whole, or not at all); the terminal still shows the human view. `-` is standard output'
            cand --color 'When to use colour (NO_COLOR and CI turn it off in auto)'
            cand --trace-file 'Write the trace to FILE as well as stderr (implies --trace)'
            cand --format 'Output format [default: human]'
            cand --no-config 'Read no config file, not even ./wsdoctor.toml: the command line and the environment only [env: WSDOCTOR_NO_CONFIG]'
            cand --dry-run 'Print what the run would do (target, route, limits, the checks and their order) and exit without sending anything'
            cand --all-addresses 'Connect to every resolved address (not just the first that answers), to find a bad node [env: WSDOCTOR_ALL_ADDRESSES]'
            cand --no-proxy 'Connect directly even when a proxy variable is set [env: WSDOCTOR_NO_PROXY]'
            cand -4 'Use IPv4 addresses only'
            cand --ipv4 'Use IPv4 addresses only'
            cand -6 'Use IPv6 addresses only'
            cand --ipv6 'Use IPv6 addresses only'
            cand --insecure 'Do not verify TLS certificates (the report says so, loudly) [env: WSDOCTOR_INSECURE]'
            cand --http1-only 'Only the HTTP/1.1 road, as a browser without an HTTP/2 connection to the origin: ALPN offers http/1.1 alone and no socket is opened over HTTP/2 [env: WSDOCTOR_HTTP1_ONLY]'
            cand --http2 'Require the HTTP/2 road (RFC 8441 extended CONNECT) for the echo and terminal sockets, as a browser holding an HTTP/2 connection takes it; a server that cannot carry them that way fails [env: WSDOCTOR_HTTP2]'
            cand --browser 'Also run the page, /health and the sockets in a headless Chromium on the frontend origin, and put what the browser saw beside the command line''s verdict (the browser check) [env: WSDOCTOR_BROWSER]'
            cand -q 'Print nothing on stdout but one verdict line, whatever the format (the document goes to --output if given) [env: WSDOCTOR_QUIET]'
            cand --quiet 'Print nothing on stdout but one verdict line, whatever the format (the document goes to --output if given) [env: WSDOCTOR_QUIET]'
            cand -v 'Print the connection log to stderr, as the web client''s console does; twice (-vv) also traces the wire, as --trace [env: WSDOCTOR_VERBOSE]'
            cand --verbose 'Print the connection log to stderr, as the web client''s console does; twice (-vv) also traces the wire, as --trace [env: WSDOCTOR_VERBOSE]'
            cand --trace 'Trace the wire on stderr, in order, timed from the start: DNS answers, connects, TLS (version, ALPN, SNI, the chain''s subjects and dates), every request and response head, HTTP/2 frames, every WebSocket frame and the close; secrets redacted, server text escaped, bounded; `wire` events with --format ndjson [env: WSDOCTOR_TRACE]'
            cand --show-secrets 'Show session ids, tokens and credentials instead of redacting them [env: WSDOCTOR_SHOW_SECRETS]'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'wsdoctor;help'= {
            cand completions 'Print shell completions for SHELL to stdout'
            cand man 'Print a man page (roff) to stdout: the top page, or a subcommand''s'
            cand check 'Run the checklist against a deployment (http(s) base URL or a ws(s) socket URL)'
            cand demo 'Start the reference backend on loopback and check it: the zero-setup first run'
            cand lab 'Run the reference backend (with an optional fault) for reproductions and tests'
            cand explain 'Explain a failure code: what it means, how it looks on the wire, what to do'
            cand config 'Validate the config file (wsdoctor.toml), or print its JSON Schema'
            cand serve 'Serve probes to Prometheus: GET /probe?target=NAME&module=MODULE answers with metrics'
            cand watch 'Repeat the checklist every interval: a line a run, a line whenever a check changes state'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'wsdoctor;help;completions'= {
        }
        &'wsdoctor;help;man'= {
        }
        &'wsdoctor;help;check'= {
        }
        &'wsdoctor;help;demo'= {
        }
        &'wsdoctor;help;lab'= {
        }
        &'wsdoctor;help;explain'= {
        }
        &'wsdoctor;help;config'= {
            cand check 'Validate a file without running it: syntax, keys, values, environment references, every target''s options'
            cand schema 'Print the JSON Schema of the file (schema/config.v1.json), for editors'
        }
        &'wsdoctor;help;config;check'= {
        }
        &'wsdoctor;help;config;schema'= {
        }
        &'wsdoctor;help;serve'= {
        }
        &'wsdoctor;help;watch'= {
        }
        &'wsdoctor;help;help'= {
        }
    ]
    $completions[$command]
}
