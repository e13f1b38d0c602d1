//! The facts any check may gather: the request, the connection, an HTTP answer, a socket's
//! ending.

use super::roads::{Http2Frames, RoadReport};
use super::tls::{CertInfo, CertificateProblem};
use crate::codes::{Cause, Code};
use serde::Serialize;
use std::collections::BTreeMap;

/// Facts any check may gather: the request, the connection, an HTTP answer, a socket's ending.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Common {
    /// The URL a socket was opened to.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// The HTTP request line sent (`GET /health`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request: Option<String>,
    /// How the connection was made (direct or through a proxy, reused from the tcp/tls check).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub connection: Option<String>,
    /// The address that answered.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub peer: Option<String>,
    /// Addresses tried before the one that answered, with their errors.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub earlier_failures: Vec<AddressError>,
    /// The proxy the connection went through.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub proxy: Option<String>,
    /// Every address tried when none answered.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub tried: Vec<AddressError>,
    /// The operating system's (or a library's) error.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub os_error: Option<String>,
    /// Whether this machine had any non-loopback route when a connection failed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub network_route: Option<bool>,
    /// Why certificate verification failed, in words (the same as [`CertificateProblem::describe`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub certificate_error: Option<String>,
    /// Why certificate verification failed, as fields: dates, names, what was expected.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub certificate_problem: Option<CertificateProblem>,
    /// The chain the server presented, leaf first.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub chain: Option<Vec<CertInfo>>,
    /// The HTTP status line received.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status_line: Option<String>,
    /// The response headers that matter (fingerprints, redirects, the upgrade's own).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub headers: Option<BTreeMap<String, String>>,
    /// At most 512 bytes of the response body.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub body_excerpt: Option<String>,
    /// Redirects met on the way, followed or not.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub redirects: Vec<Redirect>,
    /// The close code the socket ended with (1006 when it ended without a close frame).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub close_code: Option<u16>,
    /// The reason in the close frame.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub close_reason: Option<String>,
    /// The close code the server really sent, when a browser shows another (a forbidden code it
    /// replaces with 1006).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub close_code_sent: Option<u16>,
    /// The subprotocol the server chose.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subprotocol: Option<String>,
    /// The last message the server sent before the socket ended.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_server_message: Option<String>,
    /// The server's answer to the echo message.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reply: Option<String>,
    /// Whether the same upgrade without our Origin was accepted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub accepted_without_origin: Option<bool>,
    /// The cause behind a wrapper such as MAX_RETRIES_EXCEEDED.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub underlying: Option<Underlying>,
    /// The HTTP version a request or a socket used (`HTTP/1.1`, `HTTP/2`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub http_version: Option<String>,
    /// What the server's HTTP/2 frames said on the socket's connection.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub http2: Option<Http2Frames>,
    /// The roads to the socket that were tried and how each fared, when there was a choice.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub roads: Vec<RoadReport>,
}

impl Common {
    /// Takes every fact `other` has, keeping ours where it has none.
    pub fn absorb(&mut self, other: Common) {
        // Destructured so that a new field cannot be forgotten here.
        let Common {
            url,
            request,
            connection,
            peer,
            earlier_failures,
            proxy,
            tried,
            os_error,
            network_route,
            certificate_error,
            certificate_problem,
            chain,
            status_line,
            headers,
            body_excerpt,
            redirects,
            close_code,
            close_reason,
            close_code_sent,
            subprotocol,
            last_server_message,
            reply,
            accepted_without_origin,
            underlying,
            http_version,
            http2,
            roads,
        } = other;
        fn take<T>(into: &mut Option<T>, from: Option<T>) {
            if from.is_some() {
                *into = from;
            }
        }
        fn take_all<T>(into: &mut Vec<T>, from: Vec<T>) {
            if !from.is_empty() {
                *into = from;
            }
        }
        take(&mut self.url, url);
        take(&mut self.request, request);
        take(&mut self.connection, connection);
        take(&mut self.peer, peer);
        take_all(&mut self.earlier_failures, earlier_failures);
        take(&mut self.proxy, proxy);
        take_all(&mut self.tried, tried);
        take(&mut self.os_error, os_error);
        take(&mut self.network_route, network_route);
        take(&mut self.certificate_error, certificate_error);
        take(&mut self.certificate_problem, certificate_problem);
        take(&mut self.chain, chain);
        take(&mut self.status_line, status_line);
        take(&mut self.headers, headers);
        take(&mut self.body_excerpt, body_excerpt);
        take_all(&mut self.redirects, redirects);
        take(&mut self.close_code, close_code);
        take(&mut self.close_reason, close_reason);
        take(&mut self.close_code_sent, close_code_sent);
        take(&mut self.subprotocol, subprotocol);
        take(&mut self.last_server_message, last_server_message);
        take(&mut self.reply, reply);
        take(&mut self.accepted_without_origin, accepted_without_origin);
        take(&mut self.underlying, underlying);
        take(&mut self.http_version, http_version);
        take(&mut self.http2, http2);
        take_all(&mut self.roads, roads);
    }
}

/// An address and why connecting to it failed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AddressError {
    /// `ip:port`.
    pub address: String,
    /// What the OS said.
    pub error: String,
}

/// A redirect met by an HTTP check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Redirect {
    /// The 3xx status.
    pub status: u16,
    /// Where it pointed.
    pub location: String,
    /// Whether the check followed it.
    pub followed: bool,
    /// Why it was not followed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// The cause behind a wrapper code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Underlying {
    /// Its code.
    pub code: Code,
    /// Its cause.
    pub cause: Cause,
    /// What happened.
    pub message: String,
}
