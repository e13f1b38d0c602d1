//! The browser check's browser: a headless Chromium, started for one run with a fresh profile and
//! driven over the DevTools protocol (chromiumoxide), that opens a blank page on the frontend
//! origin and runs the web client's requests from it. It observes and records; the comparison
//! with the command line is [`crate::diagnose::browser`]'s.
//!
//! The frontend site is never needed: the page's navigation is intercepted (the Fetch domain) and
//! answered with a blank document, so `location.origin` is the real frontend origin and the
//! browser applies mixed content, CORS, Origin and cookie rules exactly as for the real page.
//!
//! The process is ours from spawn to exit: dropping [`Chromium`](process::Chromium) kills it and
//! removes its profile, so no browser outlives its check, whatever ended it (an error, the
//! deadline, Ctrl-C).
//!
//! One concern a file: the [`plan`] and what comes back, the [`drive`]r, the DevTools event
//! [`journal`], the [`merge`] of the page's account with DevTools', and the browser [`process`].

pub(crate) mod drive;
pub(crate) mod journal;
pub(crate) mod merge;
pub(crate) mod plan;
pub(crate) mod process;

pub(crate) use drive::run;
pub(crate) use plan::{HealthPlan, Launch, PagePlan, SocketPlan};
