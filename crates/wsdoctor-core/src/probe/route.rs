//! Whether this machine has a network path at all: without a non-loopback route, a failure says
//! nothing about the target. A probe of its own, so that classification stays a pure function.

/// Whether any non-loopback route exists (Linux's routing tables; elsewhere assumed true and the
/// error is left to speak). Reads `/proc` on a blocking thread, never on a runtime worker.
pub(crate) async fn has_network_route() -> bool {
    tokio::task::spawn_blocking(read_routes)
        .await
        .unwrap_or(true)
}

fn read_routes() -> bool {
    let routes = |path: &str, iface_column: usize| -> Option<bool> {
        let text = std::fs::read_to_string(path).ok()?;
        Some(text.lines().any(|line| {
            let cols: Vec<&str> = line.split_whitespace().collect();
            cols.get(iface_column)
                .is_some_and(|iface| *iface != "lo" && *iface != "Iface")
        }))
    };
    match (
        routes("/proc/net/route", 0),
        routes("/proc/net/ipv6_route", 9),
    ) {
        (None, None) => true,
        (v4, v6) => v4.unwrap_or(false) || v6.unwrap_or(false),
    }
}
