//! `wsdoctor --version` in its long form, as `rg --version` and `curl -V` print it: enough to
//! reproduce a bug report without asking.

/// The long version text.
pub(crate) fn long() -> String {
    let features: Vec<&str> = [
        ("lab", cfg!(feature = "lab")),
        ("browser", cfg!(feature = "browser")),
    ]
    .iter()
    .filter(|(_, on)| *on)
    .map(|(name, _)| *name)
    .collect();
    format!(
        "{version}\ncommit:   {commit}\nbuilt:    {date} ({profile})\ntarget:   {target}\nTLS:      rustls {rustls} (ring), verification with the system store + webpki roots\nfeatures: {features}\nreport:   wsdoctor.report.v1, events wsdoctor.events.v1",
        version = env!("CARGO_PKG_VERSION"),
        commit = env!("WSDOCTOR_GIT_COMMIT"),
        date = env!("WSDOCTOR_BUILD_DATE"),
        profile = env!("WSDOCTOR_PROFILE"),
        target = env!("WSDOCTOR_TARGET"),
        rustls = env!("WSDOCTOR_RUSTLS_VERSION"),
        features = if features.is_empty() { "none".to_string() } else { features.join(", ") },
    )
}
