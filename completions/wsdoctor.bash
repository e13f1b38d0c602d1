_wsdoctor() {
    local i cur prev opts cmd
    COMPREPLY=()
    if [[ "${BASH_VERSINFO[0]}" -ge 4 ]]; then
        cur="$2"
    else
        cur="${COMP_WORDS[COMP_CWORD]}"
    fi
    prev="$3"
    cmd=""
    opts=""

    for i in "${COMP_WORDS[@]:0:COMP_CWORD}"
    do
        case "${cmd},${i}" in
            ",$1")
                cmd="wsdoctor"
                ;;
            wsdoctor,check)
                cmd="wsdoctor__subcmd__check"
                ;;
            wsdoctor,completions)
                cmd="wsdoctor__subcmd__completions"
                ;;
            wsdoctor,config)
                cmd="wsdoctor__subcmd__config"
                ;;
            wsdoctor,demo)
                cmd="wsdoctor__subcmd__demo"
                ;;
            wsdoctor,explain)
                cmd="wsdoctor__subcmd__explain"
                ;;
            wsdoctor,help)
                cmd="wsdoctor__subcmd__help"
                ;;
            wsdoctor,lab)
                cmd="wsdoctor__subcmd__lab"
                ;;
            wsdoctor,man)
                cmd="wsdoctor__subcmd__man"
                ;;
            wsdoctor,ping)
                cmd="wsdoctor__subcmd__ping"
                ;;
            wsdoctor,serve)
                cmd="wsdoctor__subcmd__serve"
                ;;
            wsdoctor,watch)
                cmd="wsdoctor__subcmd__watch"
                ;;
            wsdoctor__subcmd__config,check)
                cmd="wsdoctor__subcmd__config__subcmd__check"
                ;;
            wsdoctor__subcmd__config,help)
                cmd="wsdoctor__subcmd__config__subcmd__help"
                ;;
            wsdoctor__subcmd__config,schema)
                cmd="wsdoctor__subcmd__config__subcmd__schema"
                ;;
            wsdoctor__subcmd__config__subcmd__help,check)
                cmd="wsdoctor__subcmd__config__subcmd__help__subcmd__check"
                ;;
            wsdoctor__subcmd__config__subcmd__help,help)
                cmd="wsdoctor__subcmd__config__subcmd__help__subcmd__help"
                ;;
            wsdoctor__subcmd__config__subcmd__help,schema)
                cmd="wsdoctor__subcmd__config__subcmd__help__subcmd__schema"
                ;;
            wsdoctor__subcmd__help,check)
                cmd="wsdoctor__subcmd__help__subcmd__check"
                ;;
            wsdoctor__subcmd__help,completions)
                cmd="wsdoctor__subcmd__help__subcmd__completions"
                ;;
            wsdoctor__subcmd__help,config)
                cmd="wsdoctor__subcmd__help__subcmd__config"
                ;;
            wsdoctor__subcmd__help,demo)
                cmd="wsdoctor__subcmd__help__subcmd__demo"
                ;;
            wsdoctor__subcmd__help,explain)
                cmd="wsdoctor__subcmd__help__subcmd__explain"
                ;;
            wsdoctor__subcmd__help,help)
                cmd="wsdoctor__subcmd__help__subcmd__help"
                ;;
            wsdoctor__subcmd__help,lab)
                cmd="wsdoctor__subcmd__help__subcmd__lab"
                ;;
            wsdoctor__subcmd__help,man)
                cmd="wsdoctor__subcmd__help__subcmd__man"
                ;;
            wsdoctor__subcmd__help,ping)
                cmd="wsdoctor__subcmd__help__subcmd__ping"
                ;;
            wsdoctor__subcmd__help,serve)
                cmd="wsdoctor__subcmd__help__subcmd__serve"
                ;;
            wsdoctor__subcmd__help,watch)
                cmd="wsdoctor__subcmd__help__subcmd__watch"
                ;;
            wsdoctor__subcmd__help__subcmd__config,check)
                cmd="wsdoctor__subcmd__help__subcmd__config__subcmd__check"
                ;;
            wsdoctor__subcmd__help__subcmd__config,schema)
                cmd="wsdoctor__subcmd__help__subcmd__config__subcmd__schema"
                ;;
            *)
                ;;
        esac
    done

    case "${cmd}" in
        wsdoctor)
            opts="-h -V --help --version completions man check demo lab explain config serve ping watch help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 1 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        wsdoctor__subcmd__check)
            opts="-H -4 -6 -o -q -v -w -h -V --config --no-config --target --parallel --fail-on --min-cert-days --max-echo-rtt --max-first-message --max-attempts --allow-warning --require --dry-run --session --origin --header --subprotocol --timeout --connect-timeout --resolve --proxy --no-proxy --cacert --cert --key --ipv4 --ipv6 --insecure --http1-only --http2 --send --expect --count --hold --ping-interval --only --skip --health-path --diagnostics-path --echo-path --terminal-path --session-path --attempts --retry-delay --accept-silence --observe --deadline --all-addresses --cert-warn-days --browser --browser-path --redis-url --session-key --store-pings --store-slow --session-min-ttl --format --output --color --quiet --verbose --trace --trace-file --show-secrets --write-out --help --version"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 2 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --config)
                    local oldifs
                    if [ -n "${IFS+x}" ]; then
                        oldifs="$IFS"
                    fi
                    IFS=$'\n'
                    COMPREPLY=($(compgen -f "${cur}"))
                    if [ -n "${oldifs+x}" ]; then
                        IFS="$oldifs"
                    fi
                    if [[ "${BASH_VERSINFO[0]}" -ge 4 ]]; then
                        compopt -o filenames
                    fi
                    return 0
                    ;;
                --target)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --parallel)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --fail-on)
                    COMPREPLY=($(compgen -W "fail warn" -- "${cur}"))
                    return 0
                    ;;
                --min-cert-days)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --max-echo-rtt)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --max-first-message)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --max-attempts)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --allow-warning)
                    COMPREPLY=($(compgen -W "dns_not_found dns_failed offline tcp_refused tcp_timeout tcp_unreachable connection_reset tls_unknown_issuer tls_expired tls_not_yet_valid tls_name_mismatch tls_handshake tls_timeout tls_client_cert_required tls_client_cert_rejected http_timeout upgrade_redirected upgrade_not_forwarded upgrade_wrong_path upgrade_forbidden origin_rejected app_runner_upgrade_blocked proxy_no_upstream handshake_invalid handshake_timeout invalid_url invalid_request mixed_content abnormal_close idle_cut lifetime_cut no_route_after_open upgrade_unanswered proxy_upstream_timeout response_truncated response_too_large invalid_close_code protocol_violation response_malformed proxy_broken server_going_away session_invalid server_timeout client_timeout server_error echo_mismatch expect_not_met retries_exhausted health_status health_degraded health_invalid cors_origin_not_allowed cors_incomplete cert_days_below_minimum echo_rtt_above_maximum first_message_above_maximum attempts_above_maximum warning_not_allowed proxy_auth_required proxy_refused proxy_upstream_failed proxy_timeout store_unreachable store_tls store_auth_refused store_wrong_database store_not_ready store_slow store_disconnected session_expired_or_never_created session_expiring alpn_mismatch extended_connect_disabled h2_connect_refused h2_stream_reset h2_goaway internal_error browser_unavailable address_denied local_network_access origin_not_enforced origin_unknown mixed_content_loopback_only tls_unverified tls_expiring health_incomplete websocket_disabled echo_loss server_timeout_below_client cors_origin_not_listed terminal_silent store_evicts_sessions store_memory_full hold_shortened diagnostics_invalid echo_path_mismatch session_endpoint_unrecognized session_key_elsewhere browser_disagrees required_check_skipped" -- "${cur}"))
                    return 0
                    ;;
                --require)
                    COMPREPLY=($(compgen -W "target dns tcp tls health diagnostics cors echo session store terminal origin browser hold" -- "${cur}"))
                    return 0
                    ;;
                --session)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --origin)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --header)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                -H)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --subprotocol)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --timeout)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --connect-timeout)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --resolve)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --proxy)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --cacert)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --cert)
                    local oldifs
                    if [ -n "${IFS+x}" ]; then
                        oldifs="$IFS"
                    fi
                    IFS=$'\n'
                    COMPREPLY=($(compgen -f "${cur}"))
                    if [ -n "${oldifs+x}" ]; then
                        IFS="$oldifs"
                    fi
                    if [[ "${BASH_VERSINFO[0]}" -ge 4 ]]; then
                        compopt -o filenames
                    fi
                    return 0
                    ;;
                --key)
                    local oldifs
                    if [ -n "${IFS+x}" ]; then
                        oldifs="$IFS"
                    fi
                    IFS=$'\n'
                    COMPREPLY=($(compgen -f "${cur}"))
                    if [ -n "${oldifs+x}" ]; then
                        IFS="$oldifs"
                    fi
                    if [[ "${BASH_VERSINFO[0]}" -ge 4 ]]; then
                        compopt -o filenames
                    fi
                    return 0
                    ;;
                --send)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --expect)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --count)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --hold)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --ping-interval)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --only)
                    COMPREPLY=($(compgen -W "target dns tcp tls health diagnostics cors echo session store terminal origin browser hold" -- "${cur}"))
                    return 0
                    ;;
                --skip)
                    COMPREPLY=($(compgen -W "target dns tcp tls health diagnostics cors echo session store terminal origin browser hold" -- "${cur}"))
                    return 0
                    ;;
                --health-path)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --diagnostics-path)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --echo-path)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --terminal-path)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --session-path)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --attempts)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --retry-delay)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --accept-silence)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --observe)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --deadline)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --cert-warn-days)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --browser-path)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --redis-url)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --session-key)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --store-pings)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --store-slow)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --session-min-ttl)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --format)
                    COMPREPLY=($(compgen -W "human json ndjson junit markdown github html" -- "${cur}"))
                    return 0
                    ;;
                --output)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                -o)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --color)
                    COMPREPLY=($(compgen -W "auto always never" -- "${cur}"))
                    return 0
                    ;;
                --trace-file)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --write-out)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                -w)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        wsdoctor__subcmd__completions)
            opts="-h -V --help --version bash elvish fish powershell zsh"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 2 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        wsdoctor__subcmd__config)
            opts="-h -V --help --version check schema help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 2 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        wsdoctor__subcmd__config__subcmd__check)
            opts="-h -V --config --help --version"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --config)
                    local oldifs
                    if [ -n "${IFS+x}" ]; then
                        oldifs="$IFS"
                    fi
                    IFS=$'\n'
                    COMPREPLY=($(compgen -f "${cur}"))
                    if [ -n "${oldifs+x}" ]; then
                        IFS="$oldifs"
                    fi
                    if [[ "${BASH_VERSINFO[0]}" -ge 4 ]]; then
                        compopt -o filenames
                    fi
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        wsdoctor__subcmd__config__subcmd__help)
            opts="check schema help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        wsdoctor__subcmd__config__subcmd__help__subcmd__check)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        wsdoctor__subcmd__config__subcmd__help__subcmd__help)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        wsdoctor__subcmd__config__subcmd__help__subcmd__schema)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        wsdoctor__subcmd__config__subcmd__schema)
            opts="-h -V --help --version"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        wsdoctor__subcmd__demo)
            opts="-H -4 -6 -o -q -v -w -h -V --fault --tls --fail-on --min-cert-days --max-echo-rtt --max-first-message --max-attempts --allow-warning --require --dry-run --session --origin --header --subprotocol --timeout --connect-timeout --resolve --proxy --no-proxy --cacert --cert --key --ipv4 --ipv6 --insecure --http1-only --http2 --send --expect --count --hold --ping-interval --only --skip --health-path --diagnostics-path --echo-path --terminal-path --session-path --attempts --retry-delay --accept-silence --observe --deadline --all-addresses --cert-warn-days --browser --browser-path --redis-url --session-key --store-pings --store-slow --session-min-ttl --format --output --color --quiet --verbose --trace --trace-file --show-secrets --write-out --help --version"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 2 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --fault)
                    COMPREPLY=($(compgen -W "app-runner strip-upgrade proxy-502 redirect idle-cut lifetime-cut edge-403 origin-check origin-close origin-silent origin-any handshake-hang bad-accept no-route upgrade-close http10-refusal proxy-504 trickle-101 subprotocol huge-head truncated-body drop-after-open flaky flaky-hang going-away echo-mismatch bad-close bad-utf8 greet-then-close greet-then-drop session-takeover invalid-session server-error policy-timeout store-hang store-down health-degraded health-redirect health-redirect-offsite blackhole plain-app tls-self-signed tls-expired tls-wrong-name tls-not-yet-valid tls-expiring tls-short-lived tls-client-cert h2-no-connect h2-only h2-only-no-connect h2-connect-403 h2-stream-reset h2-goaway h2-idle-cut" -- "${cur}"))
                    return 0
                    ;;
                --fail-on)
                    COMPREPLY=($(compgen -W "fail warn" -- "${cur}"))
                    return 0
                    ;;
                --min-cert-days)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --max-echo-rtt)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --max-first-message)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --max-attempts)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --allow-warning)
                    COMPREPLY=($(compgen -W "dns_not_found dns_failed offline tcp_refused tcp_timeout tcp_unreachable connection_reset tls_unknown_issuer tls_expired tls_not_yet_valid tls_name_mismatch tls_handshake tls_timeout tls_client_cert_required tls_client_cert_rejected http_timeout upgrade_redirected upgrade_not_forwarded upgrade_wrong_path upgrade_forbidden origin_rejected app_runner_upgrade_blocked proxy_no_upstream handshake_invalid handshake_timeout invalid_url invalid_request mixed_content abnormal_close idle_cut lifetime_cut no_route_after_open upgrade_unanswered proxy_upstream_timeout response_truncated response_too_large invalid_close_code protocol_violation response_malformed proxy_broken server_going_away session_invalid server_timeout client_timeout server_error echo_mismatch expect_not_met retries_exhausted health_status health_degraded health_invalid cors_origin_not_allowed cors_incomplete cert_days_below_minimum echo_rtt_above_maximum first_message_above_maximum attempts_above_maximum warning_not_allowed proxy_auth_required proxy_refused proxy_upstream_failed proxy_timeout store_unreachable store_tls store_auth_refused store_wrong_database store_not_ready store_slow store_disconnected session_expired_or_never_created session_expiring alpn_mismatch extended_connect_disabled h2_connect_refused h2_stream_reset h2_goaway internal_error browser_unavailable address_denied local_network_access origin_not_enforced origin_unknown mixed_content_loopback_only tls_unverified tls_expiring health_incomplete websocket_disabled echo_loss server_timeout_below_client cors_origin_not_listed terminal_silent store_evicts_sessions store_memory_full hold_shortened diagnostics_invalid echo_path_mismatch session_endpoint_unrecognized session_key_elsewhere browser_disagrees required_check_skipped" -- "${cur}"))
                    return 0
                    ;;
                --require)
                    COMPREPLY=($(compgen -W "target dns tcp tls health diagnostics cors echo session store terminal origin browser hold" -- "${cur}"))
                    return 0
                    ;;
                --session)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --origin)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --header)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                -H)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --subprotocol)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --timeout)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --connect-timeout)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --resolve)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --proxy)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --cacert)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --cert)
                    local oldifs
                    if [ -n "${IFS+x}" ]; then
                        oldifs="$IFS"
                    fi
                    IFS=$'\n'
                    COMPREPLY=($(compgen -f "${cur}"))
                    if [ -n "${oldifs+x}" ]; then
                        IFS="$oldifs"
                    fi
                    if [[ "${BASH_VERSINFO[0]}" -ge 4 ]]; then
                        compopt -o filenames
                    fi
                    return 0
                    ;;
                --key)
                    local oldifs
                    if [ -n "${IFS+x}" ]; then
                        oldifs="$IFS"
                    fi
                    IFS=$'\n'
                    COMPREPLY=($(compgen -f "${cur}"))
                    if [ -n "${oldifs+x}" ]; then
                        IFS="$oldifs"
                    fi
                    if [[ "${BASH_VERSINFO[0]}" -ge 4 ]]; then
                        compopt -o filenames
                    fi
                    return 0
                    ;;
                --send)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --expect)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --count)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --hold)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --ping-interval)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --only)
                    COMPREPLY=($(compgen -W "target dns tcp tls health diagnostics cors echo session store terminal origin browser hold" -- "${cur}"))
                    return 0
                    ;;
                --skip)
                    COMPREPLY=($(compgen -W "target dns tcp tls health diagnostics cors echo session store terminal origin browser hold" -- "${cur}"))
                    return 0
                    ;;
                --health-path)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --diagnostics-path)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --echo-path)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --terminal-path)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --session-path)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --attempts)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --retry-delay)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --accept-silence)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --observe)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --deadline)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --cert-warn-days)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --browser-path)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --redis-url)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --session-key)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --store-pings)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --store-slow)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --session-min-ttl)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --format)
                    COMPREPLY=($(compgen -W "human json ndjson junit markdown github html" -- "${cur}"))
                    return 0
                    ;;
                --output)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                -o)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --color)
                    COMPREPLY=($(compgen -W "auto always never" -- "${cur}"))
                    return 0
                    ;;
                --trace-file)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --write-out)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                -w)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        wsdoctor__subcmd__explain)
            opts="-h -V --format --markdown --help --version OFFLINE PROXY_ERROR WEBSOCKET_CREATION_FAILED MIXED_CONTENT LOCAL_NETWORK_ACCESS TLS_ERROR AWS_APP_RUNNER_ERROR UPGRADE_REJECTED CONNECTION_FAILED SESSION_STORE_ERROR CONNECTION_TIMEOUT SESSION_INVALID SERVER_ERROR ABNORMAL_CLOSURE IDLE_TIMEOUT MAX_RETRIES_EXCEEDED HEALTH_CHECK_FAILED CORS_REJECTED ORIGIN_NOT_ENFORCED INCONCLUSIVE GATE_FAILED INTERNAL_ERROR dns_not_found dns_failed offline tcp_refused tcp_timeout tcp_unreachable connection_reset tls_unknown_issuer tls_expired tls_not_yet_valid tls_name_mismatch tls_handshake tls_timeout tls_client_cert_required tls_client_cert_rejected http_timeout upgrade_redirected upgrade_not_forwarded upgrade_wrong_path upgrade_forbidden origin_rejected app_runner_upgrade_blocked proxy_no_upstream handshake_invalid handshake_timeout invalid_url invalid_request mixed_content abnormal_close idle_cut lifetime_cut no_route_after_open upgrade_unanswered proxy_upstream_timeout response_truncated response_too_large invalid_close_code protocol_violation response_malformed proxy_broken server_going_away session_invalid server_timeout client_timeout server_error echo_mismatch expect_not_met retries_exhausted health_status health_degraded health_invalid cors_origin_not_allowed cors_incomplete cert_days_below_minimum echo_rtt_above_maximum first_message_above_maximum attempts_above_maximum warning_not_allowed proxy_auth_required proxy_refused proxy_upstream_failed proxy_timeout store_unreachable store_tls store_auth_refused store_wrong_database store_not_ready store_slow store_disconnected session_expired_or_never_created session_expiring alpn_mismatch extended_connect_disabled h2_connect_refused h2_stream_reset h2_goaway internal_error browser_unavailable address_denied local_network_access origin_not_enforced origin_unknown mixed_content_loopback_only tls_unverified tls_expiring health_incomplete websocket_disabled echo_loss server_timeout_below_client cors_origin_not_listed terminal_silent store_evicts_sessions store_memory_full hold_shortened diagnostics_invalid echo_path_mismatch session_endpoint_unrecognized session_key_elsewhere browser_disagrees required_check_skipped 1000 1001 1002 1003 1005 1006 1007 1008 1009 1011 1012 1013 1014 1015 4000 4500"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 2 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --format)
                    COMPREPLY=($(compgen -W "human json" -- "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        wsdoctor__subcmd__help)
            opts="completions man check demo lab explain config serve ping watch help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 2 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        wsdoctor__subcmd__help__subcmd__check)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        wsdoctor__subcmd__help__subcmd__completions)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        wsdoctor__subcmd__help__subcmd__config)
            opts="check schema"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        wsdoctor__subcmd__help__subcmd__config__subcmd__check)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        wsdoctor__subcmd__help__subcmd__config__subcmd__schema)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        wsdoctor__subcmd__help__subcmd__demo)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        wsdoctor__subcmd__help__subcmd__explain)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        wsdoctor__subcmd__help__subcmd__help)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        wsdoctor__subcmd__help__subcmd__lab)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        wsdoctor__subcmd__help__subcmd__man)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        wsdoctor__subcmd__help__subcmd__ping)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        wsdoctor__subcmd__help__subcmd__serve)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        wsdoctor__subcmd__help__subcmd__watch)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        wsdoctor__subcmd__lab)
            opts="-h -V --fault --listen --tls --http2 --ca-out --client-cert-out --session --allow-origin --ping-interval --redis-url --session-ttl --connect-proxy --proxy-credentials --list-faults --dry-run --help --version"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 2 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --fault)
                    COMPREPLY=($(compgen -W "app-runner strip-upgrade proxy-502 redirect idle-cut lifetime-cut edge-403 origin-check origin-close origin-silent origin-any handshake-hang bad-accept no-route upgrade-close http10-refusal proxy-504 trickle-101 subprotocol huge-head truncated-body drop-after-open flaky flaky-hang going-away echo-mismatch bad-close bad-utf8 greet-then-close greet-then-drop session-takeover invalid-session server-error policy-timeout store-hang store-down health-degraded health-redirect health-redirect-offsite blackhole plain-app tls-self-signed tls-expired tls-wrong-name tls-not-yet-valid tls-expiring tls-short-lived tls-client-cert h2-no-connect h2-only h2-only-no-connect h2-connect-403 h2-stream-reset h2-goaway h2-idle-cut" -- "${cur}"))
                    return 0
                    ;;
                --listen)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --ca-out)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --client-cert-out)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --session)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --allow-origin)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --ping-interval)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --redis-url)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --session-ttl)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --connect-proxy)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --proxy-credentials)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        wsdoctor__subcmd__man)
            opts="-h -V --help --version check watch demo lab explain config serve ping"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 2 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        wsdoctor__subcmd__ping)
            opts="-c -i -q -H -4 -6 -h -V --count --interval --echo --sample-timeout --max-loss --max-cuts --max-reconnects --format --quiet --color --show-secrets --origin --header --subprotocol --timeout --connect-timeout --resolve --proxy --no-proxy --cacert --cert --key --ipv4 --ipv6 --insecure --http1-only --http2 --help --version"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 2 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --count)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                -c)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --interval)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                -i)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --sample-timeout)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --max-loss)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --max-cuts)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --max-reconnects)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --format)
                    COMPREPLY=($(compgen -W "human json ndjson" -- "${cur}"))
                    return 0
                    ;;
                --color)
                    COMPREPLY=($(compgen -W "auto always never" -- "${cur}"))
                    return 0
                    ;;
                --origin)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --header)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                -H)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --subprotocol)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --timeout)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --connect-timeout)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --resolve)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --proxy)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --cacert)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --cert)
                    local oldifs
                    if [ -n "${IFS+x}" ]; then
                        oldifs="$IFS"
                    fi
                    IFS=$'\n'
                    COMPREPLY=($(compgen -f "${cur}"))
                    if [ -n "${oldifs+x}" ]; then
                        IFS="$oldifs"
                    fi
                    if [[ "${BASH_VERSINFO[0]}" -ge 4 ]]; then
                        compopt -o filenames
                    fi
                    return 0
                    ;;
                --key)
                    local oldifs
                    if [ -n "${IFS+x}" ]; then
                        oldifs="$IFS"
                    fi
                    IFS=$'\n'
                    COMPREPLY=($(compgen -f "${cur}"))
                    if [ -n "${oldifs+x}" ]; then
                        IFS="$oldifs"
                    fi
                    if [[ "${BASH_VERSINFO[0]}" -ge 4 ]]; then
                        compopt -o filenames
                    fi
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        wsdoctor__subcmd__serve)
            opts="-h -V --listen --listen-public --config --allow-any-target --max-concurrent --shutdown-grace --log-format --dry-run --help --version"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 2 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --listen)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --config)
                    local oldifs
                    if [ -n "${IFS+x}" ]; then
                        oldifs="$IFS"
                    fi
                    IFS=$'\n'
                    COMPREPLY=($(compgen -f "${cur}"))
                    if [ -n "${oldifs+x}" ]; then
                        IFS="$oldifs"
                    fi
                    if [[ "${BASH_VERSINFO[0]}" -ge 4 ]]; then
                        compopt -o filenames
                    fi
                    return 0
                    ;;
                --max-concurrent)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --shutdown-grace)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --log-format)
                    COMPREPLY=($(compgen -W "text json" -- "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        wsdoctor__subcmd__watch)
            opts="-H -4 -6 -o -q -v -w -h -V --config --no-config --target --parallel --interval --runs --fail-on --min-cert-days --max-echo-rtt --max-first-message --max-attempts --allow-warning --require --dry-run --session --origin --header --subprotocol --timeout --connect-timeout --resolve --proxy --no-proxy --cacert --cert --key --ipv4 --ipv6 --insecure --http1-only --http2 --send --expect --count --hold --ping-interval --only --skip --health-path --diagnostics-path --echo-path --terminal-path --session-path --attempts --retry-delay --accept-silence --observe --deadline --all-addresses --cert-warn-days --browser --browser-path --redis-url --session-key --store-pings --store-slow --session-min-ttl --output --color --quiet --verbose --trace --trace-file --show-secrets --write-out --format --help --version"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 2 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --config)
                    local oldifs
                    if [ -n "${IFS+x}" ]; then
                        oldifs="$IFS"
                    fi
                    IFS=$'\n'
                    COMPREPLY=($(compgen -f "${cur}"))
                    if [ -n "${oldifs+x}" ]; then
                        IFS="$oldifs"
                    fi
                    if [[ "${BASH_VERSINFO[0]}" -ge 4 ]]; then
                        compopt -o filenames
                    fi
                    return 0
                    ;;
                --target)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --parallel)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --interval)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --runs)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --fail-on)
                    COMPREPLY=($(compgen -W "fail warn" -- "${cur}"))
                    return 0
                    ;;
                --min-cert-days)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --max-echo-rtt)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --max-first-message)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --max-attempts)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --allow-warning)
                    COMPREPLY=($(compgen -W "dns_not_found dns_failed offline tcp_refused tcp_timeout tcp_unreachable connection_reset tls_unknown_issuer tls_expired tls_not_yet_valid tls_name_mismatch tls_handshake tls_timeout tls_client_cert_required tls_client_cert_rejected http_timeout upgrade_redirected upgrade_not_forwarded upgrade_wrong_path upgrade_forbidden origin_rejected app_runner_upgrade_blocked proxy_no_upstream handshake_invalid handshake_timeout invalid_url invalid_request mixed_content abnormal_close idle_cut lifetime_cut no_route_after_open upgrade_unanswered proxy_upstream_timeout response_truncated response_too_large invalid_close_code protocol_violation response_malformed proxy_broken server_going_away session_invalid server_timeout client_timeout server_error echo_mismatch expect_not_met retries_exhausted health_status health_degraded health_invalid cors_origin_not_allowed cors_incomplete cert_days_below_minimum echo_rtt_above_maximum first_message_above_maximum attempts_above_maximum warning_not_allowed proxy_auth_required proxy_refused proxy_upstream_failed proxy_timeout store_unreachable store_tls store_auth_refused store_wrong_database store_not_ready store_slow store_disconnected session_expired_or_never_created session_expiring alpn_mismatch extended_connect_disabled h2_connect_refused h2_stream_reset h2_goaway internal_error browser_unavailable address_denied local_network_access origin_not_enforced origin_unknown mixed_content_loopback_only tls_unverified tls_expiring health_incomplete websocket_disabled echo_loss server_timeout_below_client cors_origin_not_listed terminal_silent store_evicts_sessions store_memory_full hold_shortened diagnostics_invalid echo_path_mismatch session_endpoint_unrecognized session_key_elsewhere browser_disagrees required_check_skipped" -- "${cur}"))
                    return 0
                    ;;
                --require)
                    COMPREPLY=($(compgen -W "target dns tcp tls health diagnostics cors echo session store terminal origin browser hold" -- "${cur}"))
                    return 0
                    ;;
                --session)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --origin)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --header)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                -H)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --subprotocol)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --timeout)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --connect-timeout)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --resolve)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --proxy)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --cacert)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --cert)
                    local oldifs
                    if [ -n "${IFS+x}" ]; then
                        oldifs="$IFS"
                    fi
                    IFS=$'\n'
                    COMPREPLY=($(compgen -f "${cur}"))
                    if [ -n "${oldifs+x}" ]; then
                        IFS="$oldifs"
                    fi
                    if [[ "${BASH_VERSINFO[0]}" -ge 4 ]]; then
                        compopt -o filenames
                    fi
                    return 0
                    ;;
                --key)
                    local oldifs
                    if [ -n "${IFS+x}" ]; then
                        oldifs="$IFS"
                    fi
                    IFS=$'\n'
                    COMPREPLY=($(compgen -f "${cur}"))
                    if [ -n "${oldifs+x}" ]; then
                        IFS="$oldifs"
                    fi
                    if [[ "${BASH_VERSINFO[0]}" -ge 4 ]]; then
                        compopt -o filenames
                    fi
                    return 0
                    ;;
                --send)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --expect)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --count)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --hold)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --ping-interval)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --only)
                    COMPREPLY=($(compgen -W "target dns tcp tls health diagnostics cors echo session store terminal origin browser hold" -- "${cur}"))
                    return 0
                    ;;
                --skip)
                    COMPREPLY=($(compgen -W "target dns tcp tls health diagnostics cors echo session store terminal origin browser hold" -- "${cur}"))
                    return 0
                    ;;
                --health-path)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --diagnostics-path)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --echo-path)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --terminal-path)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --session-path)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --attempts)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --retry-delay)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --accept-silence)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --observe)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --deadline)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --cert-warn-days)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --browser-path)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --redis-url)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --session-key)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --store-pings)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --store-slow)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --session-min-ttl)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --output)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                -o)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --color)
                    COMPREPLY=($(compgen -W "auto always never" -- "${cur}"))
                    return 0
                    ;;
                --trace-file)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --write-out)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                -w)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --format)
                    COMPREPLY=($(compgen -W "human ndjson" -- "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
    esac
}

if [[ "${BASH_VERSINFO[0]}" -eq 4 && "${BASH_VERSINFO[1]}" -ge 4 || "${BASH_VERSINFO[0]}" -gt 4 ]]; then
    complete -F _wsdoctor -o nosort -o bashdefault -o default wsdoctor
else
    complete -F _wsdoctor -o bashdefault -o default wsdoctor
fi
