
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'wsdoctor' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'wsdoctor'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'wsdoctor' {
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print shell completions for SHELL to stdout')
            [CompletionResult]::new('man', 'man', [CompletionResultType]::ParameterValue, 'Print a man page (roff) to stdout: the top page, or a subcommand''s')
            [CompletionResult]::new('check', 'check', [CompletionResultType]::ParameterValue, 'Run the checklist against a deployment (http(s) base URL or a ws(s) socket URL)')
            [CompletionResult]::new('demo', 'demo', [CompletionResultType]::ParameterValue, 'Start the reference backend on loopback and check it: the zero-setup first run')
            [CompletionResult]::new('lab', 'lab', [CompletionResultType]::ParameterValue, 'Run the reference backend (with an optional fault) for reproductions and tests')
            [CompletionResult]::new('explain', 'explain', [CompletionResultType]::ParameterValue, 'Explain a failure code: what it means, how it looks on the wire, what to do')
            [CompletionResult]::new('config', 'config', [CompletionResultType]::ParameterValue, 'Validate the config file (wsdoctor.toml), or print its JSON Schema')
            [CompletionResult]::new('serve', 'serve', [CompletionResultType]::ParameterValue, 'Serve probes to Prometheus: GET /probe?target=NAME&module=MODULE answers with metrics')
            [CompletionResult]::new('ping', 'ping', [CompletionResultType]::ParameterValue, 'Round trips on one socket over time (ping frames or echo messages): latency, jitter, loss, cuts')
            [CompletionResult]::new('watch', 'watch', [CompletionResultType]::ParameterValue, 'Repeat the checklist every interval: a line a run, a line whenever a check changes state')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'wsdoctor;completions' {
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'wsdoctor;man' {
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'wsdoctor;check' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'The config file [default: ./wsdoctor.toml when it exists]')
            [CompletionResult]::new('--target', '--target', [CompletionResultType]::ParameterName, 'Run only these targets of the config file, by name (repeatable, or comma-separated)')
            [CompletionResult]::new('--parallel', '--parallel', [CompletionResultType]::ParameterName, 'How many targets are checked at once')
            [CompletionResult]::new('--fail-on', '--fail-on', [CompletionResultType]::ParameterName, 'Make warnings fail the run too (exit 1; in JUnit the warned check is a failure)')
            [CompletionResult]::new('--min-cert-days', '--min-cert-days', [CompletionResultType]::ParameterName, 'Fail the tls check when the certificate has fewer days left than this')
            [CompletionResult]::new('--max-echo-rtt', '--max-echo-rtt', [CompletionResultType]::ParameterName, 'Fail the echo check when the round trip (the median with --count) is slower than this')
            [CompletionResult]::new('--max-first-message', '--max-first-message', [CompletionResultType]::ParameterName, 'Fail the terminal check when its first message comes later than this after open')
            [CompletionResult]::new('--max-attempts', '--max-attempts', [CompletionResultType]::ParameterName, 'Fail the echo and terminal checks when they needed more attempts than this')
            [CompletionResult]::new('--allow-warning', '--allow-warning', [CompletionResultType]::ParameterName, 'Accept warnings with these causes (comma-separated, repeatable): still reported, marked allowed, but --fail-on warn does not fail on them')
            [CompletionResult]::new('--require', '--require', [CompletionResultType]::ParameterName, 'Fail when one of these checks is not checked for want of an input (comma-separated ids, e.g. terminal: needs --session)')
            [CompletionResult]::new('--session', '--session', [CompletionResultType]::ParameterName, 'Session id for the session and terminal checks (redacted in output)')
            [CompletionResult]::new('--origin', '--origin', [CompletionResultType]::ParameterName, 'The frontend''s origin, sent as Origin on upgrades and CORS requests [default: $FRONTEND_URL]')
            [CompletionResult]::new('-H', '-H ', [CompletionResultType]::ParameterName, 'An extra request header ''Name: value'' (repeatable) [env: WSDOCTOR_HEADER, one header per line]')
            [CompletionResult]::new('--header', '--header', [CompletionResultType]::ParameterName, 'An extra request header ''Name: value'' (repeatable) [env: WSDOCTOR_HEADER, one header per line]')
            [CompletionResult]::new('--subprotocol', '--subprotocol', [CompletionResultType]::ParameterName, 'A subprotocol to offer in Sec-WebSocket-Protocol, as a browser''s new WebSocket(url, protocols) does (repeatable, or comma-separated)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Client timeout per WebSocket attempt, as the web client''s 25 s')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'Timeout for each network step before the WebSocket: DNS, TCP, TLS, an HTTP answer')
            [CompletionResult]::new('--resolve', '--resolve', [CompletionResultType]::ParameterName, 'Use ADDR for HOST:PORT instead of DNS, like curl; ADDR may list several, comma-separated (repeatable)')
            [CompletionResult]::new('--proxy', '--proxy', [CompletionResultType]::ParameterName, 'HTTP CONNECT proxy (http://[user:pass@]host:port) [default: HTTPS_PROXY / HTTP_PROXY / ALL_PROXY, honouring NO_PROXY]')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'Trust the CA certificates in this PEM file too')
            [CompletionResult]::new('--cert', '--cert', [CompletionResultType]::ParameterName, 'Client certificate chain for mutual TLS (PEM; may hold the key too)')
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'Private key for --cert (PEM: PKCS#8, PKCS#1 or SEC1) [default: the --cert file]')
            [CompletionResult]::new('--send', '--send', [CompletionResultType]::ParameterName, 'A message to send on the terminal socket once it is open')
            [CompletionResult]::new('--expect', '--expect', [CompletionResultType]::ParameterName, 'A regular expression a terminal message must match (after --send) for the check to pass (regex syntax; \w, \d, \s and case folding are ASCII)')
            [CompletionResult]::new('--count', '--count', [CompletionResultType]::ParameterName, 'Echo round trips on one socket, for latency statistics (min/median/p90/p99/max, loss, jitter)')
            [CompletionResult]::new('--hold', '--hold', [CompletionResultType]::ParameterName, 'After the echo works, hold sockets open this long to find idle and lifetime cuts (the hold check)')
            [CompletionResult]::new('--ping-interval', '--ping-interval', [CompletionResultType]::ParameterName, 'Interval of the pinging and messaging sockets during --hold')
            [CompletionResult]::new('--only', '--only', [CompletionResultType]::ParameterName, 'Run only these checks (comma-separated ids, e.g. health,echo)')
            [CompletionResult]::new('--skip', '--skip', [CompletionResultType]::ParameterName, 'Skip these checks (comma-separated ids)')
            [CompletionResult]::new('--health-path', '--health-path', [CompletionResultType]::ParameterName, 'Health endpoint path')
            [CompletionResult]::new('--diagnostics-path', '--diagnostics-path', [CompletionResultType]::ParameterName, 'Diagnostics endpoint path')
            [CompletionResult]::new('--echo-path', '--echo-path', [CompletionResultType]::ParameterName, 'WebSocket echo endpoint path')
            [CompletionResult]::new('--terminal-path', '--terminal-path', [CompletionResultType]::ParameterName, 'Terminal socket path template; {session} is replaced by the session id [default: from /health''s endpoints, else /terminal/{session}]')
            [CompletionResult]::new('--session-path', '--session-path', [CompletionResultType]::ParameterName, 'Session validation path template, e.g. /api/sessions/{session} [default: from /health''s endpoints]')
            [CompletionResult]::new('--attempts', '--attempts', [CompletionResultType]::ParameterName, 'WebSocket attempts before giving up (1 = no retry), as the web client''s 5. Given, they run exactly as the web client makes them, one after another; by default a hang is not waited out again: one overlapping attempt tells a hang from an intermittent one, within one timeout')
            [CompletionResult]::new('--retry-delay', '--retry-delay', [CompletionResultType]::ParameterName, 'First retry delay; it doubles each attempt (capped at 8 s) with jitter')
            [CompletionResult]::new('--accept-silence', '--accept-silence', [CompletionResultType]::ParameterName, 'For servers that never greet: a terminal that stays open and silent this long passes (with a warning). Without it, the terminal must send a first message within --timeout, as the web client waits for one')
            [CompletionResult]::new('--observe', '--observe', [CompletionResultType]::ParameterName, 'How long a socket is watched after it did its job (greeted, echoed, matched --expect); a session that dies in this window fails')
            [CompletionResult]::new('--deadline', '--deadline', [CompletionResultType]::ParameterName, 'Bound on the whole run; checks still running then fail with a timeout [default: 5m, plus --hold]')
            [CompletionResult]::new('--cert-warn-days', '--cert-warn-days', [CompletionResultType]::ParameterName, 'Warn when the certificate has fewer days left than this (or, for a certificate that lives shorter, less than a third of its lifetime)')
            [CompletionResult]::new('--browser-path', '--browser-path', [CompletionResultType]::ParameterName, 'The Chromium (or Chrome) to run for --browser: a path, or a name on PATH [default: the first of chromium, chromium-browser, google-chrome, google-chrome-stable, chrome on PATH]')
            [CompletionResult]::new('--redis-url', '--redis-url', [CompletionResultType]::ParameterName, 'The session store to check, redis://[[user]:password@]host:6379/DB or rediss:// for TLS (--cacert applies); its credentials are redacted [default: $REDIS_URL]')
            [CompletionResult]::new('--session-key', '--session-key', [CompletionResultType]::ParameterName, 'The session''s key in the store, with {session} for the id (e.g. ''session:{session}'') [default: as the diagnostics endpoint advertises it]')
            [CompletionResult]::new('--store-pings', '--store-pings', [CompletionResultType]::ParameterName, 'PINGs the store check times (min/median/p99)')
            [CompletionResult]::new('--store-slow', '--store-slow', [CompletionResultType]::ParameterName, 'A median PING above this warns that the store is slow (a failure when a session validation times out)')
            [CompletionResult]::new('--session-min-ttl', '--session-min-ttl', [CompletionResultType]::ParameterName, 'The session''s expected use: a key that expires sooner warns')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format [default: human, or html when --output names a .html/.htm file]')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Write the chosen format to FILE (written whole, or not at all); the terminal still shows the human view. `-` is standard output')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Write the chosen format to FILE (written whole, or not at all); the terminal still shows the human view. `-` is standard output')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR and CI turn it off in auto)')
            [CompletionResult]::new('--trace-file', '--trace-file', [CompletionResultType]::ParameterName, 'Write the trace to FILE as well as stderr (implies --trace)')
            [CompletionResult]::new('-w', '-w', [CompletionResultType]::ParameterName, 'Print FORMAT once per target after the run, as curl''s -w: %{verdict} %{code} %{cause} %{check} %{target} %{time_total} %{time_dns} %{time_connect} %{time_tls} %{time_upgrade} %{time_first_message} (seconds; 0.000000 for a phase not timed) %{http_version} %{close_code} %{platform}; \n \t and %% escapes. With the human format it replaces the report on stdout; other formats print their document first')
            [CompletionResult]::new('--write-out', '--write-out', [CompletionResultType]::ParameterName, 'Print FORMAT once per target after the run, as curl''s -w: %{verdict} %{code} %{cause} %{check} %{target} %{time_total} %{time_dns} %{time_connect} %{time_tls} %{time_upgrade} %{time_first_message} (seconds; 0.000000 for a phase not timed) %{http_version} %{close_code} %{platform}; \n \t and %% escapes. With the human format it replaces the report on stdout; other formats print their document first')
            [CompletionResult]::new('--no-config', '--no-config', [CompletionResultType]::ParameterName, 'Read no config file, not even ./wsdoctor.toml: the command line and the environment only')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Print what the run would do (target, route, limits, the checks and their order) and exit without sending anything')
            [CompletionResult]::new('--no-proxy', '--no-proxy', [CompletionResultType]::ParameterName, 'Connect directly even when a proxy variable is set')
            [CompletionResult]::new('-4', '-4', [CompletionResultType]::ParameterName, 'Use IPv4 addresses only')
            [CompletionResult]::new('--ipv4', '--ipv4', [CompletionResultType]::ParameterName, 'Use IPv4 addresses only')
            [CompletionResult]::new('-6', '-6', [CompletionResultType]::ParameterName, 'Use IPv6 addresses only')
            [CompletionResult]::new('--ipv6', '--ipv6', [CompletionResultType]::ParameterName, 'Use IPv6 addresses only')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Do not verify TLS certificates (the report says so, loudly)')
            [CompletionResult]::new('--http1-only', '--http1-only', [CompletionResultType]::ParameterName, 'Only the HTTP/1.1 road, as a browser without an HTTP/2 connection to the origin: ALPN offers http/1.1 alone and no socket is opened over HTTP/2')
            [CompletionResult]::new('--http2', '--http2', [CompletionResultType]::ParameterName, 'Require the HTTP/2 road (RFC 8441 extended CONNECT) for the echo and terminal sockets, as a browser holding an HTTP/2 connection takes it; a server that cannot carry them that way fails')
            [CompletionResult]::new('--all-addresses', '--all-addresses', [CompletionResultType]::ParameterName, 'Connect to every resolved address (not just the first that answers), to find a bad node')
            [CompletionResult]::new('--browser', '--browser', [CompletionResultType]::ParameterName, 'Also run the page, /health and the sockets in a headless Chromium on the frontend origin, and put what the browser saw beside the command line''s verdict (the browser check)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing on stdout but one verdict line, whatever the format (the document goes to --output if given)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing on stdout but one verdict line, whatever the format (the document goes to --output if given)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print the connection log to stderr, as the web client''s console does; twice (-vv) also traces the wire, as --trace')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print the connection log to stderr, as the web client''s console does; twice (-vv) also traces the wire, as --trace')
            [CompletionResult]::new('--trace', '--trace', [CompletionResultType]::ParameterName, 'Trace the wire on stderr, in order, timed from the start: DNS answers, connects, TLS (version, ALPN, SNI, the chain''s subjects and dates), every request and response head, HTTP/2 frames, every WebSocket frame and the close; secrets redacted, server text escaped, bounded; `wire` events with --format ndjson')
            [CompletionResult]::new('--show-secrets', '--show-secrets', [CompletionResultType]::ParameterName, 'Show session ids, tokens and credentials instead of redacting them')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'wsdoctor;demo' {
            [CompletionResult]::new('--fault', '--fault', [CompletionResultType]::ParameterName, 'Make the embedded backend misbehave this way (see `wsdoctor lab --list-faults`)')
            [CompletionResult]::new('--fail-on', '--fail-on', [CompletionResultType]::ParameterName, 'Make warnings fail the run too (exit 1; in JUnit the warned check is a failure)')
            [CompletionResult]::new('--min-cert-days', '--min-cert-days', [CompletionResultType]::ParameterName, 'Fail the tls check when the certificate has fewer days left than this')
            [CompletionResult]::new('--max-echo-rtt', '--max-echo-rtt', [CompletionResultType]::ParameterName, 'Fail the echo check when the round trip (the median with --count) is slower than this')
            [CompletionResult]::new('--max-first-message', '--max-first-message', [CompletionResultType]::ParameterName, 'Fail the terminal check when its first message comes later than this after open')
            [CompletionResult]::new('--max-attempts', '--max-attempts', [CompletionResultType]::ParameterName, 'Fail the echo and terminal checks when they needed more attempts than this')
            [CompletionResult]::new('--allow-warning', '--allow-warning', [CompletionResultType]::ParameterName, 'Accept warnings with these causes (comma-separated, repeatable): still reported, marked allowed, but --fail-on warn does not fail on them')
            [CompletionResult]::new('--require', '--require', [CompletionResultType]::ParameterName, 'Fail when one of these checks is not checked for want of an input (comma-separated ids, e.g. terminal: needs --session)')
            [CompletionResult]::new('--session', '--session', [CompletionResultType]::ParameterName, 'Session id for the session and terminal checks (redacted in output)')
            [CompletionResult]::new('--origin', '--origin', [CompletionResultType]::ParameterName, 'The frontend''s origin, sent as Origin on upgrades and CORS requests [default: $FRONTEND_URL]')
            [CompletionResult]::new('-H', '-H ', [CompletionResultType]::ParameterName, 'An extra request header ''Name: value'' (repeatable) [env: WSDOCTOR_HEADER, one header per line]')
            [CompletionResult]::new('--header', '--header', [CompletionResultType]::ParameterName, 'An extra request header ''Name: value'' (repeatable) [env: WSDOCTOR_HEADER, one header per line]')
            [CompletionResult]::new('--subprotocol', '--subprotocol', [CompletionResultType]::ParameterName, 'A subprotocol to offer in Sec-WebSocket-Protocol, as a browser''s new WebSocket(url, protocols) does (repeatable, or comma-separated)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Client timeout per WebSocket attempt, as the web client''s 25 s')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'Timeout for each network step before the WebSocket: DNS, TCP, TLS, an HTTP answer')
            [CompletionResult]::new('--resolve', '--resolve', [CompletionResultType]::ParameterName, 'Use ADDR for HOST:PORT instead of DNS, like curl; ADDR may list several, comma-separated (repeatable)')
            [CompletionResult]::new('--proxy', '--proxy', [CompletionResultType]::ParameterName, 'HTTP CONNECT proxy (http://[user:pass@]host:port) [default: HTTPS_PROXY / HTTP_PROXY / ALL_PROXY, honouring NO_PROXY]')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'Trust the CA certificates in this PEM file too')
            [CompletionResult]::new('--cert', '--cert', [CompletionResultType]::ParameterName, 'Client certificate chain for mutual TLS (PEM; may hold the key too)')
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'Private key for --cert (PEM: PKCS#8, PKCS#1 or SEC1) [default: the --cert file]')
            [CompletionResult]::new('--send', '--send', [CompletionResultType]::ParameterName, 'A message to send on the terminal socket once it is open')
            [CompletionResult]::new('--expect', '--expect', [CompletionResultType]::ParameterName, 'A regular expression a terminal message must match (after --send) for the check to pass (regex syntax; \w, \d, \s and case folding are ASCII)')
            [CompletionResult]::new('--count', '--count', [CompletionResultType]::ParameterName, 'Echo round trips on one socket, for latency statistics (min/median/p90/p99/max, loss, jitter)')
            [CompletionResult]::new('--hold', '--hold', [CompletionResultType]::ParameterName, 'After the echo works, hold sockets open this long to find idle and lifetime cuts (the hold check)')
            [CompletionResult]::new('--ping-interval', '--ping-interval', [CompletionResultType]::ParameterName, 'Interval of the pinging and messaging sockets during --hold')
            [CompletionResult]::new('--only', '--only', [CompletionResultType]::ParameterName, 'Run only these checks (comma-separated ids, e.g. health,echo)')
            [CompletionResult]::new('--skip', '--skip', [CompletionResultType]::ParameterName, 'Skip these checks (comma-separated ids)')
            [CompletionResult]::new('--health-path', '--health-path', [CompletionResultType]::ParameterName, 'Health endpoint path')
            [CompletionResult]::new('--diagnostics-path', '--diagnostics-path', [CompletionResultType]::ParameterName, 'Diagnostics endpoint path')
            [CompletionResult]::new('--echo-path', '--echo-path', [CompletionResultType]::ParameterName, 'WebSocket echo endpoint path')
            [CompletionResult]::new('--terminal-path', '--terminal-path', [CompletionResultType]::ParameterName, 'Terminal socket path template; {session} is replaced by the session id [default: from /health''s endpoints, else /terminal/{session}]')
            [CompletionResult]::new('--session-path', '--session-path', [CompletionResultType]::ParameterName, 'Session validation path template, e.g. /api/sessions/{session} [default: from /health''s endpoints]')
            [CompletionResult]::new('--attempts', '--attempts', [CompletionResultType]::ParameterName, 'WebSocket attempts before giving up (1 = no retry), as the web client''s 5. Given, they run exactly as the web client makes them, one after another; by default a hang is not waited out again: one overlapping attempt tells a hang from an intermittent one, within one timeout')
            [CompletionResult]::new('--retry-delay', '--retry-delay', [CompletionResultType]::ParameterName, 'First retry delay; it doubles each attempt (capped at 8 s) with jitter')
            [CompletionResult]::new('--accept-silence', '--accept-silence', [CompletionResultType]::ParameterName, 'For servers that never greet: a terminal that stays open and silent this long passes (with a warning). Without it, the terminal must send a first message within --timeout, as the web client waits for one')
            [CompletionResult]::new('--observe', '--observe', [CompletionResultType]::ParameterName, 'How long a socket is watched after it did its job (greeted, echoed, matched --expect); a session that dies in this window fails')
            [CompletionResult]::new('--deadline', '--deadline', [CompletionResultType]::ParameterName, 'Bound on the whole run; checks still running then fail with a timeout [default: 5m, plus --hold]')
            [CompletionResult]::new('--cert-warn-days', '--cert-warn-days', [CompletionResultType]::ParameterName, 'Warn when the certificate has fewer days left than this (or, for a certificate that lives shorter, less than a third of its lifetime)')
            [CompletionResult]::new('--browser-path', '--browser-path', [CompletionResultType]::ParameterName, 'The Chromium (or Chrome) to run for --browser: a path, or a name on PATH [default: the first of chromium, chromium-browser, google-chrome, google-chrome-stable, chrome on PATH]')
            [CompletionResult]::new('--redis-url', '--redis-url', [CompletionResultType]::ParameterName, 'The session store to check, redis://[[user]:password@]host:6379/DB or rediss:// for TLS (--cacert applies); its credentials are redacted [default: $REDIS_URL]')
            [CompletionResult]::new('--session-key', '--session-key', [CompletionResultType]::ParameterName, 'The session''s key in the store, with {session} for the id (e.g. ''session:{session}'') [default: as the diagnostics endpoint advertises it]')
            [CompletionResult]::new('--store-pings', '--store-pings', [CompletionResultType]::ParameterName, 'PINGs the store check times (min/median/p99)')
            [CompletionResult]::new('--store-slow', '--store-slow', [CompletionResultType]::ParameterName, 'A median PING above this warns that the store is slow (a failure when a session validation times out)')
            [CompletionResult]::new('--session-min-ttl', '--session-min-ttl', [CompletionResultType]::ParameterName, 'The session''s expected use: a key that expires sooner warns')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format [default: human, or html when --output names a .html/.htm file]')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Write the chosen format to FILE (written whole, or not at all); the terminal still shows the human view. `-` is standard output')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Write the chosen format to FILE (written whole, or not at all); the terminal still shows the human view. `-` is standard output')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR and CI turn it off in auto)')
            [CompletionResult]::new('--trace-file', '--trace-file', [CompletionResultType]::ParameterName, 'Write the trace to FILE as well as stderr (implies --trace)')
            [CompletionResult]::new('-w', '-w', [CompletionResultType]::ParameterName, 'Print FORMAT once per target after the run, as curl''s -w: %{verdict} %{code} %{cause} %{check} %{target} %{time_total} %{time_dns} %{time_connect} %{time_tls} %{time_upgrade} %{time_first_message} (seconds; 0.000000 for a phase not timed) %{http_version} %{close_code} %{platform}; \n \t and %% escapes. With the human format it replaces the report on stdout; other formats print their document first')
            [CompletionResult]::new('--write-out', '--write-out', [CompletionResultType]::ParameterName, 'Print FORMAT once per target after the run, as curl''s -w: %{verdict} %{code} %{cause} %{check} %{target} %{time_total} %{time_dns} %{time_connect} %{time_tls} %{time_upgrade} %{time_first_message} (seconds; 0.000000 for a phase not timed) %{http_version} %{close_code} %{platform}; \n \t and %% escapes. With the human format it replaces the report on stdout; other formats print their document first')
            [CompletionResult]::new('--tls', '--tls', [CompletionResultType]::ParameterName, 'Serve the embedded backend over TLS with a certificate from a throwaway CA, speaking HTTP/2 (with extended CONNECT) beside HTTP/1.1 as modern edges do')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Print what the run would do (target, route, limits, the checks and their order) and exit without sending anything')
            [CompletionResult]::new('--no-proxy', '--no-proxy', [CompletionResultType]::ParameterName, 'Connect directly even when a proxy variable is set')
            [CompletionResult]::new('-4', '-4', [CompletionResultType]::ParameterName, 'Use IPv4 addresses only')
            [CompletionResult]::new('--ipv4', '--ipv4', [CompletionResultType]::ParameterName, 'Use IPv4 addresses only')
            [CompletionResult]::new('-6', '-6', [CompletionResultType]::ParameterName, 'Use IPv6 addresses only')
            [CompletionResult]::new('--ipv6', '--ipv6', [CompletionResultType]::ParameterName, 'Use IPv6 addresses only')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Do not verify TLS certificates (the report says so, loudly)')
            [CompletionResult]::new('--http1-only', '--http1-only', [CompletionResultType]::ParameterName, 'Only the HTTP/1.1 road, as a browser without an HTTP/2 connection to the origin: ALPN offers http/1.1 alone and no socket is opened over HTTP/2')
            [CompletionResult]::new('--http2', '--http2', [CompletionResultType]::ParameterName, 'Require the HTTP/2 road (RFC 8441 extended CONNECT) for the echo and terminal sockets, as a browser holding an HTTP/2 connection takes it; a server that cannot carry them that way fails')
            [CompletionResult]::new('--all-addresses', '--all-addresses', [CompletionResultType]::ParameterName, 'Connect to every resolved address (not just the first that answers), to find a bad node')
            [CompletionResult]::new('--browser', '--browser', [CompletionResultType]::ParameterName, 'Also run the page, /health and the sockets in a headless Chromium on the frontend origin, and put what the browser saw beside the command line''s verdict (the browser check)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing on stdout but one verdict line, whatever the format (the document goes to --output if given)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing on stdout but one verdict line, whatever the format (the document goes to --output if given)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print the connection log to stderr, as the web client''s console does; twice (-vv) also traces the wire, as --trace')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print the connection log to stderr, as the web client''s console does; twice (-vv) also traces the wire, as --trace')
            [CompletionResult]::new('--trace', '--trace', [CompletionResultType]::ParameterName, 'Trace the wire on stderr, in order, timed from the start: DNS answers, connects, TLS (version, ALPN, SNI, the chain''s subjects and dates), every request and response head, HTTP/2 frames, every WebSocket frame and the close; secrets redacted, server text escaped, bounded; `wire` events with --format ndjson')
            [CompletionResult]::new('--show-secrets', '--show-secrets', [CompletionResultType]::ParameterName, 'Show session ids, tokens and credentials instead of redacting them')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'wsdoctor;lab' {
            [CompletionResult]::new('--fault', '--fault', [CompletionResultType]::ParameterName, 'Make the backend misbehave this way (see --list-faults)')
            [CompletionResult]::new('--listen', '--listen', [CompletionResultType]::ParameterName, 'The address to listen on; loopback by default')
            [CompletionResult]::new('--ca-out', '--ca-out', [CompletionResultType]::ParameterName, 'Write the throwaway CA''s certificate (PEM) here, for `check --cacert`')
            [CompletionResult]::new('--client-cert-out', '--client-cert-out', [CompletionResultType]::ParameterName, 'Under --fault tls-client-cert, write a client certificate and key the lab accepts (PEM), for `check --cert`')
            [CompletionResult]::new('--session', '--session', [CompletionResultType]::ParameterName, 'A valid session id (repeatable); `POST /api/sessions` creates more')
            [CompletionResult]::new('--allow-origin', '--allow-origin', [CompletionResultType]::ParameterName, 'An origin allowed by CORS and the Origin check (repeatable)')
            [CompletionResult]::new('--ping-interval', '--ping-interval', [CompletionResultType]::ParameterName, 'Interval of the server''s WebSocket pings on open sockets')
            [CompletionResult]::new('--redis-url', '--redis-url', [CompletionResultType]::ParameterName, 'Keep sessions in this Redis (redis:// only) under session:{id}, as the platform does, instead of memory')
            [CompletionResult]::new('--session-ttl', '--session-ttl', [CompletionResultType]::ParameterName, 'With --redis-url: the TTL each session key gets')
            [CompletionResult]::new('--connect-proxy', '--connect-proxy', [CompletionResultType]::ParameterName, 'Also run an HTTP CONNECT proxy on this address (loopback targets only), for proxied runs')
            [CompletionResult]::new('--proxy-credentials', '--proxy-credentials', [CompletionResultType]::ParameterName, 'Credentials the proxy requires, as USER:PASSWORD')
            [CompletionResult]::new('--tls', '--tls', [CompletionResultType]::ParameterName, 'Serve https/wss with a certificate from a throwaway CA')
            [CompletionResult]::new('--http2', '--http2', [CompletionResultType]::ParameterName, 'Serve HTTP/2 beside HTTP/1.1 (ALPN h2, http/1.1), with RFC 8441 extended CONNECT for WebSockets; implies --tls')
            [CompletionResult]::new('--list-faults', '--list-faults', [CompletionResultType]::ParameterName, 'List the faults, one line each, and exit')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Print what would be served and exit without listening')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'wsdoctor;explain' {
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'human or json')
            [CompletionResult]::new('--markdown', '--markdown', [CompletionResultType]::ParameterName, 'Print the table of codes as Markdown (the README''s table)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'wsdoctor;config' {
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('check', 'check', [CompletionResultType]::ParameterValue, 'Validate a file without running it: syntax, keys, values, environment references, every target''s options')
            [CompletionResult]::new('schema', 'schema', [CompletionResultType]::ParameterValue, 'Print the JSON Schema of the file (schema/config.v1.json), for editors')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'wsdoctor;config;check' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'The file [default: ./wsdoctor.toml]')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'wsdoctor;config;schema' {
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'wsdoctor;config;help' {
            [CompletionResult]::new('check', 'check', [CompletionResultType]::ParameterValue, 'Validate a file without running it: syntax, keys, values, environment references, every target''s options')
            [CompletionResult]::new('schema', 'schema', [CompletionResultType]::ParameterValue, 'Print the JSON Schema of the file (schema/config.v1.json), for editors')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'wsdoctor;config;help;check' {
            break
        }
        'wsdoctor;config;help;schema' {
            break
        }
        'wsdoctor;config;help;help' {
            break
        }
        'wsdoctor;serve' {
            [CompletionResult]::new('--listen', '--listen', [CompletionResultType]::ParameterName, 'The address to serve on')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'The config file with the targets, modules and allowed URL patterns [default: ./wsdoctor.toml]')
            [CompletionResult]::new('--max-concurrent', '--max-concurrent', [CompletionResultType]::ParameterName, 'Probes at once; more get 503')
            [CompletionResult]::new('--shutdown-grace', '--shutdown-grace', [CompletionResultType]::ParameterName, 'How long probes in flight may finish after SIGINT or SIGTERM')
            [CompletionResult]::new('--log-format', '--log-format', [CompletionResultType]::ParameterName, 'One log line per probe on stderr, as text or JSON')
            [CompletionResult]::new('--listen-public', '--listen-public', [CompletionResultType]::ParameterName, 'Allow a --listen address that is not loopback (the probes then answer the network)')
            [CompletionResult]::new('--allow-any-target', '--allow-any-target', [CompletionResultType]::ParameterName, 'Probe any URL a request names, not only the file''s targets and allowed patterns. This turns the exporter into a request-forgery tool for anyone who can reach it (on public addresses only, unless the file''s [serve] deny_private = false); the log and the page say so')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Check the config and print what would be served, without listening')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'wsdoctor;ping' {
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'Stop after N samples [default: until Ctrl-C]')
            [CompletionResult]::new('--count', '--count', [CompletionResultType]::ParameterName, 'Stop after N samples [default: until Ctrl-C]')
            [CompletionResult]::new('-i', '-i', [CompletionResultType]::ParameterName, 'Time between two samples; 0s sends the next as soon as one is answered')
            [CompletionResult]::new('--interval', '--interval', [CompletionResultType]::ParameterName, 'Time between two samples; 0s sends the next as soon as one is answered')
            [CompletionResult]::new('--sample-timeout', '--sample-timeout', [CompletionResultType]::ParameterName, 'How long a sample waits for its answer before it counts as lost [default: 2 × --interval, at least 1s, at most --timeout]')
            [CompletionResult]::new('--max-loss', '--max-loss', [CompletionResultType]::ParameterName, 'Exit 0 despite lost samples while the loss stays at or below this percentage')
            [CompletionResult]::new('--max-cuts', '--max-cuts', [CompletionResultType]::ParameterName, 'Exit 0 despite this many cut (and reopened) sockets')
            [CompletionResult]::new('--max-reconnects', '--max-reconnects', [CompletionResultType]::ParameterName, 'New sockets tried in a row after a cut, without an answered sample in between, before giving up')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output: a line a sample and a summary (human), the summary as one JSON document (json), or one JSON event a line (ndjson)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour')
            [CompletionResult]::new('--origin', '--origin', [CompletionResultType]::ParameterName, 'The frontend''s origin, sent as Origin on upgrades and CORS requests [default: $FRONTEND_URL]')
            [CompletionResult]::new('-H', '-H ', [CompletionResultType]::ParameterName, 'An extra request header ''Name: value'' (repeatable) [env: WSDOCTOR_HEADER, one header per line]')
            [CompletionResult]::new('--header', '--header', [CompletionResultType]::ParameterName, 'An extra request header ''Name: value'' (repeatable) [env: WSDOCTOR_HEADER, one header per line]')
            [CompletionResult]::new('--subprotocol', '--subprotocol', [CompletionResultType]::ParameterName, 'A subprotocol to offer in Sec-WebSocket-Protocol, as a browser''s new WebSocket(url, protocols) does (repeatable, or comma-separated)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Client timeout per WebSocket attempt, as the web client''s 25 s')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'Timeout for each network step before the WebSocket: DNS, TCP, TLS, an HTTP answer')
            [CompletionResult]::new('--resolve', '--resolve', [CompletionResultType]::ParameterName, 'Use ADDR for HOST:PORT instead of DNS, like curl; ADDR may list several, comma-separated (repeatable)')
            [CompletionResult]::new('--proxy', '--proxy', [CompletionResultType]::ParameterName, 'HTTP CONNECT proxy (http://[user:pass@]host:port) [default: HTTPS_PROXY / HTTP_PROXY / ALL_PROXY, honouring NO_PROXY]')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'Trust the CA certificates in this PEM file too')
            [CompletionResult]::new('--cert', '--cert', [CompletionResultType]::ParameterName, 'Client certificate chain for mutual TLS (PEM; may hold the key too)')
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'Private key for --cert (PEM: PKCS#8, PKCS#1 or SEC1) [default: the --cert file]')
            [CompletionResult]::new('--echo', '--echo', [CompletionResultType]::ParameterName, 'Measure with echo messages (the platform''s JSON envelope, or a plain echo) instead of WebSocket ping frames')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only the summary (human format)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only the summary (human format)')
            [CompletionResult]::new('--show-secrets', '--show-secrets', [CompletionResultType]::ParameterName, 'Show session ids, tokens and credentials instead of redacting them')
            [CompletionResult]::new('--no-proxy', '--no-proxy', [CompletionResultType]::ParameterName, 'Connect directly even when a proxy variable is set')
            [CompletionResult]::new('-4', '-4', [CompletionResultType]::ParameterName, 'Use IPv4 addresses only')
            [CompletionResult]::new('--ipv4', '--ipv4', [CompletionResultType]::ParameterName, 'Use IPv4 addresses only')
            [CompletionResult]::new('-6', '-6', [CompletionResultType]::ParameterName, 'Use IPv6 addresses only')
            [CompletionResult]::new('--ipv6', '--ipv6', [CompletionResultType]::ParameterName, 'Use IPv6 addresses only')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Do not verify TLS certificates (the report says so, loudly)')
            [CompletionResult]::new('--http1-only', '--http1-only', [CompletionResultType]::ParameterName, 'Only the HTTP/1.1 road, as a browser without an HTTP/2 connection to the origin: ALPN offers http/1.1 alone and no socket is opened over HTTP/2')
            [CompletionResult]::new('--http2', '--http2', [CompletionResultType]::ParameterName, 'Require the HTTP/2 road (RFC 8441 extended CONNECT) for the echo and terminal sockets, as a browser holding an HTTP/2 connection takes it; a server that cannot carry them that way fails')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'wsdoctor;watch' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'The config file [default: ./wsdoctor.toml when it exists]')
            [CompletionResult]::new('--target', '--target', [CompletionResultType]::ParameterName, 'Run only these targets of the config file, by name (repeatable, or comma-separated)')
            [CompletionResult]::new('--parallel', '--parallel', [CompletionResultType]::ParameterName, 'How many targets are checked at once')
            [CompletionResult]::new('--interval', '--interval', [CompletionResultType]::ParameterName, 'Time between the starts of two runs')
            [CompletionResult]::new('--runs', '--runs', [CompletionResultType]::ParameterName, 'Stop after this many runs (default: until Ctrl-C)')
            [CompletionResult]::new('--fail-on', '--fail-on', [CompletionResultType]::ParameterName, 'Make warnings fail the run too (exit 1; in JUnit the warned check is a failure)')
            [CompletionResult]::new('--min-cert-days', '--min-cert-days', [CompletionResultType]::ParameterName, 'Fail the tls check when the certificate has fewer days left than this')
            [CompletionResult]::new('--max-echo-rtt', '--max-echo-rtt', [CompletionResultType]::ParameterName, 'Fail the echo check when the round trip (the median with --count) is slower than this')
            [CompletionResult]::new('--max-first-message', '--max-first-message', [CompletionResultType]::ParameterName, 'Fail the terminal check when its first message comes later than this after open')
            [CompletionResult]::new('--max-attempts', '--max-attempts', [CompletionResultType]::ParameterName, 'Fail the echo and terminal checks when they needed more attempts than this')
            [CompletionResult]::new('--allow-warning', '--allow-warning', [CompletionResultType]::ParameterName, 'Accept warnings with these causes (comma-separated, repeatable): still reported, marked allowed, but --fail-on warn does not fail on them')
            [CompletionResult]::new('--require', '--require', [CompletionResultType]::ParameterName, 'Fail when one of these checks is not checked for want of an input (comma-separated ids, e.g. terminal: needs --session)')
            [CompletionResult]::new('--session', '--session', [CompletionResultType]::ParameterName, 'Session id for the session and terminal checks (redacted in output)')
            [CompletionResult]::new('--origin', '--origin', [CompletionResultType]::ParameterName, 'The frontend''s origin, sent as Origin on upgrades and CORS requests [default: $FRONTEND_URL]')
            [CompletionResult]::new('-H', '-H ', [CompletionResultType]::ParameterName, 'An extra request header ''Name: value'' (repeatable) [env: WSDOCTOR_HEADER, one header per line]')
            [CompletionResult]::new('--header', '--header', [CompletionResultType]::ParameterName, 'An extra request header ''Name: value'' (repeatable) [env: WSDOCTOR_HEADER, one header per line]')
            [CompletionResult]::new('--subprotocol', '--subprotocol', [CompletionResultType]::ParameterName, 'A subprotocol to offer in Sec-WebSocket-Protocol, as a browser''s new WebSocket(url, protocols) does (repeatable, or comma-separated)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Client timeout per WebSocket attempt, as the web client''s 25 s')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'Timeout for each network step before the WebSocket: DNS, TCP, TLS, an HTTP answer')
            [CompletionResult]::new('--resolve', '--resolve', [CompletionResultType]::ParameterName, 'Use ADDR for HOST:PORT instead of DNS, like curl; ADDR may list several, comma-separated (repeatable)')
            [CompletionResult]::new('--proxy', '--proxy', [CompletionResultType]::ParameterName, 'HTTP CONNECT proxy (http://[user:pass@]host:port) [default: HTTPS_PROXY / HTTP_PROXY / ALL_PROXY, honouring NO_PROXY]')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'Trust the CA certificates in this PEM file too')
            [CompletionResult]::new('--cert', '--cert', [CompletionResultType]::ParameterName, 'Client certificate chain for mutual TLS (PEM; may hold the key too)')
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'Private key for --cert (PEM: PKCS#8, PKCS#1 or SEC1) [default: the --cert file]')
            [CompletionResult]::new('--send', '--send', [CompletionResultType]::ParameterName, 'A message to send on the terminal socket once it is open')
            [CompletionResult]::new('--expect', '--expect', [CompletionResultType]::ParameterName, 'A regular expression a terminal message must match (after --send) for the check to pass (regex syntax; \w, \d, \s and case folding are ASCII)')
            [CompletionResult]::new('--count', '--count', [CompletionResultType]::ParameterName, 'Echo round trips on one socket, for latency statistics (min/median/p90/p99/max, loss, jitter)')
            [CompletionResult]::new('--hold', '--hold', [CompletionResultType]::ParameterName, 'After the echo works, hold sockets open this long to find idle and lifetime cuts (the hold check)')
            [CompletionResult]::new('--ping-interval', '--ping-interval', [CompletionResultType]::ParameterName, 'Interval of the pinging and messaging sockets during --hold')
            [CompletionResult]::new('--only', '--only', [CompletionResultType]::ParameterName, 'Run only these checks (comma-separated ids, e.g. health,echo)')
            [CompletionResult]::new('--skip', '--skip', [CompletionResultType]::ParameterName, 'Skip these checks (comma-separated ids)')
            [CompletionResult]::new('--health-path', '--health-path', [CompletionResultType]::ParameterName, 'Health endpoint path')
            [CompletionResult]::new('--diagnostics-path', '--diagnostics-path', [CompletionResultType]::ParameterName, 'Diagnostics endpoint path')
            [CompletionResult]::new('--echo-path', '--echo-path', [CompletionResultType]::ParameterName, 'WebSocket echo endpoint path')
            [CompletionResult]::new('--terminal-path', '--terminal-path', [CompletionResultType]::ParameterName, 'Terminal socket path template; {session} is replaced by the session id [default: from /health''s endpoints, else /terminal/{session}]')
            [CompletionResult]::new('--session-path', '--session-path', [CompletionResultType]::ParameterName, 'Session validation path template, e.g. /api/sessions/{session} [default: from /health''s endpoints]')
            [CompletionResult]::new('--attempts', '--attempts', [CompletionResultType]::ParameterName, 'WebSocket attempts before giving up (1 = no retry), as the web client''s 5. Given, they run exactly as the web client makes them, one after another; by default a hang is not waited out again: one overlapping attempt tells a hang from an intermittent one, within one timeout')
            [CompletionResult]::new('--retry-delay', '--retry-delay', [CompletionResultType]::ParameterName, 'First retry delay; it doubles each attempt (capped at 8 s) with jitter')
            [CompletionResult]::new('--accept-silence', '--accept-silence', [CompletionResultType]::ParameterName, 'For servers that never greet: a terminal that stays open and silent this long passes (with a warning). Without it, the terminal must send a first message within --timeout, as the web client waits for one')
            [CompletionResult]::new('--observe', '--observe', [CompletionResultType]::ParameterName, 'How long a socket is watched after it did its job (greeted, echoed, matched --expect); a session that dies in this window fails')
            [CompletionResult]::new('--deadline', '--deadline', [CompletionResultType]::ParameterName, 'Bound on the whole run; checks still running then fail with a timeout [default: 5m, plus --hold]')
            [CompletionResult]::new('--cert-warn-days', '--cert-warn-days', [CompletionResultType]::ParameterName, 'Warn when the certificate has fewer days left than this (or, for a certificate that lives shorter, less than a third of its lifetime)')
            [CompletionResult]::new('--browser-path', '--browser-path', [CompletionResultType]::ParameterName, 'The Chromium (or Chrome) to run for --browser: a path, or a name on PATH [default: the first of chromium, chromium-browser, google-chrome, google-chrome-stable, chrome on PATH]')
            [CompletionResult]::new('--redis-url', '--redis-url', [CompletionResultType]::ParameterName, 'The session store to check, redis://[[user]:password@]host:6379/DB or rediss:// for TLS (--cacert applies); its credentials are redacted [default: $REDIS_URL]')
            [CompletionResult]::new('--session-key', '--session-key', [CompletionResultType]::ParameterName, 'The session''s key in the store, with {session} for the id (e.g. ''session:{session}'') [default: as the diagnostics endpoint advertises it]')
            [CompletionResult]::new('--store-pings', '--store-pings', [CompletionResultType]::ParameterName, 'PINGs the store check times (min/median/p99)')
            [CompletionResult]::new('--store-slow', '--store-slow', [CompletionResultType]::ParameterName, 'A median PING above this warns that the store is slow (a failure when a session validation times out)')
            [CompletionResult]::new('--session-min-ttl', '--session-min-ttl', [CompletionResultType]::ParameterName, 'The session''s expected use: a key that expires sooner warns')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Write the chosen format to FILE (written whole, or not at all); the terminal still shows the human view. `-` is standard output')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Write the chosen format to FILE (written whole, or not at all); the terminal still shows the human view. `-` is standard output')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR and CI turn it off in auto)')
            [CompletionResult]::new('--trace-file', '--trace-file', [CompletionResultType]::ParameterName, 'Write the trace to FILE as well as stderr (implies --trace)')
            [CompletionResult]::new('-w', '-w', [CompletionResultType]::ParameterName, 'Print FORMAT once per target after the run, as curl''s -w: %{verdict} %{code} %{cause} %{check} %{target} %{time_total} %{time_dns} %{time_connect} %{time_tls} %{time_upgrade} %{time_first_message} (seconds; 0.000000 for a phase not timed) %{http_version} %{close_code} %{platform}; \n \t and %% escapes. With the human format it replaces the report on stdout; other formats print their document first')
            [CompletionResult]::new('--write-out', '--write-out', [CompletionResultType]::ParameterName, 'Print FORMAT once per target after the run, as curl''s -w: %{verdict} %{code} %{cause} %{check} %{target} %{time_total} %{time_dns} %{time_connect} %{time_tls} %{time_upgrade} %{time_first_message} (seconds; 0.000000 for a phase not timed) %{http_version} %{close_code} %{platform}; \n \t and %% escapes. With the human format it replaces the report on stdout; other formats print their document first')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format [default: human]')
            [CompletionResult]::new('--no-config', '--no-config', [CompletionResultType]::ParameterName, 'Read no config file, not even ./wsdoctor.toml: the command line and the environment only')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Print what the run would do (target, route, limits, the checks and their order) and exit without sending anything')
            [CompletionResult]::new('--no-proxy', '--no-proxy', [CompletionResultType]::ParameterName, 'Connect directly even when a proxy variable is set')
            [CompletionResult]::new('-4', '-4', [CompletionResultType]::ParameterName, 'Use IPv4 addresses only')
            [CompletionResult]::new('--ipv4', '--ipv4', [CompletionResultType]::ParameterName, 'Use IPv4 addresses only')
            [CompletionResult]::new('-6', '-6', [CompletionResultType]::ParameterName, 'Use IPv6 addresses only')
            [CompletionResult]::new('--ipv6', '--ipv6', [CompletionResultType]::ParameterName, 'Use IPv6 addresses only')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Do not verify TLS certificates (the report says so, loudly)')
            [CompletionResult]::new('--http1-only', '--http1-only', [CompletionResultType]::ParameterName, 'Only the HTTP/1.1 road, as a browser without an HTTP/2 connection to the origin: ALPN offers http/1.1 alone and no socket is opened over HTTP/2')
            [CompletionResult]::new('--http2', '--http2', [CompletionResultType]::ParameterName, 'Require the HTTP/2 road (RFC 8441 extended CONNECT) for the echo and terminal sockets, as a browser holding an HTTP/2 connection takes it; a server that cannot carry them that way fails')
            [CompletionResult]::new('--all-addresses', '--all-addresses', [CompletionResultType]::ParameterName, 'Connect to every resolved address (not just the first that answers), to find a bad node')
            [CompletionResult]::new('--browser', '--browser', [CompletionResultType]::ParameterName, 'Also run the page, /health and the sockets in a headless Chromium on the frontend origin, and put what the browser saw beside the command line''s verdict (the browser check)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing on stdout but one verdict line, whatever the format (the document goes to --output if given)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing on stdout but one verdict line, whatever the format (the document goes to --output if given)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print the connection log to stderr, as the web client''s console does; twice (-vv) also traces the wire, as --trace')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print the connection log to stderr, as the web client''s console does; twice (-vv) also traces the wire, as --trace')
            [CompletionResult]::new('--trace', '--trace', [CompletionResultType]::ParameterName, 'Trace the wire on stderr, in order, timed from the start: DNS answers, connects, TLS (version, ALPN, SNI, the chain''s subjects and dates), every request and response head, HTTP/2 frames, every WebSocket frame and the close; secrets redacted, server text escaped, bounded; `wire` events with --format ndjson')
            [CompletionResult]::new('--show-secrets', '--show-secrets', [CompletionResultType]::ParameterName, 'Show session ids, tokens and credentials instead of redacting them')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'wsdoctor;help' {
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print shell completions for SHELL to stdout')
            [CompletionResult]::new('man', 'man', [CompletionResultType]::ParameterValue, 'Print a man page (roff) to stdout: the top page, or a subcommand''s')
            [CompletionResult]::new('check', 'check', [CompletionResultType]::ParameterValue, 'Run the checklist against a deployment (http(s) base URL or a ws(s) socket URL)')
            [CompletionResult]::new('demo', 'demo', [CompletionResultType]::ParameterValue, 'Start the reference backend on loopback and check it: the zero-setup first run')
            [CompletionResult]::new('lab', 'lab', [CompletionResultType]::ParameterValue, 'Run the reference backend (with an optional fault) for reproductions and tests')
            [CompletionResult]::new('explain', 'explain', [CompletionResultType]::ParameterValue, 'Explain a failure code: what it means, how it looks on the wire, what to do')
            [CompletionResult]::new('config', 'config', [CompletionResultType]::ParameterValue, 'Validate the config file (wsdoctor.toml), or print its JSON Schema')
            [CompletionResult]::new('serve', 'serve', [CompletionResultType]::ParameterValue, 'Serve probes to Prometheus: GET /probe?target=NAME&module=MODULE answers with metrics')
            [CompletionResult]::new('ping', 'ping', [CompletionResultType]::ParameterValue, 'Round trips on one socket over time (ping frames or echo messages): latency, jitter, loss, cuts')
            [CompletionResult]::new('watch', 'watch', [CompletionResultType]::ParameterValue, 'Repeat the checklist every interval: a line a run, a line whenever a check changes state')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'wsdoctor;help;completions' {
            break
        }
        'wsdoctor;help;man' {
            break
        }
        'wsdoctor;help;check' {
            break
        }
        'wsdoctor;help;demo' {
            break
        }
        'wsdoctor;help;lab' {
            break
        }
        'wsdoctor;help;explain' {
            break
        }
        'wsdoctor;help;config' {
            [CompletionResult]::new('check', 'check', [CompletionResultType]::ParameterValue, 'Validate a file without running it: syntax, keys, values, environment references, every target''s options')
            [CompletionResult]::new('schema', 'schema', [CompletionResultType]::ParameterValue, 'Print the JSON Schema of the file (schema/config.v1.json), for editors')
            break
        }
        'wsdoctor;help;config;check' {
            break
        }
        'wsdoctor;help;config;schema' {
            break
        }
        'wsdoctor;help;serve' {
            break
        }
        'wsdoctor;help;ping' {
            break
        }
        'wsdoctor;help;watch' {
            break
        }
        'wsdoctor;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
