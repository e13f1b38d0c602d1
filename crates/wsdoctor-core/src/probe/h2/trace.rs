//! HTTP/2 requests and responses for the trace: their HEADERS, decoded.

use crate::trace::Trace;
use http::{HeaderMap, Request, StatusCode};

/// An HTTP/2 request's HEADERS for the trace: its pseudo-headers, then its fields.
pub(crate) fn trace_request<B>(trace: &Trace, request: &Request<B>) {
    if !trace.is_on() {
        return;
    }
    let uri = request.uri();
    let mut fields: Vec<(String, Vec<u8>)> = vec![
        (
            ":method".into(),
            request.method().as_str().as_bytes().to_vec(),
        ),
        (
            ":scheme".into(),
            uri.scheme_str().unwrap_or("https").as_bytes().to_vec(),
        ),
        (
            ":authority".into(),
            uri.authority()
                .map(|a| a.as_str().as_bytes().to_vec())
                .unwrap_or_default(),
        ),
        (
            ":path".into(),
            uri.path_and_query()
                .map_or("/", |pq| pq.as_str())
                .as_bytes()
                .to_vec(),
        ),
    ];
    if let Some(protocol) = request.extensions().get::<hyper::ext::Protocol>() {
        fields.insert(
            1,
            (":protocol".into(), protocol.as_str().as_bytes().to_vec()),
        );
    }
    for (name, value) in request.headers() {
        fields.push((name.as_str().to_string(), value.as_bytes().to_vec()));
    }
    trace.head(
        wsdoctor_model::WireDir::Send,
        wsdoctor_model::WireLayer::H2,
        "request HEADERS, decoded:",
        fields.iter().map(|(n, v)| (n.as_str(), v.as_slice())),
    );
}

/// An HTTP/2 response's HEADERS for the trace: `:status`, then its fields.
pub(crate) fn trace_response(trace: &Trace, status: StatusCode, headers: &HeaderMap) {
    let status = status.as_u16().to_string();
    trace.head(
        wsdoctor_model::WireDir::Recv,
        wsdoctor_model::WireLayer::H2,
        &format!(":status {status}"),
        headers.iter().map(|(n, v)| (n.as_str(), v.as_bytes())),
    );
}
