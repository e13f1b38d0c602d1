//! What the socket checks (echo, terminal, origin, hold) share, one concern a file: the roads a
//! socket takes and their comparison, opening a socket as a browser would, the web client's bounded
//! retries, the Origin probes, the sockets' URLs and how a socket ended. The checks use these
//! names from here.

pub(crate) mod close;
pub(crate) mod compare;
pub(crate) mod connect;
pub(crate) mod endpoints;
pub(crate) mod open;
pub(crate) mod origin_probe;
pub(crate) mod retry;
pub(crate) mod road_run;
pub(crate) mod roads;

pub(crate) use close::{close_code, ending_evidence, is_error_message, CLOSE_WAIT};
pub(crate) use compare::{compare, Compared};
pub(crate) use connect::{connect, upgrade_headers, NotOpened};
pub(crate) use endpoints::{echo_socket, terminal_socket, validate_url};
pub(crate) use open::{open, record_http2};
pub(crate) use retry::AttemptFailure;
pub(crate) use road_run::{run_road, RoadRun, Summarised};
pub(crate) use roads::{echo_road, roads};
pub(crate) use wsdoctor_model::evidence::Road;
